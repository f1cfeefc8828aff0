package bench

import (
	"math/rand/v2"
	"sync"
	"testing"

	"github.com/gomlx/compute"
	. "github.com/gomlx/gomlx/core/graph" //nolint:staticcheck
	"github.com/gomlx/gomlx/core/tensors"
	"github.com/gomlx/gomlx/ml/layers"
	"github.com/gomlx/gomlx/ml/layers/activation"
	"github.com/gomlx/gomlx/ml/model"
	"github.com/gomlx/gomlx/ml/train"
	"github.com/gomlx/gomlx/ml/train/loss"
	"github.com/gonas/gonas/nas/backends"
	"github.com/gonas/gonas/nas/nn"
	"github.com/gonas/gonas/nas/optim"
)

var backend = sync.OnceValue(func() compute.Backend {
	b, err := backends.New()
	if err != nil {
		panic(err)
	}
	return b
})

func randomTensor(seed uint64, dims ...int) *tensors.Tensor {
	rng := rand.New(rand.NewPCG(seed, 3))
	n := 1
	for _, d := range dims {
		n *= d
	}
	flat := make([]float32, n)
	for i := range flat {
		flat[i] = float32(rng.NormFloat64())
	}
	return tensors.FromFlatDataAndDimensions(flat, dims...)
}

// benchExec times exec.Call(args...) and frees its outputs.
func benchExec(b *testing.B, exec *Exec, args ...any) {
	b.Helper()
	run := func() {
		outs, err := exec.Call(args...)
		if err != nil {
			b.Fatal(err)
		}
		for _, o := range outs {
			o.MustFinalizeAll()
		}
	}
	run() // compile and warm up
	b.ResetTimer()
	for b.Loop() {
		run()
	}
	reportPeak(b)
}

// BenchmarkSgemm1024 multiplies two 1024×1024 float32 matrices (DotGeneral).
func BenchmarkSgemm1024(b *testing.B) {
	exec := MustNewExec(backend(), func(x, y *Node) *Node { return MatMul(x, y) })
	benchExec(b, exec, randomTensor(1, 1024, 1024), randomTensor(2, 1024, 1024))
	b.ReportMetric(2*1024*1024*1024/(b.Elapsed().Seconds()/float64(b.N))/1e9, "GFLOP/s")
}

func conv3x3(x, w *Node) *Node {
	return Convolve(x, w).PaddingPerDim([][2]int{{1, 1}, {1, 1}}).Done()
}

// BenchmarkConv3x3Fwd is a 3x3 convolution 32→32 channels, batch 64 of 32×32, NHWC.
func BenchmarkConv3x3Fwd(b *testing.B) {
	exec := MustNewExec(backend(), conv3x3)
	benchExec(b, exec, randomTensor(3, 64, 32, 32, 32), randomTensor(4, 3, 3, 32, 32))
}

// BenchmarkConv3x3FwdBwd is the same convolution forward plus the gradients with
// respect to its input and its kernel (PyTorch: y.backward(ones)).
func BenchmarkConv3x3FwdBwd(b *testing.B) {
	exec := MustNewExec(backend(), func(x, w *Node) []*Node {
		return Gradient(ReduceAllSum(conv3x3(x, w)), x, w)
	})
	benchExec(b, exec, randomTensor(3, 64, 32, 32, 32), randomTensor(4, 3, 3, 32, 32))
}

// CNN6 is the benchmark network: 6×[conv3x3(32)-BN-ReLU] + global average pool + dense(10).
func CNN6(scope *model.Scope, x *Node) *Node {
	for i := range 6 {
		s := scope.In("layer%d", i)
		x = nn.Conv2D(s.In("conv"), x, nn.ConvConfig{Filters: 32, Kernel: 3})
		x = activation.Relu(nn.BatchNorm(s, x))
	}
	return layers.DenseWithBias(scope.In("logits"), nn.GlobalAvgPool(x), 10)
}

// BenchmarkCNN6TrainStep is one SGD (Nesterov momentum) training step of CNN6 on a
// batch of 64 32×32×3 images: forward, backward and update.
func BenchmarkCNN6TrainStep(b *testing.B) {
	store := model.NewStore()
	opt := optim.SGD().LearningRate(0.01).Momentum(0.9).Nesterov().Done()
	trainer := train.NewTrainer(backend(), store, CNN6, loss.SparseCategoricalCrossEntropyLogits, opt, nil, nil)
	labels := make([]int32, 64)
	for i := range labels {
		labels[i] = int32(i % 10)
	}
	images := randomTensor(5, 64, 32, 32, 3)
	step := func() {
		x, err := images.LocalClone()
		if err != nil {
			b.Fatal(err)
		}
		y := tensors.FromFlatDataAndDimensions(append([]int32(nil), labels...), 64, 1)
		if _, err := trainer.TrainStep(train.Batch{Inputs: []*tensors.Tensor{x}, Labels: []*tensors.Tensor{y}}); err != nil {
			b.Fatal(err)
		}
	}
	step()
	b.ResetTimer()
	for b.Loop() {
		step()
	}
	b.ReportMetric(64/(b.Elapsed().Seconds()/float64(b.N)), "img/s")
	reportPeak(b)
}
