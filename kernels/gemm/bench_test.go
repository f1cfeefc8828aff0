package gemm

import (
	"fmt"
	"math/rand/v2"
	"testing"
)

// benchSgemm measures C = op(A)*op(B) and reports GFLOP/s (2*m*n*k flops).
func benchSgemm(b *testing.B, transA, transB bool, m, n, k int) {
	rng := rand.New(rand.NewPCG(1, 1))
	lda, ldb := k, n
	if transA {
		lda = m
	}
	if transB {
		ldb = k
	}
	a := randSlice[float32](rng, m*k)
	bm := randSlice[float32](rng, k*n)
	c := make([]float32, m*n)
	for b.Loop() {
		Sgemm(transA, transB, m, n, k, 1, a, lda, bm, ldb, 0, c, n)
	}
	b.ReportMetric(2*float64(m)*float64(n)*float64(k)*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
}

// benchAll runs the benchmark for every available micro-kernel, with one
// goroutine and with up to GOMAXPROCS goroutines. The machine's other load
// makes these numbers noisy: run with -count and keep the best.
func benchAll(b *testing.B, transA, transB bool, m, n, k int) {
	saved := cur
	defer func() { cur, maxThreads = saved, 0 }()
	for _, im := range impls {
		for _, th := range []int{1, 0} {
			name := fmt.Sprintf("%s/threads=%d", im.name, th)
			if th == 0 {
				name = im.name + "/threads=max"
			}
			b.Run(name, func(b *testing.B) {
				cur, maxThreads = im, th
				benchSgemm(b, transA, transB, m, n, k)
			})
		}
	}
}

func BenchmarkSgemm1024(b *testing.B)   { benchAll(b, false, false, 1024, 1024, 1024) }
func BenchmarkSgemm256(b *testing.B)    { benchAll(b, false, false, 256, 256, 256) }
func BenchmarkSgemm1024TN(b *testing.B) { benchAll(b, true, false, 1024, 1024, 1024) }
func BenchmarkSgemm1024NT(b *testing.B) { benchAll(b, false, true, 1024, 1024, 1024) }

// Convolution as GEMM (im2col): a batch of 64 images of 32×32 pixels, 3×3
// kernels over 32 input channels (k = 288) and 32 filters: the forward pass,
// the gradient with respect to the input (C = dY·W^T) and with respect to the
// weights (C = X^T·dY).
func BenchmarkSgemmConvForward(b *testing.B)    { benchAll(b, false, false, 65536, 32, 288) }
func BenchmarkSgemmConvGradInput(b *testing.B)  { benchAll(b, false, true, 65536, 288, 32) }
func BenchmarkSgemmConvGradWeight(b *testing.B) { benchAll(b, true, false, 288, 32, 65536) }
