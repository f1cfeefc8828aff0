package nas

import (
	"math"
	"runtime"
	"sync"
	"time"

	"github.com/pkg/errors"
)

// Comparing search strategies honestly: every strategy gets the same budget, the
// same run seeds and the same evaluator, and is judged on a number it never saw
// during the search (the test accuracy of the architecture it chose), averaged over
// independent runs — the protocol of NAS-Bench-201 [5].

// Strategy is a named way of searching: a controller factory and the loop settings.
type Strategy struct {
	Name   string
	New    func(seed uint64) (Controller, error) // a fresh controller for one run
	Config SearchConfig
}

// CompareConfig says how many runs and how to judge them.
type CompareConfig struct {
	Runs    int
	Seed    uint64                        // run r of every strategy uses seed Seed+r
	Workers int                           // runs in parallel (default GOMAXPROCS)
	Test    func(a Arch) (float64, error) // the held-out score of the chosen architecture
}

// RunResult is one run of one strategy.
type RunResult struct {
	Strategy string    `json:"strategy"`
	Run      int       `json:"run"`
	Seed     uint64    `json:"seed"`
	Chosen   Arch      `json:"chosen"`   // the best architecture by reward
	Reward   float64   `json:"reward"`   // its reward (validation accuracy)
	Test     float64   `json:"test"`     // its held-out score
	Curve    []float64 `json:"curve"`    // best reward after each query
	Samples  int       `json:"samples"`  // architectures drawn, repeats included
	Seconds  float64   `json:"seconds"`  // wall time of the run
	Updates  int       `json:"updates"`  // controller updates
	Entropy  float64   `json:"entropy"`  // mean entropy per architecture at the last update
	Baseline float64   `json:"baseline"` // the baseline after the last update
	Distinct int       `json:"distinct"` // distinct architectures evaluated
	Budget   int       `json:"budget"`   // the query budget
	Repeats  int       `json:"repeats"`  // samples answered from the cache
	History  *History  `json:"-"`        // the full history
}

// Summary is a strategy's results over all its runs.
type Summary struct {
	Strategy   string    `json:"strategy"`
	Runs       int       `json:"runs"`
	TestMean   float64   `json:"test_mean"`
	TestStd    float64   `json:"test_std"`
	TestSE     float64   `json:"test_se"` // standard error of TestMean, std/√runs
	RewardMean float64   `json:"reward_mean"`
	RewardStd  float64   `json:"reward_std"`
	CurveMean  []float64 `json:"curve_mean"` // mean best-so-far reward after each query
	CurveStd   []float64 `json:"curve_std"`
	Seconds    float64   `json:"seconds"` // total wall time of the strategy's runs
}

// Compare runs every strategy cfg.Runs times and summarises each. Results are
// independent of the number of workers: each run has its own controller and seed.
func Compare(strategies []Strategy, eval Evaluator, cfg CompareConfig) ([]Summary, []RunResult, error) {
	if cfg.Runs <= 0 {
		return nil, nil, errors.Errorf("Compare: runs must be positive, got %d", cfg.Runs)
	}
	if cfg.Test == nil {
		return nil, nil, errors.New("Compare: no Test function to score the chosen architectures")
	}
	workers := cfg.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	type job struct{ s, r int }
	results := make([]RunResult, len(strategies)*cfg.Runs)
	errs := make([]error, len(results))
	jobs := make(chan job)
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range jobs {
				i := j.s*cfg.Runs + j.r
				results[i], errs[i] = runOnce(&strategies[j.s], j.r, cfg.Seed+uint64(j.r), eval, cfg.Test)
			}
		}()
	}
	for s := range strategies {
		for r := range cfg.Runs {
			jobs <- job{s, r}
		}
	}
	close(jobs)
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return nil, nil, err
		}
	}
	summaries := make([]Summary, len(strategies))
	for s := range strategies {
		summaries[s] = Summarize(strategies[s].Name, results[s*cfg.Runs:(s+1)*cfg.Runs])
	}
	return summaries, results, nil
}

func runOnce(st *Strategy, run int, seed uint64, eval Evaluator, test func(Arch) (float64, error)) (RunResult, error) {
	start := time.Now()
	c, err := st.New(seed)
	if err != nil {
		return RunResult{}, errors.WithMessagef(err, "strategy %q run %d: creating the controller", st.Name, run)
	}
	h, err := Search(c, eval, st.Config)
	if err != nil {
		return RunResult{}, errors.WithMessagef(err, "strategy %q run %d", st.Name, run)
	}
	score, err := test(h.Best)
	if err != nil {
		return RunResult{}, errors.WithMessagef(err, "strategy %q run %d: scoring the chosen %s", st.Name, run, h.Best)
	}
	res := RunResult{
		Strategy: st.Name, Run: run, Seed: seed, Chosen: h.Best, Reward: h.BestReward, Test: score,
		Curve: h.Curve, Samples: h.Samples, Updates: len(h.Updates), Distinct: len(h.Curve),
		Budget: st.Config.Queries, Repeats: h.Samples - len(h.Curve), History: h,
		Seconds: time.Since(start).Seconds(),
	}
	if len(h.Updates) > 0 {
		last := h.Updates[len(h.Updates)-1]
		res.Entropy, res.Baseline = last.Entropy, last.Baseline
	}
	if closer, ok := c.(interface{ Close() }); ok {
		closer.Close()
	}
	return res, nil
}

// Summarize computes mean, standard deviation (n−1) and standard error of the runs'
// test scores and rewards, and the mean best-so-far curve (runs shorter than the
// longest are extended with their last value).
func Summarize(name string, runs []RunResult) Summary {
	s := Summary{Strategy: name, Runs: len(runs)}
	tests := make([]float64, len(runs))
	rewards := make([]float64, len(runs))
	maxLen := 0
	for i, r := range runs {
		tests[i], rewards[i] = r.Test, r.Reward
		maxLen = max(maxLen, len(r.Curve))
		s.Seconds += r.Seconds
	}
	s.TestMean, s.TestStd = MeanStd(tests)
	s.RewardMean, s.RewardStd = MeanStd(rewards)
	if len(runs) > 0 {
		s.TestSE = s.TestStd / math.Sqrt(float64(len(runs)))
	}
	s.CurveMean, s.CurveStd = make([]float64, maxLen), make([]float64, maxLen)
	col := make([]float64, len(runs))
	for q := range maxLen {
		for i, r := range runs {
			if len(r.Curve) == 0 {
				col[i] = math.NaN()
				continue
			}
			col[i] = r.Curve[min(q, len(r.Curve)-1)]
		}
		s.CurveMean[q], s.CurveStd[q] = MeanStd(col)
	}
	return s
}

// MeanStd is the mean and the sample standard deviation (n−1; 0 for one value;
// NaN for none).
func MeanStd(xs []float64) (mu, sd float64) {
	if len(xs) == 0 {
		return math.NaN(), math.NaN()
	}
	mu = meanOf(xs)
	if len(xs) < 2 {
		return mu, 0
	}
	var ss float64
	for _, x := range xs {
		ss += (x - mu) * (x - mu)
	}
	return mu, math.Sqrt(ss / float64(len(xs)-1))
}
