package choice

import (
	"github.com/gomlx/compute"
	"github.com/gonas/gonas/controllers"
	"github.com/gonas/gonas/nas"
	"github.com/gonas/gonas/nas/data"
	"github.com/gonas/gonas/nas/train"
	"github.com/pkg/errors"
)

// SearchConfig is a search of a space in one call: a strategy of package
// controllers, a budget, and how each architecture is trained before it is scored.
type SearchConfig struct {
	Strategy string // "random", "reinforce" (the LSTM controller) or "evolution" (regularized)
	Queries  int    // architectures scored
	Seed     uint64 // the controller's seed

	// Shared, when set, scores architectures by weight sharing (Shared): each is
	// trained a few steps in one store, then scored on validation minibatches.
	// Otherwise each is trained from scratch with Train and scored on all of valid.
	Shared *SharedConfig
	Train  train.Config

	LSTM       controllers.LSTMConfig // REINFORCE's controller; zero: controllers.NB201Tuned
	BatchSize  int                    // REINFORCE: architectures per update [4]
	Population int                    // evolution: population [8]
	SampleSize int                    // evolution: tournament size [3]
}

// Search runs cfg.Strategy on s, training on trainSet and scoring on valid, and
// returns what nas.Search saw: the best architecture is History.Best.
func Search(backend compute.Backend, s *Space, trainSet, valid *data.Dataset, cfg SearchConfig) (*nas.History, error) {
	opt := controllers.StrategyOptions{Queries: cfg.Queries, CountDuplicates: cfg.Shared != nil, LSTM: cfg.LSTM,
		BatchSize: cfg.BatchSize, Population: cfg.Population, SampleSize: cfg.SampleSize}
	if opt.LSTM.Hidden == 0 {
		opt.LSTM = controllers.NB201Tuned()
	}
	if opt.BatchSize <= 0 {
		opt.BatchSize = 4
	}
	if opt.Population <= 0 {
		opt.Population = 8
	}
	if opt.SampleSize <= 0 {
		opt.SampleSize = 3
	}
	strategies, err := controllers.Strategies(s, []string{cfg.Strategy}, opt)
	if err != nil {
		return nil, err
	}
	st := strategies[0]
	ctrl, err := st.New(cfg.Seed)
	if err != nil {
		return nil, err
	}
	if c, ok := ctrl.(interface{ Close() }); ok {
		defer c.Close()
	}
	eval := ScratchEvaluator(backend, s, trainSet, valid, cfg.Train)
	if cfg.Shared != nil {
		sh, err := NewShared(backend, s, trainSet, valid, *cfg.Shared)
		if err != nil {
			return nil, err
		}
		defer sh.Close()
		eval = sh.Evaluate
	}
	h, err := nas.Search(ctrl, eval, st.Config)
	if err != nil {
		return nil, errors.WithMessagef(err, "searching %s with %s", s.Name(), cfg.Strategy)
	}
	return h, nil
}
