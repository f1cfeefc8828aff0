package enas

import (
	"slices"

	"github.com/gonas/gonas/controllers"
	"github.com/gonas/gonas/nas"
	"github.com/gonas/gonas/nas/rng"
	"github.com/pkg/errors"
)

// The controller's state — θ, Adam's moments, the reward baseline and its random
// generator — is restored by replay: a controller is a deterministic function of
// its seed and of the calls made to it, so the search records every call (a
// ctrlCall log) and a resumed search rebuilds the controller from the seed and
// replays the log. A probe (log-probabilities of fixed architectures and the
// baseline) saved with each checkpoint proves the replayed controller is bit for
// bit the one saved. This needs nothing from the controller beyond nas.Controller,
// so it works for any seeded controller of package controllers.

// ctrlCall is one recorded use of the controller: Sample(N), then, when Rewards is
// set, Update(those samples, Rewards). Repeat > 1 stands for that many such calls
// in a row (the child phase's one-architecture samples).
type ctrlCall struct {
	N       int       `json:"n"`
	Repeat  int       `json:"repeat,omitempty"`
	Rewards []float64 `json:"rewards,omitempty"`
}

// recorder wraps a controller and logs every call.
type recorder struct {
	ctrl nas.Controller
	log  []ctrlCall
}

// sample draws n architectures and logs the call.
func (r *recorder) sample(n int) ([]nas.Sample, error) {
	s, err := r.ctrl.Sample(n)
	if err != nil {
		return nil, err
	}
	if last := len(r.log) - 1; last >= 0 && r.log[last].Rewards == nil && r.log[last].N == n {
		r.log[last].Repeat = max(r.log[last].Repeat, 1) + 1
	} else {
		r.log = append(r.log, ctrlCall{N: n})
	}
	return s, nil
}

// update feeds the rewards of the samples of the last sample call back and logs it.
func (r *recorder) update(samples []nas.Sample, rewards []float64) (nas.UpdateStats, error) {
	last := len(r.log) - 1
	if last < 0 || r.log[last].Rewards != nil || r.log[last].N != len(samples) {
		return nas.UpdateStats{}, errors.New("enas: a controller update must follow the sample call of its architectures")
	}
	stats, err := r.ctrl.Update(samples, rewards)
	if err != nil {
		return stats, err
	}
	// A Sample(n) merged into a repeated run is split off so it carries the rewards.
	if r.log[last].Repeat > 1 {
		r.log[last].Repeat--
		r.log = append(r.log, ctrlCall{N: len(samples)})
		last++
	}
	r.log[last].Rewards = slices.Clone(rewards)
	return stats, nil
}

// replay makes the calls of log on a freshly seeded controller.
func (r *recorder) replay(log []ctrlCall) error {
	for i, c := range log {
		for range max(c.Repeat, 1) {
			s, err := r.ctrl.Sample(c.N)
			if err != nil {
				return errors.WithMessagef(err, "enas: replaying controller call %d", i)
			}
			if c.Rewards != nil {
				if _, err := r.ctrl.Update(s, c.Rewards); err != nil {
					return errors.WithMessagef(err, "enas: replaying controller update %d", i)
				}
			}
		}
	}
	r.log = slices.Clone(log)
	return nil
}

// ctrlProbe is a fingerprint of a controller's state: the log-probabilities it
// gives fixed architectures (a function of θ) and its baseline.
type ctrlProbe struct {
	LogProbs [][]float64 `json:"log_probs,omitempty"`
	Baseline float64     `json:"baseline"`
}

// probeArchs are fixed architectures of a space to probe a controller with.
func probeArchs(space nas.Space) ([]nas.Arch, error) {
	s, err := controllers.NewRandom(space, 12345).Sample(3)
	if err != nil {
		return nil, err
	}
	out := []nas.Arch{{Space: space.Name(), Choices: make([]int, len(space.Decisions()))}}
	for _, x := range s {
		out = append(out, x.Arch)
	}
	return out, nil
}

// probe reads the controller's fingerprint (empty for controllers that expose
// neither log-probabilities nor a baseline).
func probe(ctrl nas.Controller, space nas.Space) (ctrlProbe, error) {
	var p ctrlProbe
	if lp, ok := ctrl.(interface {
		HostLogProbs([]nas.Arch) ([][]float64, [][]float64, error)
	}); ok {
		archs, err := probeArchs(space)
		if err != nil {
			return p, err
		}
		if p.LogProbs, _, err = lp.HostLogProbs(archs); err != nil {
			return p, err
		}
	}
	if b, ok := ctrl.(interface{ Baseline() *nas.Baseline }); ok {
		p.Baseline = b.Baseline().Value
	}
	return p, nil
}

// equalProbes compares two fingerprints bit for bit.
func equalProbes(a, b ctrlProbe) bool {
	if a.Baseline != b.Baseline || len(a.LogProbs) != len(b.LogProbs) {
		return false
	}
	for i := range a.LogProbs {
		if !slices.Equal(a.LogProbs[i], b.LogProbs[i]) {
			return false
		}
	}
	return true
}

// newController returns the LSTM controller of cfg [1], seeded from the run's seed.
func newController(space nas.Space, cfg *Config) (*controllers.LSTM, error) {
	return controllers.NewLSTM(space, cfg.lstmConfig(), rng.SplitMix(cfg.Seed^0xc0417011e5), nil)
}
