package nas

import (
	"math"

	"github.com/pkg/errors"
)

// REINFORCE [1], the policy gradient every RL-based NAS controller uses ([2], [3]).
//
// A controller with parameters θ defines a distribution over architectures
// a = (a_1, ..., a_T), one choice per decision, factorised along the decision order:
//
//	p_θ(a) = Π_t p_θ(a_t | a_<t)
//
// The search maximises the expected reward J(θ) = E_{a~p_θ}[R(a)]. R (the validation
// accuracy of the trained child) is not differentiable in a, but J is in θ:
//
//	∇J = Σ_a R(a) ∇p_θ(a)                       (sum over all architectures)
//	   = Σ_a p_θ(a) R(a) ∇log p_θ(a)            (∇p = p ∇log p, the "log-derivative trick")
//	   = E_{a~p_θ}[ R(a) Σ_t ∇log p_θ(a_t | a_<t) ]
//
// so the mean over m sampled architectures a^1..a^m is an unbiased estimate:
//
//	ĝ = 1/m Σ_k Σ_t ∇log p_θ(a^k_t | a^k_<t) (R_k − b)
//
// where any b that does not depend on a^k keeps the estimate unbiased, because
// E[∇log p_θ(a)] = Σ_a ∇p_θ(a) = ∇1 = 0. A b close to E[R] shrinks the variance
// of ĝ: that is the baseline, an exponential moving average of past rewards [1, 3].
// Automatic differentiation produces ĝ as the gradient of the surrogate loss
//
//	L(θ) = −1/m Σ_k (R_k − b) Σ_t log p_θ(a^k_t | a^k_<t)
//
// with R_k − b held constant; minimising L ascends J. ENAS [3] adds the entropy of the
// sampled decisions to the reward (w·Σ_t H_t, with gradient stopped) to keep the
// controller exploring; adding −w·Σ_t H_t to the loss instead differentiates through it.
//
// The functions below are the host-side (float64) forms, for teaching and testing;
// the controllers in package controllers build the same loss as a GoMLX graph.
//
// References (for this file and search*.go):
//
//	[1] Williams, "Simple statistical gradient-following algorithms for connectionist
//	    reinforcement learning", Machine Learning 8, 1992 (REINFORCE).
//	[2] Zoph & Le, "Neural Architecture Search with Reinforcement Learning", ICLR 2017;
//	    Zoph, Vasudevan, Shlens & Le, "Learning Transferable Architectures for Scalable
//	    Image Recognition", CVPR 2018 (NASNet).
//	[3] Pham, Guan, Zoph, Le & Dean, "Efficient Neural Architecture Search via
//	    Parameter Sharing", ICML 2018 (ENAS).
//	[4] Real, Aggarwal, Huang & Le, "Regularized Evolution for Image Classifier
//	    Architecture Search", AAAI 2019.
//	[5] Dong & Yang, "NAS-Bench-201: Extending the Scope of Reproducible Neural
//	    Architecture Search", ICLR 2020.

// Baseline is an exponential moving average of rewards, b ← d·b + (1−d)·R, the
// variance-reduction baseline of REINFORCE [1] with decay d (ENAS [3]: 0.99; NASNet [2]:
// 0.95).
//
// ENAS starts b at 0, which makes every early advantage R − b positive (about 0.9 for
// an accuracy reward): the first hundred updates then raise the probability of
// whatever was sampled. Baseline instead starts at the first reward it sees (a
// bias-free start), unless ZeroStart is set.
type Baseline struct {
	Decay     float64 // d in [0, 1): weight of the old value
	Value     float64 // the current baseline b
	ZeroStart bool    // start from b = 0 as ENAS does, instead of the first reward
	count     int
}

// NewBaseline returns a baseline with the given decay that starts at the first reward.
func NewBaseline(decay float64) *Baseline {
	return &Baseline{Decay: decay}
}

// Update folds one reward into the moving average and returns the new value.
func (b *Baseline) Update(reward float64) float64 {
	if b.count == 0 && !b.ZeroStart {
		b.Value = reward
	} else {
		b.Value = b.Decay*b.Value + (1-b.Decay)*reward
	}
	b.count++
	return b.Value
}

// Count is the number of rewards folded in so far.
func (b *Baseline) Count() int { return b.count }

// Ready reports whether the baseline has a value to subtract: always with ZeroStart,
// otherwise once it has seen a reward. Before that, Advantage uses the mean reward of
// the batch (see BatchAdvantages).
func (b *Baseline) Ready() bool { return b.ZeroStart || b.count > 0 }

// BatchAdvantages returns R_k − b for a batch of rewards with the baseline's value
// before the batch (so b does not depend on the rewards it is subtracted from, and the
// gradient stays unbiased), then folds the rewards into the baseline in order. On the
// very first batch of a warm-started baseline, b is the batch mean.
//
// ENAS [3] updates b with the current reward before subtracting it, a small bias that
// shrinks the advantage by the factor d; we subtract the old value.
func (b *Baseline) BatchAdvantages(rewards []float64) []float64 {
	value := b.Value
	if !b.Ready() {
		value = meanOf(rewards)
	}
	adv := Advantages(rewards, value)
	for _, r := range rewards {
		b.Update(r)
	}
	return adv
}

// Advantages returns R_k − b for each reward.
func Advantages(rewards []float64, baseline float64) []float64 {
	adv := make([]float64, len(rewards))
	for k, r := range rewards {
		adv[k] = r - baseline
	}
	return adv
}

// SurrogateLoss is the REINFORCE loss −1/m Σ_k A_k Σ_t logProbs[k][t], whose gradient
// (with the advantages A_k = R_k − b held constant) is minus the policy-gradient
// estimate ĝ derived above.
func SurrogateLoss(logProbs [][]float64, advantages []float64) (float64, error) {
	if len(logProbs) != len(advantages) || len(logProbs) == 0 {
		return 0, errors.Errorf("SurrogateLoss: %d log-prob rows for %d advantages", len(logProbs), len(advantages))
	}
	var loss float64
	for k, lps := range logProbs {
		var sum float64
		for _, lp := range lps {
			sum += lp
		}
		loss -= advantages[k] * sum
	}
	return loss / float64(len(logProbs)), nil
}

// CategoricalProbs returns the probabilities exp(l_i)/Σ_j exp(l_j), computed stably.
func CategoricalProbs(logits []float64) []float64 {
	p := CategoricalLogProbs(logits)
	for i := range p {
		p[i] = math.Exp(p[i])
	}
	return p
}

// CategoricalLogProbs returns log of CategoricalProbs: l_i − log Σ_j exp(l_j), computed stably.
func CategoricalLogProbs(logits []float64) []float64 {
	mx := math.Inf(-1)
	for _, l := range logits {
		mx = math.Max(mx, l)
	}
	var sum float64
	for _, l := range logits {
		sum += math.Exp(l - mx)
	}
	lse := mx + math.Log(sum)
	out := make([]float64, len(logits))
	for i, l := range logits {
		out[i] = l - lse
	}
	return out
}

// CategoricalEntropy is −Σ_i p_i log p_i of the softmax distribution of logits.
func CategoricalEntropy(logits []float64) float64 {
	var h float64
	for _, lp := range CategoricalLogProbs(logits) {
		if !math.IsInf(lp, -1) {
			h -= math.Exp(lp) * lp
		}
	}
	return h
}

// CategoricalScore is the score function of a softmax policy, ∇_l log softmax(l)[a] =
// onehot(a) − softmax(l): the per-decision factor of the REINFORCE gradient with
// respect to the decision's logits.
func CategoricalScore(logits []float64, action int) []float64 {
	g := CategoricalProbs(logits)
	for i := range g {
		g[i] = -g[i]
	}
	g[action]++
	return g
}

// ScaleLogits applies ENAS's [3] logit shaping in place: l ← l/T (temperature T > 1
// flattens the distribution), then l ← c·tanh(l) (the tanh constant c bounds every
// logit to (−c, c), so no choice's probability can collapse to 0 early). T ≤ 0 or
// c ≤ 0 leaves the corresponding step out.
func ScaleLogits(logits []float64, temperature, tanhConstant float64) []float64 {
	for i, l := range logits {
		if temperature > 0 {
			l /= temperature
		}
		if tanhConstant > 0 {
			l = tanhConstant * math.Tanh(l)
		}
		logits[i] = l
	}
	return logits
}

// BernoulliKL is KL(Bern(p) ‖ Bern(target)) = p log(p/q) + (1−p) log((1−p)/(1−q)),
// ENAS's [3] penalty that pulls the skip-connection rate of the macro controller
// toward target q.
func BernoulliKL(p, target float64) float64 {
	kl := 0.0
	if p > 0 {
		kl += p * math.Log(p/target)
	}
	if p < 1 {
		kl += (1 - p) * math.Log((1-p)/(1-target))
	}
	return kl
}

// RewardShaper turns the evaluator's reward of a sample into the reward the
// controller learns from (the search history keeps the raw reward).
type RewardShaper func(reward float64, s Sample) float64

// EntropyBonus is ENAS's [3] shaping R + w·Σ_t H_t: the entropy of the distributions
// the sample was drawn from, as a reward (no gradient flows through it).
func EntropyBonus(weight float64) RewardShaper {
	return func(reward float64, s Sample) float64 {
		var h float64
		for _, e := range s.Entropies {
			h += e
		}
		return reward + weight*h
	}
}

// ScaleReward returns scale·R + shift, e.g. to turn percent accuracies into fractions.
func ScaleReward(scale, shift float64) RewardShaper {
	return func(reward float64, _ Sample) float64 { return scale*reward + shift }
}

// ShapeRewards applies the shapers in order to each reward.
func ShapeRewards(rewards []float64, samples []Sample, shapers ...RewardShaper) ([]float64, error) {
	if len(rewards) != len(samples) {
		return nil, errors.Errorf("ShapeRewards: %d rewards for %d samples", len(rewards), len(samples))
	}
	out := append([]float64(nil), rewards...)
	for _, shape := range shapers {
		for k := range out {
			out[k] = shape(out[k], samples[k])
		}
	}
	return out, nil
}

func meanOf(xs []float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	var s float64
	for _, x := range xs {
		s += x
	}
	return s / float64(len(xs))
}
