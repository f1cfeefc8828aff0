package data

import "fmt"

// pickFunc chooses, given the number n of images of one split of a data set,
// the indices (in [0, n), in the order wanted, repeats allowed) of those to
// load.
type pickFunc = func(n int) ([]int, error)

// selection chooses which images of each split an image loader materialises. A
// nil *selection keeps every image of both splits (the eager load); otherwise
// train and test choose the images of their split, and a nil pick drops its
// split (the loader returns nil for it).
type selection struct{ train, test pickFunc }

// splitWords name the splits (splitTrain, splitTest) in messages.
var splitWords = [2]string{"training", "test"}

// pick is the pickFunc of split s (splitTrain or splitTest).
func (sel *selection) pick(s int) pickFunc {
	if s == splitTrain {
		return sel.train
	}
	return sel.test
}

// pickIndices calls pick for the n images of split s of the data set src and
// checks the indices it returns.
func pickIndices(src string, s, n int, pick pickFunc) ([]int, error) {
	idx, err := pick(n)
	if err != nil {
		return nil, fmt.Errorf("data: %s: choosing %s images: %w", src, splitWords[s], err)
	}
	for _, i := range idx {
		if i < 0 || i >= n {
			return nil, fmt.Errorf("data: %s: chosen %s image %d out of range [0,%d)", src, splitWords[s], i, n)
		}
	}
	return idx, nil
}

// picked wraps the results of an eager load: with a selection, train and test
// become the subsets it chooses (nil for a split it drops); without one they
// are kept.
func picked(sel *selection) func(train, test *Dataset, err error) (*Dataset, *Dataset, error) {
	return func(train, test *Dataset, err error) (*Dataset, *Dataset, error) {
		if err != nil || sel == nil {
			return train, test, err
		}
		var out [2]*Dataset
		for s, ds := range [2]*Dataset{train, test} {
			pick := sel.pick(s)
			if pick == nil {
				continue
			}
			idx, err := pickIndices(ds.Name, s, ds.Len(), pick)
			if err != nil {
				return nil, nil, err
			}
			if out[s], err = ds.Subset(idx); err != nil {
				return nil, nil, err
			}
		}
		return out[splitTrain], out[splitTest], nil
	}
}
