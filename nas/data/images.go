package data

import (
	"fmt"
	"path/filepath"
)

// ImageSets are the image data sets LoadNormalized reads.
var ImageSets = []string{"cifar10", "mnist", "fashion-mnist"}

// LoadNormalized reads the image data set called name ("cifar10", "mnist" or
// "fashion-mnist") and normalises both splits with the data set's channel
// statistics. path is where to read it (for cifar10 anything LoadCIFAR10 reads;
// for the MNISTs a directory of idx files); empty means the usual place:
// cifar10-jpg.tar.gz in SharedDataDir, MNISTDir, FashionMNISTDir.
func LoadNormalized(name, path string) (train, test *Dataset, err error) {
	return loadNormalized(name, path, nil)
}

// loadNormalized is LoadNormalized, or with a selection, only the images it
// chooses (a split it drops is nil).
func loadNormalized(name, path string, sel *selection) (train, test *Dataset, err error) {
	mean, std, err := Normalization(name)
	if err != nil {
		return nil, nil, err
	}
	switch name {
	case "cifar10":
		if path == "" {
			dir, err := SharedDataDir()
			if err != nil {
				return nil, nil, err
			}
			path = filepath.Join(dir, "cifar10-jpg.tar.gz")
		}
		train, test, err = loadCIFAR10(path, sel)
	case "mnist", "fashion-mnist":
		classes, locate := MNISTClassNames, MNISTDir
		if name == "fashion-mnist" {
			classes, locate = FashionMNISTClassNames, FashionMNISTDir
		}
		if path == "" {
			if path, err = locate(); err != nil {
				return nil, nil, err
			}
		}
		train, test, err = loadIDXDir(path, name, classes, sel)
	}
	if err != nil {
		return nil, nil, err
	}
	for _, ds := range []*Dataset{train, test} {
		if ds == nil {
			continue // a split the selection dropped
		}
		if err := Normalize(ds, mean, std); err != nil {
			return nil, nil, err
		}
	}
	return train, test, nil
}

// Normalization is the per-channel mean and standard deviation LoadNormalized
// normalises the image data set called name with: x ← (x − mean) / std, for
// pixels in [0, 1].
func Normalization(name string) (mean, std []float32, err error) {
	switch name {
	case "cifar10":
		return CIFAR10Mean, CIFAR10Std, nil
	case "mnist":
		return MNISTMean, MNISTStd, nil
	case "fashion-mnist":
		return FashionMNISTMean, FashionMNISTStd, nil
	}
	return nil, nil, fmt.Errorf("data: unknown image data set %q (have %v)", name, ImageSets)
}

// First returns the first n images of ds (ds itself when n is 0 or not smaller
// than ds.Len()).
func First(ds *Dataset, n int) (*Dataset, error) {
	if n <= 0 || n >= ds.Len() {
		return ds, nil
	}
	idx := make([]int, n)
	for i := range idx {
		idx[i] = i
	}
	return ds.Subset(idx)
}
