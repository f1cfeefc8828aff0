package nb201search

import (
	"slices"

	"github.com/gonas/gonas/controllers"
	"github.com/gonas/gonas/nas"
	"github.com/pkg/errors"
)

// Strategy is one way to search: which path each supernet training step takes,
// what happens at the end of an epoch (the controller phase of enas), and how the
// final architecture is picked. Every strategy is judged the same way: its pick is
// looked up in the table, and K random searches on the same supernet are its
// control.
//
// To add one (e.g. a zero-cost proxy), RegisterStrategy a constructor. A strategy
// that does not train the supernet returns ok = false from TrainArch; one that
// scores architectures otherwise than with the shared weights also implements
// Scorer, and the search then uses its score everywhere: the rank agreement with the
// table after every epoch, the pick and the random control.
type Strategy interface {
	// TrainArch is the path of training step (epoch, step), both 0-based; ok is
	// false when the strategy trains no supernet (the step is skipped).
	TrainArch(s *Search, epoch, step int) (a nas.Arch, ok bool, err error)
	// EndEpoch runs after the epoch's training steps, before the rank agreement is
	// measured; it records what it did in rec.
	EndEpoch(s *Search, epoch int, rec *EpochRecord) error
	// Pick chooses the final architecture, scoring at most Candidates of them
	// with s.Evaluate.
	Pick(s *Search) (Pick, error)
}

// Scorer is a Strategy that scores architectures itself (a zero-cost proxy, for
// instance) instead of with the supernet's shared weights.
type Scorer interface {
	Score(a nas.Arch) (float64, error)
}

// Pick is a chosen architecture with its score and how many architectures were
// scored to choose it.
type Pick struct {
	Arch   nas.Arch
	Score  float64
	Scored int
}

// strategies are the registered strategy constructors.
var strategies = map[string]func(s *Search) (Strategy, error){
	"random":    func(*Search) (Strategy, error) { return randomStrategy{}, nil },
	"oneshot":   func(*Search) (Strategy, error) { return oneshotStrategy{}, nil },
	"enas":      newENASStrategy,
	"zero-cost": newZeroCostStrategy,
}

// RegisterStrategy adds a strategy under name (replacing one of that name).
func RegisterStrategy(name string, build func(s *Search) (Strategy, error)) {
	strategies[name] = build
}

// uniformArch is the uniformly random path of training step (epoch, step): the same
// for every strategy of a seed, so random and oneshot train the same supernet.
func uniformArch(s *Search, epoch, step int) nas.Arch {
	rng := streamRand(s.cfg.Seed, "path", epoch, step)
	a := nas.Arch{Space: s.space.Name(), Choices: make([]int, numEdges)}
	for e := range a.Choices {
		a.Choices[e] = rng.IntN(numOps)
	}
	return a
}

// numOps is the number of ops of an edge (5).
const numOps = 5

// randomStrategy trains the supernet on uniform paths and keeps the best-scored of
// Candidates random cells (RSPS [4]; also the control of every strategy).
type randomStrategy struct{}

func (randomStrategy) TrainArch(s *Search, epoch, step int) (nas.Arch, bool, error) {
	return uniformArch(s, epoch, step), true, nil
}
func (randomStrategy) EndEpoch(*Search, int, *EpochRecord) error { return nil }
func (randomStrategy) Pick(s *Search) (Pick, error)              { return s.RandomSearch(0x91c4) }

// oneshotStrategy trains the supernet on uniform paths (single-path one-shot [2])
// then runs regularized evolution over architectures scored with the shared
// weights.
type oneshotStrategy struct{}

func (oneshotStrategy) TrainArch(s *Search, epoch, step int) (nas.Arch, bool, error) {
	return uniformArch(s, epoch, step), true, nil
}
func (oneshotStrategy) EndEpoch(*Search, int, *EpochRecord) error { return nil }

func (oneshotStrategy) Pick(s *Search) (Pick, error) {
	evo, err := controllers.NewEvolution(s.space, s.cfg.Population, s.cfg.Tournament, subSeed(s.cfg.Seed, 0xe70))
	if err != nil {
		return Pick{}, err
	}
	return s.SearchWith(evo)
}

// enasStrategy is ENAS [3] on the supernet: after WarmupEpochs of uniform paths,
// the child steps follow the LSTM controller (UniformMix of them stay uniform), and
// every epoch ends with REINFORCE updates rewarded by validation minibatches.
type enasStrategy struct {
	ctrl *controllers.LSTM
}

func newENASStrategy(s *Search) (Strategy, error) {
	lc, ok := controllers.LSTMPresets[s.cfg.Controller]
	if s.cfg.Controller == "nb201" {
		lc, ok = controllers.NB201Tuned, true
	}
	if !ok {
		return nil, errors.Errorf("nb201search: unknown controller preset %q", s.cfg.Controller)
	}
	cfg := lc()
	if s.cfg.EntropyWeight > 0 {
		cfg.EntropyWeight = s.cfg.EntropyWeight
	}
	ctrl, err := controllers.NewLSTM(s.space, cfg, subSeed(s.cfg.Seed, 0xc0417011e5), nil)
	if err != nil {
		return nil, err
	}
	return &enasStrategy{ctrl: ctrl}, nil
}

func (e *enasStrategy) TrainArch(s *Search, epoch, step int) (nas.Arch, bool, error) {
	if epoch < s.cfg.WarmupEpochs || streamRand(s.cfg.Seed, "mix", epoch, step).Float64() < s.cfg.UniformMix {
		return uniformArch(s, epoch, step), true, nil
	}
	smp, err := e.ctrl.Sample(1)
	if err != nil {
		return nas.Arch{}, false, err
	}
	return smp[0].Arch, true, nil
}

// EndEpoch runs the controller phase once the warm-up is over (its last epoch
// included, so the controller has learned before it chooses paths).
func (e *enasStrategy) EndEpoch(s *Search, epoch int, rec *EpochRecord) error {
	if epoch+1 < s.cfg.WarmupEpochs {
		return nil
	}
	var rewardSum, entropySum float64
	for u := range s.cfg.ControllerSteps {
		samples, err := e.ctrl.Sample(s.cfg.Aggregate)
		if err != nil {
			return err
		}
		rewards := make([]float64, len(samples))
		for k, smp := range samples {
			if rewards[k], err = s.Reward(smp.Arch, epoch, u*s.cfg.Aggregate+k); err != nil {
				return err
			}
			rewardSum += rewards[k]
		}
		stats, err := e.ctrl.Update(samples, rewards)
		if err != nil {
			return err
		}
		entropySum += stats.Entropy
		rec.Baseline = stats.Baseline
	}
	rec.RewardMean = rewardSum / float64(s.cfg.ControllerSteps*s.cfg.Aggregate)
	rec.Entropy = entropySum / float64(s.cfg.ControllerSteps)
	return nil
}

// Pick scores up to Candidates distinct architectures sampled from the trained
// controller and keeps the best (ENAS's derive step).
func (e *enasStrategy) Pick(s *Search) (Pick, error) {
	seen := map[string]bool{}
	var archs []nas.Arch
	for tries := 0; len(archs) < s.cfg.Candidates && tries < 50; tries++ {
		smp, err := e.ctrl.Sample(s.cfg.Candidates)
		if err != nil {
			return Pick{}, err
		}
		for _, x := range smp {
			if k := x.Arch.String(); !seen[k] && len(archs) < s.cfg.Candidates {
				seen[k] = true
				archs = append(archs, x.Arch)
			}
		}
	}
	return s.bestOf(archs)
}

// bestOf scores archs and returns the best (the first on ties).
func (s *Search) bestOf(archs []nas.Arch) (Pick, error) {
	bar := s.newScoreBar("pick: controller samples", len(archs))
	defer bar.Done()
	p := Pick{Score: -1}
	for _, a := range archs {
		sc, err := bar.evaluate(a)
		if err != nil {
			return Pick{}, err
		}
		if p.Scored == 0 || sc > p.Score {
			p.Arch, p.Score = a, sc
		}
		p.Scored++
	}
	return p, nil
}

// RandomSearch scores Candidates random cells (drawn from a generator of the run's
// seed and stream) and keeps the best.
func (s *Search) RandomSearch(stream uint64) (Pick, error) {
	bar := s.newScoreBar("pick: random cells", s.cfg.Candidates)
	defer bar.Done()
	return s.searchWith(controllers.NewRandom(s.space, subSeed(s.cfg.Seed, stream)), s.cfg.Candidates, bar)
}

// controlSearch is control search k: the best-scored of ControlCandidates (or
// Candidates) random cells, counted on bar.
func (s *Search) controlSearch(k int, bar *scoreBar) (Pick, error) {
	return s.searchWith(controllers.NewRandom(s.space, subSeed(s.cfg.Seed, uint64(0xc0de00+k))), s.controlCandidates(), bar)
}

// SearchWith runs nas.Search with ctrl over Candidates distinct architectures
// scored by s.Evaluate.
func (s *Search) SearchWith(ctrl nas.Controller) (Pick, error) {
	bar := s.newScoreBar("pick: search", s.cfg.Candidates)
	defer bar.Done()
	return s.searchWith(ctrl, s.cfg.Candidates, bar)
}

// searchWith runs nas.Search with ctrl over n distinct architectures, counting
// each scored one on bar.
func (s *Search) searchWith(ctrl nas.Controller, n int, bar *scoreBar) (Pick, error) {
	h, err := nas.Search(ctrl, bar.evaluate, nas.SearchConfig{Queries: n})
	if err != nil {
		return Pick{}, err
	}
	return Pick{Arch: h.Best, Score: h.BestReward, Scored: len(h.Curve)}, nil
}

// opShares is the share of each op among the edges of archs.
func opShares(archs []nas.Arch) []float64 {
	out := make([]float64, numOps)
	n := 0
	for _, a := range archs {
		for _, c := range a.Choices {
			out[c]++
			n++
		}
	}
	for i := range out {
		out[i] /= float64(max(n, 1))
	}
	return slices.Clip(out)
}

// controlCandidates is how many random cells each control search scores.
func (s *Search) controlCandidates() int {
	if s.cfg.ControlCandidates > 0 {
		return s.cfg.ControlCandidates
	}
	return s.cfg.Candidates
}
