package data

import (
	"fmt"
	"math/rand/v2"
	"slices"
)

// NewRand returns a math/rand/v2 generator seeded deterministically by seed
// (PCG). Every seeded operation in this package takes such a *rand.Rand.
func NewRand(seed uint64) *rand.Rand {
	return rand.New(rand.NewPCG(seed, 0x9e3779b97f4a7c15))
}

// SplitIndices picks nValid of the indices 0 … n-1 at random (seeded) for
// validation and leaves the rest for training. Both lists are sorted, so the
// split keeps the original order; together they cover 0 … n-1 exactly once.
func SplitIndices(n, nValid int, seed uint64) (train, valid []int, err error) {
	if nValid < 0 || nValid > n {
		return nil, nil, fmt.Errorf("data: cannot carve %d validation examples out of %d", nValid, n)
	}
	perm := NewRand(seed).Perm(n)
	valid = slices.Clone(perm[:nValid])
	train = slices.Clone(perm[nValid:])
	slices.Sort(valid)
	slices.Sort(train)
	return train, valid, nil
}

// SplitValidation carves nValid images, chosen at random with the given
// seed, out of ds into a validation set, as ENAS does with 5,000 of the
// 50,000 CIFAR-10 training images [6]. The result is deterministic for a
// seed; both parts keep ds's order and are copies (ds may be dropped).
func SplitValidation(ds *Dataset, nValid int, seed uint64) (train, valid *Dataset, err error) {
	ti, vi, err := SplitIndices(ds.Len(), nValid, seed)
	if err != nil {
		return nil, nil, fmt.Errorf("data: splitting %q: %w", ds.Name, err)
	}
	if train, err = ds.Subset(ti); err != nil {
		return nil, nil, err
	}
	if valid, err = ds.Subset(vi); err != nil {
		return nil, nil, err
	}
	train.Name, valid.Name = ds.Name+"-train", ds.Name+"-valid"
	return train, valid, nil
}

// Shuffle reorders ds's images and labels in place with rng.
func Shuffle(ds *Dataset, rng *rand.Rand) {
	sz := ds.ImageSize()
	tmp := make([]float32, sz)
	rng.Shuffle(ds.Len(), func(i, j int) {
		a, b := ds.Images[i*sz:(i+1)*sz], ds.Images[j*sz:(j+1)*sz]
		copy(tmp, a)
		copy(a, b)
		copy(b, tmp)
		ds.Labels[i], ds.Labels[j] = ds.Labels[j], ds.Labels[i]
	})
}
