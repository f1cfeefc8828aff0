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

// A process loads each data set once and cuts each split once, whatever the number
// of trials and workers: loads and cuts are cached by what decides them. A failed
// load is not cached: the next trial reads the data again.
var (
	cacheMu    sync.Mutex
	baseCache  = map[[2]string]*onceValue[[2]*data.Dataset]{}
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
		base, err := cached(baseCache, [2]string{r.Data, r.DataPath}).get(func() ([2]*data.Dataset, error) {
			train, test, err := data.LoadNormalized(r.Data, r.DataPath)
			return [2]*data.Dataset{train, test}, err
		})
		if err != nil {
			return nil, errors.WithMessagef(err, "loading %s", r.Data)
		}
		train, test := base[0], base[1]
		ti, vi, err := data.SplitIndices(train.Len(), r.ValidSize, r.DataSeed)
		if err != nil {
			return nil, errors.WithMessagef(err, "%s", r.Data)
		}
		s := &splits{}
		if s.train, err = train.Subset(pick(ti, r.TrainSize, r.DataSeed^trainSalt)); err != nil {
			return nil, err
		}
		if len(vi) > 0 {
			if s.valid, err = train.Subset(vi); err != nil {
				return nil, err
			}
		}
		if r.Test {
			all := make([]int, test.Len())
			for i := range all {
				all[i] = i
			}
			if s.test, err = test.Subset(pick(all, r.TestSize, r.DataSeed^testSalt)); err != nil {
				return nil, err
			}
		}
		return s, nil
	})
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
