package enas

import (
	"github.com/gomlx/compute"
	"github.com/gomlx/compute/dtypes"
	. "github.com/gomlx/gomlx/core/graph" //nolint:staticcheck
	"github.com/gomlx/gomlx/core/tensors"
	"github.com/gomlx/gomlx/ml/model"
	"github.com/gomlx/gomlx/ml/train/loss"
	"github.com/gomlx/gomlx/ml/train/optimizer"
	"github.com/gonas/gonas/nas"
	"github.com/gonas/gonas/nas/data"
	"github.com/gonas/gonas/nas/optim"
	"github.com/gonas/gonas/nas/train"
	"github.com/pkg/errors"
)

// imageChild is the shared-weights classifier of an image space (enas-micro,
// enas-macro). Its training steps follow the reference code [3]: the loss is the
// cross-entropy of the minibatch (plus AuxWeight × the auxiliary head's), and the
// rewards are accuracies on one validation minibatch with batch norm in training
// mode (the reference builds its search child with is_training forced on).
type imageChild struct {
	backend      compute.Backend
	st           *model.Store
	cfg          ChildConfig
	seed         uint64
	train, valid *data.Dataset
	// trainSpace builds the training networks (with the auxiliary head when
	// AuxWeight > 0, drop-path and dropout as configured); evalSpace the same
	// networks without them. Both key their weights alike, so they share them.
	trainSpace, evalSpace nas.ImageSpace
	sgd                   *optim.SGDConfig
	opt                   optimizer.Interface
	sched                 optim.Schedule
	steps                 int
	order, vorder         *streamOrder
	batch, vbatch         *data.Batch
	cache                 *graphCache
}

// auxImageSpace is a space with an auxiliary head (cells.ENASMicro).
type auxImageSpace interface {
	ImageModelWithAux(a nas.Arch, numClasses int) (func(scope *model.Scope, images *Node) (logits, aux *Node), error)
}

func newImageChild(backend compute.Backend, store *model.Store, cfg *Config, d *Data) (*imageChild, error) {
	ch := cfg.Child
	trainSpace, err := searchSpace(cfg, d, true)
	if err != nil {
		return nil, err
	}
	evalSpace, err := searchSpace(cfg, d, false)
	if err != nil {
		return nil, err
	}
	steps := ch.StepsPerEpoch
	if steps <= 0 {
		steps = data.NumBatches(d.Train.Len(), ch.BatchSize, true)
	}
	c := &imageChild{
		backend: backend, st: store, cfg: ch, seed: cfg.Seed, train: d.Train, valid: d.Valid,
		trainSpace: trainSpace.(nas.ImageSpace), evalSpace: evalSpace.(nas.ImageSpace), steps: steps,
		order:  &streamOrder{seed: cfg.Seed, name: "train", n: d.Train.Len()},
		vorder: &streamOrder{seed: cfg.Seed, name: "valid", n: d.Valid.Len()},
		batch:  d.Train.NewBatch(ch.BatchSize), vbatch: d.Valid.NewBatch(ch.BatchSize),
		cache: newGraphCache(cfg.GraphCache),
	}
	c.sgd, c.sched = childSGD(ch, steps)
	c.opt = c.sgd.Done()
	return c, nil
}

func (c *imageChild) stepsPerEpoch() int     { return c.steps }
func (c *imageChild) store() *model.Store    { return c.st }
func (c *imageChild) state() ([]byte, error) { return nil, nil }
func (c *imageChild) setState([]byte) error  { return nil }
func (c *imageChild) close()                 { c.cache.clear() }

func (c *imageChild) cacheStats() (held, hits, misses, evictions int) {
	return c.cache.len(), c.cache.hits, c.cache.misses, c.cache.evictions
}

func (c *imageChild) learningRate() float64 {
	return c.sched.LearningRateAt(max(optim.GlobalStep(c.st)-1, 0))
}

// trainStep does one SGD step of a on minibatch (epoch, step): the epoch's random
// order of the training images, augmented with a generator of that step.
func (c *imageChild) trainStep(a nas.Arch, epoch, step int) (float64, error) {
	b := c.cfg.BatchSize
	idx := make([]int, b)
	for j := range idx {
		idx[j] = c.order.at(epoch, step*b+j)
	}
	var err error
	if c.cfg.Augment {
		err = data.CIFARAugmentation.Batch(c.train, idx, c.batch, streamRand(c.seed, "augment", epoch, step))
	} else {
		err = c.train.Batch(idx, c.batch)
	}
	if err != nil {
		return 0, err
	}
	exec, err := c.cache.get("train:"+a.String(), func() (*model.Exec, error) { return c.trainExec(a) })
	if err != nil {
		return 0, err
	}
	outs, err := exec.Call(batchTensors(c.train, c.batch))
	if err != nil {
		return 0, errors.WithMessagef(err, "child step %d of epoch %d", step, epoch)
	}
	return float64(tensors.ToScalar[float32](outs[0])), nil
}

// reward is the accuracy of a on validation minibatch k of the epoch's order.
func (c *imageChild) reward(a nas.Arch, epoch, k int) (float64, float64, error) {
	b := c.cfg.BatchSize
	idx := make([]int, b)
	for j := range idx {
		idx[j] = c.vorder.at(epoch, k*b+j)
	}
	if err := c.valid.Batch(idx, c.vbatch); err != nil {
		return 0, 0, err
	}
	exec, err := c.cache.get("reward:"+a.String(), func() (*model.Exec, error) { return c.rewardExec(a) })
	if err != nil {
		return 0, 0, err
	}
	outs, err := exec.Call(batchTensors(c.valid, c.vbatch))
	if err != nil {
		return 0, 0, errors.WithMessage(err, "reward")
	}
	correct := tensors.ToScalar[int32](outs[1])
	return float64(correct) / float64(b), float64(tensors.ToScalar[float32](outs[0])), nil
}

// trainExec compiles a's training step on the shared weights.
func (c *imageChild) trainExec(a nas.Arch) (*model.Exec, error) {
	build, err := modelWithAux(c.trainSpace, a, c.train.NumClasses)
	if err != nil {
		return nil, err
	}
	return trainStepExec(c.backend, c.st, build, c.sgd, c.opt, c.cfg.AuxWeight, c.steps*c.cfg.Epochs)
}

// trainStepExec compiles one SGD step of an image classifier on (images, labels):
// cross-entropy (plus auxWeight × the auxiliary head's), the optimizer's update,
// all kept only if the loss and the gradient norm are finite (keepUnless). It
// returns the main loss (NaN when the step was skipped) and the correct count.
// totalSteps, the length of the training run, schedules drop-path
// (train.SetTrainingSteps).
func trainStepExec(backend compute.Backend, store *model.Store, build func(*model.Scope, *Node) (*Node, *Node),
	sgd *optim.SGDConfig, opt optimizer.Interface, auxWeight float64, totalSteps int) (*model.Exec, error) {
	return model.NewExec(backend, store, func(scope *model.Scope, x, y *Node) []*Node {
		g := x.Graph()
		store.SetTraining(g, true)
		train.SetTrainingSteps(g, totalSteps)
		logits, aux := build(scope, x)
		main := crossEntropy(y, logits)
		total := main
		if aux != nil && auxWeight > 0 {
			total = Add(total, MulScalar(crossEntropy(y, aux), auxWeight))
		}
		opt.UpdateGraph(scope, g, total)
		ok := IsFinite(total)
		if v := sgd.GradNormVar(scope); v != nil && v.InUseByGraph(g) {
			ok = LogicalAnd(ok, IsFinite(v.NodeValue(g)))
		}
		keepUnless(store, g, ok)
		return []*Node{Where(ok, main, nanLike(main)), correctCount(y, logits)}
	})
}

// rewardExec compiles a's evaluation: loss and correct predictions, batch norm in
// training mode, no variable written.
func (c *imageChild) rewardExec(a nas.Arch) (*model.Exec, error) {
	m, err := c.evalSpace.ImageModel(a, c.valid.NumClasses)
	if err != nil {
		return nil, err
	}
	return model.NewExec(c.backend, c.st, func(scope *model.Scope, x, y *Node) []*Node {
		g := x.Graph()
		c.st.SetTraining(g, true)
		logits := m(scope, x)
		out := []*Node{crossEntropy(y, logits), correctCount(y, logits)}
		discardChanges(c.st, g)
		return out
	})
}

// modelWithAux returns a's network with its auxiliary head's logits (nil when the
// space has none).
func modelWithAux(s nas.ImageSpace, a nas.Arch, classes int) (func(scope *model.Scope, x *Node) (logits, aux *Node), error) {
	if as, ok := s.(auxImageSpace); ok {
		return as.ImageModelWithAux(a, classes)
	}
	m, err := s.ImageModel(a, classes)
	if err != nil {
		return nil, err
	}
	return func(scope *model.Scope, x *Node) (*Node, *Node) { return m(scope, x), nil }, nil
}

// crossEntropy is the mean cross-entropy of logits [N, classes] for labels [N, 1].
func crossEntropy(labels, logits *Node) *Node {
	return ReduceAllMean(loss.SparseCategoricalCrossEntropyLogits([]*Node{labels}, []*Node{logits}))
}

// correctCount is the number of rows whose arg-max is the label, as an int32 scalar.
func correctCount(labels, logits *Node) *Node {
	pred := ArgMax(logits, -1, dtypes.Int32)
	hit := Equal(pred, Reshape(ConvertDType(labels, dtypes.Int32), pred.Shape().Dimensions...))
	return ReduceAllSum(ConvertDType(hit, dtypes.Int32))
}

// nanLike is NaN in x's shape and dtype.
func nanLike(x *Node) *Node { return Div(ZerosLike(x), ZerosLike(x)) }

// batchTensors copies a batch into new tensors, images [N, H, W, C] and labels [N, 1].
func batchTensors(ds *data.Dataset, b *data.Batch) (*tensors.Tensor, *tensors.Tensor) {
	n := b.Len()
	x := tensors.FromFlatDataAndDimensions(append([]float32(nil), b.Images[:n*ds.ImageSize()]...), n, ds.Height, ds.Width, ds.Channels)
	y := tensors.FromFlatDataAndDimensions(append([]int32(nil), b.Labels[:n]...), n, 1)
	return x, y
}
