package nb201search

import (
	"github.com/gomlx/compute"
	"github.com/gomlx/compute/dtypes"
	. "github.com/gomlx/gomlx/core/graph" //nolint:staticcheck
	"github.com/gomlx/gomlx/core/tensors"
	"github.com/gomlx/gomlx/ml/model"
	"github.com/gomlx/gomlx/ml/train/loss"
	"github.com/gomlx/gomlx/ml/train/optimizer"
	"github.com/gonas/gonas/cells"
	"github.com/gonas/gonas/nas"
	"github.com/gonas/gonas/nas/optim"
	"github.com/pkg/errors"
)

// Supernet is the NB201 supernet with its shared weights (one model.Store) and the
// compiled graphs of the architectures last used (see supernet.go): per
// architecture, a training step (SGD on the minibatch's cross-entropy, only the
// architecture's path getting gradients) and a score (the minibatch's loss and
// correct count, nothing written). Graphs are kept in a small least-recently-used
// cache, so memory stays flat however many architectures a search visits.
type Supernet struct {
	Net     cells.NB201Network
	Classes int

	backend compute.Backend
	store   *model.Store
	sched   optim.Schedule
	opt     optimizer.Interface
	graphs  *execCache
}

// TrainConfig is the supernet's optimizer: SGD with Nesterov momentum, L2 (biases
// and batch-norm parameters excluded) and a cosine learning rate from LRMax to
// LRMin over TotalSteps, as NB201's RSPS/ENAS/SETN baselines [1] (lr 0.025 → 0.001,
// momentum 0.9, weight decay 5e-4, gradient clipping at 5).
type TrainConfig struct {
	LRMax, LRMin float64
	Momentum     float64
	WeightDecay  float64
	ClipNorm     float64 // 0: none
	TotalSteps   int
}

// NewSupernet builds the supernet of net for classes outputs, its weights drawn
// from seed, trained by tc.
func NewSupernet(backend compute.Backend, net cells.NB201Network, classes int, seed uint64, tc TrainConfig) (*Supernet, error) {
	if net.Channels < 1 || net.CellsPerStage < 1 || tc.TotalSteps < 1 || tc.LRMax <= 0 {
		return nil, errors.Errorf("nb201search: supernet needs channels (%d), cells per stage (%d), total steps (%d) and learning rate (%g) positive",
			net.Channels, net.CellsPerStage, tc.TotalSteps, tc.LRMax)
	}
	s := &Supernet{Net: net, Classes: classes, store: model.NewStore()}
	if err := s.store.SetRNGStateFromSeed(int64(seed)); err != nil {
		return nil, err
	}
	s.sched = optim.SGDR(tc.LRMax, tc.LRMin, tc.TotalSteps, 1).PerStep()
	sgd := optim.SGD().Schedule(s.sched).WeightDecay(tc.WeightDecay).ExcludeFromWeightDecay(optim.ExcludeBiasesAndNorms)
	if tc.Momentum > 0 {
		sgd = sgd.Momentum(tc.Momentum).Nesterov()
	}
	if tc.ClipNorm > 0 {
		sgd = sgd.ClipByGlobalNorm(tc.ClipNorm)
	}
	s.backend, s.opt, s.graphs = backend, sgd.Done(), &execCache{capacity: graphCacheSize}
	return s, nil
}

// graphCacheSize is how many compiled graphs a supernet keeps.
const graphCacheSize = 24

// trainExec compiles a's training step.
func (s *Supernet) trainExec(ops []int) (*model.Exec, error) {
	return model.NewExec(s.backend, s.store, func(scope *model.Scope, x, y *Node) []*Node {
		s.store.SetTraining(x.Graph(), true)
		logits := supernetLogits(scope, x, ops, s.Net, s.Classes)
		l := crossEntropy(y, logits)
		s.opt.UpdateGraph(scope, x.Graph(), l)
		return []*Node{l, correctCount(y, logits)}
	})
}

// scoreExec compiles a's evaluation (batch statistics; nothing is written).
func (s *Supernet) scoreExec(ops []int) (*model.Exec, error) {
	return model.NewExec(s.backend, s.store, func(scope *model.Scope, x, y *Node) []*Node {
		logits := supernetLogits(scope, x, ops, s.Net, s.Classes)
		return []*Node{crossEntropy(y, logits), correctCount(y, logits)}
	})
}

// Store holds the shared weights and the optimizer's state.
func (s *Supernet) Store() *model.Store { return s.store }

// LearningRate is the learning rate of the last training step taken.
func (s *Supernet) LearningRate() float64 {
	return s.sched.LearningRateAt(max(optim.GlobalStep(s.store)-1, 0))
}

// TrainStep takes one SGD step of architecture a on the minibatch (images
// [B, H, W, C], labels [B, 1]) and returns its loss and correct predictions.
func (s *Supernet) TrainStep(a nas.Arch, images, labels *tensors.Tensor) (float64, int, error) {
	exec, err := s.graphs.get("train:"+a.String(), func() (*model.Exec, error) { return s.trainExec(a.Choices) })
	if err != nil {
		return 0, 0, err
	}
	outs, err := exec.Call(images, labels)
	if err != nil {
		return 0, 0, errors.WithMessagef(err, "nb201search: training step of %s", a)
	}
	return float64(tensors.ToScalar[float32](outs[0])), int(tensors.ToScalar[int32](outs[1])), nil
}

// Score runs a on the minibatch with the shared weights (batch statistics) and
// returns the number of correct predictions and the mean loss.
func (s *Supernet) Score(a nas.Arch, images, labels *tensors.Tensor) (correct int, meanLoss float64, err error) {
	exec, err := s.graphs.get("score:"+a.String(), func() (*model.Exec, error) { return s.scoreExec(a.Choices) })
	if err != nil {
		return 0, 0, err
	}
	outs, err := exec.Call(images, labels)
	if err != nil {
		return 0, 0, errors.WithMessagef(err, "nb201search: scoring %s", a)
	}
	return int(tensors.ToScalar[int32](outs[1])), float64(tensors.ToScalar[float32](outs[0])), nil
}

// Close frees the compiled graphs.
func (s *Supernet) Close() { s.graphs.clear() }

// crossEntropy is the mean cross-entropy of logits [N, classes] for labels [N, 1].
func crossEntropy(labels, logits *Node) *Node {
	return ReduceAllMean(loss.SparseCategoricalCrossEntropyLogits([]*Node{labels}, []*Node{logits}))
}

// correctCount is the number of rows whose arg-max is the label (int32 scalar).
func correctCount(labels, logits *Node) *Node {
	pred := ArgMax(logits, -1, dtypes.Int32)
	hit := Equal(pred, Reshape(ConvertDType(labels, dtypes.Int32), pred.Shape().Dimensions...))
	return ReduceAllSum(ConvertDType(hit, dtypes.Int32))
}
