package multitrial

import (
	"context"
	"fmt"
	"hash/fnv"
	"io"
	"time"

	"github.com/gonas/gonas/cells"
	"github.com/gonas/gonas/controllers"
	"github.com/gonas/gonas/nas"
	"github.com/pkg/errors"
)

// Salts of the fixed random draws of a search (XORed into its seed).
const (
	probeSalt   = 0x9b0be5
	controlSalt = 0xc0171
)

// UpdateRecord is one REINFORCE update of the controller, on one batch of m
// children.
type UpdateRecord struct {
	Update     int     `json:"update"` // 1-based
	RewardMean float64 `json:"reward_mean"`
	RewardMax  float64 `json:"reward_max"`
	Failed     int     `json:"failed"` // children that failed (reward 0)
	Baseline   float64 `json:"baseline"`
	Entropy    float64 `json:"entropy"` // mean Σ_t H_t of the batch
	Loss       float64 `json:"loss"`
	GradNorm   float64 `json:"grad_norm"`
}

// Search runs the multi-trial search of cfg on exec: Updates batches of Batch
// children, each batch one exec.Run whose results, in dispatch order, reward the
// controller (a failed child gets the worst reward, 0, and a warning line); then
// the rerank of the best distinct cells and the transfer of the winner beside
// the random control, each one exec.Run too. progress receives name=value lines
// and a progress bar (nil: nothing). A cancelled context stops the search between
// batches with its error; a Recorder around exec lets a later call resume.
func Search(ctx context.Context, cfg *Config, exec nas.Executor, progress io.Writer) (*SearchResult, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	start := time.Now()
	space, err := cfg.Space()
	if err != nil {
		return nil, err
	}
	ctrl, err := controllers.NewLSTM(space, cfg.Controller, cfg.Seed, nil)
	if err != nil {
		return nil, errors.WithMessage(err, "multitrial: controller")
	}
	defer ctrl.Close()
	probes, err := controllers.NewRandom(space, cfg.Seed^probeSalt).Sample(cfg.Probes)
	if err != nil {
		return nil, err
	}
	s := &search{cfg: cfg, exec: exec, ctx: ctx, id: cfg.SearchID(),
		rep: newReporter(progress, cfg.Batch*cfg.Updates+min(cfg.Rerank.TopK, cfg.Batch*cfg.Updates)+1+cfg.Transfer.ControlArchs),
		res: &SearchResult{Config: *cfg, SearchID: cfg.SearchID()}}
	defer s.rep.finish()
	s.rep.linef("search_id=%s children=%d batch=%d updates=%d\n", s.id, cfg.Batch*cfg.Updates, cfg.Batch, cfg.Updates)

	logged := &loggedController{Controller: ctrl, onUpdate: s.recordUpdate}
	_, err = nas.Search(logged, nil, nas.SearchConfig{Queries: cfg.Batch * cfg.Updates, BatchSize: cfg.Batch,
		CountDuplicates: true, EvaluateBatch: s.searchBatch})
	if err != nil {
		return nil, err
	}
	for _, p := range probes {
		s.res.ProbeArchs = append(s.res.ProbeArchs, p.Arch)
	}
	lps, _, err := ctrl.HostLogProbs(s.res.ProbeArchs)
	if err != nil {
		return nil, err
	}
	for _, lp := range lps {
		s.res.ControllerLogProbs = append(s.res.ControllerLogProbs, sum(lp))
	}
	s.res.SearchSeconds = time.Since(start).Seconds()
	if err := s.rerank(); err != nil {
		return nil, err
	}
	s.res.BestFormats = cells.AllFormats(space, s.res.Best)
	s.rep.linef("best_arch=%s\n", s.res.Best)
	if err := s.transfer(space); err != nil {
		return nil, err
	}
	s.res.Seconds = time.Since(start).Seconds()
	s.res.Date = time.Now().UTC().Format(time.RFC3339)
	return s.res, nil
}

// search is one run of Search in progress.
type search struct {
	cfg  *Config
	exec nas.Executor
	ctx  context.Context
	id   string
	rep  *reporter
	res  *SearchResult
}

// Space is the search space, sized for the search child and the data's images.
func (c *Config) Space() (*cells.NASNet, error) {
	r := c.SearchRecipe()
	return r.Space()
}

// SearchTrials are the trials Search dispatches for the children archs of
// controller update u (0-based): their IDs (search ID, batch, place), the search
// recipe and each trial's seed. A loop written out with them (sample m children,
// run these trials, reward each with Reward, update the controller) is Search's,
// and a Recorder answers either from the other's record.
func (c *Config) SearchTrials(u int, archs []nas.Arch) []nas.Trial {
	ids := make([]string, len(archs))
	for k := range archs {
		ids[k] = fmt.Sprintf("%s_b%04d_s%02d", c.SearchID(), u, k)
	}
	return c.trials(archs, ids, c.SearchRecipe())
}

// trials are the trials of archs under ids with recipe.
func (c *Config) trials(archs []nas.Arch, ids []string, recipe Recipe) []nas.Trial {
	trials := make([]nas.Trial, len(archs))
	blob := recipe.JSON()
	for k, a := range archs {
		trials[k] = nas.Trial{ID: ids[k], Arch: a, Recipe: blob, Seed: trialSeed(c.Seed, ids[k])}
	}
	return trials
}

// trialSeed is a trial's seed: a hash of the search's seed and the trial's ID.
func trialSeed(seed uint64, id string) uint64 {
	h := fnv.New64a()
	fmt.Fprintf(h, "%d/%s", seed, id)
	return h.Sum64()
}

// run dispatches trials as one batch and counts them on the progress bar.
func (s *search) run(kind string, archs []nas.Arch, ids []string, recipe Recipe) ([]nas.TrialResult, error) {
	return s.runTrials(kind, s.cfg.trials(archs, ids, recipe))
}

// runTrials dispatches trials as one batch and counts them on the progress bar.
func (s *search) runTrials(kind string, trials []nas.Trial) ([]nas.TrialResult, error) {
	results, err := s.exec.Run(s.ctx, trials)
	if err != nil {
		return nil, errors.WithMessagef(err, "multitrial: running %d %s trials", len(trials), kind)
	}
	if len(results) != len(trials) {
		return nil, errors.Errorf("multitrial: the executor returned %d results for %d %s trials", len(results), len(trials), kind)
	}
	for k, r := range results {
		if r.ID != trials[k].ID {
			return nil, errors.Errorf("multitrial: the executor answered trial %s with the result of %s", trials[k].ID, r.ID)
		}
		if r.Error != "" {
			s.rep.linef("warning: %s trial %s failed: %s\n", kind, r.ID, r.Error)
		}
	}
	s.rep.advance(len(trials))
	return results, nil
}

// searchBatch trains one batch of search children and returns their rewards.
func (s *search) searchBatch(archs []nas.Arch) ([]float64, error) {
	results, err := s.runTrials("search", s.cfg.SearchTrials(len(s.res.Updates), archs))
	if err != nil {
		return nil, err
	}
	if err := sameFailure(results); err != nil {
		return nil, errors.WithMessagef(err, "multitrial: batch %d", len(s.res.Updates)+1)
	}
	rewards := make([]float64, len(results))
	for k, r := range results {
		rewards[k] = Reward(r)
	}
	s.res.Trials = append(s.res.Trials, results...)
	s.res.Archs = append(s.res.Archs, archs...)
	s.res.Rewards = append(s.res.Rewards, rewards...)
	return rewards, nil
}

// Reward is a search child's reward: its validation accuracy, or 0 when it failed.
func Reward(r nas.TrialResult) float64 {
	if v := r.Metric(MetricValidAccuracy); v == v {
		return v
	}
	return 0
}

// recordUpdate keeps and prints the statistics of the update after the last batch.
func (s *search) recordUpdate(st nas.UpdateStats) {
	m := s.cfg.Batch
	rewards := s.res.Rewards[len(s.res.Rewards)-m:]
	u := UpdateRecord{Update: len(s.res.Updates) + 1, RewardMean: sum(rewards) / float64(m), Baseline: st.Baseline,
		Entropy: st.Entropy, Loss: st.Loss, GradNorm: st.GradNorm}
	for k, r := range rewards {
		u.RewardMax = max(u.RewardMax, r)
		if s.res.Trials[len(s.res.Trials)-m+k].Error != "" {
			u.Failed++
		}
	}
	s.res.Updates = append(s.res.Updates, u)
	s.rep.linef("update=%d/%d reward_mean=%.4f reward_max=%.4f baseline=%.4f entropy=%.3f loss=%.4g failed=%d\n",
		u.Update, s.cfg.Updates, u.RewardMean, u.RewardMax, u.Baseline, u.Entropy, u.Loss, u.Failed)
}

// loggedController reports each update of the controller it wraps.
type loggedController struct {
	nas.Controller
	onUpdate func(nas.UpdateStats)
}

// Update implements nas.Controller.
func (c *loggedController) Update(samples []nas.Sample, rewards []float64) (nas.UpdateStats, error) {
	st, err := c.Controller.Update(samples, rewards)
	if err == nil {
		c.onUpdate(st)
	}
	return st, err
}

func sum(xs []float64) float64 {
	var s float64
	for _, x := range xs {
		s += x
	}
	return s
}
