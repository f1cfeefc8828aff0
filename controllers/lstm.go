package controllers

import (
	"math/rand/v2"
	"strconv"
	"sync"

	"github.com/gomlx/compute"
	"github.com/gomlx/compute/dtypes"
	. "github.com/gomlx/gomlx/core/graph" //nolint:staticcheck
	"github.com/gomlx/gomlx/core/tensors"
	"github.com/gomlx/gomlx/ml/model"
	"github.com/gomlx/gomlx/ml/train/optimizer"
	"github.com/gonas/gonas/kernels"
	"github.com/gonas/gonas/nas"
	"github.com/pkg/errors"
)

// LSTM is the recurrent controller of NAS [2] and ENAS [3], trained with REINFORCE
// [1], for any nas.Space: it reads the space's decision list (see lstm_plan.go) and
// emits one choice per decision, each step reading the embedding of the previous
// choice, with a softmax head per decision, ENAS attention over earlier nodes for
// Input decisions, Bernoulli skip bits with ENAS's KL penalty, and logits shaped as
// c·tanh(l/T).
//
// Design: sampling runs on the host in Go (float64; lstm_host.go), because drawing a
// 40-decision architecture is ~40 small vector-matrix products that a graph call would
// only slow down. Update is one GoMLX graph (lstm_graph.go) that recomputes the same
// log-probabilities by teacher forcing, differentiates the surrogate loss with GoMLX's
// autodiff and applies Adam; the host copy of the weights is then refreshed. The graph
// runs in float32 (the embedded backend's fast GEMM), the host in float64 on the same
// float32 weights: the log-probabilities of Sample and of TeacherForcedLogProbs agree
// to float32 rounding (below 1e-6 per decision on the spaces of package cells).
type LSTM struct {
	cfg      LSTMConfig
	space    nas.Space
	plan     *lstmPlan
	weights  *lstmWeights
	rng      *rand.Rand
	baseline *nas.Baseline

	backend  compute.Backend
	store    *model.Store
	vars     lstmVars
	adam     optimizer.Interface
	update   *model.Exec
	forward  *model.Exec
	capacity int // the batch size the update graph is compiled for (smaller batches are padded)
}

// embedded is the process-wide embedded backend the controllers run on by default,
// executing ops one after the other: the controller's ops are too small for
// parallel scheduling to pay.
var embedded = sync.OnceValues(func() (compute.Backend, error) { return kernels.New("ops_sequential") })

// NewLSTM returns an LSTM controller for space with the given hyperparameters,
// deterministic given seed. backend runs the update graph; nil means the embedded
// pure-Go backend "gonas" (the graph is small: it never needs an accelerator).
func NewLSTM(space nas.Space, cfg LSTMConfig, seed uint64, backend compute.Backend) (*LSTM, error) {
	if err := cfg.check(); err != nil {
		return nil, err
	}
	plan, err := newLSTMPlan(space.Decisions())
	if err != nil {
		return nil, errors.WithMessagef(err, "LSTM controller for space %q", space.Name())
	}
	if len(plan.ds) == 0 {
		return nil, errors.Errorf("LSTM controller: space %q has no decisions", space.Name())
	}
	if backend == nil {
		if backend, err = embedded(); err != nil {
			return nil, err
		}
	}
	rng := newRand(seed)
	c := &LSTM{
		cfg: cfg, space: space, plan: plan, weights: newLSTMWeights(plan, &cfg, rng), rng: rng,
		baseline: nas.NewBaseline(cfg.BaselineDecay), backend: backend, store: model.NewStore(),
	}
	if err := c.createVariables(); err != nil {
		return nil, err
	}
	c.adam = optimizer.Adam().LearningRate(cfg.LearningRate).Betas(cfg.Beta1, cfg.Beta2).Epsilon(cfg.AdamE).Done()
	c.update, err = model.NewExec(backend, c.store, func(scope *model.Scope, choices, adv, mask *Node) []*Node {
		return toFloat64(c.updateGraph(scope, choices, adv, mask))
	})
	if err != nil {
		return nil, err
	}
	c.forward, err = model.NewExec(backend, c.store, func(_ *model.Scope, choices *Node) (lp, ent *Node) {
		lp, ent, _ = c.teacherForce(choices)
		return ConvertDType(lp, dtypes.Float64), ConvertDType(ent, dtypes.Float64)
	})
	if err != nil {
		return nil, err
	}
	return c, nil
}

// Config returns the controller's hyperparameters.
func (c *LSTM) Config() LSTMConfig { return c.cfg }

// Baseline returns the controller's reward baseline.
func (c *LSTM) Baseline() *nas.Baseline { return c.baseline }

// Close releases the compiled graphs.
func (c *LSTM) Close() {
	c.update.Finalize()
	c.forward.Finalize()
}

// varSlot pairs a variable (its path and handle) with the host slice it mirrors.
type varSlot struct {
	path string
	v    **model.Variable
	data *[]float64
	dims []int
}

// slots lists the controller's variables.
func (c *LSTM) slots() []varSlot {
	w, h, p := c.weights, c.cfg.Hidden, c.plan
	if len(c.vars.lstm) != len(w.lstm) {
		c.vars.lstm = make([]*model.Variable, len(w.lstm))
	}
	var slots []varSlot
	for l := range w.lstm {
		slots = append(slots, varSlot{"/controller/lstm/layer" + strconv.Itoa(l), &c.vars.lstm[l], &w.lstm[l], []int{4 * h, 2 * h}})
	}
	slots = append(slots,
		varSlot{"/controller/start", &c.vars.start, &w.start, []int{h}},
		varSlot{"/controller/emb", &c.vars.emb, &w.emb, []int{p.total, h}},
		varSlot{"/controller/head/w", &c.vars.headW, &w.headW, []int{p.total, h}},
		varSlot{"/controller/head/b", &c.vars.headB, &w.headB, []int{p.total}})
	if p.attention {
		slots = append(slots,
			varSlot{"/controller/attention/w1", &c.vars.attnW1, &w.attnW1, []int{h, h}},
			varSlot{"/controller/attention/w2", &c.vars.attnW2, &w.attnW2, []int{h, h}},
			varSlot{"/controller/attention/v", &c.vars.attnV, &w.attnV, []int{h}})
	}
	if p.numLearned > 0 {
		slots = append(slots, varSlot{"/controller/anchors", &c.vars.anchors, &w.anchors, []int{p.numLearned, h}})
	}
	return slots
}

// createVariables puts the host's initial weights into the store.
func (c *LSTM) createVariables() error {
	for _, s := range c.slots() {
		flat := make([]float32, len(*s.data))
		for i, x := range *s.data {
			flat[i] = float32(x)
		}
		v, err := c.store.CreateVariable(s.path, tensors.FromFlatDataAndDimensions(flat, s.dims...))
		if err != nil {
			return err
		}
		*s.v = v
	}
	return c.syncHost() // the host now holds the float32-rounded weights the graph uses
}

// syncHost copies the store's weights (after an update) to the host mirror.
func (c *LSTM) syncHost() error {
	for _, s := range c.slots() {
		t, err := (*s.v).Value()
		if err != nil {
			return err
		}
		err = tensors.ConstFlatData(t, func(flat []float32) {
			for i, x := range flat {
				(*s.data)[i] = float64(x)
			}
		})
		if err != nil {
			return err
		}
	}
	return nil
}

// Sample draws n architectures on the host with their per-decision log-probabilities
// and entropies.
func (c *LSTM) Sample(n int) ([]nas.Sample, error) {
	out := make([]nas.Sample, n)
	choose := func(_ int, logits []float64) int { return sampleChoice(c.rng, logits) }
	for k := range out {
		choices, lps, ents := c.plan.run(c.weights, &c.cfg, choose)
		out[k] = nas.Sample{Arch: nas.Arch{Space: c.space.Name(), Choices: choices}, LogProbs: lps, Entropies: ents}
	}
	return out, nil
}

// HostLogProbs reads given architectures on the host (teacher forcing in Go): the
// per-decision log-probabilities and entropies the sampler would report for them.
func (c *LSTM) HostLogProbs(archs []nas.Arch) (lps, ents [][]float64, err error) {
	for _, a := range archs {
		if err := nas.ValidateChoices(c.space, a); err != nil {
			return nil, nil, err
		}
		choose := func(t int, _ []float64) int { return a.Choices[t] }
		_, lp, ent := c.plan.run(c.weights, &c.cfg, choose)
		lps, ents = append(lps, lp), append(ents, ent)
	}
	return lps, ents, nil
}

// TeacherForcedLogProbs recomputes, in the GoMLX graph the update differentiates, the
// per-decision log-probabilities and entropies of given architectures (in padded
// chunks of teacherChunk, so any number of architectures uses one compiled graph).
func (c *LSTM) TeacherForcedLogProbs(archs []nas.Arch) (lps, ents [][]float64, err error) {
	for start := 0; start < len(archs); start += teacherChunk {
		chunk := archs[start:min(start+teacherChunk, len(archs))]
		choices, err := c.choicesTensor(chunk, teacherChunk)
		if err != nil {
			return nil, nil, err
		}
		outs, err := c.forward.Call(choices)
		if err != nil {
			return nil, nil, errors.WithMessage(err, "LSTM teacher forcing")
		}
		lps = append(lps, c.rows(outs[0], len(chunk))...)
		ents = append(ents, c.rows(outs[1], len(chunk))...)
	}
	return lps, ents, nil
}

// teacherChunk is the batch size of the teacher-forcing graph.
const teacherChunk = 64

// choicesTensor packs architectures into [rows, T] int32, padding with zeros.
func (c *LSTM) choicesTensor(archs []nas.Arch, rows int) (*tensors.Tensor, error) {
	t := len(c.plan.ds)
	flat := make([]int32, rows*t)
	for k, a := range archs {
		if err := nas.ValidateChoices(c.space, a); err != nil {
			return nil, err
		}
		for i, ch := range a.Choices {
			flat[k*t+i] = int32(ch)
		}
	}
	return tensors.FromFlatDataAndDimensions(flat, rows, t), nil
}

// rows unpacks the first n rows of a [rows, T] float64 tensor.
func (c *LSTM) rows(t *tensors.Tensor, n int) [][]float64 {
	flat := tensors.MustCopyFlatData[float64](t)
	width := len(c.plan.ds)
	out := make([][]float64, n)
	for k := range out {
		out[k] = flat[k*width : (k+1)*width]
	}
	return out
}

// Update takes one REINFORCE step on the samples and their rewards: the rewards get
// the entropy bonus (unless EntropyInLoss), the advantages subtract the baseline's
// value before the batch, and Adam follows the gradient of the surrogate loss
// −mean_k (R_k − b) Σ_t log p(a_kt | a_k,<t) (plus the entropy and skip terms).
func (c *LSTM) Update(samples []nas.Sample, rewards []float64) (nas.UpdateStats, error) {
	if len(samples) != len(rewards) || len(samples) == 0 {
		return nas.UpdateStats{}, errors.Errorf("LSTM.Update: %d samples, %d rewards", len(samples), len(rewards))
	}
	shaped := rewards
	if !c.cfg.EntropyInLoss && c.cfg.EntropyWeight != 0 {
		var err error
		if shaped, err = nas.ShapeRewards(rewards, samples, nas.EntropyBonus(c.cfg.EntropyWeight)); err != nil {
			return nas.UpdateStats{}, err
		}
	}
	capacity := max(c.capacity, len(samples))
	archs := make([]nas.Arch, len(samples))
	for k, s := range samples {
		archs[k] = s.Arch
	}
	choices, err := c.choicesTensor(archs, capacity)
	if err != nil {
		return nas.UpdateStats{}, err
	}
	c.capacity = capacity
	adv := c.baseline.BatchAdvantages(shaped)
	advFlat, maskFlat := make([]float32, c.capacity), make([]float32, c.capacity)
	var meanAdv float64
	for k, a := range adv {
		advFlat[k], maskFlat[k] = float32(a), 1
		meanAdv += a / float64(len(adv))
	}
	outs, err := c.update.Call(choices, tensors.FromFlatDataAndDimensions(advFlat, c.capacity), tensors.FromFlatDataAndDimensions(maskFlat, c.capacity))
	if err != nil {
		return nas.UpdateStats{}, errors.WithMessage(err, "LSTM update")
	}
	if err := c.syncHost(); err != nil {
		return nas.UpdateStats{}, err
	}
	stats := nas.UpdateStats{
		Loss: tensors.ToScalar[float64](outs[0]), Baseline: c.baseline.Value, MeanAdvantage: meanAdv,
		GradNorm: tensors.ToScalar[float64](outs[3]),
	}
	for _, row := range c.rows(outs[2], len(samples)) {
		for _, h := range row {
			stats.Entropy += h / float64(len(samples))
		}
	}
	return stats, nil
}

// toFloat64 converts graph outputs to float64 for the host.
func toFloat64(nodes ...*Node) []*Node {
	out := make([]*Node, len(nodes))
	for i, n := range nodes {
		out[i] = ConvertDType(n, dtypes.Float64)
	}
	return out
}
