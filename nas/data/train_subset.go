package data

import "fmt"

// pickFunc chooses, given the number n of training images of a data set, the
// indices (in [0, n), in the order wanted, repeats allowed) of those to load.
type pickFunc = func(n int) ([]int, error)

// LoadNormalizedTrainSubset reads, of the image data set called name (see
// [LoadNormalized] for name and path), only the training images that pick
// chooses: pick is called with the number of training images and returns their
// indices in the training set LoadNormalized would return. The result is the
// normalised Dataset of exactly those images in that order, bit for bit what
// LoadNormalized followed by Subset gives, with the same checks and errors for
// the images it reads.
//
// For an image folder (a directory or a .tar.gz of JPEG/PNG files, the shared
// CIFAR-10 archive among them) the other images are listed but never decoded,
// which saves most of the time and memory when few are chosen. The CIFAR-10
// binary release and the MNIST IDX files are loaded whole, then subset.
func LoadNormalizedTrainSubset(name, path string, pick func(n int) ([]int, error)) (*Dataset, error) {
	if pick == nil {
		return nil, fmt.Errorf("data: LoadNormalizedTrainSubset(%q): nil pick", name)
	}
	train, _, err := loadNormalized(name, path, pick)
	return train, err
}

// pickIndices calls pick for n training images of the data set src and checks
// the indices it returns.
func pickIndices(src string, n int, pick pickFunc) ([]int, error) {
	idx, err := pick(n)
	if err != nil {
		return nil, fmt.Errorf("data: %s: choosing training images: %w", src, err)
	}
	for _, i := range idx {
		if i < 0 || i >= n {
			return nil, fmt.Errorf("data: %s: chosen training image %d out of range [0,%d)", src, i, n)
		}
	}
	return idx, nil
}

// picked wraps the results of an eager load: with a pick, train becomes the
// subset pick chooses and test is dropped; without one they are kept.
func picked(pick pickFunc) func(train, test *Dataset, err error) (*Dataset, *Dataset, error) {
	return func(train, test *Dataset, err error) (*Dataset, *Dataset, error) {
		if err != nil || pick == nil {
			return train, test, err
		}
		idx, err := pickIndices(train.Name, train.Len(), pick)
		if err != nil {
			return nil, nil, err
		}
		sub, err := train.Subset(idx)
		return sub, nil, err
	}
}
