package tutorial

import (
	"math"
	"testing"

	"github.com/gonas/gonas/nas"
)

func testPolicy() (*Policy, Problem) {
	prob := MatchTarget([]int{2, 0, 1}, 3, 0.8, 0.9, 0.01)
	p := PolicyFor(prob)
	p.Logits[0] = []float64{0.3, -0.2, 0.1}
	p.Logits[1] = []float64{0.5, -0.5, 0}
	p.Logits[2] = []float64{-0.4, 0.3, 0.2}
	return p, prob
}

// TestExactGradientMatchesFiniteDifferences checks the score-function form of ∇J
// against central differences of J.
func TestExactGradientMatchesFiniteDifferences(t *testing.T) {
	p, prob := testPolicy()
	g, err := p.ExactGradient(prob)
	if err != nil {
		t.Fatal(err)
	}
	const h = 1e-5
	for d := range p.Logits {
		for c := range p.Logits[d] {
			q := p.Clone()
			q.Logits[d][c] += h
			jp, _ := q.Expected(prob)
			q.Logits[d][c] -= 2 * h
			jm, _ := q.Expected(prob)
			if fd := (jp - jm) / (2 * h); math.Abs(fd-g[d][c]) > 1e-8 {
				t.Errorf("∂J/∂θ[%d][%d]: score form %.10f, finite differences %.10f", d, c, g[d][c], fd)
			}
		}
	}
}

// TestBaselineKeepsTheMeanAndCutsTheVariance: both estimators average to ∇J, and
// the baseline shrinks the variance many times for accuracy-like rewards.
func TestBaselineKeepsTheMeanAndCutsTheVariance(t *testing.T) {
	p, prob := testPolicy()
	exact, _ := p.ExactGradient(prob)
	j, _ := p.Expected(prob)
	const trials = 4000
	for _, b := range []float64{0, j} {
		s := GradientSamples(p, prob, 4, b, trials, 0, 2, 1)
		mean, std := MeanStd(s)
		if se := std / math.Sqrt(trials); math.Abs(mean-exact[0][2]) > 4*se {
			t.Errorf("b=%.3f: mean estimate %.5f, exact %.5f (s.e. %.5f)", b, mean, exact[0][2], se)
		}
	}
	rows, err := GradientVariance(p, prob, []int{1, 8}, 2000, 3)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rows {
		if r.Baseline*10 > r.NoBaseline {
			t.Errorf("m=%d: variance %.5f with baseline, %.5f without: expected ≥10× less", r.M, r.Baseline, r.NoBaseline)
		}
	}
	if ratio := rows[0].NoBaseline / rows[1].NoBaseline; ratio < 5 || ratio > 13 {
		t.Errorf("variance should fall as 1/m: m=1 over m=8 is %.2f, want about 8", ratio)
	}
}

// TestTrainLearnsTheBandit: REINFORCE with a baseline puts most mass on the best arm.
func TestTrainLearnsTheBandit(t *testing.T) {
	prob := Bandit([]float64{0.80, 0.85, 0.90, 0.86, 0.70}, 0.02)
	p := PolicyFor(prob)
	log, err := Train(p, prob, TrainConfig{Steps: 300, BatchSize: 8, LearningRate: 2, BaselineDecay: 0.9, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	if best := p.Probs(0)[2]; best < 0.8 {
		t.Errorf("p(best arm) = %.3f after training, want > 0.8 (J: %.4f → %.4f)", best, log.Expected[0], log.Expected[len(log.Expected)-1])
	}
	if _, err := Train(p, prob, TrainConfig{}); err == nil {
		t.Error("Train accepted a zero config")
	}
}

func TestProblemSpaceAndEnumerate(t *testing.T) {
	prob := MatchTarget([]int{1, 2, 0, 3}, 4, 0, 1, 0)
	n := 0
	if err := prob.Enumerate(func([]int) { n++ }); err != nil || n != 256 {
		t.Fatalf("Enumerate visited %d sequences (err %v), want 4^4 = 256", n, err)
	}
	best, mean, err := prob.Best()
	if err != nil || mean != 1 || best[1] != 2 {
		t.Errorf("Best = %v, %g, %v; want the target with reward 1", best, mean, err)
	}
	space := prob.Space()
	a := nas.Arch{Space: space.Name(), Choices: []int{1, 2, 0, 3}}
	if err := space.Validate(a); err != nil {
		t.Fatal(err)
	}
	if r, err := prob.Evaluator(1)(a); err != nil || r != 1 {
		t.Errorf("Evaluator(target) = %g, %v; want 1", r, err)
	}
	if _, err := prob.Evaluator(1)(nas.Arch{Space: space.Name(), Choices: []int{9, 0, 0, 0}}); err == nil {
		t.Error("Evaluator accepted a choice out of range")
	}
	h := &nas.History{Queries: []nas.Query{{Reward: 1}, {Reward: 3}, {Reward: 5}}}
	if got := RewardPerUpdate(h, 2); len(got) != 2 || got[0] != 2 || got[1] != 5 {
		t.Errorf("RewardPerUpdate = %v, want [2 5]", got)
	}
	if err := MatchTarget(make([]int, 30), 5, 0, 1, 0).Enumerate(func([]int) {}); err == nil {
		t.Error("Enumerate accepted 5^30 sequences")
	}
}

func TestTrainManyAveragesRuns(t *testing.T) {
	prob := Bandit([]float64{0.8, 0.9}, 0.01)
	mean, se, err := TrainMany(prob, TrainConfig{Steps: 50, BatchSize: 4, LearningRate: 2, BaselineDecay: 0.9, Seed: 3}, 4)
	if err != nil {
		t.Fatal(err)
	}
	if len(mean) != 50 || len(se) != 50 || !(mean[49] > mean[0]) || se[49] < 0 {
		t.Errorf("mean %v... se %v...", mean[:3], se[:3])
	}
	if _, _, err := TrainMany(prob, TrainConfig{Steps: 1, BatchSize: 1, LearningRate: 1}, 0); err == nil {
		t.Error("zero runs accepted")
	}
}

func TestVarianceReport(t *testing.T) {
	rows := []VarianceRow{{M: 1, NoBaseline: 1, Baseline: 0.01}, {M: 4, NoBaseline: 0.25, Baseline: 0.0025}}
	header, table := VarianceTable(rows)
	if len(header) != 4 || len(table) != 2 || table[1][3] != "100×" {
		t.Errorf("table %q", table)
	}
	s := VarianceSeries(rows)
	if len(s) != 2 || s[0].X[1] != 4 || s[1].Y[0] != 0.01 {
		t.Errorf("series %+v", s)
	}
}
