package bench

import (
	"testing"
	"time"

	. "github.com/gomlx/gomlx/core/graph" //nolint:staticcheck
	"github.com/gomlx/gomlx/core/tensors"
	"github.com/gomlx/gomlx/ml/model"
	"github.com/gomlx/gomlx/ml/train"
	"github.com/gomlx/gomlx/ml/train/loss"
	"github.com/gonas/gonas/cells"
	"github.com/gonas/gonas/nas"
	"github.com/gonas/gonas/nas/optim"
)

// enasMicroChild is the ENAS micro search child (C=20, N=2, the paper's cell) and a
// batch of 64 images with labels: the PyTorch twin is bench_enas_micro_step.
func enasMicroChild(b *testing.B, archName string) (nas.ImageModel, func() train.Batch) {
	space, err := cells.NewENASMicro(cells.ENASMicroSearchConfig())
	if err != nil {
		b.Fatal(err)
	}
	a, err := cells.ParseArch(space, archName)
	if err != nil {
		b.Fatal(err)
	}
	m, err := space.ImageModel(a, 10)
	if err != nil {
		b.Fatal(err)
	}
	images := randomTensor(6, 64, 32, 32, 3)
	labels := make([]int32, 64)
	for i := range labels {
		labels[i] = int32(i % 10)
	}
	batch := func() train.Batch {
		x, err := images.LocalClone()
		if err != nil {
			b.Fatal(err)
		}
		y := tensors.FromFlatDataAndDimensions(append([]int32(nil), labels...), 64, 1)
		return train.Batch{Inputs: []*tensors.Tensor{x}, Labels: []*tensors.Tensor{y}}
	}
	return m, batch
}

func newChildTrainer(m nas.ImageModel) *train.Trainer {
	opt := optim.SGD().LearningRate(0.05).Momentum(0.9).Nesterov().Done()
	modelFn := func(scope *model.Scope, x *Node) *Node { return m(scope, x) }
	return train.NewTrainer(backend(), model.NewStore(), modelFn, loss.SparseCategoricalCrossEntropyLogits, opt, nil, nil)
}

// BenchmarkENASMicroTrainStep is one SGD step of the ENAS micro search child on a
// batch of 64 32×32 images (steady state: the graph is compiled).
func BenchmarkENASMicroTrainStep(b *testing.B) {
	m, batch := enasMicroChild(b, "enas")
	trainer := newChildTrainer(m)
	if _, err := trainer.TrainStep(batch()); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for b.Loop() {
		if _, err := trainer.TrainStep(batch()); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(64/(b.Elapsed().Seconds()/float64(b.N)), "img/s")
}

// BenchmarkENASMicroNewArchitecture is the overhead of a new architecture: the first
// training step of a fresh trainer (graph build, autodiff, compile, step) minus a
// steady-state step, reported as "overhead-ms".
func BenchmarkENASMicroNewArchitecture(b *testing.B) {
	m, batch := enasMicroChild(b, "enas")
	var overhead time.Duration
	for b.Loop() {
		trainer := newChildTrainer(m)
		start := time.Now()
		if _, err := trainer.TrainStep(batch()); err != nil {
			b.Fatal(err)
		}
		first := time.Since(start)
		start = time.Now()
		if _, err := trainer.TrainStep(batch()); err != nil {
			b.Fatal(err)
		}
		overhead += first - time.Since(start)
	}
	b.ReportMetric(float64(overhead.Milliseconds())/float64(b.N), "overhead-ms")
}
