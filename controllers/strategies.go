package controllers

import (
	"github.com/gonas/gonas/nas"
	"github.com/pkg/errors"
)

// StrategyNames are the strategies Strategies builds, in table order.
var StrategyNames = []string{"random", "reinforce", "evolution"}

// StrategyOptions are the settings of the standard strategies; every strategy gets the
// same budget.
type StrategyOptions struct {
	Queries         int  // the budget (see nas.SearchConfig)
	CountDuplicates bool // every sample is a query (no cache)

	LSTM      LSTMConfig // REINFORCE's controller
	BatchSize int        // REINFORCE: architectures per update (m)

	Population, SampleSize int // regularized evolution's P and S
}

// Strategies returns the named strategies (see StrategyNames) on space, ready for
// nas.Compare. Random and evolution score one architecture at a time (batch 1);
// REINFORCE samples opt.BatchSize per update. A search stops after 10×Queries samples
// even if repeats (free with the cache) kept it from spending its budget.
func Strategies(space nas.Space, names []string, opt StrategyOptions) ([]nas.Strategy, error) {
	// A controller that keeps proposing cached architectures stops after 10× the
	// budget in samples.
	base := nas.SearchConfig{Queries: opt.Queries, BatchSize: 1, CountDuplicates: opt.CountDuplicates, MaxSamples: 10 * opt.Queries}
	var out []nas.Strategy
	for _, name := range names {
		s := nas.Strategy{Name: name, Config: base}
		switch name {
		case "random":
			s.New = func(seed uint64) (nas.Controller, error) { return NewRandom(space, seed), nil }
		case "reinforce":
			cfg := opt.LSTM
			if err := cfg.check(); err != nil {
				return nil, err
			}
			s.Config.BatchSize = max(opt.BatchSize, 1)
			s.New = func(seed uint64) (nas.Controller, error) { return NewLSTM(space, cfg, seed, nil) }
		case "evolution":
			if _, err := NewEvolution(space, opt.Population, opt.SampleSize, 0); err != nil {
				return nil, err
			}
			s.New = func(seed uint64) (nas.Controller, error) {
				return NewEvolution(space, opt.Population, opt.SampleSize, seed)
			}
		default:
			return nil, errors.Errorf("unknown strategy %q (have %v)", name, StrategyNames)
		}
		out = append(out, s)
	}
	return out, nil
}
