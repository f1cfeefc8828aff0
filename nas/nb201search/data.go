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
//
// A search that reads no image but the zero-cost proxies' minibatch loads only
// that minibatch, as Proxy (loadProxyData), and none of the others.
type Data struct {
	Train, Valid, Score *data.Dataset
	Proxy               *data.Dataset
}

// NumClasses is the number of classes of the images.
func (d *Data) NumClasses() int {
	if d.Train == nil && d.Proxy != nil {
		return d.Proxy.NumClasses
	}
	return d.Train.NumClasses
}

// LoadData reads CIFAR-10 from dir (empty: cifar10-jpg.tar.gz in the shared data
// dir), normalised, splits its training images into NB201's halves, keeps
// cfg.TrainImages random images of the train half (0: all 25,000) and draws the
// scoring subset, cfg.ScoreImages random images of the valid half (the same for
// every run).
//
// The two halves share one array of float32 pixels and the test images are never
// read (data.LoadNormalizedSplits): bit for bit what SplitData makes of all the
// training images, without holding them twice while splitting.
func LoadData(cfg *Config, path string) (*Data, error) {
	half, valid, _, err := data.LoadNormalizedSplits(cfg.Data, path, data.SplitPlan{HalfForValid: true, Seed: nb201SplitSeed, DropTest: true})
	if err != nil {
		return nil, err
	}
	return fromHalves(cfg, half, valid)
}

// SplitData makes a search's Data from the normalised training images of a data set.
func SplitData(cfg *Config, train *data.Dataset) (*Data, error) {
	half, valid, err := data.SplitValidation(train, train.Len()/2, nb201SplitSeed)
	if err != nil {
		return nil, err
	}
	return fromHalves(cfg, half, valid)
}

// fromHalves makes a search's Data from NB201's train and valid halves.
func fromHalves(cfg *Config, half, valid *data.Dataset) (*Data, error) {
	var err error
	d := &Data{Valid: valid}
	if d.Train, err = sample(half, cfg.TrainImages, nb201SplitSeed+1); err != nil {
		return nil, err
	}
	if d.Score, err = sample(valid, cfg.ScoreImages, nb201SplitSeed+2); err != nil {
		return nil, err
	}
	if err := checkSizes(cfg, d.Train.Len(), d.Valid.Len(), d.Score.Len()); err != nil {
		return nil, err
	}
	return d, nil
}

// checkSizes refuses a split of train, valid and score images too small for the
// configuration's batches and scoring subset.
func checkSizes(cfg *Config, train, valid, score int) error {
	if train < cfg.BatchSize || score < cfg.ScoreImages || valid < cfg.BatchSize {
		return errors.Errorf("nb201search: %d training and %d validation images are too few for batches of %d and a scoring subset of %d",
			train, valid, cfg.BatchSize, cfg.ScoreImages)
	}
	return nil
}

// sample is n images of ds drawn at random with seed, in a random order (ds itself
// when n is 0 or not smaller than ds.Len()). Data sets stored class by class (the
// JPEG archive) would otherwise give subsets of one class.
func sample(ds *data.Dataset, n int, seed uint64) (*data.Dataset, error) {
	idx := sampleIndices(ds.Len(), n, seed)
	if idx == nil {
		return ds, nil
	}
	return ds.Subset(idx)
}

// sampleIndices are the positions of the images sample keeps of a data set of
// size images: nil when it keeps the data set itself.
func sampleIndices(size, n int, seed uint64) []int {
	if n <= 0 || n >= size {
		return nil
	}
	return data.NewRand(seed).Perm(size)[:n]
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
