package nas

import (
	"math"
	"testing"
)

func TestKendallTauAndSpearmanRhoHandComputed(t *testing.T) {
	cases := []struct {
		name     string
		x, y     []float64
		tau, rho float64
	}{
		// 6 concordant, 4 discordant pairs: τ = 2/10; Σd² = 16: ρ = 1 − 6·16/(5·24).
		{"no ties", []float64{1, 2, 3, 4, 5}, []float64{3, 4, 1, 2, 5}, 0.2, 0.2},
		// C = 4, D = 0, one pair tied in x, one in y: τ-b = 4/sqrt(5·5); ranks
		// [1 2.5 2.5 4] and [1 2 3.5 3.5]: ρ = 3.75/4.5.
		{"ties", []float64{1, 2, 2, 3}, []float64{1, 2, 3, 3}, 0.8, 3.75 / 4.5},
		{"reversed", []float64{1, 2, 3}, []float64{9, 5, -1}, -1, -1},
		{"same order, other scale", []float64{0.1, 0.5, 0.2}, []float64{10, 90, 11}, 1, 1},
	}
	for _, c := range cases {
		tau, err := KendallTau(c.x, c.y)
		if err != nil {
			t.Fatal(err)
		}
		rho, err := SpearmanRho(c.x, c.y)
		if err != nil {
			t.Fatal(err)
		}
		if math.Abs(tau-c.tau) > 1e-12 || math.Abs(rho-c.rho) > 1e-12 {
			t.Errorf("%s: τ = %v, ρ = %v; want %v, %v", c.name, tau, rho, c.tau, c.rho)
		}
	}
}

func TestRankCorrelationEdgeCases(t *testing.T) {
	if tau, err := KendallTau([]float64{1, 1, 1}, []float64{1, 2, 3}); err != nil || !math.IsNaN(tau) {
		t.Errorf("constant scores: τ = %v, %v; want NaN", tau, err)
	}
	if _, err := KendallTau([]float64{1, 2}, []float64{1}); err == nil {
		t.Error("lengths 2 and 1: no error")
	}
	if _, err := SpearmanRho([]float64{1}, []float64{1}); err == nil {
		t.Error("one pair: no error")
	}
	if _, err := SpearmanRho([]float64{1, math.NaN()}, []float64{1, 2}); err == nil {
		t.Error("NaN: no error")
	}
	r := Ranks([]float64{10, 30, 20, 20})
	want := []float64{1, 4, 2.5, 2.5}
	for i := range r {
		if r[i] != want[i] {
			t.Fatalf("Ranks = %v, want %v", r, want)
		}
	}
}

func TestScoreAgainst(t *testing.T) {
	archs := []Arch{{Choices: []int{0}}, {Choices: []int{1}}, {Choices: []int{2}}, {Choices: []int{3}}}
	eval := func(a Arch) (float64, error) { return float64(a.Choices[0] % 3), nil } // 0 1 2 0
	truth := func(a Arch) (float64, error) { return float64(a.Choices[0]), nil }    // 0 1 2 3
	ra, scores, err := ScoreAgainst(archs, eval, truth)
	if err != nil {
		t.Fatal(err)
	}
	// Pairs: (0,1) C (0,2) C (0,3) tied in the scores (1,2) C (1,3) D (2,3) D:
	// τ-b = (3 − 2)/sqrt((6 − 1)·6).
	if want := 1 / math.Sqrt(30); ra.N != 4 || math.Abs(ra.KendallTau-want) > 1e-12 || scores[3] != 0 {
		t.Errorf("ScoreAgainst = %+v, scores %v; want τ %v", ra, scores, want)
	}
}
