package optim

import (
	"math"

	"github.com/gomlx/compute/dtypes"
	"github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/ml/model"
	"github.com/gomlx/gomlx/ml/train/optimizer"
	"github.com/gomlx/gomlx/support/exceptions"
)

// Schedule is a learning-rate schedule: the learning rate as a function of the training step.
//
// The step is 0-based: it is the number of optimizer updates already applied before the current one, i.e. the
// value of GoMLX's global step variable (optimizer.GetGlobalStepVar) read before the optimizer increments it.
// So the first training step uses the learning rate of step 0.
type Schedule interface {
	// LearningRateGraph returns the learning rate for the given step (a scalar node of any integer or float
	// dtype; it is converted to Int64) as a scalar node of the given float dtype.
	LearningRateGraph(step *graph.Node, dtype dtypes.DType) *graph.Node

	// LearningRateAt returns the same value as LearningRateGraph, computed in Go in float64
	// (for logging, plotting and tests).
	LearningRateAt(step int64) float64
}

// Constant returns a Schedule whose learning rate is lr at every step.
func Constant(lr float64) Schedule {
	if lr < 0 {
		exceptions.Panicf("optim.Constant: learning rate must be >= 0, got %g", lr)
	}
	return constantSchedule(lr)
}

type constantSchedule float64

// LearningRateGraph implements Schedule.
func (c constantSchedule) LearningRateGraph(step *graph.Node, dtype dtypes.DType) *graph.Node {
	return graph.Scalar(step.Graph(), dtype, float64(c))
}

// LearningRateAt implements Schedule.
func (c constantSchedule) LearningRateAt(int64) float64 { return float64(c) }

// SGDRSchedule is cosine annealing with warm restarts (SGDR, Loshchilov & Hutter [1]) as used by ENAS [4].
// Create it with SGDR or ENASSchedule; it implements Schedule.
//
// With T_cur the number of epochs since the last restart and T_i the length of the current period
// (T_0, T_0·T_mul, T_0·T_mul², …; restarts happen at epochs T_0, T_0+T_0·T_mul, …):
//
//	lr = lrMin + ½ (lrMax − lrMin) (1 + cos(π · T_cur / T_i))
//
// By default (as in ENAS) the epoch is the integer epoch, epoch = ⌊step / stepsPerEpoch⌋, so the learning rate
// is constant within an epoch and T_cur is an integer. With PerStep, T_cur is fractional, updated every step
// (T_cur = stepsSinceRestart / stepsPerEpoch), as in the SGDR paper [1]. With the default stepsPerEpoch = 1,
// T0 is in steps.
//
// Note: ENAS's TF1 code implements the restart with stateful assign ops inside a tf.cond (whose read/write
// ordering is not pinned down); this is the stateless closed form of the same schedule: lr = lrMax on the
// first epoch of each period, decaying towards lrMin (never quite reaching it) on its last.
type SGDRSchedule struct {
	lrMax, lrMin  float64
	t0, tMul      int64
	stepsPerEpoch int64
	perStep       bool
}

// SGDR returns a cosine annealing with warm restarts schedule [1] (see SGDRSchedule) going from lrMax down to
// lrMin over periods of t0, t0·tMul, t0·tMul², … epochs. Configure it further with StepsPerEpoch and PerStep.
//
// It panics unless 0 <= lrMin <= lrMax, t0 >= 1 and tMul >= 1.
func SGDR(lrMax, lrMin float64, t0, tMul int) *SGDRSchedule {
	if !(lrMin >= 0 && lrMax >= lrMin) {
		exceptions.Panicf("optim.SGDR: requires 0 <= lrMin <= lrMax, got lrMin=%g, lrMax=%g", lrMin, lrMax)
	}
	if t0 < 1 || tMul < 1 {
		exceptions.Panicf("optim.SGDR: requires t0 >= 1 and tMul >= 1, got t0=%d, tMul=%d", t0, tMul)
	}
	return &SGDRSchedule{lrMax: lrMax, lrMin: lrMin, t0: int64(t0), tMul: int64(tMul), stepsPerEpoch: 1}
}

// ENASSchedule returns the ENAS [4] child-training schedule: SGDR(0.05, 0.0005, 10, 2) with the given number
// of steps (batches) per epoch and per-epoch granularity (learning rate constant within an epoch).
// 10+20+40+80+160 = 310 epochs complete five periods, as in ENAS's CIFAR-10 runs.
func ENASSchedule(stepsPerEpoch int) *SGDRSchedule {
	return SGDR(0.05, 0.0005, 10, 2).StepsPerEpoch(stepsPerEpoch)
}

// StepsPerEpoch sets how many training steps make an epoch, so T0 is given in epochs. Default is 1 (T0 in steps).
// It panics if n < 1. It returns the schedule for chaining.
func (s *SGDRSchedule) StepsPerEpoch(n int) *SGDRSchedule {
	if n < 1 {
		exceptions.Panicf("optim.SGDRSchedule.StepsPerEpoch: requires n >= 1, got %d", n)
	}
	s.stepsPerEpoch = int64(n)
	return s
}

// PerStep makes T_cur fractional, updated at every step (the SGDR paper's per-batch update) instead of the
// integer epoch count (ENAS's choice, the default). Restarts still happen at the same steps.
// It returns the schedule for chaining.
func (s *SGDRSchedule) PerStep() *SGDRSchedule {
	s.perStep = true
	return s
}

// maxBoundary limits the precomputed restart table: no training runs 2^52 steps.
const maxBoundary = int64(1) << 52

// unitScale is the number of steps per unit in which T_cur/T_i are counted: 1 for per-epoch granularity
// (units are epochs) and stepsPerEpoch for PerStep (units are steps).
func (s *SGDRSchedule) unitScale() int64 {
	if s.perStep {
		return s.stepsPerEpoch
	}
	return 1
}

// unit converts a step to the unit in which periods are counted.
func (s *SGDRSchedule) unit(step int64) int64 {
	if s.perStep {
		return step
	}
	return step / s.stepsPerEpoch
}

// boundaries returns the restart points b_k = t0·(tMul^k − 1)/(tMul − 1), k = 1…K, in units (tMul >= 2 only).
func (s *SGDRSchedule) boundaries() []int64 {
	scale := s.unitScale()
	var bs []int64
	period := s.t0 * scale
	b := int64(0)
	for b < maxBoundary/s.tMul {
		b += period
		bs = append(bs, b)
		period *= s.tMul
	}
	return bs
}

// formula is the cosine annealing formula, in Go.
func (s *SGDRSchedule) formula(tCur, tI float64) float64 {
	return s.lrMin + 0.5*(s.lrMax-s.lrMin)*(1+math.Cos(math.Pi*tCur/tI))
}

// LearningRateAt implements Schedule. Negative steps are treated as step 0.
func (s *SGDRSchedule) LearningRateAt(step int64) float64 {
	u := s.unit(max(step, 0))
	period := s.t0 * s.unitScale()
	start := int64(0)
	if s.tMul == 1 {
		start = (u / period) * period
	}
	for u >= start+period {
		start += period
		period *= s.tMul
	}
	return s.formula(float64(u-start), float64(period))
}

// LearningRateGraph implements Schedule. Negative steps are treated as step 0.
//
// The period bookkeeping is done in Int64 (exact, no log/pow rounding at restart boundaries); only the final
// ratio T_cur/T_i and the cosine are computed in dtype.
func (s *SGDRSchedule) LearningRateGraph(step *graph.Node, dtype dtypes.DType) *graph.Node {
	g := step.Graph()
	if !step.Shape().IsScalar() {
		exceptions.Panicf("optim.SGDRSchedule: step must be a scalar, got %s", step.Shape())
	}
	if !dtype.IsFloat() {
		exceptions.Panicf("optim.SGDRSchedule: learning-rate dtype must be float, got %s", dtype)
	}
	i64 := dtypes.Int64
	step = graph.Max(graph.ConvertDType(step, i64), graph.ScalarZero(g, i64))
	u := step
	if !s.perStep && s.stepsPerEpoch > 1 {
		u = graph.Div(step, graph.Const(g, s.stepsPerEpoch)) // Integer division: the epoch.
	}

	var start, length *graph.Node
	if s.tMul == 1 {
		period := graph.Const(g, s.t0*s.unitScale())
		start = graph.Mul(graph.Div(u, period), period)
		length = period
	} else {
		bs := s.boundaries()
		boundaries := graph.Const(g, bs)
		uB := graph.BroadcastToDims(u, len(bs))
		passed := graph.GreaterOrEqual(uB, boundaries)
		start = graph.ReduceAllMax(graph.Where(passed, boundaries, graph.ZerosLike(boundaries)))
		next := graph.ReduceAllMin(graph.Where(passed,
			graph.BroadcastToDims(graph.Const(g, int64(math.MaxInt64)), len(bs)), boundaries))
		length = graph.Sub(next, start)
	}
	tCur := graph.ConvertDType(graph.Sub(u, start), dtype)
	tI := graph.ConvertDType(length, dtype)
	cosine := graph.Cos(graph.MulScalar(graph.Div(tCur, tI), math.Pi))
	lr := graph.MulScalar(graph.OnePlus(cosine), 0.5*(s.lrMax-s.lrMin))
	return graph.AddScalar(lr, s.lrMin)
}

// ScheduleLearningRate makes any GoMLX optimizer follow the schedule: it sets GoMLX's learning-rate variable
// (optimizer.LearningRateVar, at "<scope>/optimizers/learning_rate", which optimizer.Adam, optimizer.RMSProp,
// optimizer.StochasticGradientDescent and this package's SGD all read) to schedule(step) for the current
// training graph, where step is the global step before this step's increment. It returns the learning-rate node,
// or nil if g is not a training graph (then it does nothing, so it is safe to call from a model function that
// is also used for evaluation).
//
// Call it from the model function, with the scope the model function receives (the trainer passes the same
// root scope to the optimizer), so it runs before the trainer calls the optimizer's UpdateGraph; it panics if
// the global step was already incremented in g (i.e. if called after the optimizer).
// The variable keeps the learning rate of the last step taken, so it is visible between steps and checkpointed.
// dtype is used if the variable does not exist yet (use the loss dtype); otherwise the variable's dtype is used.
//
// Notes: optimizer.StochasticGradientDescent additionally divides the learning rate by sqrt(global_step) unless
// built with WithDecay(false); train.NewTrainer deletes the learning-rate variable, which is harmless here.
// This package's SGD can instead take the schedule directly (SGDConfig.Schedule).
func ScheduleLearningRate(scope *model.Scope, g *graph.Graph, schedule Schedule, dtype dtypes.DType) *graph.Node {
	if !scope.IsTraining(g) {
		return nil
	}
	return setScheduledLearningRate(scope, g, schedule, dtype)
}

// setScheduledLearningRate sets the learning-rate variable to schedule(global step) -- see ScheduleLearningRate.
func setScheduledLearningRate(scope *model.Scope, g *graph.Graph, schedule Schedule, dtype dtypes.DType) *graph.Node {
	stepVar := optimizer.GetGlobalStepVar(scope)
	if stepVar.ChangedInGraph(g) {
		exceptions.Panicf("optim: learning-rate schedule applied after the global step was incremented in this " +
			"graph -- call ScheduleLearningRate from the model function, before the optimizer runs")
	}
	lrVar := scope.Store().GetVariable(model.JoinPath(scope.Scope(), optimizer.Scope, optimizer.ParamLearningRate))
	if lrVar != nil {
		dtype = lrVar.DType()
	} else {
		lrVar = optimizer.LearningRateVarWithValue(scope, dtype, schedule.LearningRateAt(0))
	}
	lr := schedule.LearningRateGraph(stepVar.NodeValue(g), dtype)
	lrVar.SetNodeValue(lr)
	return lr
}
