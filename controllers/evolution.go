package controllers

import (
	"math/rand/v2"

	"github.com/gonas/gonas/nas"
	"github.com/pkg/errors"
)

// Evolution is regularized (aging) evolution [4], Algorithm 1 of the paper:
//
//	population ← P random architectures, evaluated
//	repeat:
//	    sample ← S members of the population drawn uniformly (with replacement)
//	    parent ← the best of sample
//	    child  ← mutate(parent); evaluate it; append it to the population
//	    remove the OLDEST member of the population (not the worst: aging)
//
// Aging makes every architecture die young unless its descendants keep winning, which
// favours architectures that are good when re-evaluated, not lucky ones [4]. The
// mutation resamples one decision, chosen uniformly, to a different value, chosen
// uniformly.
//
// As a nas.Controller: Sample proposes random architectures until P have been
// returned, then children of tournaments over the current population; Update adds
// the evaluated architectures to the population and removes the oldest beyond P.
// Samples carry no log-probabilities (nothing is learned by gradient).
type Evolution struct {
	Population int // P
	SampleSize int // S

	space    nas.Space
	ds       []nas.Decision
	mutable  []int // decisions with more than one choice
	rng      *rand.Rand
	members  []member // oldest first
	proposed int      // architectures returned by Sample so far
}

// member is one evaluated architecture of the population.
type member struct {
	arch   nas.Arch
	reward float64
}

// NewEvolution returns regularized evolution with population P and tournament size S
// on space, deterministic given seed. Real et al. [4] use P = 100, S = 25 on NASNet's
// space; NAS-Bench-201 [5] uses P = 10, S = 3 (see cmd/gonas bench201).
func NewEvolution(space nas.Space, population, sampleSize int, seed uint64) (*Evolution, error) {
	if population < 1 || sampleSize < 1 {
		return nil, errors.Errorf("NewEvolution: population (%d) and sample size (%d) must be positive", population, sampleSize)
	}
	e := &Evolution{Population: population, SampleSize: sampleSize, space: space, ds: space.Decisions(), rng: newRand(seed)}
	for t, d := range e.ds {
		if d.NumChoices > 1 {
			e.mutable = append(e.mutable, t)
		}
	}
	return e, nil
}

// Sample returns n architectures: random ones while the first P are proposed (or
// while the population is still empty), children of tournaments after.
func (e *Evolution) Sample(n int) ([]nas.Sample, error) {
	out := make([]nas.Sample, n)
	for k := range out {
		var err error
		if e.proposed < e.Population || len(e.members) == 0 {
			out[k].Arch, err = drawValid(e.space, e.ds, e.rng, nil)
		} else {
			out[k].Arch, err = e.child()
		}
		if err != nil {
			return nil, err
		}
		e.proposed++
	}
	return out, nil
}

// child runs one tournament and mutates its winner.
func (e *Evolution) child() (nas.Arch, error) {
	best := -1
	for range e.SampleSize {
		i := e.rng.IntN(len(e.members))
		if best < 0 || e.members[i].reward > e.members[best].reward {
			best = i
		}
	}
	parent := e.members[best].arch
	if len(e.mutable) == 0 {
		return parent, nil // a space of one architecture
	}
	return drawValid(e.space, e.ds, e.rng, func(choices []int) {
		copy(choices, parent.Choices)
		t := e.mutable[e.rng.IntN(len(e.mutable))]
		// A different value, uniformly: draw from n−1 values and skip the current one.
		c := e.rng.IntN(e.ds[t].NumChoices - 1)
		if c >= choices[t] {
			c++
		}
		choices[t] = c
	})
}

// Update adds the evaluated architectures to the population, in order, removing the
// oldest members beyond P. Its stats report the population's mean reward as the
// "baseline".
func (e *Evolution) Update(samples []nas.Sample, rewards []float64) (nas.UpdateStats, error) {
	if len(samples) != len(rewards) {
		return nas.UpdateStats{}, errors.Errorf("Evolution.Update: %d samples, %d rewards", len(samples), len(rewards))
	}
	for k, s := range samples {
		e.members = append(e.members, member{arch: s.Arch, reward: rewards[k]})
		if len(e.members) > e.Population {
			e.members = e.members[1:] // aging: the oldest dies
		}
	}
	var sum float64
	for _, m := range e.members {
		sum += m.reward
	}
	return nas.UpdateStats{Baseline: sum / float64(len(e.members))}, nil
}
