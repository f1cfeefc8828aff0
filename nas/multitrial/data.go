package multitrial

import (
	"slices"
	"sync"

	"github.com/gonas/gonas/nas/data"
	"github.com/pkg/errors"
)

// splits are the images one recipe reads.
type splits struct {
	train, valid, test *data.Dataset // valid is nil without a hold-out, test without Test
}

// A process cuts each split once, whatever the number of trials and workers:
// splits are cached by what decides them. Only the images a split uses are
// decoded (data.LoadNormalizedSubsets), and no whole data set stays in memory:
// keeping CIFAR-10's 60,000 images as float32 (0.74 GB) for the life of a search
// or worker process was most of what a search held besides its children. A
// failed load is not cached: the next trial reads the data again.
var (
	cacheMu    sync.Mutex
	splitCache = map[splitKey]*onceValue[*splits]{}
)

type splitKey struct {
	data, path             string
	seed                   uint64
	valid, train, testSize int
	test                   bool
}

// onceValue computes a value once it succeeds: an error is not kept, so the next
// call tries again (data that were missing or corrupt may have been fixed since).
// Calls wait for each other.
type onceValue[T any] struct {
	mu   sync.Mutex
	done bool
	v    T
}

func (o *onceValue[T]) get(f func() (T, error)) (T, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.done {
		return o.v, nil
	}
	v, err := f()
	if err != nil {
		var zero T
		return zero, err
	}
	o.v, o.done = v, true
	return v, nil
}

func cached[K comparable, T any](m map[K]*onceValue[T], k K) *onceValue[T] {
	cacheMu.Lock()
	defer cacheMu.Unlock()
	o, ok := m[k]
	if !ok {
		o = &onceValue[T]{}
		m[k] = o
	}
	return o
}

// loadSplits returns the recipe's images: ValidSize training images held out at
// random (seeded by DataSeed), TrainSize of the rest, and TestSize test images
// when the recipe tests; subsets are drawn at random (seeded by DataSeed), since
// the data sets may be stored sorted by class.
func loadSplits(r *Recipe) (*splits, error) {
	key := splitKey{data: r.Data, path: r.DataPath, seed: r.DataSeed, valid: r.ValidSize, train: r.TrainSize, test: r.Test}
	if r.Test {
		key.testSize = r.TestSize
	}
	return cached(splitCache, key).get(func() (*splits, error) {
		var nTrain int
		trainPick := func(n int) ([]int, error) { // the training images, then the held-out ones
			ti, vi, err := data.SplitIndices(n, r.ValidSize, r.DataSeed)
			if err != nil {
				return nil, err
			}
			chosen := pick(ti, r.TrainSize, r.DataSeed^trainSalt)
			nTrain = len(chosen)
			return append(slices.Clip(chosen), vi...), nil
		}
		var testPick func(n int) ([]int, error)
		if r.Test {
			testPick = func(n int) ([]int, error) { return pick(positions(0, n), r.TestSize, r.DataSeed^testSalt), nil }
		}
		both, test, err := data.LoadNormalizedSubsets(r.Data, r.DataPath, trainPick, testPick)
		if err != nil {
			return nil, errors.WithMessagef(err, "loading %s", r.Data)
		}
		s := &splits{test: test}
		if s.train, err = both.Subset(positions(0, nTrain)); err != nil {
			return nil, err
		}
		if both.Len() > nTrain {
			if s.valid, err = both.Subset(positions(nTrain, both.Len())); err != nil {
				return nil, err
			}
		}
		return s, nil
	})
}

// positions are the integers from start up to (not including) end.
func positions(start, end int) []int {
	out := make([]int, end-start)
	for i := range out {
		out[i] = start + i
	}
	return out
}

// Salts of the subset draws.
const (
	trainSalt = 0x7a1
	testSalt  = 0x7e57
)

// pick returns n of indices drawn at random with seed, in their order (all of
// them when n is 0 or not smaller than len(indices)).
func pick(indices []int, n int, seed uint64) []int {
	if n <= 0 || n >= len(indices) {
		return indices
	}
	chosen := data.NewRand(seed).Perm(len(indices))[:n]
	slices.Sort(chosen)
	out := make([]int, n)
	for k, i := range chosen {
		out[k] = indices[i]
	}
	return out
}
