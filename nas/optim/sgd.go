package optim

import (
	"slices"

	"github.com/gomlx/compute/dtypes"
	"github.com/gomlx/compute/shapes"
	"github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/ml/model"
	"github.com/gomlx/gomlx/ml/model/initializer"
	"github.com/gomlx/gomlx/ml/train/optimizer"
	"github.com/gomlx/gomlx/support/exceptions"
)

const (
	// SGDDefaultScope is the default sub-scope (under "<scope>/optimizers") holding the SGD's state variables:
	// the momentum buffers and the recorded gradient norm.
	SGDDefaultScope = "sgd_momentum"

	// MomentumSuffix is appended to a trainable variable's name to name its momentum buffer, stored at
	// "<scope>/optimizers/<SGD scope>/<variable's scope>/<variable's name>_momentum".
	MomentumSuffix = "_momentum"

	// GradNormVariableName is the name of the scalar variable, at "<scope>/optimizers/<SGD scope>", in which the
	// SGD records the pre-clip global gradient norm of the last step when clipping is enabled.
	GradNormVariableName = "global_grad_norm"
)

// ExcludeFn is a predicate on a trainable variable: it returns true if the variable must be excluded from
// weight decay. See ExcludeNames and ExcludeBiasesAndNorms.
type ExcludeFn func(v *model.Variable) bool

// ExcludeNames returns an ExcludeFn that excludes variables whose name (the last path element, without scope)
// is one of names.
func ExcludeNames(names ...string) ExcludeFn {
	names = slices.Clone(names)
	return func(v *model.Variable) bool {
		return slices.Contains(names, v.Name())
	}
}

// ExcludeBiasesAndNorms is an ExcludeFn for the usual "no weight decay on biases and normalization parameters"
// rule, using GoMLX's layer variable names: "biases" (layers.Dense, convolutions, fnn), "scale" and "offset"
// (batch norm, RMS norm, layer norm), "gain" (layer norm), "gamma" and "beta" (dynamic tanh), and "bias".
func ExcludeBiasesAndNorms(v *model.Variable) bool {
	switch v.Name() {
	case "biases", "bias", "scale", "offset", "gain", "gamma", "beta":
		return true
	}
	return false
}

// SGDConfig configures a stochastic gradient descent optimizer with optional (heavy-ball or Nesterov) momentum,
// coupled L2 weight decay, a learning-rate schedule, and gradient clipping by global norm. Create it with SGD,
// chain the options, and call Done to get the optimizer.Interface to pass to train.NewTrainer.
//
// For each trainable variable p with gradient g (of the loss, already including any regularization losses),
// at each step, with learning rate lr, momentum μ and weight decay λ, it computes PyTorch's torch.optim.SGD
// update [3] (dampening 0):
//
//	g ← g + λ·p               (weight decay, unless p is excluded; = adding ½λ‖p‖² to the loss)
//	v ← μ·v + g               (momentum buffer, initialized to 0, so v = g on the first step)
//	p ← p − lr·(g + μ·v)      (Nesterov)
//	p ← p − lr·v              (heavy-ball momentum)
//	p ← p − lr·g              (μ = 0: plain SGD, no buffer)
//
// This is also TensorFlow's MomentumOptimizer (used by ENAS [4]); it differs from Sutskever et al.'s [2]
// v ← μ·v − lr·g formulation only in where lr sits, which matters when lr changes between steps.
//
// ENAS adds l2_reg·Σ‖p‖² to the loss, whose gradient is 2·l2_reg·p: to reproduce it use WeightDecay(2·l2_reg)
// (ENAS's l2_reg = 2.5e-4 is WeightDecay(5e-4)), and ClipAfterWeightDecay if clipping.
//
// With ClipByGlobalNorm(maxNorm), the raw gradients of all variables are first rescaled jointly (see the function
// ClipByGlobalNorm) before weight decay is added, as when calling torch.nn.utils.clip_grad_norm_ before
// optimizer.step(); ClipAfterWeightDecay clips g + λ·p instead (ENAS's order).
//
// State: momentum buffers are non-trainable variables (see MomentumSuffix), so checkpoints save and restore
// them with the model; the learning rate is GoMLX's learning-rate variable (optimizer.LearningRateVar) and each
// step increments GoMLX's global step (optimizer.IncrementGlobalStep), as GoMLX's own optimizers do.
//
// GoMLX's scope hyperparameters optimizer.ParamClipNaN, optimizer.ParamNanLogger and
// optimizer.ParamClipStepByValue are honored as in GoMLX's optimizers (they are off by default).
type SGDConfig struct {
	scopeName    string
	learningRate float64 // < 0: read optimizer.ParamLearningRate, default optimizer.SGDDefaultLearningRate.
	momentum     float64
	nesterov     bool
	weightDecay  float64
	exclude      ExcludeFn
	schedule     Schedule
	clipNorm     float64 // <= 0: no clipping.
	clipAfterWD  bool
}

// SGD returns a configuration for a stochastic gradient descent optimizer: plain SGD by default, configurable
// with the chained options of SGDConfig; finish with Done. For example, ENAS's child-training optimizer [4]:
//
//	opt := optim.SGD().Momentum(0.9).Nesterov().WeightDecay(5e-4).
//		ClipByGlobalNorm(5).ClipAfterWeightDecay().
//		Schedule(optim.ENASSchedule(stepsPerEpoch)).Done()
func SGD() *SGDConfig {
	return &SGDConfig{scopeName: SGDDefaultScope, learningRate: -1}
}

// LearningRate sets a constant learning rate. Without it (and without Schedule), the learning rate is the
// optimizer.ParamLearningRate ("learning_rate") hyperparameter of the scope, or optimizer.SGDDefaultLearningRate.
// Either way it is stored in GoMLX's learning-rate variable, read each step, so it can also be changed
// between steps by setting that variable. A Schedule takes precedence over it.
func (c *SGDConfig) LearningRate(lr float64) *SGDConfig {
	if lr < 0 {
		exceptions.Panicf("optim.SGD: learning rate must be >= 0, got %g", lr)
	}
	c.learningRate = lr
	return c
}

// Momentum sets the momentum coefficient μ (0 <= μ < 1; default 0, no momentum and no buffers).
func (c *SGDConfig) Momentum(mu float64) *SGDConfig {
	if !(mu >= 0 && mu < 1) {
		exceptions.Panicf("optim.SGD: momentum must be in [0, 1), got %g", mu)
	}
	c.momentum = mu
	return c
}

// Nesterov switches the momentum to Nesterov's: p ← p − lr·(g + μ·v). It requires Momentum > 0 (checked by Done).
func (c *SGDConfig) Nesterov() *SGDConfig {
	c.nesterov = true
	return c
}

// WeightDecay sets the coupled L2 weight-decay coefficient λ >= 0 (default 0): g ← g + λ·p before momentum,
// as PyTorch's SGD weight_decay. See ExcludeFromWeightDecay to exempt variables.
func (c *SGDConfig) WeightDecay(lambda float64) *SGDConfig {
	if lambda < 0 {
		exceptions.Panicf("optim.SGD: weight decay must be >= 0, got %g", lambda)
	}
	c.weightDecay = lambda
	return c
}

// ExcludeFromWeightDecay sets a predicate selecting trainable variables that get no weight decay, e.g.
// ExcludeBiasesAndNorms, ExcludeNames("biases"), or a custom test on v.Path() or v.Shape(). nil excludes none.
func (c *SGDConfig) ExcludeFromWeightDecay(exclude ExcludeFn) *SGDConfig {
	c.exclude = exclude
	return c
}

// Schedule makes the learning rate follow the given schedule: at each step the optimizer sets GoMLX's
// learning-rate variable to schedule(global step before the increment) and uses that value.
// It takes precedence over LearningRate. nil disables it.
func (c *SGDConfig) Schedule(schedule Schedule) *SGDConfig {
	c.schedule = schedule
	return c
}

// ClipByGlobalNorm enables clipping of the gradients by their joint global L2 norm (see the package function
// ClipByGlobalNorm), applied to the raw gradients before weight decay unless ClipAfterWeightDecay.
// The pre-clip norm of each step is recorded in the variable returned by SGDConfig.GradNormVar.
// maxNorm <= 0 disables clipping (the default).
func (c *SGDConfig) ClipByGlobalNorm(maxNorm float64) *SGDConfig {
	c.clipNorm = maxNorm
	return c
}

// ClipAfterWeightDecay makes clipping (if enabled) apply to the gradients with weight decay already added,
// g + λ·p, as ENAS does (its L2 term is part of the loss). The default is PyTorch's order (clip, then decay).
func (c *SGDConfig) ClipAfterWeightDecay() *SGDConfig {
	c.clipAfterWD = true
	return c
}

// Scope sets the sub-scope (under "<scope>/optimizers") of the optimizer's state variables. Default is
// SGDDefaultScope; change it only if several SGD optimizers share a model.Store.
func (c *SGDConfig) Scope(name string) *SGDConfig {
	if name == "" {
		exceptions.Panicf("optim.SGD: empty scope name")
	}
	c.scopeName = name
	return c
}

// Done validates the configuration and returns the optimizer. Later changes to the SGDConfig do not affect it.
// The returned value also implements train.OptimizerWithGradients (for gradient accumulation).
func (c *SGDConfig) Done() optimizer.Interface {
	if c.nesterov && c.momentum <= 0 {
		exceptions.Panicf("optim.SGD: Nesterov momentum requires Momentum > 0")
	}
	cfg := *c
	return &sgd{config: &cfg}
}

// stateScopePath is the absolute path of the scope holding the optimizer's state variables.
func (c *SGDConfig) stateScopePath(scope *model.Scope) string {
	return model.JoinPath(scope.Scope(), optimizer.Scope, c.scopeName)
}

// GradNormVar returns the scalar variable recording the pre-clip global gradient norm of the last step, for the
// optimizer used with the given scope (the trainer's root scope), or nil if it does not exist (no step taken
// yet, or clipping disabled).
func (c *SGDConfig) GradNormVar(scope *model.Scope) *model.Variable {
	return scope.Store().GetVariable(model.JoinPath(c.stateScopePath(scope), GradNormVariableName))
}

// MomentumVar returns the momentum buffer of the trainable variable v for the optimizer used with the given
// scope, or nil if it does not exist (no step taken yet, or no momentum).
func (c *SGDConfig) MomentumVar(scope *model.Scope, v *model.Variable) *model.Variable {
	return scope.Store().GetVariable(
		model.JoinPath(c.stateScopePath(scope), v.Scope(), v.Name()+MomentumSuffix))
}

// sgd implements optimizer.Interface (and train.OptimizerWithGradients) for an SGDConfig.
type sgd struct {
	config *SGDConfig
}

// UpdateGraph builds the graph of one training step: gradients of the scalar loss with respect to all trainable
// variables in scope used in the graph, then the SGD update. It implements optimizer.Interface.
func (o *sgd) UpdateGraph(scope *model.Scope, g *graph.Graph, loss *graph.Node) {
	_ = g
	if !loss.Shape().IsScalar() {
		exceptions.Panicf("optim.SGD: requires a scalar loss, got shape %s", loss.Shape())
	}
	grads := scope.BuildTrainableVariablesGradientsGraph(loss)
	o.UpdateGraphWithGradients(scope, grads, loss.DType())
}

// UpdateGraphWithGradients applies the SGD update given the gradients of the trainable variables in scope
// used in the graph (in scope.BuildTrainableVariablesGradientsGraph's order). The learning rate and global step
// use lossDType. It implements train.OptimizerWithGradients.
func (o *sgd) UpdateGraphWithGradients(scope *model.Scope, grads []*graph.Node, lossDType dtypes.DType) {
	c := o.config
	if len(grads) == 0 {
		exceptions.Panicf("optim.SGD: no gradients -- are there trainable variables in scope %q?", scope.Scope())
	}
	g := grads[0].Graph()
	var vars []*model.Variable
	for v := range scope.IterVariables() {
		if v.Trainable && v.InUseByGraph(g) {
			vars = append(vars, v)
		}
	}
	if len(vars) != len(grads) {
		exceptions.Panicf("optim.SGD: got %d gradients but there are %d trainable variables in use in scope %q",
			len(grads), len(vars), scope.Scope())
	}

	// Learning rate, read before the global step increment.
	var lr *graph.Node
	if c.schedule != nil {
		lr = setScheduledLearningRate(scope, g, c.schedule, lossDType)
	} else {
		initial := c.learningRate
		if initial < 0 {
			initial = model.GetParamOr(scope, optimizer.ParamLearningRate, optimizer.SGDDefaultLearningRate)
		}
		lr = optimizer.LearningRateVar(scope, lossDType, initial).NodeValue(g)
	}
	_ = optimizer.IncrementGlobalStep(g, lossDType)

	grads = slices.Clone(grads)
	values := make([]*graph.Node, len(vars))
	for i, v := range vars {
		values[i] = v.NodeValue(g)
		optimizer.TraceNaNInGradients(scope, v, grads[i])
		grads[i] = optimizer.ClipNaNsInGradients(scope, grads[i])
	}
	clip := func() {
		if c.clipNorm > 0 {
			var norm *graph.Node
			grads, norm = ClipByGlobalNorm(grads, c.clipNorm)
			normVar := scope.Store().Scope(c.stateScopePath(scope)).
				WithInitializer(initializer.Zero).
				VariableWithShape(GradNormVariableName, shapes.Make(norm.DType())).
				SetTrainable(false)
			normVar.SetNodeValue(graph.ConvertDType(norm, normVar.DType()))
		}
	}
	if !c.clipAfterWD {
		clip()
	}
	if c.weightDecay > 0 {
		for i, v := range vars {
			if c.exclude != nil && c.exclude(v) {
				continue
			}
			grads[i] = graph.Add(grads[i], graph.MulScalar(values[i], c.weightDecay))
		}
	}
	if c.clipAfterWD {
		clip()
	}

	for i, v := range vars {
		grad := grads[i]
		direction := grad
		if c.momentum > 0 {
			bufVar := scope.Store().Scope(model.JoinPath(c.stateScopePath(scope), v.Scope())).
				WithInitializer(initializer.Zero).
				VariableWithShape(v.Name()+MomentumSuffix, v.Shape()).
				SetTrainable(false)
			buf := graph.Add(graph.MulScalar(bufVar.NodeValue(g), c.momentum), grad)
			bufVar.SetNodeValue(buf)
			if c.nesterov {
				direction = graph.Add(grad, graph.MulScalar(buf, c.momentum))
			} else {
				direction = buf
			}
		}
		step := graph.Mul(direction, graph.ConvertDType(lr, direction.DType()))
		step = optimizer.ClipStepByValue(scope, step)
		updated := graph.Sub(values[i], step)
		updated = optimizer.ClipNaNsInUpdates(scope, values[i], updated)
		v.SetNodeValue(updated)
	}
}

// Clear deletes the optimizer's state variables (momentum buffers and recorded gradient norm) under scope;
// the global step and learning-rate variables are left alone, as GoMLX's optimizers do.
// It implements optimizer.Interface.
func (o *sgd) Clear(scope *model.Scope) error {
	return scope.Store().DeleteVariablesInScope(o.config.stateScopePath(scope))
}
