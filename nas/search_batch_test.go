package nas

import (
	"slices"
	"testing"
)

// TestSearchEvaluateBatchMatchesEvaluator: the batched path scores the same
// architectures, in the same order and with the same cache and budget rules, as
// the one-at-a-time Evaluator, one call per batch.
func TestSearchEvaluateBatchMatchesEvaluator(t *testing.T) {
	reward := func(a Arch) float64 { return float64(a.Choices[0]%3) / 2 }
	for _, dup := range []bool{false, true} {
		var oneByOne []int
		eval := func(a Arch) (float64, error) { oneByOne = append(oneByOne, a.Choices[0]); return reward(a), nil }
		c1 := &cycler{period: 5}
		h1, err := Search(c1, eval, SearchConfig{Queries: 7, BatchSize: 4, CountDuplicates: dup, MaxSamples: 12})
		if err != nil {
			t.Fatal(err)
		}
		var batched []int
		calls := 0
		batch := func(archs []Arch) ([]float64, error) {
			calls++
			out := make([]float64, len(archs))
			for i, a := range archs {
				batched = append(batched, a.Choices[0])
				out[i] = reward(a)
			}
			return out, nil
		}
		c2 := &cycler{period: 5}
		h2, err := Search(c2, nil, SearchConfig{Queries: 7, BatchSize: 4, CountDuplicates: dup, MaxSamples: 12, EvaluateBatch: batch})
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(oneByOne, batched) || !slices.Equal(h1.Curve, h2.Curve) || len(c1.updates) != len(c2.updates) {
			t.Fatalf("duplicates=%v: evaluated %v vs %v, curves %v vs %v", dup, oneByOne, batched, h1.Curve, h2.Curve)
		}
		for i := range c1.updates {
			if !slices.Equal(c1.updates[i], c2.updates[i]) {
				t.Fatalf("duplicates=%v: update %d rewards %v vs %v", dup, i, c1.updates[i], c2.updates[i])
			}
		}
		if calls > len(c2.updates) {
			t.Fatalf("duplicates=%v: %d batch calls for %d updates", dup, calls, len(c2.updates))
		}
	}
}
