package data

import "fmt"

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
// which saves most of the time and memory when few are chosen; the MNIST IDX
// files are read whole but only the chosen images converted to float32. The
// CIFAR-10 binary release is loaded whole, then subset.
func LoadNormalizedTrainSubset(name, path string, pick func(n int) ([]int, error)) (*Dataset, error) {
	if pick == nil {
		return nil, fmt.Errorf("data: LoadNormalizedTrainSubset(%q): nil pick", name)
	}
	train, _, err := loadNormalized(name, path, &selection{train: pick})
	return train, err
}

// LoadNormalizedSubsets is LoadNormalizedTrainSubset for both splits: trainPick
// and testPick choose, given the number of images of their split, the indices
// of those to read (in the order wanted), and a nil pick leaves its split out
// (nil Dataset). Each result is bit for bit what LoadNormalized followed by
// Subset gives.
func LoadNormalizedSubsets(name, path string, trainPick, testPick func(n int) ([]int, error)) (train, test *Dataset, err error) {
	if trainPick == nil && testPick == nil {
		return nil, nil, fmt.Errorf("data: LoadNormalizedSubsets(%q): no split chosen", name)
	}
	return loadNormalized(name, path, &selection{train: trainPick, test: testPick})
}
