package controllers

import "github.com/pkg/errors"

// LSTMConfig is the LSTM controller's architecture and training hyperparameters. The
// presets (ENASMicro, ENASMacro, NASNet, NAS2017) give the published values; the
// zero value is not usable, start from a preset.
type LSTMConfig struct {
	Name      string  `json:"name"`       // the preset's name, for reports
	Hidden    int     `json:"hidden"`     // LSTM units (ENAS: lstm_size)
	Layers    int     `json:"layers"`     // stacked LSTM layers
	InitRange float64 `json:"init_range"` // every weight starts uniform in [−InitRange, InitRange] ([2, 3]: 0.1)

	// Logit shaping, logits ← c·tanh(logits/T) (ENAS [3]); 0 leaves a step out.
	Temperature  float64 `json:"temperature"`   // T
	TanhConstant float64 `json:"tanh_constant"` // c
	// OpTanhReduce divides c for Op decisions (ENAS micro: 2.5, so op logits lie in
	// ±0.44 while input logits lie in ±1.1); 0 or 1 keeps c.
	OpTanhReduce float64 `json:"op_tanh_reduce"`
	// OpBias is the initial value of the learned logit bias of every Op decision:
	// choice i starts with OpBias[i] (0 past the end). ENAS micro starts its two
	// separable convolutions (ops 0 and 1 in its order) at 10.
	OpBias []float64 `json:"op_bias"`

	// EntropyWeight w adds w·Σ_t H_t to the reward (ENAS [3]) or, with EntropyInLoss,
	// subtracts w·mean_k Σ_t H_t from the loss (a gradient that flattens the policy).
	EntropyWeight float64 `json:"entropy_weight"`
	EntropyInLoss bool    `json:"entropy_in_loss"`
	BaselineDecay float64 `json:"baseline_decay"` // decay of the reward moving average (see nas.Baseline)

	// Adam on the surrogate loss; ENAS uses β1 = 0 and ε = 1e-3.
	LearningRate float64 `json:"learning_rate"`
	Beta1        float64 `json:"adam_beta1"`
	Beta2        float64 `json:"adam_beta2"`
	AdamE        float64 `json:"adam_epsilon"`
	ClipNorm     float64 `json:"clip_norm"` // clip the gradient to this global norm; 0: no clipping

	// SkipTarget and SkipWeight: ENAS macro adds SkipWeight·KL(p_skip ‖ SkipTarget),
	// averaged over the layers, to the loss so about SkipTarget of the skip bits are on.
	SkipTarget float64 `json:"skip_target"`
	SkipWeight float64 `json:"skip_weight"`
}

// ENASMicro is the controller of ENAS's micro (cell) search [3]: one LSTM layer of 64
// units, temperature 5 and tanh constant 1.1 (2.5× smaller for op logits), op bias
// favouring the first two ops, entropy 1e-4 in the reward, baseline decay 0.99, Adam
// with learning rate 0.00035 (the paper; the released script uses 0.0035), β1 = 0,
// ε = 1e-3 (melodyguan/enas micro_controller.py, utils.get_train_ops).
func ENASMicro() LSTMConfig {
	return LSTMConfig{
		Name: "enas-micro", Hidden: 64, Layers: 1, InitRange: 0.1,
		Temperature: 5.0, TanhConstant: 1.10, OpTanhReduce: 2.5, OpBias: []float64{10, 10},
		EntropyWeight: 1e-4, BaselineDecay: 0.99,
		LearningRate: 0.00035, Beta1: 0, Beta2: 0.999, AdamE: 1e-3,
	}
}

// ENASMacro is the controller of ENAS's macro (whole network) search [3]: as
// ENASMicro but tanh constant 2.5, no temperature and no op bias, and the skip
// penalty pulling the skip rate toward 0.4 with weight 0.8.
func ENASMacro() LSTMConfig {
	return LSTMConfig{
		Name: "enas-macro", Hidden: 64, Layers: 1, InitRange: 0.1,
		TanhConstant:  2.5,
		EntropyWeight: 1e-4, BaselineDecay: 0.99,
		LearningRate: 0.00035, Beta1: 0, Beta2: 0.999, AdamE: 1e-3,
		SkipTarget: 0.4, SkipWeight: 0.8,
	}
}

// NASNet is the controller of Zoph et al. 2018 [2]: a one-layer LSTM of 100 units,
// weights uniform in ±0.1, learning rate 0.00035, entropy penalty 1e-5 (in the loss),
// baseline decay 0.95. NASNet trains it with PPO; GoNAS uses REINFORCE.
func NASNet() LSTMConfig {
	return LSTMConfig{
		Name: "nasnet", Hidden: 100, Layers: 1, InitRange: 0.1,
		EntropyWeight: 1e-5, EntropyInLoss: true, BaselineDecay: 0.95,
		LearningRate: 0.00035, Beta1: 0.9, Beta2: 0.999, AdamE: 1e-8,
	}
}

// NAS2017 is the controller of Zoph & Le 2017 [2]: two LSTM layers of 35 units, Adam
// with learning rate 0.0006, weights uniform in ±0.08, and a moving-average baseline
// (its decay is not given; 0.95 as NASNet).
func NAS2017() LSTMConfig {
	return LSTMConfig{
		Name: "nas2017", Hidden: 35, Layers: 2, InitRange: 0.08,
		BaselineDecay: 0.95,
		LearningRate:  0.0006, Beta1: 0.9, Beta2: 0.999, AdamE: 1e-8,
	}
}

// LSTMPresets are the presets by name.
var LSTMPresets = map[string]func() LSTMConfig{
	"enas-micro": ENASMicro, "enas-macro": ENASMacro, "nasnet": NASNet, "nas2017": NAS2017,
}

// check reports the first unusable setting.
func (c *LSTMConfig) check() error {
	switch {
	case c.Hidden < 1 || c.Layers < 1:
		return errors.Errorf("LSTMConfig %q: need at least one layer (%d) of one unit (%d)", c.Name, c.Layers, c.Hidden)
	case !(c.LearningRate > 0):
		return errors.Errorf("LSTMConfig %q: learning rate must be positive, got %g", c.Name, c.LearningRate)
	case c.BaselineDecay < 0 || c.BaselineDecay >= 1:
		return errors.Errorf("LSTMConfig %q: baseline decay must be in [0, 1), got %g", c.Name, c.BaselineDecay)
	case c.SkipWeight > 0 && (c.SkipTarget <= 0 || c.SkipTarget >= 1):
		return errors.Errorf("LSTMConfig %q: skip target must be in (0, 1), got %g", c.Name, c.SkipTarget)
	case c.Temperature < 0 || c.TanhConstant < 0 || c.InitRange < 0:
		return errors.Errorf("LSTMConfig %q: temperature, tanh constant and init range must not be negative", c.Name)
	}
	return nil
}

// tanhFor is the tanh constant of a decision: c, or c/OpTanhReduce for Op decisions.
func (c *LSTMConfig) tanhFor(isOp bool) float64 {
	if isOp && c.OpTanhReduce > 0 {
		return c.TanhConstant / c.OpTanhReduce
	}
	return c.TanhConstant
}

// NB201Tuned is the controller of GoNAS's NAS-Bench-201 benchmark (bench/NB201.md),
// chosen by mean validation accuracy on seeds 1001-1100, apart from the reported
// seeds. A budget of ~150 queries allows only ~15 updates of m = 10 architectures,
// so it learns much faster than the ENAS presets, which are made for thousands of
// updates (with ENASMicro the policy barely moves in 15 updates and the search ties
// random): learning rate 0.02 (Adam, β1 = 0.9), logits bounded by the tanh constant
// 2.5 so the policy cannot collapse onto a few cells, no temperature, baseline decay
// 0.9, no entropy bonus.
func NB201Tuned() LSTMConfig {
	return LSTMConfig{
		Name: "nb201", Hidden: 64, Layers: 1, InitRange: 0.1,
		TanhConstant: 2.5, BaselineDecay: 0.9,
		LearningRate: 0.02, Beta1: 0.9, Beta2: 0.999, AdamE: 1e-8,
	}
}
