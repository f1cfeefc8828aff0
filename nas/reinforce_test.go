package nas

import (
	"math"
	"math/rand/v2"
	"testing"
)

// seqPolicy is a two-decision tabular policy with known probabilities: a1 ~ softmax(l1)
// (3 choices), then a2 ~ softmax(l2[a1]) (2 choices, conditioned on a1).
type seqPolicy struct {
	l1 []float64
	l2 [][]float64
	r  [][]float64 // reward table R(a1, a2), accuracy-like (large offset)
}

func newSeqPolicy() *seqPolicy {
	return &seqPolicy{
		l1: []float64{0.3, -0.2, 0.1},
		l2: [][]float64{{0.5, -0.5}, {0.0, 0.2}, {-0.4, 0.3}},
		r:  [][]float64{{0.90, 0.86}, {0.83, 0.93}, {0.88, 0.80}},
	}
}

// numParams is 3 (l1) + 3×2 (l2), flattened as l1 then l2 row by row.
const seqNumParams = 9

// analyticGradient is ∇J for J = Σ p(a1) p(a2|a1) R(a1,a2).
func (p *seqPolicy) analyticGradient() []float64 {
	g := make([]float64, seqNumParams)
	p1 := CategoricalProbs(p.l1)
	v := make([]float64, 3) // V(a1) = E[R | a1]
	for a1 := range 3 {
		p2 := CategoricalProbs(p.l2[a1])
		for a2 := range 2 {
			v[a1] += p2[a2] * p.r[a1][a2]
		}
		// ∂J/∂l2[a1][j] = p1(a1) Σ_a2 p2(a2)(δ_j,a2 − p2_j) R
		for j := range 2 {
			for a2 := range 2 {
				d := -p2[j]
				if j == a2 {
					d++
				}
				g[3+2*a1+j] += p1[a1] * p2[a2] * d * p.r[a1][a2]
			}
		}
	}
	for i := range 3 { // ∂J/∂l1[i] = Σ_a1 p1(a1)(δ_i,a1 − p1_i) V(a1)
		for a1 := range 3 {
			d := -p1[i]
			if i == a1 {
				d++
			}
			g[i] += p1[a1] * d * v[a1]
		}
	}
	return g
}

// sample draws one architecture and returns it with its reward and per-decision log-probs.
func (p *seqPolicy) sample(rng *rand.Rand) (a1, a2 int, r float64, lps []float64) {
	draw := func(logits []float64) (int, float64) {
		probs := CategoricalProbs(logits)
		u := rng.Float64()
		for i, pr := range probs {
			if u < pr || i == len(probs)-1 {
				return i, math.Log(pr)
			}
			u -= pr
		}
		panic("unreachable")
	}
	a1, lp1 := draw(p.l1)
	a2, lp2 := draw(p.l2[a1])
	return a1, a2, p.r[a1][a2], []float64{lp1, lp2}
}

// estimate is the per-sample REINFORCE term Σ_t ∇log p(a_t|a_<t)·adv, over all parameters.
func (p *seqPolicy) estimate(a1, a2 int, adv float64) []float64 {
	g := make([]float64, seqNumParams)
	for i, s := range CategoricalScore(p.l1, a1) {
		g[i] = s * adv
	}
	for j, s := range CategoricalScore(p.l2[a1], a2) {
		g[3+2*a1+j] = s * adv
	}
	return g
}

// TestREINFORCEGradientMonteCarlo checks that the REINFORCE estimate is unbiased (its
// mean matches the analytic ∇J within 4 standard errors, with and without baseline) and
// that the moving-average baseline cuts its variance.
func TestREINFORCEGradientMonteCarlo(t *testing.T) {
	p := newSeqPolicy()
	want := p.analyticGradient()
	const batches, m = 4000, 8
	type acc struct{ sum, sumSq []float64 }
	newAcc := func() *acc { return &acc{make([]float64, seqNumParams), make([]float64, seqNumParams)} }
	plain, based := newAcc(), newAcc()
	rng := rand.New(rand.NewPCG(1, 2))
	bl := NewBaseline(0.9)
	for range batches {
		a1s, a2s := make([]int, m), make([]int, m)
		rewards := make([]float64, m)
		lps := make([][]float64, m)
		for k := range m {
			a1s[k], a2s[k], rewards[k], lps[k] = p.sample(rng)
		}
		advB := bl.BatchAdvantages(rewards)
		// The batch estimate ĝ = mean_k Σ_t ∇log p · (R_k − b): accumulate per sample.
		for k := range m {
			for i, g := range p.estimate(a1s[k], a2s[k], rewards[k]) {
				plain.sum[i] += g
				plain.sumSq[i] += g * g
			}
			for i, g := range p.estimate(a1s[k], a2s[k], advB[k]) {
				based.sum[i] += g
				based.sumSq[i] += g * g
			}
		}
		// The surrogate loss must be minus the advantage-weighted log-likelihood.
		if loss, err := SurrogateLoss(lps, advB); err != nil || math.IsNaN(loss) {
			t.Fatalf("SurrogateLoss: %v %v", loss, err)
		}
	}
	n := float64(batches * m)
	totalVar := func(a *acc, name string) float64 {
		var tv float64
		for i := range seqNumParams {
			mu := a.sum[i] / n
			variance := a.sumSq[i]/n - mu*mu
			se := math.Sqrt(variance / n)
			if diff := math.Abs(mu - want[i]); diff > 4*se+1e-9 {
				t.Errorf("%s: ∂J/∂θ%d: Monte-Carlo mean %.5f, analytic %.5f (|diff| %.5f > 4 SE = %.5f)", name, i, mu, want[i], diff, 4*se)
			}
			tv += variance
		}
		return tv
	}
	vPlain, vBased := totalVar(plain, "no baseline"), totalVar(based, "EMA baseline")
	t.Logf("total variance of the per-sample estimate: no baseline %.5f, EMA baseline %.5f (÷%.0f)", vPlain, vBased, vPlain/vBased)
	if vBased > vPlain/10 {
		t.Errorf("baseline should cut the variance at least 10×: %.5f vs %.5f", vBased, vPlain)
	}
}

func TestBaseline(t *testing.T) {
	b := NewBaseline(0.5)
	if b.Ready() {
		t.Fatal("warm-start baseline ready before any reward")
	}
	if v := b.Update(2); v != 2 {
		t.Fatalf("first update: got %g, want 2 (warm start)", v)
	}
	if v := b.Update(4); v != 3 {
		t.Fatalf("second update: got %g, want 3", v)
	}
	z := &Baseline{Decay: 0.99, ZeroStart: true}
	if v := z.Update(1); math.Abs(v-0.01) > 1e-12 {
		t.Fatalf("ENAS zero start: got %g, want 0.01", v)
	}
	adv := NewBaseline(0.9).BatchAdvantages([]float64{1, 3})
	if adv[0] != -1 || adv[1] != 1 {
		t.Fatalf("first batch advantages against the batch mean: got %v", adv)
	}
}

func TestLogitHelpers(t *testing.T) {
	l := []float64{1, 2, 3}
	p := CategoricalProbs(l)
	if s := p[0] + p[1] + p[2]; math.Abs(s-1) > 1e-12 {
		t.Fatalf("softmax sums to %g", s)
	}
	if h := CategoricalEntropy([]float64{0, 0, 0, 0}); math.Abs(h-math.Log(4)) > 1e-12 {
		t.Fatalf("uniform entropy %g, want log 4", h)
	}
	// The score of every action, weighted by its probability, sums to zero: E[∇log p] = 0.
	sum := make([]float64, 3)
	for a := range 3 {
		for i, s := range CategoricalScore(l, a) {
			sum[i] += p[a] * s
		}
	}
	for _, s := range sum {
		if math.Abs(s) > 1e-12 {
			t.Fatalf("E[score] = %v, want 0", sum)
		}
	}
	scaled := ScaleLogits([]float64{100, -100, 0}, 5, 1.1)
	if scaled[0] > 1.1 || scaled[1] < -1.1 || scaled[2] != 0 {
		t.Fatalf("ScaleLogits: %v", scaled)
	}
	if kl := BernoulliKL(0.4, 0.4); kl != 0 {
		t.Fatalf("KL(p‖p) = %g", kl)
	}
	if kl := BernoulliKL(0.9, 0.4); kl <= 0 {
		t.Fatalf("KL must be positive, got %g", kl)
	}
	shaped, err := ShapeRewards([]float64{0.5}, []Sample{{Entropies: []float64{1, 2}}}, EntropyBonus(0.1), ScaleReward(2, 0))
	if err != nil || math.Abs(shaped[0]-1.6) > 1e-12 {
		t.Fatalf("ShapeRewards: %v %v", shaped, err)
	}
}
