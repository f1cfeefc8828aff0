package controllers

import (
	"math"
	"math/rand/v2"

	"github.com/gonas/gonas/nas"
	"github.com/pkg/errors"
)

// Random samples every decision uniformly and learns nothing: random search, the
// baseline of every NAS comparison [5].
type Random struct {
	space nas.Space
	ds    []nas.Decision
	rng   *rand.Rand
}

// maxRejections bounds the redraws of an architecture that Validate rejects (a space
// with structural rules beyond the decisions' ranges).
const maxRejections = 1000

// NewRandom returns a random controller for space, deterministic given seed.
func NewRandom(space nas.Space, seed uint64) *Random {
	return &Random{space: space, ds: space.Decisions(), rng: newRand(seed)}
}

// Sample draws n architectures, each choice uniform: LogProbs[t] = −log NumChoices_t
// and Entropies[t] = log NumChoices_t. An architecture the space rejects is drawn
// again (the log-probs then ignore the rejection).
func (r *Random) Sample(n int) ([]nas.Sample, error) {
	out := make([]nas.Sample, n)
	for k := range out {
		var err error
		if out[k].Arch, err = drawValid(r.space, r.ds, r.rng, nil); err != nil {
			return nil, err
		}
		out[k].LogProbs = make([]float64, len(r.ds))
		out[k].Entropies = make([]float64, len(r.ds))
		for t, d := range r.ds {
			out[k].LogProbs[t] = -math.Log(float64(d.NumChoices))
			out[k].Entropies[t] = math.Log(float64(d.NumChoices))
		}
	}
	return out, nil
}

// Update does nothing: random search does not learn. Its stats report the entropy of
// the uniform distribution.
func (r *Random) Update(samples []nas.Sample, rewards []float64) (nas.UpdateStats, error) {
	if len(samples) != len(rewards) {
		return nas.UpdateStats{}, errors.Errorf("Random.Update: %d samples, %d rewards", len(samples), len(rewards))
	}
	var h float64
	for _, d := range r.ds {
		h += math.Log(float64(d.NumChoices))
	}
	return nas.UpdateStats{Entropy: h}, nil
}

// drawValid draws uniform choices (through change, when given, which edits a copy of
// the choices) until the space accepts the architecture.
func drawValid(space nas.Space, ds []nas.Decision, rng *rand.Rand, change func([]int)) (nas.Arch, error) {
	var lastErr error
	for range maxRejections {
		a := nas.Arch{Space: space.Name(), Choices: make([]int, len(ds))}
		if change != nil {
			change(a.Choices)
		} else {
			for t, d := range ds {
				a.Choices[t] = rng.IntN(d.NumChoices)
			}
		}
		if lastErr = space.Validate(a); lastErr == nil {
			return a, nil
		}
	}
	return nas.Arch{}, errors.WithMessagef(lastErr, "space %q rejected %d draws in a row", space.Name(), maxRejections)
}

// newRand is the generator every controller uses: PCG seeded with seed.
func newRand(seed uint64) *rand.Rand {
	return rand.New(rand.NewPCG(seed, 0x9e3779b97f4a7c15))
}
