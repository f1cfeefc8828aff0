package tutorial

import (
	"math/rand/v2"

	"github.com/pkg/errors"
)

// The two halves of one REINFORCE update that Train runs and that
// notebooks/01_policy_gradients.ipynb writes out in its own loop: sample a batch,
// then turn its advantages into the gradient estimate. (Policy.Step is the third.)

// SampleBatch draws m sequences from the policy and one noisy reward of each from
// prob: the batch of one REINFORCE update.
func (p *Policy) SampleBatch(prob Problem, m int, rng *rand.Rand) (actions [][]int, rewards []float64) {
	actions = make([][]int, m)
	rewards = make([]float64, m)
	for k := range m {
		actions[k] = p.Sample(rng)
		rewards[k] = prob.Sample(actions[k], rng)
	}
	return actions, rewards
}

// Gradient is the REINFORCE estimate ĝ = 1/m Σ_k A_k ∇log p(a^k) of a batch of m
// sequences with their advantages A_k = R_k − b: for each decision t, the mean of
// A_k·(onehot(a^k_t) − softmax(Logits[t])). It fails when the lengths differ or a
// sequence does not fit the policy.
func (p *Policy) Gradient(actions [][]int, advantages []float64) ([][]float64, error) {
	if len(actions) == 0 || len(actions) != len(advantages) {
		return nil, errors.Errorf("Gradient: %d sequences and %d advantages, want the same positive number",
			len(actions), len(advantages))
	}
	g := p.zeros()
	for k, a := range actions {
		if len(a) != len(p.Logits) {
			return nil, errors.Errorf("Gradient: sequence %d has %d decisions, the policy %d", k, len(a), len(p.Logits))
		}
		for t, c := range a {
			if c < 0 || c >= len(p.Logits[t]) {
				return nil, errors.Errorf("Gradient: sequence %d picks choice %d of decision %d, which has %d", k, c, t, len(p.Logits[t]))
			}
		}
		addScaled(g, p.Score(a), advantages[k]/float64(len(actions)))
	}
	return g, nil
}
