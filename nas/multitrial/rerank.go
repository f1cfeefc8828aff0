package multitrial

import (
	"fmt"
	"sort"

	"github.com/gonas/gonas/nas"
	"github.com/pkg/errors"
)

// Candidate is one of the best distinct cells of the search, retrained with the
// rerank budget.
type Candidate struct {
	Arch          nas.Arch `json:"arch"`
	SearchTrial   string   `json:"search_trial"`  // the search child it was found as
	SearchReward  float64  `json:"search_reward"` // that child's validation accuracy
	Trial         string   `json:"trial"`         // the rerank trial
	ValidAccuracy float64  `json:"valid_accuracy"`
	Params        int      `json:"params"`
	FLOPs         int64    `json:"flops"`
	Error         string   `json:"error,omitempty"` // the rerank trial failed
}

// rerank retrains the TopK distinct best children with the rerank budget and
// keeps the best by validation accuracy as res.Best (the search's best child when
// every rerank trial failed).
func (s *search) rerank() error {
	order := make([]int, len(s.res.Trials))
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(i, j int) bool { return s.res.Rewards[order[i]] > s.res.Rewards[order[j]] })
	seen := map[string]bool{}
	var archs []nas.Arch
	var ids []string
	for _, i := range order {
		key := s.res.Archs[i].String()
		if seen[key] || s.res.Trials[i].Error != "" || len(archs) == s.cfg.Rerank.TopK {
			continue
		}
		seen[key] = true
		archs = append(archs, s.res.Archs[i])
		ids = append(ids, fmt.Sprintf("%s_rerank_r%02d", s.id, len(ids)+1))
		s.res.Rerank = append(s.res.Rerank, Candidate{Arch: s.res.Archs[i], SearchTrial: s.res.Trials[i].ID,
			SearchReward: s.res.Rewards[i], Trial: ids[len(ids)-1]})
	}
	if len(archs) == 0 {
		return errors.Errorf("multitrial: all %d search children failed; see the warnings", len(s.res.Trials))
	}
	results, err := s.run("rerank", archs, ids, s.cfg.RerankRecipe())
	if err != nil {
		return err
	}
	best := -1
	for k, r := range results {
		c := &s.res.Rerank[k]
		c.Error = r.Error
		if r.Error != "" {
			continue
		}
		c.ValidAccuracy, c.Params, c.FLOPs = r.Metric(MetricValidAccuracy), int(r.Metrics[MetricParams]), int64(r.Metrics[MetricFLOPs])
		if best < 0 || c.ValidAccuracy > s.res.Rerank[best].ValidAccuracy {
			best = k
		}
		s.rep.linef("rerank=%d/%d trial=%s search_reward=%.4f valid_accuracy=%.4f params=%d\n",
			k+1, len(results), c.Trial, c.SearchReward, c.ValidAccuracy, c.Params)
	}
	if best < 0 {
		s.rep.linef("warning: every rerank trial failed; the best search child wins\n")
		best = 0
	}
	s.res.Best = s.res.Rerank[best].Arch
	return nil
}
