package tutorial

import (
	"math"
	"math/rand/v2"

	"github.com/gonas/gonas/nas"
	"github.com/pkg/errors"
)

// Policy is a factorised softmax policy: decision t picks choice c with probability
// softmax(Logits[t])[c], independently of the other decisions. (An LSTM controller
// conditions each decision on the earlier ones; the gradient has the same form.)
type Policy struct {
	Logits [][]float64
}

// NewPolicy returns the uniform policy (all logits 0).
func NewPolicy(decisions, choices int) *Policy {
	p := &Policy{Logits: make([][]float64, decisions)}
	for t := range p.Logits {
		p.Logits[t] = make([]float64, choices)
	}
	return p
}

// PolicyFor returns the uniform policy over prob's sequences.
func PolicyFor(prob Problem) *Policy { return NewPolicy(prob.Decisions, prob.Choices) }

// Clone returns a deep copy.
func (p *Policy) Clone() *Policy {
	q := &Policy{Logits: make([][]float64, len(p.Logits))}
	for t, l := range p.Logits {
		q.Logits[t] = append([]float64(nil), l...)
	}
	return q
}

// Probs returns the probabilities of decision t's choices.
func (p *Policy) Probs(t int) []float64 { return nas.CategoricalProbs(p.Logits[t]) }

// Sample draws one sequence of choices.
func (p *Policy) Sample(rng *rand.Rand) []int {
	a := make([]int, len(p.Logits))
	for t := range p.Logits {
		u, acc := rng.Float64(), 0.0
		probs := p.Probs(t)
		a[t] = len(probs) - 1
		for c, pc := range probs {
			if acc += pc; u < acc {
				a[t] = c
				break
			}
		}
	}
	return a
}

// LogProb is log p(a) = Σ_t log p(a_t).
func (p *Policy) LogProb(actions []int) float64 {
	var lp float64
	for t, l := range p.Logits {
		lp += nas.CategoricalLogProbs(l)[actions[t]]
	}
	return lp
}

// Score is ∇_θ log p(a): for decision t, onehot(a_t) − softmax(Logits[t])
// (nas.CategoricalScore). Its expectation under the policy is zero.
func (p *Policy) Score(actions []int) [][]float64 {
	g := make([][]float64, len(p.Logits))
	for t, l := range p.Logits {
		g[t] = nas.CategoricalScore(l, actions[t])
	}
	return g
}

// Entropy is Σ_t H(softmax(Logits[t])), in nats.
func (p *Policy) Entropy() float64 {
	var h float64
	for _, l := range p.Logits {
		h += nas.CategoricalEntropy(l)
	}
	return h
}

// Expected is J(θ) = E_{a~p}[Mean(a)], computed exactly by enumeration.
func (p *Policy) Expected(prob Problem) (float64, error) {
	lp := p.logProbTable()
	var j float64
	err := prob.Enumerate(func(a []int) { j += math.Exp(seqLogProb(lp, a)) * prob.Mean(a) })
	return j, err
}

// ExactGradient is ∇J = Σ_a p(a) Mean(a) ∇log p(a), computed exactly by enumeration:
// what every estimate below is an unbiased estimate of. With the softmax score,
// ∂J/∂θ[t][c] = Σ_{a: a_t = c} w_a − p_t(c)·Σ_a w_a, where w_a = p(a)·Mean(a).
func (p *Policy) ExactGradient(prob Problem) ([][]float64, error) {
	lp := p.logProbTable()
	g := p.zeros()
	var total float64
	err := prob.Enumerate(func(a []int) {
		w := math.Exp(seqLogProb(lp, a)) * prob.Mean(a)
		total += w
		for t, c := range a {
			g[t][c] += w
		}
	})
	for t := range g {
		for c := range g[t] {
			g[t][c] -= math.Exp(lp[t][c]) * total
		}
	}
	return g, err
}

// logProbTable is log p_t(c) for every decision t and choice c.
func (p *Policy) logProbTable() [][]float64 {
	lp := make([][]float64, len(p.Logits))
	for t, l := range p.Logits {
		lp[t] = nas.CategoricalLogProbs(l)
	}
	return lp
}

func seqLogProb(lp [][]float64, a []int) float64 {
	var s float64
	for t, c := range a {
		s += lp[t][c]
	}
	return s
}

// Estimate is the REINFORCE estimate of ∇J from m sampled sequences,
//
//	ĝ = 1/m Σ_k (R_k − b) ∇log p(a^k),
//
// with a fixed baseline b (0 for none). It also returns the sampled rewards.
func (p *Policy) Estimate(prob Problem, m int, baseline float64, rng *rand.Rand) ([][]float64, []float64) {
	g := p.zeros()
	rewards := make([]float64, m)
	for k := range m {
		a := p.Sample(rng)
		rewards[k] = prob.Sample(a, rng)
		addScaled(g, p.Score(a), (rewards[k]-baseline)/float64(m))
	}
	return g, rewards
}

// Step moves the logits along grad: θ ← θ + lr·grad (gradient ascent on J).
func (p *Policy) Step(grad [][]float64, lr float64) { addScaled(p.Logits, grad, lr) }

func (p *Policy) zeros() [][]float64 {
	g := make([][]float64, len(p.Logits))
	for t, l := range p.Logits {
		g[t] = make([]float64, len(l))
	}
	return g
}

// addScaled does dst += w·src.
func addScaled(dst, src [][]float64, w float64) {
	for t := range dst {
		for c := range dst[t] {
			dst[t][c] += w * src[t][c]
		}
	}
}

// TrainConfig is a REINFORCE run on a Policy.
type TrainConfig struct {
	Steps        int     // updates
	BatchSize    int     // m, sequences sampled per update
	LearningRate float64 // plain gradient ascent on the logits
	// BaselineDecay is the decay d of the moving-average baseline (nas.Baseline);
	// NoBaseline leaves the baseline out (b = 0).
	BaselineDecay float64
	NoBaseline    bool
	Seed          uint64
}

// TrainLog is what a run saw, one value per update.
type TrainLog struct {
	Reward   []float64 // mean sampled reward of the batch
	Expected []float64 // J(θ) after the update (exact; NaN when too many sequences)
	Entropy  []float64 // policy entropy after the update (nats)
	Baseline []float64 // the baseline subtracted (0 without one)
}

// Train runs REINFORCE: each step samples m sequences, takes the advantages
// R_k − b with b the moving average of earlier rewards (nas.Baseline.BatchAdvantages),
// and moves the logits along ĝ = 1/m Σ_k A_k ∇log p(a^k). It changes p.
func Train(p *Policy, prob Problem, cfg TrainConfig) (TrainLog, error) {
	if cfg.Steps < 1 || cfg.BatchSize < 1 || !(cfg.LearningRate > 0) {
		return TrainLog{}, errors.Errorf("Train: need positive steps (%d), batch size (%d) and learning rate (%g)",
			cfg.Steps, cfg.BatchSize, cfg.LearningRate)
	}
	if len(p.Logits) != prob.Decisions {
		return TrainLog{}, errors.Errorf("Train: policy has %d decisions, problem %q has %d", len(p.Logits), prob.Name, prob.Decisions)
	}
	rng := rand.New(rand.NewPCG(cfg.Seed, 0x7e1f))
	baseline := nas.NewBaseline(cfg.BaselineDecay)
	var log TrainLog
	for range cfg.Steps {
		actions, rewards := p.SampleBatch(prob, cfg.BatchSize, rng)
		b := 0.0
		adv := nas.Advantages(rewards, 0)
		if !cfg.NoBaseline {
			if baseline.Ready() {
				b = baseline.Value
			} else {
				b = meanOf(rewards)
			}
			adv = baseline.BatchAdvantages(rewards)
		}
		g, err := p.Gradient(actions, adv)
		if err != nil {
			return log, err
		}
		p.Step(g, cfg.LearningRate)
		j, err := p.Expected(prob)
		if err != nil {
			j = math.NaN()
		}
		log.Reward = append(log.Reward, meanOf(rewards))
		log.Expected = append(log.Expected, j)
		log.Entropy = append(log.Entropy, p.Entropy())
		log.Baseline = append(log.Baseline, b)
	}
	return log, nil
}

// VarianceRow compares the two estimators at one batch size m: the mean squared
// distance of ĝ to the exact gradient ∇J (its total variance, as both are
// unbiased), without a baseline and with b = J(θ), the value a moving-average
// baseline tracks.
type VarianceRow struct {
	M          int
	NoBaseline float64
	Baseline   float64
}

// GradientVariance measures VarianceRow for each batch size over trials estimates
// each, at the policy p.
func GradientVariance(p *Policy, prob Problem, ms []int, trials int, seed uint64) ([]VarianceRow, error) {
	exact, err := p.ExactGradient(prob)
	if err != nil {
		return nil, err
	}
	j, err := p.Expected(prob)
	if err != nil {
		return nil, err
	}
	rng := rand.New(rand.NewPCG(seed, 0x5a11))
	rows := make([]VarianceRow, len(ms))
	for i, m := range ms {
		rows[i].M = m
		for range trials {
			g0, _ := p.Estimate(prob, m, 0, rng)
			g1, _ := p.Estimate(prob, m, j, rng)
			rows[i].NoBaseline += sqDist(g0, exact) / float64(trials)
			rows[i].Baseline += sqDist(g1, exact) / float64(trials)
		}
	}
	return rows, nil
}

// GradientSamples returns trials estimates of one coordinate of ĝ, ∂J/∂Logits[t][c],
// each from m sequences with the fixed baseline b (to draw their histogram).
func GradientSamples(p *Policy, prob Problem, m int, baseline float64, trials int, t, c int, seed uint64) []float64 {
	rng := rand.New(rand.NewPCG(seed, 0x5a12))
	out := make([]float64, trials)
	for i := range out {
		g, _ := p.Estimate(prob, m, baseline, rng)
		out[i] = g[t][c]
	}
	return out
}

func sqDist(a, b [][]float64) float64 {
	var s float64
	for t := range a {
		for c := range a[t] {
			d := a[t][c] - b[t][c]
			s += d * d
		}
	}
	return s
}

func meanOf(xs []float64) float64 {
	var s float64
	for _, x := range xs {
		s += x
	}
	return s / float64(len(xs))
}

// MeanStd returns the mean and the sample standard deviation (n−1) of xs.
func MeanStd(xs []float64) (mean, std float64) {
	if len(xs) == 0 {
		return math.NaN(), math.NaN()
	}
	mean = meanOf(xs)
	if len(xs) < 2 {
		return mean, 0
	}
	var ss float64
	for _, x := range xs {
		ss += (x - mean) * (x - mean)
	}
	return mean, math.Sqrt(ss / float64(len(xs)-1))
}

// TrainMany trains runs fresh uniform policies on prob (run r with seed cfg.Seed+r)
// and returns, per step, the mean over runs of the expected reward J(θ) and its
// standard error.
func TrainMany(prob Problem, cfg TrainConfig, runs int) (mean, stderr []float64, err error) {
	if runs < 1 {
		return nil, nil, errors.Errorf("TrainMany: need at least one run, got %d", runs)
	}
	curves := make([][]float64, runs)
	for r := range runs {
		c := cfg
		c.Seed = cfg.Seed + uint64(r)
		log, err := Train(PolicyFor(prob), prob, c)
		if err != nil {
			return nil, nil, err
		}
		curves[r] = log.Expected
	}
	col := make([]float64, runs)
	for s := range cfg.Steps {
		for r := range runs {
			col[r] = curves[r][s]
		}
		m, sd := MeanStd(col)
		mean, stderr = append(mean, m), append(stderr, sd/math.Sqrt(float64(runs)))
	}
	return mean, stderr, nil
}
