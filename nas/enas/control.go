package enas

import (
	"context"
	"fmt"
	"io"

	"github.com/gomlx/compute"
	"github.com/gonas/gonas/controllers"
	"github.com/gonas/gonas/nas"
	"github.com/gonas/gonas/nas/rng"
)

// ControlResult is the honest control of a search: K architectures drawn uniformly
// from the same space, each retrained with the derived architecture's budget. A
// search is worth its cost only if its pick beats these.
type ControlResult struct {
	Archs []*RetrainResult `json:"archs"`
	// Mean and Std (sample standard deviation, n−1) of the test accuracy (image
	// spaces) or test perplexity (enas-rnn) over the K architectures.
	Mean float64 `json:"mean"`
	Std  float64 `json:"std"`
	// ValidMean and ValidStd are the mean and sample standard deviation of the
	// validation accuracy (perplexity for enas-rnn): what a search's settings are
	// compared on, so that the test split stays unseen.
	ValidMean float64 `json:"valid_mean"`
	ValidStd  float64 `json:"valid_std"`
}

// RandomControl retrains cfg.Retrain.ControlArchs random architectures of the
// search space (controllers.Random, seeded from the run's seed).
func RandomControl(ctx context.Context, backend compute.Backend, cfg *Config, d *Data, progress, log io.Writer) (*ControlResult, error) {
	sp, err := searchSpace(cfg, d, false)
	if err != nil {
		return nil, err
	}
	k := cfg.Retrain.ControlArchs
	samples, err := controllers.NewRandom(sp, rng.SplitMix(cfg.Seed^0x7a11d0)).Sample(k)
	if err != nil {
		return nil, err
	}
	res := &ControlResult{}
	var values, valid []float64
	for i, smp := range samples {
		if log != nil {
			fmt.Fprintf(log, "random control %d/%d: %s\n", i+1, k, smp.Arch)
		}
		r, err := Retrain(ctx, backend, cfg, d, smp.Arch, progress)
		if err != nil {
			return nil, err
		}
		res.Archs = append(res.Archs, r)
		values, valid = append(values, testMetric(cfg, r)), append(valid, validMetric(cfg, r))
		if log != nil {
			fmt.Fprintf(log, "random control %d/%d: %s params=%d\n", i+1, k, metricsLine(cfg, r), r.Parameters)
		}
	}
	res.Mean, res.Std = nas.MeanStd(values)
	res.ValidMean, res.ValidStd = nas.MeanStd(valid)
	return res, nil
}

// testMetric is the test accuracy, or the test perplexity for enas-rnn.
func testMetric(cfg *Config, r *RetrainResult) float64 {
	if cfg.Space == "enas-rnn" {
		return r.TestPerplexity
	}
	return r.TestAccuracy
}

// validMetric is the validation accuracy, or the validation perplexity for enas-rnn.
func validMetric(cfg *Config, r *RetrainResult) float64 {
	if cfg.Space == "enas-rnn" {
		return r.ValidPerplexity
	}
	return r.ValidAccuracy
}
