package enas

import (
	"fmt"

	"github.com/gonas/gonas/nas"
	"github.com/gonas/gonas/nas/progress"
	"github.com/pkg/errors"
)

// Candidate is one architecture sampled from the trained controller and scored
// with the shared weights.
type Candidate struct {
	Arch    string  `json:"arch"`     // canonical JSON
	Reward  float64 `json:"reward"`   // mean over the derive minibatches (accuracy, or c / perplexity)
	LogProb float64 `json:"log_prob"` // log p(a) under the controller
}

// Derived is the architecture a search settles on: the best of the candidates.
type Derived struct {
	Arch       nas.Arch    `json:"arch"`
	Reward     float64     `json:"reward"`
	Candidates []Candidate `json:"candidates"`
}

// Derive samples Derive.Samples architectures from the trained controller, scores
// each with the shared weights on the same Derive.Batches validation minibatches
// (batch norm in training mode), and keeps the best, as ENAS derives its final
// architecture [1]. It needs a finished search; it is deterministic given the
// search's state, so a resumed search derives the same architecture.
func (s *Search) Derive() (*Derived, error) {
	if !s.st.Pos.Done {
		return nil, errors.New("enas: derive needs a finished search")
	}
	n, batches := s.cfg.Derive.Samples, s.cfg.Derive.Batches
	samples, err := s.ctrl.Sample(n)
	if err != nil {
		return nil, err
	}
	d := &Derived{}
	bar := progress.New(s.opts.Progress, "derive", n)
	for i, smp := range samples {
		var sum float64
		for b := range batches {
			// A validation order of its own (epoch index = Epochs), the same minibatches for every candidate.
			r, l, err := s.child.reward(smp.Arch, s.cfg.Child.Epochs, b)
			if err != nil {
				return nil, err
			}
			if !finite(r) || !finite(l) {
				r = worstReward
			}
			sum += r
		}
		c := Candidate{Arch: smp.Arch.String(), Reward: sum / float64(batches), LogProb: smp.LogProb()}
		d.Candidates = append(d.Candidates, c)
		if i == 0 || c.Reward > d.Reward {
			d.Arch, d.Reward = smp.Arch, c.Reward
		}
		bar.Update(i+1, fmt.Sprintf("best=%.4f", d.Reward))
	}
	bar.Done()
	return d, nil
}
