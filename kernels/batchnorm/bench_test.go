package batchnorm

import (
	"math/rand/v2"
	"testing"
)

// Benchmarks on the hot shape of GoNAS child networks: a 64×32×32×32 NHWC
// float32 batch, channels last. Sub-benchmarks "/par" use SetMaxGoroutines(0).

var benchShape = []int{64, 32, 32, 32}

func benchData(n int, seed uint64) []float32 {
	rng := rand.New(rand.NewPCG(seed, seed))
	x := make([]float32, n)
	for i := range x {
		x[i] = rng.Float32()*2 - 1
	}
	return x
}

func runBoth(b *testing.B, fn func()) {
	for _, par := range []bool{false, true} {
		name := "seq"
		if par {
			name = "par"
		}
		b.Run(name, func(b *testing.B) {
			if par {
				defer SetMaxGoroutines(SetMaxGoroutines(0))
			}
			b.ReportAllocs()
			for b.Loop() {
				fn()
			}
		})
	}
}

func BenchmarkTraining(b *testing.B) {
	n, c := 64*32*32*32, 32
	x := benchData(n, 1)
	scale, offset := benchData(c, 2), benchData(c, 3)
	y, mean, variance := make([]float32, n), make([]float32, c), make([]float32, c)
	runBoth(b, func() { Training(x, benchShape, 3, scale, offset, 1e-3, y, mean, variance) })
}

func BenchmarkInference(b *testing.B) {
	n, c := 64*32*32*32, 32
	x := benchData(n, 1)
	scale, offset, mean, variance := benchData(c, 2), benchData(c, 3), benchData(c, 4), benchData(c, 5)
	for i := range variance {
		variance[i] += 1
	}
	y := make([]float32, n)
	runBoth(b, func() { Inference(x, benchShape, 3, scale, offset, mean, variance, 1e-3, y) })
}

func BenchmarkGradient(b *testing.B) {
	n, c := 64*32*32*32, 32
	x, gy := benchData(n, 1), benchData(n, 6)
	scale, offset := benchData(c, 2), benchData(c, 3)
	y, mean, variance := make([]float32, n), make([]float32, c), make([]float32, c)
	Training(x, benchShape, 3, scale, offset, 1e-3, y, mean, variance)
	gx, gs, gb := make([]float32, n), make([]float32, c), make([]float32, c)
	runBoth(b, func() { Gradient(x, benchShape, 3, scale, mean, variance, gy, 1e-3, gx, gs, gb) })
}

func BenchmarkTrainingNCHW(b *testing.B) {
	shape := []int{64, 32, 32, 32}
	n, c := 64*32*32*32, 32
	x := benchData(n, 1)
	scale, offset := benchData(c, 2), benchData(c, 3)
	y, mean, variance := make([]float32, n), make([]float32, c), make([]float32, c)
	runBoth(b, func() { Training(x, shape, 1, scale, offset, 1e-3, y, mean, variance) })
}
