package data

import (
	"fmt"
	"iter"
	"math/rand/v2"
)

// NumBatches returns how many minibatches of batchSize one epoch over n
// examples has: n/batchSize when dropLast, else rounded up.
func NumBatches(n, batchSize int, dropLast bool) int {
	if batchSize <= 0 {
		return 0
	}
	if dropLast {
		return n / batchSize
	}
	return (n + batchSize - 1) / batchSize
}

// Minibatches yields the example indices of one epoch over 0 … n-1 in
// minibatches of batchSize: in a random order drawn from rng, or in order
// if rng is nil. With dropLast, a final batch smaller than batchSize is
// skipped; otherwise it is yielded. The yielded slice is only valid until
// the next iteration (it is a view of one permutation made per epoch).
func Minibatches(n, batchSize int, dropLast bool, rng *rand.Rand) iter.Seq[[]int] {
	return func(yield func([]int) bool) {
		if batchSize <= 0 || n <= 0 {
			return
		}
		var order []int
		if rng != nil {
			order = rng.Perm(n)
		} else {
			order = make([]int, n)
			for i := range order {
				order[i] = i
			}
		}
		for start := 0; start < n; start += batchSize {
			end := min(start+batchSize, n)
			if dropLast && end-start < batchSize {
				return
			}
			if !yield(order[start:end:end]) {
				return
			}
		}
	}
}

// Loader serves epochs of minibatches of a Dataset, optionally shuffled and
// augmented, into one reused Batch.
type Loader struct {
	Dataset   *Dataset
	BatchSize int
	DropLast  bool          // skip a final batch smaller than BatchSize
	Rand      *rand.Rand    // shuffles each epoch and drives Augment; nil: in order
	Augment   *Augmentation // applied to every batch if non-nil (training only)

	batch *Batch
}

// Epoch checks the loader's settings and returns an iterator over one
// epoch's batches. The same *Batch is yielded each time, refilled: copy
// what must outlive the iteration.
func (l *Loader) Epoch() (iter.Seq[*Batch], error) {
	if l.Dataset == nil || l.BatchSize <= 0 {
		return nil, fmt.Errorf("data: Loader needs a Dataset and a BatchSize > 0 (got %d)", l.BatchSize)
	}
	if err := l.Dataset.Validate(); err != nil {
		return nil, err
	}
	if l.Augment != nil {
		if l.Rand == nil {
			return nil, fmt.Errorf("data: Loader for %q: Augment needs Rand", l.Dataset.Name)
		}
		if err := l.Augment.check(); err != nil {
			return nil, err
		}
	}
	if l.batch == nil {
		l.batch = l.Dataset.NewBatch(l.BatchSize)
	}
	return func(yield func(*Batch) bool) {
		for indices := range Minibatches(l.Dataset.Len(), l.BatchSize, l.DropLast, l.Rand) {
			// Indices come from Minibatches and the settings were checked,
			// so filling cannot fail.
			if l.Augment != nil {
				_ = l.Augment.Batch(l.Dataset, indices, l.batch, l.Rand)
			} else {
				_ = l.Dataset.Batch(indices, l.batch)
			}
			if !yield(l.batch) {
				return
			}
		}
	}, nil
}
