package nb201search

import (
	"math/rand/v2"

	"github.com/gomlx/gomlx/core/tensors"
	"github.com/gonas/gonas/nas/data"
	"github.com/gonas/gonas/nas/rng"
	"github.com/pkg/errors"
)

// nb201SplitSeed fixes NB201's split of the CIFAR-10 training images into a train
// half and a valid half [1] (the benchmark's cifar10-valid setting): the same
// halves for every run and seed, so the valid half's images never train a weight.
const nb201SplitSeed = 201

// Data are the images of a search: Train (from the train half) trains the shared
// weights; Valid (the valid half) gives the controller's rewards; Score (random
// ScoreImages of the valid half) is the fixed subset every architecture is scored on.
type Data struct {
	Train, Valid, Score *data.Dataset
}

// LoadData reads CIFAR-10 from dir (empty: cifar10-jpg.tar.gz in the shared data
// dir), normalised, splits its training images into NB201's halves, keeps
// cfg.TrainImages random images of the train half (0: all 25,000) and draws the
// scoring subset, cfg.ScoreImages random images of the valid half (the same for
// every run).
func LoadData(cfg *Config, path string) (*Data, error) {
	train, _, err := data.LoadNormalized(cfg.Data, path)
	if err != nil {
		return nil, err
	}
	return SplitData(cfg, train)
}

// SplitData makes a search's Data from the normalised training images of a data set.
func SplitData(cfg *Config, train *data.Dataset) (*Data, error) {
	half, valid, err := data.SplitValidation(train, train.Len()/2, nb201SplitSeed)
	if err != nil {
		return nil, err
	}
	d := &Data{Valid: valid}
	if d.Train, err = sample(half, cfg.TrainImages, nb201SplitSeed+1); err != nil {
		return nil, err
	}
	if d.Score, err = sample(valid, cfg.ScoreImages, nb201SplitSeed+2); err != nil {
		return nil, err
	}
	if d.Train.Len() < cfg.BatchSize || d.Score.Len() < cfg.ScoreImages || d.Valid.Len() < cfg.BatchSize {
		return nil, errors.Errorf("nb201search: %d training and %d validation images are too few for batches of %d and a scoring subset of %d",
			d.Train.Len(), d.Valid.Len(), cfg.BatchSize, cfg.ScoreImages)
	}
	return d, nil
}

// sample is n images of ds drawn at random with seed, in a random order (ds itself
// when n is 0 or not smaller than ds.Len()). Data sets stored class by class (the
// JPEG archive) would otherwise give subsets of one class.
func sample(ds *data.Dataset, n int, seed uint64) (*data.Dataset, error) {
	if n <= 0 || n >= ds.Len() {
		return ds, nil
	}
	return ds.Subset(data.NewRand(seed).Perm(ds.Len())[:n])
}

// batch copies the images at idx of ds into new tensors: images [n, H, W, C] and
// labels [n, 1]; augment applies CIFAR's pad-4 crop and flip with rng.
func batch(ds *data.Dataset, idx []int, augment bool, rng *rand.Rand) (*tensors.Tensor, *tensors.Tensor, error) {
	b := ds.NewBatch(len(idx))
	var err error
	if augment {
		err = data.CIFARAugmentation.Batch(ds, idx, b, rng)
	} else {
		err = ds.Batch(idx, b)
	}
	if err != nil {
		return nil, nil, err
	}
	n := b.Len()
	x := tensors.FromFlatDataAndDimensions(b.Images, n, ds.Height, ds.Width, ds.Channels)
	y := tensors.FromFlatDataAndDimensions(b.Labels, n, 1)
	return x, y, nil
}

// streamRand is the generator of one named random stream of a run (the data
// order of an epoch, the controller rewards' minibatches...), and subSeed the seed
// of one named use of the run's seed: package rng's.
var (
	streamRand = rng.Stream
	subSeed    = rng.SubSeed
)
