package batchnorm

import (
	"math"
	"math/rand/v2"
	"testing"
)

func randFloat32s(rng *rand.Rand, n int) []float32 {
	x := make([]float32, n)
	for i := range x {
		x[i] = float32(rng.NormFloat64() * 3)
	}
	if n > 2 {
		x[0], x[1] = float32(math.Copysign(0, -1)), 1e-40
	}
	return x
}

// The AVX-512 loops of the channels-last kernels give bitwise what the Go loops
// give, for channel counts around the vector widths (8 float64, 16 float32).
func TestChannelsLastSIMDMatchesGo(t *testing.T) {
	if !useAVX512 {
		t.Skip("no AVX-512 on this CPU: the Go loops are the only ones")
	}
	rng := rand.New(rand.NewPCG(81, 82))
	for _, c := range []int{1, 7, 8, 9, 15, 16, 17, 20, 33, 80} {
		rows := 37
		l := layout{outer: rows, c: c, inner: 1, n: rows}
		x, dy := randFloat32s(rng, rows*c), randFloat32s(rng, rows*c)
		m, a, b, k3 := randFloat32s(rng, c), randFloat32s(rng, c), randFloat32s(rng, c), randFloat32s(rng, c)
		mean := make([]float64, c)
		for k := range mean {
			mean[k] = rng.NormFloat64()
		}
		both := func(fn func() []float64) (simd, generic []float64) {
			prev := useAVX512
			defer func() { useAVX512 = prev }()
			useAVX512 = true
			simd = fn()
			useAVX512 = false
			return simd, fn()
		}
		f32 := func(v []float32) []float64 {
			out := make([]float64, len(v))
			for i, x := range v {
				out[i] = float64(x)
			}
			return out
		}
		cases := map[string]func() []float64{
			"channelSums":      func() []float64 { return channelSums(l, x) },
			"channelSqDevSums": func() []float64 { return channelSqDevSums(l, x, mean) },
			"channelGradSums":  func() []float64 { return channelGradSums(l, x, dy, mean) },
			"affine": func() []float64 {
				out := make([]float32, len(x))
				affine(l, x, m, a, b, out)
				return f32(out)
			},
			"gradAffine": func() []float64 {
				out := make([]float32, len(x))
				gradAffine(l, x, dy, m, a, b, k3, out)
				return f32(out)
			},
		}
		for name, fn := range cases {
			simd, generic := both(fn)
			for i := range generic {
				if math.Float64bits(simd[i]) != math.Float64bits(generic[i]) {
					t.Fatalf("%s, c=%d: [%d] = %g, Go loop %g", name, c, i, simd[i], generic[i])
				}
			}
		}
	}
}
