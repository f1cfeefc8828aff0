package nas

import (
	"math"
	"strings"
	"testing"

	"github.com/pkg/errors"
)

// cycler proposes architectures 0, 1, ..., period−1, 0, 1, ... of a one-decision
// space and records the batches it was updated with.
type cycler struct {
	period, next int
	updates      [][]float64
}

func (c *cycler) Sample(n int) ([]Sample, error) {
	out := make([]Sample, n)
	for k := range out {
		out[k] = Sample{Arch: Arch{Space: "toy", Choices: []int{c.next % c.period}}, LogProbs: []float64{0}}
		c.next++
	}
	return out, nil
}

func (c *cycler) Update(samples []Sample, rewards []float64) (UpdateStats, error) {
	c.updates = append(c.updates, append([]float64(nil), rewards...))
	return UpdateStats{}, nil
}

func TestSearchBudgetAndCache(t *testing.T) {
	evals := 0
	eval := func(a Arch) (float64, error) { evals++; return float64(a.Choices[0] % 3), nil }
	// Period 4 with the cache: 4 distinct architectures, then only repeats.
	c := &cycler{period: 4}
	h, err := Search(c, eval, SearchConfig{Queries: 10, BatchSize: 3, MaxSamples: 20})
	if err != nil {
		t.Fatal(err)
	}
	if len(h.Curve) != 4 || evals != 4 || h.Samples != 20 {
		t.Fatalf("cache: %d queries, %d evaluations, %d samples; want 4, 4, 20 (MaxSamples)", len(h.Curve), evals, h.Samples)
	}
	if h.BestReward != 2 || h.Best.Choices[0] != 2 || h.Curve[3] != 2 || h.Curve[0] != 0 {
		t.Fatalf("best %v %g, curve %v", h.Best, h.BestReward, h.Curve)
	}
	// CountDuplicates: every sample is a query; the budget stops mid-batch.
	evals = 0
	c = &cycler{period: 4}
	h, err = Search(c, eval, SearchConfig{Queries: 10, BatchSize: 3, CountDuplicates: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(h.Curve) != 10 || evals != 10 || h.Samples != 10 {
		t.Fatalf("count duplicates: %d queries, %d evals, %d samples", len(h.Curve), evals, h.Samples)
	}
	if last := c.updates[len(c.updates)-1]; len(last) != 1 {
		t.Fatalf("the last update should hold the 1 sample left in the budget, got %v", c.updates)
	}
	// Shapers change what the controller sees, not the history.
	c = &cycler{period: 100}
	h, err = Search(c, eval, SearchConfig{Queries: 3, Shapers: []RewardShaper{ScaleReward(10, 1)}})
	if err != nil {
		t.Fatal(err)
	}
	if c.updates[2][0] != 21 || h.BestReward != 2 {
		t.Fatalf("shaped %v, best %g", c.updates, h.BestReward)
	}
	// Errors name what failed.
	if _, err := Search(c, func(Arch) (float64, error) { return 0, errors.New("boom") }, SearchConfig{Queries: 1}); err == nil || !strings.Contains(err.Error(), "boom") {
		t.Fatalf("evaluator error: %v", err)
	}
	if _, err := Search(c, eval, SearchConfig{}); err == nil {
		t.Fatal("accepted a zero budget")
	}
}

func TestCompareAndPlot(t *testing.T) {
	eval := func(a Arch) (float64, error) { return float64(a.Choices[0]), nil }
	test := func(a Arch) (float64, error) { return float64(a.Choices[0]) / 10, nil }
	strategies := []Strategy{
		{Name: "short", New: func(seed uint64) (Controller, error) { return &cycler{period: 3, next: int(seed % 3)}, nil }, Config: SearchConfig{Queries: 5}},
		{Name: "long", New: func(seed uint64) (Controller, error) { return &cycler{period: 50}, nil }, Config: SearchConfig{Queries: 5}},
	}
	for _, workers := range []int{1, 3} {
		sums, runs, err := Compare(strategies, eval, CompareConfig{Runs: 4, Seed: 1, Workers: workers, Test: test})
		if err != nil {
			t.Fatal(err)
		}
		if len(runs) != 8 || sums[1].TestMean != 0.4 || sums[1].TestStd != 0 || len(sums[1].CurveMean) != 5 {
			t.Fatalf("summaries %+v", sums[1])
		}
		// "short" finds 2 in every run (3 distinct architectures, then MaxSamples stops it).
		if sums[0].TestMean != 0.2 || runs[0].Distinct != 3 || runs[0].Seed != 1 || runs[3].Seed != 4 {
			t.Fatalf("short: %+v / %+v", sums[0], runs[0])
		}
	}
	_, sd := MeanStd([]float64{1, 2, 3, 4})
	if math.Abs(sd-math.Sqrt(5.0/3)) > 1e-12 {
		t.Fatalf("sample std %g", sd)
	}
}
