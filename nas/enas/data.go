package enas

import (
	"path/filepath"

	"github.com/gonas/gonas/nas/data"
	"github.com/pkg/errors"
)

// Data is what a search reads: images (Train, Valid, Test) for the image spaces,
// or token streams (TrainIDs, ValidIDs, TestIDs over Vocab words) for enas-rnn.
type Data struct {
	Train, Valid, Test          *data.Dataset
	TrainIDs, ValidIDs, TestIDs []int32
	Vocab                       int
}

// LoadData reads the configured data set from its usual place (see package data):
// images normalised with the data set's channel statistics, ValidSize images
// carved out of the training set with the run's seed, then the first TrainSize
// and TestSize images kept; PTB's splits cut to their first sizes in tokens.
func LoadData(cfg *Config) (*Data, error) {
	switch cfg.Data {
	case "ptb":
		return loadPTB(cfg)
	case "cifar10", "mnist", "fashion-mnist":
		return loadImages(cfg)
	}
	return nil, errors.Errorf("enas: unknown data set %q", cfg.Data)
}

func loadImages(cfg *Config) (*Data, error) {
	// Only the images kept are converted to float32 (data.LoadNormalizedSplits):
	// loading all of MNIST in float32 to keep 7,000 of them was most of the short
	// preset's peak memory (BENCHMARKS.md, "Memory").
	d := &Data{}
	var err error
	d.Train, d.Valid, d.Test, err = data.LoadNormalizedSplits(cfg.Data, cfg.DataPath,
		data.SplitPlan{ValidSize: cfg.ValidSize, Seed: cfg.Seed, TrainSize: cfg.TrainSize, TestSize: cfg.TestSize})
	if err != nil {
		return nil, err
	}
	if err := checkImageSize(d.Train); err != nil {
		return nil, err
	}
	if d.Valid.Len() < cfg.Child.BatchSize || d.Train.Len() < cfg.Child.BatchSize {
		return nil, errors.Errorf("enas: %d training and %d validation images are fewer than a batch of %d",
			d.Train.Len(), d.Valid.Len(), cfg.Child.BatchSize)
	}
	return d, nil
}

func loadPTB(cfg *Config) (*Data, error) {
	path := cfg.DataPath
	if path == "" {
		dir, err := data.SharedDataDir()
		if err != nil {
			return nil, err
		}
		path = filepath.Join(dir, "ptb.zip")
	}
	p, err := data.LoadPTB(path)
	if err != nil {
		return nil, err
	}
	first := func(ids []int32, n int) []int32 {
		if n > 0 && n < len(ids) {
			return ids[:n]
		}
		return ids
	}
	return &Data{TrainIDs: first(p.Train, cfg.TrainSize), ValidIDs: first(p.Valid, cfg.ValidSize),
		TestIDs: first(p.Test, cfg.TestSize), Vocab: p.Vocab.Len()}, nil
}

// MinImageSize is the smallest height and width an ENAS image child trains on: its
// networks halve the images twice (two reduction cells or pooling layers), and
// smaller images would reach the backend as empty feature maps.
const MinImageSize = 8

// checkImageSize refuses images smaller than MinImageSize, naming their size.
func checkImageSize(ds *data.Dataset) error {
	if ds.Height < MinImageSize || ds.Width < MinImageSize {
		return errors.Errorf("enas: the images of %s are %d×%d; an ENAS child needs at least %d×%d",
			ds.Name, ds.Height, ds.Width, MinImageSize, MinImageSize)
	}
	return nil
}
