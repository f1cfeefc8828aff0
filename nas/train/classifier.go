package train

import (
	"context"
	"fmt"
	"io"
	"math"
	"time"

	"github.com/gomlx/compute"
	"github.com/gomlx/compute/dtypes"
	. "github.com/gomlx/gomlx/core/graph" //nolint:staticcheck
	"github.com/gomlx/gomlx/core/tensors"
	"github.com/gomlx/gomlx/ml/model"
	"github.com/gomlx/gomlx/ml/train"
	"github.com/gomlx/gomlx/ml/train/loss"
	"github.com/gomlx/gomlx/ml/train/optimizer"
	"github.com/gonas/gonas/nas"
	"github.com/gonas/gonas/nas/data"
	"github.com/gonas/gonas/nas/optim"
	"github.com/gonas/gonas/nas/progress"
	"github.com/pkg/errors"
)

// Config is how a child network is trained: SGD with Nesterov momentum, L2
// weight decay and a cosine (SGDR) learning rate, as ENAS trains its children.
type Config struct {
	Epochs       int
	BatchSize    int
	LearningRate float64 // maximum of the cosine schedule
	MinLR        float64 // minimum of the cosine schedule
	Momentum     float64 // Nesterov momentum; 0 for plain SGD
	WeightDecay  float64 // L2 coefficient added to the gradient
	ClipNorm     float64 // clip gradients to this global norm; 0 to disable
	Seed         uint64
	Augment      *data.Augmentation // nil: no augmentation
	Progress     io.Writer          // progress bar destination; nil for none
}

// Result is what Classifier measured.
type Result struct {
	Steps           int
	FinalLoss       float64 // mean training loss over the last epoch
	TestAccuracy    float64
	Duration        time.Duration // training time, evaluation excluded
	ImagesPerSecond float64
	Parameters      int
}

// Classifier trains m from scratch on trainSet and reports its accuracy on
// testSet. A NaN or infinite loss stops training with an error naming the step.
// The training graph carries the run's length (SetTrainingSteps), so layers
// scheduled over training (the drop-path of package cells) follow it. It is
// ClassifierContext that cannot be cancelled.
func Classifier(backend compute.Backend, m nas.ImageModel, trainSet, testSet *data.Dataset, cfg Config) (*Result, *model.Store, error) {
	return ClassifierContext(context.Background(), backend, m, trainSet, testSet, cfg)
}

// ClassifierContext is Classifier stopped by ctx: training checks it
// before every step and evaluation before every batch, so a cancelled ctx ends the
// run within one step, with an error that wraps ctx.Err().
func ClassifierContext(ctx context.Context, backend compute.Backend, m nas.ImageModel, trainSet, testSet *data.Dataset, cfg Config) (*Result, *model.Store, error) {
	if cfg.BatchSize <= 0 || cfg.Epochs <= 0 {
		return nil, nil, errors.Errorf("Classifier: batch size (%d) and epochs (%d) must be positive", cfg.BatchSize, cfg.Epochs)
	}
	store := model.NewStore()
	if err := store.SetRNGStateFromSeed(int64(cfg.Seed)); err != nil {
		return nil, nil, err
	}
	stepsPerEpoch := data.NumBatches(trainSet.Len(), cfg.BatchSize, true)
	if stepsPerEpoch == 0 {
		return nil, nil, errors.Errorf("Classifier: %d training images are fewer than one batch of %d", trainSet.Len(), cfg.BatchSize)
	}
	sgd := optim.SGD().LearningRate(cfg.LearningRate).WeightDecay(cfg.WeightDecay).
		ExcludeFromWeightDecay(optim.ExcludeBiasesAndNorms).
		Schedule(optim.SGDR(cfg.LearningRate, cfg.MinLR, cfg.Epochs, 1).StepsPerEpoch(stepsPerEpoch).PerStep())
	if cfg.Momentum > 0 {
		sgd = sgd.Momentum(cfg.Momentum).Nesterov()
	}
	if cfg.ClipNorm > 0 {
		sgd = sgd.ClipByGlobalNorm(cfg.ClipNorm)
	}
	totalSteps := cfg.Epochs * stepsPerEpoch
	modelFn := func(scope *model.Scope, images *Node) *Node {
		if g := images.Graph(); scope.IsTraining(g) {
			SetTrainingSteps(g, totalSteps) // for scheduled drop-path
		}
		return m(scope, images)
	}
	trainer := train.NewTrainer(backend, store, modelFn, loss.SparseCategoricalCrossEntropyLogits, sgd.Done(), nil, nil)

	rng := data.NewRand(cfg.Seed)
	batch := trainSet.NewBatch(cfg.BatchSize)
	res := &Result{}
	start := time.Now()
	for epoch := range cfg.Epochs {
		bar := progress.New(cfg.Progress, fmt.Sprintf("epoch %d/%d", epoch+1, cfg.Epochs), stepsPerEpoch)
		var lossSum float64
		step := 0
		for indices := range data.Minibatches(trainSet.Len(), cfg.BatchSize, true, rng) {
			if err := ctx.Err(); err != nil {
				bar.Done()
				return nil, nil, errors.Wrapf(err, "training stopped at epoch %d step %d", epoch+1, step)
			}
			var err error
			if cfg.Augment != nil {
				err = cfg.Augment.Batch(trainSet, indices, batch, rng)
			} else {
				err = trainSet.Batch(indices, batch)
			}
			if err != nil {
				return nil, nil, err
			}
			metrics, err := trainer.TrainStep(toTrainBatch(trainSet, batch))
			if err != nil {
				return nil, nil, errors.WithMessagef(err, "training step %d", res.Steps)
			}
			l := float64(tensors.ToScalar[float32](metrics[0]))
			if math.IsNaN(l) || math.IsInf(l, 0) {
				return nil, nil, errors.Errorf("training loss is %g at epoch %d step %d: lower the learning rate or clip gradients", l, epoch+1, step)
			}
			lossSum += l
			step++
			res.Steps++
			bar.Update(step, fmt.Sprintf("loss=%.4f", lossSum/float64(step)))
		}
		bar.Done()
		res.FinalLoss = lossSum / float64(step)
	}
	res.Duration = time.Since(start)
	res.ImagesPerSecond = float64(res.Steps*cfg.BatchSize) / res.Duration.Seconds()
	res.Parameters = CountParameters(store)
	ReleaseIdleMemory(backend) // the training steps' buffers: the evaluation's batches are larger
	acc, err := AccuracyContext(ctx, backend, store, m, testSet, 250)
	if err != nil {
		return nil, nil, err
	}
	res.TestAccuracy = acc
	return res, store, nil
}

// toTrainBatch copies a data.Batch into new tensors (the trainer takes ownership of them).
func toTrainBatch(ds *data.Dataset, b *data.Batch) train.Batch {
	n := b.Len()
	images := tensors.FromFlatDataAndDimensions(append([]float32(nil), b.Images[:n*ds.ImageSize()]...), n, ds.Height, ds.Width, ds.Channels)
	labels := tensors.FromFlatDataAndDimensions(append([]int32(nil), b.Labels[:n]...), n, 1)
	return train.Batch{Inputs: []*tensors.Tensor{images}, Labels: []*tensors.Tensor{labels}}
}

// Accuracy evaluates m (in inference mode: batch norm uses its moving averages) on ds.
func Accuracy(backend compute.Backend, store *model.Store, m nas.ImageModel, ds *data.Dataset, batchSize int) (float64, error) {
	return AccuracyContext(context.Background(), backend, store, m, ds, batchSize)
}

// AccuracyContext is Accuracy stopped by ctx between batches.
func AccuracyContext(ctx context.Context, backend compute.Backend, store *model.Store, m nas.ImageModel, ds *data.Dataset, batchSize int) (float64, error) {
	if err := ctx.Err(); err != nil {
		return 0, errors.Wrap(err, "evaluation stopped")
	}
	exec, err := model.NewExec(backend, store, func(scope *model.Scope, images *Node) *Node {
		return ArgMax(m(scope, images), -1, dtypes.Int32)
	})
	if err != nil {
		return 0, err
	}
	defer exec.Finalize()
	batch := ds.NewBatch(batchSize)
	correct := 0
	for start := 0; start < ds.Len(); start += batchSize {
		if err := ctx.Err(); err != nil {
			return 0, errors.Wrap(err, "evaluation stopped")
		}
		indices := make([]int, 0, batchSize)
		for i := start; i < min(start+batchSize, ds.Len()); i++ {
			indices = append(indices, i)
		}
		if err := ds.Batch(indices, batch); err != nil {
			return 0, err
		}
		tb := toTrainBatch(ds, batch)
		outs, err := exec.Call(tb.Inputs[0])
		if err != nil {
			return 0, errors.WithMessage(err, "evaluating accuracy")
		}
		preds := tensors.MustCopyFlatData[int32](outs[0])
		for i, p := range preds {
			if p == batch.Labels[i] {
				correct++
			}
		}
	}
	return float64(correct) / float64(ds.Len()), nil
}

// CountParameters is the number of scalar trainable parameters in store.
func CountParameters(store *model.Store) int {
	n := 0
	for v := range store.RootScope().IterVariables() {
		if v.Trainable && !isOptimizerState(v.Path()) {
			n += v.Shape().Size()
		}
	}
	return n
}

func isOptimizerState(path string) bool {
	return len(path) >= len(optimizer.Scope)+1 && path[1:len(optimizer.Scope)+1] == optimizer.Scope
}
