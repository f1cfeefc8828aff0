package tutorial

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/gonas/gonas/nas"
)

// TestGradientIsTheMeanOfScaledScores checks Gradient against the sum written out:
// each sample moves its own choice by A_k(1 − p)/m and every other by −A_k·p/m.
func TestGradientIsTheMeanOfScaledScores(t *testing.T) {
	p, _ := testPolicy()
	actions := [][]int{{2, 0, 1}, {0, 0, 2}}
	adv := []float64{0.5, -0.25}
	g, err := p.Gradient(actions, adv)
	if err != nil {
		t.Fatal(err)
	}
	for d := range p.Logits {
		probs := p.Probs(d)
		var sum float64
		for c := range probs {
			want := 0.0
			for k, a := range actions {
				onehot := 0.0
				if a[d] == c {
					onehot = 1
				}
				want += adv[k] * (onehot - probs[c]) / 2
			}
			if math.Abs(g[d][c]-want) > 1e-12 {
				t.Errorf("ĝ[%d][%d] = %.6f, want %.6f", d, c, g[d][c], want)
			}
			sum += g[d][c]
		}
		if math.Abs(sum) > 1e-12 {
			t.Errorf("decision %d: ĝ sums to %g, want 0 (a softmax score sums to zero)", d, sum)
		}
	}
	for _, bad := range []struct {
		actions [][]int
		adv     []float64
	}{{nil, nil}, {actions, adv[:1]}, {[][]int{{0, 0}}, []float64{1}}, {[][]int{{0, 3, 0}}, []float64{1}}} {
		if _, err := p.Gradient(bad.actions, bad.adv); err == nil {
			t.Errorf("Gradient(%v, %v) accepted", bad.actions, bad.adv)
		}
	}
}

// TestOneUpdateByHandRaisesJ: one update of the parts written out (SampleBatch,
// BatchAdvantages, Gradient, Step) with a large batch raises the expected reward
// and the best arm's probability.
func TestOneUpdateByHandRaisesJ(t *testing.T) {
	prob := Bandit([]float64{0.80, 0.85, 0.90, 0.86, 0.70}, 0.02)
	p := PolicyFor(prob)
	rng := rand.New(rand.NewPCG(5, 5))
	actions, rewards := p.SampleBatch(prob, 400, rng)
	if len(actions) != 400 || len(rewards) != 400 || len(actions[0]) != 1 {
		t.Fatalf("SampleBatch shapes %d, %d, %d", len(actions), len(rewards), len(actions[0]))
	}
	for k, a := range actions {
		if math.Abs(rewards[k]-prob.Mean(a)) > 0.2 {
			t.Fatalf("reward %g of arm %d is far from its mean %g", rewards[k], a[0], prob.Mean(a))
		}
	}
	before, _ := p.Expected(prob)
	g, err := p.Gradient(actions, nas.NewBaseline(0.9).BatchAdvantages(rewards))
	if err != nil {
		t.Fatal(err)
	}
	p.Step(g, 2)
	after, _ := p.Expected(prob)
	if !(after > before) || !(p.Probs(0)[2] > 0.2) || !(p.Probs(0)[4] < 0.2) {
		t.Errorf("J %.4f → %.4f, probabilities %v: want J up, the best arm above 0.2, the worst below", before, after, p.Probs(0))
	}
}

// TestTanhEntropyFloor: the floor of 6 decisions of 5 choices at c = 2.5 is the
// 0.947 nats notebook 01's LSTM settles at; no logits within (−c, c) go below it;
// no bound means no floor, and c → 0 forces the uniform policy.
func TestTanhEntropyFloor(t *testing.T) {
	h := TanhEntropyFloor(5, 2.5)
	if got := 6 * h; math.Abs(got-0.947) > 0.0005 {
		t.Errorf("6 × floor(5 choices, c = 2.5) = %.4f, want 0.947", got)
	}
	pmax := 1 / (1 + 4*math.Exp(-5))
	q := (1 - pmax) / 4
	if want := -pmax*math.Log(pmax) - 4*q*math.Log(q); math.Abs(h-want) > 1e-12 {
		t.Errorf("floor %.12f, closed form %.12f", h, want)
	}
	rng := rand.New(rand.NewPCG(1, 1))
	logits := make([]float64, 5)
	for range 20000 {
		for i := range logits {
			logits[i] = 2.5 * (2*rng.Float64() - 1)
		}
		if e := nas.CategoricalEntropy(logits); e < h-1e-12 {
			t.Fatalf("logits %v in (−2.5, 2.5) have entropy %.6f below the floor %.6f", logits, e, h)
		}
	}
	if TanhEntropyFloor(5, 0) != 0 || TanhEntropyFloor(1, 2.5) != 0 {
		t.Error("no bound (c = 0) or a single choice should have floor 0")
	}
	if f := TanhEntropyFloor(5, 1e-6); math.Abs(f-math.Log(5)) > 1e-6 {
		t.Errorf("floor at c → 0 is %.6f, want log 5 = %.6f", f, math.Log(5))
	}
	if TanhEntropyFloor(5, 5) >= h {
		t.Error("a larger tanh constant should lower the floor")
	}
}
