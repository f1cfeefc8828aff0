package nas

import (
	"math"

	"github.com/pkg/errors"
)

// The search loop shared by every strategy: sample m architectures from a
// Controller, score each with an Evaluator, feed the rewards back with Update, and
// record the history (the best-so-far curve against the number of queries). The loop
// itself draws no random numbers: a run is deterministic when its controller is
// (every controller in package controllers takes a seed).

// SearchConfig is the budget and bookkeeping of one search.
type SearchConfig struct {
	// Queries is the budget: the number of evaluations. With the default cache,
	// only distinct architectures count (a repeat is answered from the cache for free,
	// as a real search would reuse the trained child's accuracy).
	Queries int
	// BatchSize is m, the number of architectures per Sample/Update (default 1).
	BatchSize int
	// CountDuplicates makes every sample a query: no cache, repeats are evaluated
	// again and count against the budget.
	CountDuplicates bool
	// MaxSamples stops a search whose controller keeps proposing architectures it
	// has already seen (default 50 × Queries).
	MaxSamples int
	// Shapers turn the evaluator's reward into the controller's (e.g. EntropyBonus);
	// the history keeps the raw reward.
	Shapers []RewardShaper
	// OnQuery, when set, is called after each sample is scored.
	OnQuery func(q Query)
	// EvaluateBatch, when set, replaces the Evaluator: the architectures of a batch
	// that need scoring (those within the budget and, without CountDuplicates, not
	// in the cache, each once) are scored in one call, in sample order — so a
	// multi-trial search trains a whole batch of children in parallel.
	EvaluateBatch func(archs []Arch) (rewards []float64, err error)
}

// Query is one scored sample.
type Query struct {
	Sample int     // index of the sample, counting repeats
	Count  int     // queries spent so far, this one included
	Arch   Arch    // the architecture
	Reward float64 // the evaluator's reward
	Cached bool    // answered from the cache (a repeat; free unless CountDuplicates)
}

// History is what a search saw.
type History struct {
	Queries    []Query       // every scored sample, in order
	Curve      []float64     // Curve[i] is the best reward after i+1 queries
	Best       Arch          // the architecture with the best reward (the first one, on ties)
	BestReward float64       // its reward
	Samples    int           // architectures drawn, repeats included
	Updates    []UpdateStats // one per controller update
}

// Search runs the loop until the budget of queries is spent (or MaxSamples
// architectures were drawn) and returns the history. eval is not used (and may be
// nil) when cfg.EvaluateBatch is set.
func Search(c Controller, eval Evaluator, cfg SearchConfig) (*History, error) {
	if cfg.Queries <= 0 {
		return nil, errors.Errorf("Search: the query budget must be positive, got %d", cfg.Queries)
	}
	if cfg.BatchSize <= 0 {
		cfg.BatchSize = 1
	}
	if cfg.MaxSamples <= 0 {
		cfg.MaxSamples = 50 * cfg.Queries
	}
	h := &History{BestReward: math.Inf(-1)}
	cache := map[string]float64{}
	for len(h.Curve) < cfg.Queries && h.Samples < cfg.MaxSamples {
		m := min(cfg.BatchSize, cfg.MaxSamples-h.Samples)
		if cfg.CountDuplicates {
			m = min(m, cfg.Queries-len(h.Curve))
		}
		samples, err := c.Sample(m)
		if err != nil {
			return nil, errors.WithMessagef(err, "Search: sampling after %d queries", len(h.Curve))
		}
		batched, err := evaluateBatch(samples, cache, &cfg, len(h.Curve))
		if err != nil {
			return nil, errors.WithMessagef(err, "Search: evaluating a batch after %d queries", len(h.Curve))
		}
		var scored []Sample
		var rewards []float64
		for _, s := range samples {
			if len(h.Curve) >= cfg.Queries {
				break // budget spent mid-batch: the rest of the batch is not scored
			}
			key := s.Arch.String()
			r, cached := cache[key]
			if !cached || cfg.CountDuplicates {
				if cfg.EvaluateBatch != nil {
					r = batched[0]
					batched = batched[1:]
				} else if r, err = eval(s.Arch); err != nil {
					return nil, errors.WithMessagef(err, "Search: evaluating %s", key)
				}
				cache[key] = r
				cached = false
			}
			h.Samples++
			if !cached {
				h.Curve = append(h.Curve, 0) // filled below
				if r > h.BestReward {
					h.Best, h.BestReward = s.Arch, r
				}
				h.Curve[len(h.Curve)-1] = h.BestReward
			}
			q := Query{Sample: h.Samples - 1, Count: len(h.Curve), Arch: s.Arch, Reward: r, Cached: cached}
			h.Queries = append(h.Queries, q)
			if cfg.OnQuery != nil {
				cfg.OnQuery(q)
			}
			scored = append(scored, s)
			rewards = append(rewards, r)
		}
		if len(scored) == 0 {
			break
		}
		shaped, err := ShapeRewards(rewards, scored, cfg.Shapers...)
		if err != nil {
			return nil, err
		}
		stats, err := c.Update(scored, shaped)
		if err != nil {
			return nil, errors.WithMessagef(err, "Search: update after %d queries", len(h.Curve))
		}
		h.Updates = append(h.Updates, stats)
	}
	if len(h.Curve) == 0 {
		return nil, errors.Errorf("Search: no architecture was evaluated")
	}
	return h, nil
}

// evaluateBatch scores, with cfg.EvaluateBatch, the samples the loop of Search will
// evaluate (in its order; nil when there is no EvaluateBatch): those within the
// budget of queries, and without CountDuplicates only the first sample of each
// architecture not in the cache.
func evaluateBatch(samples []Sample, cache map[string]float64, cfg *SearchConfig, queries int) ([]float64, error) {
	if cfg.EvaluateBatch == nil {
		return nil, nil
	}
	var archs []Arch
	seen := map[string]bool{}
	for _, s := range samples {
		if queries >= cfg.Queries {
			break
		}
		key := s.Arch.String()
		if _, cached := cache[key]; (cached || seen[key]) && !cfg.CountDuplicates {
			continue
		}
		seen[key] = true
		archs = append(archs, s.Arch)
		queries++
	}
	if len(archs) == 0 {
		return nil, nil
	}
	rewards, err := cfg.EvaluateBatch(archs)
	if err == nil && len(rewards) != len(archs) {
		err = errors.Errorf("EvaluateBatch returned %d rewards for %d architectures", len(rewards), len(archs))
	}
	return rewards, err
}
