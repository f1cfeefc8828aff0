package zerocost

import (
	"math"
	"slices"
	"testing"
)

func TestRankCorrelationsHandComputed(t *testing.T) {
	// y against x = 1…5: 7 concordant pairs, 3 discordant → τ = 0.4;
	// Σd² of the ranks = 8 → ρ = 1 − 6·8/(5·24) = 0.6.
	x, y := []float64{1, 2, 3, 4, 5}, []float64{3, 1, 2, 5, 4}
	if got := kendallTau(x, y); math.Abs(got-0.4) > 1e-12 {
		t.Errorf("kendallTau = %g, want 0.4", got)
	}
	if got := spearmanRho(x, y); math.Abs(got-0.6) > 1e-12 {
		t.Errorf("spearmanRho = %g, want 0.6", got)
	}
	// One tie in each: 4 concordant, 0 discordant, 1 tie in x only, 1 in y only:
	// τ-b = 4/√(5·5) = 0.8 (scipy.stats.kendalltau gives the same).
	if got := kendallTau([]float64{1, 1, 2, 3}, []float64{1, 2, 2, 3}); math.Abs(got-0.8) > 1e-12 {
		t.Errorf("kendallTau with ties = %g, want 0.8", got)
	}
	if got := kendallTau([]float64{1, 1}, []float64{1, 2}); !math.IsNaN(got) {
		t.Errorf("kendallTau of a constant = %g, want NaN", got)
	}
	if got := spearmanRho([]float64{1, 2, 3}, []float64{30, 20, 10}); math.Abs(got+1) > 1e-12 {
		t.Errorf("spearmanRho of a reversal = %g, want -1", got)
	}
}

func TestRanksAverageTiesAndPutNaNLast(t *testing.T) {
	got := ranks([]float64{3, 1, 3, math.NaN()})
	if want := []float64{3.5, 2, 3.5, 1}; !slices.Equal(got, want) {
		t.Errorf("ranks = %v, want %v", got, want)
	}
}
