// Package tutorial holds the toy problems that notebooks/01_policy_gradients.ipynb
// teaches REINFORCE [1] with, small enough to compute every expectation exactly: a
// multi-armed bandit (one decision) and a sequence of decisions scored against a
// target (the shape of an architecture). A Policy of independent softmaxes, trained
// on the host with the primitives of package nas (nas.CategoricalScore,
// nas.Baseline), shows the gradient estimate, its variance with and without a
// baseline, and learning; Problem.Space and Problem.Evaluator hand the same reward
// to the real controllers (controllers.NewLSTM) through nas.Search.
//
// Rewards are accuracy-like by default (around 0.8–0.9, as a child network's
// validation accuracy), which is exactly when the baseline matters: without one,
// every sampled architecture's log-probability is pushed up by about 0.85 times its
// score, and only the small differences between rewards carry information.
//
// References:
//
//	[1] Williams, "Simple statistical gradient-following algorithms for connectionist
//	    reinforcement learning", Machine Learning 8, 1992.
package tutorial

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/gonas/gonas/nas"
	"github.com/pkg/errors"
)

// Problem is a reward over sequences of Decisions choices, each among Choices.
type Problem struct {
	Name      string
	Decisions int
	Choices   int
	// Mean is the expected reward of a sequence of choices.
	Mean func(actions []int) float64
	// Noise is the standard deviation of the Gaussian noise added to each sampled
	// reward (a trained child's accuracy is itself noisy).
	Noise float64
}

// Bandit is the K-armed bandit whose arm i pays means[i] plus Gaussian noise: one
// decision with len(means) choices.
func Bandit(means []float64, noise float64) Problem {
	ms := append([]float64(nil), means...)
	return Problem{
		Name: fmt.Sprintf("%d-armed bandit", len(ms)), Decisions: 1, Choices: len(ms), Noise: noise,
		Mean: func(a []int) float64 { return ms[a[0]] },
	}
}

// MatchTarget scores a sequence by how many of its choices equal target's:
// low + (high − low)·(matches / len(target)). With low = 0.8 and high = 0.9 the
// rewards look like accuracies of child networks.
func MatchTarget(target []int, choices int, low, high, noise float64) Problem {
	tg := append([]int(nil), target...)
	return Problem{
		Name: fmt.Sprintf("match a target of %d decisions", len(tg)), Decisions: len(tg), Choices: choices, Noise: noise,
		Mean: func(a []int) float64 {
			n := 0
			for t, c := range tg {
				if a[t] == c {
					n++
				}
			}
			return low + (high-low)*float64(n)/float64(len(tg))
		},
	}
}

// Sample returns a noisy reward of actions: Mean plus Gaussian noise.
func (p Problem) Sample(actions []int, rng *rand.Rand) float64 {
	r := p.Mean(actions)
	if p.Noise > 0 {
		r += p.Noise * rng.NormFloat64()
	}
	return r
}

// maxEnumerate bounds the sequences Enumerate visits.
const maxEnumerate = 1 << 20

// Enumerate calls fn for every sequence of choices (the slice is reused between
// calls). It fails when there are more than 2^20 sequences.
func (p Problem) Enumerate(fn func(actions []int)) error {
	if p.Decisions < 1 || p.Choices < 1 {
		return errors.Errorf("%s: needs at least one decision and one choice", p.Name)
	}
	if math.Pow(float64(p.Choices), float64(p.Decisions)) > maxEnumerate {
		return errors.Errorf("%s: %d^%d sequences are too many to enumerate", p.Name, p.Choices, p.Decisions)
	}
	a := make([]int, p.Decisions)
	for {
		fn(a)
		t := p.Decisions - 1
		for t >= 0 && a[t] == p.Choices-1 {
			a[t] = 0
			t--
		}
		if t < 0 {
			return nil
		}
		a[t]++
	}
}

// Best returns the sequence with the highest mean reward (the first one, on ties).
func (p Problem) Best() (actions []int, mean float64, err error) {
	mean = math.Inf(-1)
	err = p.Enumerate(func(a []int) {
		if r := p.Mean(a); r > mean {
			actions, mean = append([]int(nil), a...), r
		}
	})
	return actions, mean, err
}

// Space is the problem as a nas.Space, so the controllers of package controllers
// can search it: Decisions Op decisions "step t" of Choices choices each.
func (p Problem) Space() nas.Space { return &sequenceSpace{p: p} }

// Evaluator is the problem's noisy reward as a nas.Evaluator (deterministic given
// seed), for nas.Search.
func (p Problem) Evaluator(seed uint64) nas.Evaluator {
	rng := rand.New(rand.NewPCG(seed, 0x70ad))
	space := p.Space()
	return func(a nas.Arch) (float64, error) {
		if err := space.Validate(a); err != nil {
			return 0, err
		}
		return p.Sample(a.Choices, rng), nil
	}
}

// sequenceSpace is a Problem seen as a nas.Space.
type sequenceSpace struct{ p Problem }

// Name implements nas.Space.
func (s *sequenceSpace) Name() string { return "toy-sequence" }

// Decisions implements nas.Space: one decision per step of the sequence.
func (s *sequenceSpace) Decisions() []nas.Decision {
	ds := make([]nas.Decision, s.p.Decisions)
	for t := range ds {
		ds[t] = nas.Decision{Name: fmt.Sprintf("step%d", t), Kind: nas.Op, NumChoices: s.p.Choices, Node: -1, Group: "toy"}
	}
	return ds
}

// Validate implements nas.Space.
func (s *sequenceSpace) Validate(a nas.Arch) error { return nas.ValidateChoices(s, a) }

// RewardPerUpdate is the mean reward of each batch of m consecutive queries of a
// search (one controller update per batch when the search's BatchSize is m and it
// counts duplicates): the learning curve of a controller.
func RewardPerUpdate(h *nas.History, m int) []float64 {
	if m < 1 {
		m = 1
	}
	var out []float64
	for i := 0; i < len(h.Queries); i += m {
		var sum float64
		n := 0
		for _, q := range h.Queries[i:min(i+m, len(h.Queries))] {
			sum += q.Reward
			n++
		}
		out = append(out, sum/float64(n))
	}
	return out
}
