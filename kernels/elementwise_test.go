package kernels

import (
	"math"
	"math/rand/v2"
	"testing"
)

// elementwiseInputs returns n float32 values with NaN, ±Inf, ±0 and subnormals
// among random ones, plus a guard element after them.
func elementwiseInputs(rng *rand.Rand, n int) []float32 {
	specials := []float32{float32(math.NaN()), float32(math.Inf(1)), float32(math.Inf(-1)), 0,
		float32(math.Copysign(0, -1)), 1e-40, -1e-40, math.MaxFloat32, -math.SmallestNonzeroFloat32}
	x := make([]float32, n+1)
	for i := range x {
		if rng.IntN(4) == 0 {
			x[i] = specials[rng.IntN(len(specials))]
		} else {
			x[i] = float32(rng.NormFloat64())
		}
	}
	return x
}

func sameBits32(a, b float32) bool {
	return math.Float32bits(a) == math.Float32bits(b) || (a != a && b != b)
}

// The SIMD loops give bitwise what the Go loops give, for every length up to a few
// vectors (every tail), and never write past the end.
func TestElementwiseSIMDMatchesGo(t *testing.T) {
	if !useAVX512 {
		t.Skip("no AVX-512 on this CPU: the Go loops are the only ones")
	}
	rng := rand.New(rand.NewPCG(71, 72))
	const guard = float32(12345)
	run := func(simd bool, fn func()) {
		prev := useAVX512
		useAVX512 = simd
		defer func() { useAVX512 = prev }()
		fn()
	}
	for _, n := range append([]int{0, 1, 15, 16, 17, 31, 33, 64, 100}, 1000+rng.IntN(100)) {
		a, b := elementwiseInputs(rng, n), elementwiseInputs(rng, n)
		check := func(name string, fn func(dst []float32)) {
			want, got := make([]float32, n+1), make([]float32, n+1)
			want[n], got[n] = guard, guard
			run(false, func() { fn(want[:n]) })
			run(true, func() { fn(got[:n]) })
			for i := range want {
				if !sameBits32(got[i], want[i]) {
					t.Fatalf("%s, n=%d: [%d] = %g (a=%g, b=%g), Go loop %g", name, n, i, got[i], a[i], b[i], want[i])
				}
			}
		}
		for _, op := range []binaryOp{opAdd, opSub, opMul, opDiv} {
			check("rowVV", func(dst []float32) { rowVV(op, dst, a[:n], b[:n]) })
			for _, sc := range []float32{b[n], 0, float32(math.NaN()), float32(math.Inf(-1))} {
				check("rowVS", func(dst []float32) { rowVS(op, dst, a[:n], sc) })
				check("rowSV", func(dst []float32) { rowSV(op, dst, sc, a[:n]) })
			}
		}
		check("relu", func(dst []float32) { rowVS(opMax, dst, a[:n], 0) })
		check("reluGrad", func(dst []float32) { reluGradFloat32(dst, a[:n], b[:n], false) })
	}
}
