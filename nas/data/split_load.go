package data

// SplitPlan says how LoadNormalizedSplits cuts an image data set into the
// training, validation and test sets of a search.
type SplitPlan struct {
	ValidSize int    // training images carved out for validation, chosen with Seed as SplitValidation does
	Seed      uint64 // the seed of that choice
	TrainSize int    // the first TrainSize of the remaining training images are kept (0: all)
	TestSize  int    // the first TestSize test images are kept (0: all)
	// HalfForValid carves out half of the training images (n/2 of n, rounded
	// down) instead of ValidSize, as NAS-Bench-201's split does; DropTest leaves
	// the test set out (nil), none of its images read.
	HalfForValid bool
	DropTest     bool
}

// LoadNormalizedSplits reads the image data set called name (see
// [LoadNormalized] for name and path) cut as plan says, and materialises only
// the images kept: the result is bit for bit, names included, what
// LoadNormalized, then SplitValidation(train, plan.ValidSize, plan.Seed), then
// First of the training part (plan.TrainSize) and of the test set
// (plan.TestSize) give, with the same checks of the files, but without holding
// every image in float32 on the way (a few percent of MNIST's 60,000 for the
// ENAS short preset). train and valid share one array of pixels.
func LoadNormalizedSplits(name, path string, plan SplitPlan) (train, valid, test *Dataset, err error) {
	nTrain := 0 // training images first, then the validation images
	sel := &selection{
		train: func(n int) ([]int, error) {
			nValid := plan.ValidSize
			if plan.HalfForValid {
				nValid = n / 2
			}
			ti, vi, err := SplitIndices(n, nValid, plan.Seed)
			if err != nil {
				return nil, err
			}
			if plan.TrainSize > 0 && plan.TrainSize < len(ti) {
				ti = ti[:plan.TrainSize]
			}
			nTrain = len(ti)
			return append(append(make([]int, 0, len(ti)+len(vi)), ti...), vi...), nil
		},
		test: func(n int) ([]int, error) {
			if plan.TestSize > 0 && plan.TestSize < n {
				n = plan.TestSize
			}
			idx := make([]int, n)
			for i := range idx {
				idx[i] = i
			}
			return idx, nil
		},
	}
	if plan.DropTest {
		sel.test = nil
	}
	both, test, err := loadNormalized(name, path, sel)
	if err != nil {
		return nil, nil, nil, err
	}
	train, valid = both.slice(0, nTrain), both.slice(nTrain, both.Len())
	train.Name, valid.Name = both.Name+"-train", both.Name+"-valid"
	return train, valid, test, nil
}

// slice is the dataset of images lo … hi-1 of d, sharing d's arrays (capped, so
// that appending to one slice never writes into another).
func (d *Dataset) slice(lo, hi int) *Dataset {
	sz := d.ImageSize()
	out := *d
	out.Images = d.Images[lo*sz : hi*sz : hi*sz]
	out.Labels = d.Labels[lo:hi:hi]
	return &out
}
