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
	"github.com/gonas/gonas/controllers"
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
	return newChildTrainerIn(model.NewStore(), m)
}

// newChildTrainerIn is newChildTrainer on a given store (shared weights, as in ENAS).
func newChildTrainerIn(store *model.Store, m nas.ImageModel) *train.Trainer {
	opt := optim.SGD().LearningRate(0.05).Momentum(0.9).Nesterov().Done()
	modelFn := func(scope *model.Scope, x *Node) *Node { return m(scope, x) }
	return train.NewTrainer(backend(), store, modelFn, loss.SparseCategoricalCrossEntropyLogits, opt, nil, nil)
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

// BenchmarkENASMicroNewArchitectureShared is the overhead of a new architecture as an
// ENAS search pays it: the weights live in one store that earlier architectures
// already initialised, so the first step of a new trainer costs graph build,
// autodiff and compile (plus the initialisation of the weights of operations no
// earlier architecture used), minus a steady-state step; reported as "overhead-ms".
// Each iteration trains a different random architecture.
func BenchmarkENASMicroNewArchitectureShared(b *testing.B) {
	space, err := cells.NewENASMicro(cells.ENASMicroSearchConfig())
	if err != nil {
		b.Fatal(err)
	}
	_, batch := enasMicroChild(b, "enas")
	store := model.NewStore()
	// Initialise the shared weights: every op of every node of the space has been
	// trained once by some architecture after a handful of random ones.
	ctrl := controllers.NewRandom(space, 17)
	sample := func() nas.Arch {
		s, err := ctrl.Sample(1)
		if err != nil {
			b.Fatal(err)
		}
		return s[0].Arch
	}
	step := func(a nas.Arch) (first, second time.Duration) {
		m, err := space.ImageModel(a, 10)
		if err != nil {
			b.Fatal(err)
		}
		trainer := newChildTrainerIn(store, m)
		start := time.Now()
		if _, err := trainer.TrainStep(batch()); err != nil {
			b.Fatal(err)
		}
		first = time.Since(start)
		start = time.Now()
		if _, err := trainer.TrainStep(batch()); err != nil {
			b.Fatal(err)
		}
		return first, time.Since(start)
	}
	for range 8 {
		step(sample())
	}
	var overhead time.Duration
	for b.Loop() {
		first, second := step(sample())
		overhead += first - second
	}
	b.ReportMetric(float64(overhead.Milliseconds())/float64(b.N), "overhead-ms")
}
