package enas

import (
	"context"
	"fmt"
	"path/filepath"
	"time"

	"github.com/gonas/gonas/cells"
	"github.com/gonas/gonas/nas/checkpoint"
	"github.com/pkg/errors"
)

// Result is what a finished ENAS run reports, written to result.json.
type Result struct {
	Config        Config   `json:"config"`
	Backend       string   `json:"backend"`
	SearchSeconds float64  `json:"search_seconds"`
	Derived       *Derived `json:"derived"`
	// Best is the derived architecture (Derived.Arch) in every text format of its
	// space ("enas", "genotype", ...).
	Best      map[string]string `json:"best"`
	Retrained *RetrainResult    `json:"retrained,omitempty"`
	Control   *ControlResult    `json:"control,omitempty"`
	Paper     *PaperNumber      `json:"paper,omitempty"`
	Date      string            `json:"date"`
	// Verdict is the retrained architecture beside the random control, in one
	// line of words (nas.Comparison.Verdict); empty before retraining.
	Verdict string `json:"verdict,omitempty"`
}

// PaperNumber is what the ENAS paper [1] reports for the same space and data set
// (after its much longer search and retraining), to put a run's numbers in scale.
type PaperNumber struct {
	Metric string  `json:"metric"` // "test_accuracy" or "test_perplexity"
	Value  float64 `json:"value"`
	Params string  `json:"params"`
	Source string  `json:"source"`
}

// paperNumbers are Table 1 and Table 2 of [1].
var paperNumbers = map[string]PaperNumber{
	"enas-micro/cifar10": {"test_accuracy", 1 - 0.0289, "4.6M", "ENAS [1] Table 2, micro search + Cutout: 2.89% error"},
	"enas-macro/cifar10": {"test_accuracy", 1 - 0.0423, "21.3M", "ENAS [1] Table 2, macro search: 4.23% error"},
	"enas-rnn/ptb":       {"test_perplexity", 55.8, "24M", "ENAS [1] Table 1: 55.8 test perplexity"},
}

// Complete finishes the run: the rest of the search (checkpointed), the derived
// architecture, and — when retrain is set — its retraining from scratch next to
// the random control; it writes result.json and report.html into the output
// directory and returns the result. An interrupted search returns ErrInterrupted.
func (s *Search) Complete(ctx context.Context, retrain bool) (*Result, error) {
	if err := s.Run(ctx); err != nil {
		return nil, err
	}
	derived, err := s.Derive()
	if err != nil {
		return nil, err
	}
	res := &Result{Config: s.cfg, Backend: s.opts.Backend.String(), SearchSeconds: s.st.Seconds, Derived: derived,
		Best: cells.AllFormats(s.space, derived.Arch), Date: time.Now().UTC().Format(time.RFC3339)}
	delete(res.Best, "json") // Derived.Arch, as an object
	if p, ok := paperNumbers[s.cfg.Space+"/"+s.cfg.Data]; ok {
		res.Paper = &p
	}
	metric := "valid_acc"
	if s.cfg.Space == "enas-rnn" {
		metric = "valid_reward"
	}
	s.metricf("best_arch=%s derive_%s=%.4f search_seconds=%.1f\n", res.Best["enas"], metric, derived.Reward, s.st.Seconds)
	if err := s.writeResult(res); err != nil {
		return nil, err
	}
	if retrain {
		s.logf("retraining the derived architecture from scratch\n")
		modelDir := "" // the retrained image classifier is saved for gonas predict
		if s.cfg.Space != "enas-rnn" {
			modelDir = filepath.Join(s.opts.Out, ModelDir)
		}
		if res.Retrained, err = RetrainAndSave(ctx, s.opts.Backend, &s.cfg, s.data, derived.Arch, modelDir, s.opts.Progress); err != nil {
			return nil, s.phaseFailed(ctx, "retraining the derived architecture", err)
		}
		s.metricf("%s params=%d flops=%d retrain_seconds=%.1f\n", metricsLine(&s.cfg, res.Retrained), res.Retrained.Parameters,
			res.Retrained.FLOPs, res.Retrained.Seconds)
		if s.cfg.Retrain.ControlArchs > 0 {
			if res.Control, err = RandomControl(ctx, s.opts.Backend, &s.cfg, s.data, s.opts.Progress, s.opts.Log); err != nil {
				return nil, s.phaseFailed(ctx, "the random control", err)
			}
			s.metricf("control_k=%d control_valid_mean=%.4f control_valid_std=%.4f control_mean=%.4f control_std=%.4f\n",
				len(res.Control.Archs), res.Control.ValidMean, res.Control.ValidStd, res.Control.Mean, res.Control.Std)
		}
		res.Verdict = res.Comparison().Verdict()
		if err := s.writeResult(res); err != nil {
			return nil, err
		}
	}
	return res, nil
}

// phaseFailed is the error of a failed phase after the search (the retraining or
// the control): ErrInterrupted when ctx was cancelled (the search's checkpoint is
// complete, and a resume derives and retrains again), else one line naming the
// phase, the search's result already written, and how to try again.
func (s *Search) phaseFailed(ctx context.Context, phase string, err error) error {
	if ctx.Err() != nil {
		return ErrInterrupted
	}
	return errors.WithMessagef(err, "%s failed (the search's result is in %s/result.json; gonas search --resume %s tries again)",
		phase, s.opts.Out, s.opts.Out)
}

// writeResult writes result.json and report.html.
func (s *Search) writeResult(res *Result) error {
	if err := writeJSON(filepath.Join(s.opts.Out, ResultName), res); err != nil {
		return err
	}
	page, err := Report(res, &s.st.History, s.space)
	if err != nil {
		return err
	}
	return checkpoint.WriteFileAtomic(filepath.Join(s.opts.Out, "report.html"), page)
}

// metricsLine is a retrained architecture's validation and test metric as the
// metric lines print them: "valid_accuracy=0.9120 test_accuracy=0.9050", or the
// perplexities for enas-rnn.
func metricsLine(cfg *Config, r *RetrainResult) string {
	if cfg.Space == "enas-rnn" {
		return fmt.Sprintf("valid_perplexity=%.2f test_perplexity=%.2f", r.ValidPerplexity, r.TestPerplexity)
	}
	return fmt.Sprintf("valid_accuracy=%.4f test_accuracy=%.4f", r.ValidAccuracy, r.TestAccuracy)
}
