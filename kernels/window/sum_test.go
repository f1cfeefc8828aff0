package window

import (
	"math"
	"math/rand/v2"
	"testing"
)

// TestSumLoops checks initFrom and combine of a float32 Sum, with the
// AVX-512 loops where available and with the portable ones, against the
// definition, bit for bit: lengths around the vector widths and tails, and
// -0 turned into +0 by initFrom.
func TestSumLoops(t *testing.T) {
	saved := useAVX512
	defer func() { useAVX512 = saved }()
	modes := []bool{false}
	if useAVX512 {
		modes = append(modes, true)
	}
	rng := rand.New(rand.NewPCG(5, 6))
	negZero := float32(math.Copysign(0, -1))
	for _, avx := range modes {
		useAVX512 = avx
		for _, n := range []int{0, 1, 15, 16, 17, 63, 64, 65, 100, 200} {
			src := make([]float32, n+3)
			acc := make([]float32, n+3)
			for i := range src {
				src[i] = float32(rng.NormFloat64())
				acc[i] = float32(rng.NormFloat64())
				if i%7 == 0 {
					src[i] = negZero
				}
			}
			// initFrom: dst = 0 + src on the first n, nothing after.
			dst := make([]float32, n+3)
			for i := range dst {
				dst[i] = 9
			}
			initFrom(Sum, dst[:n], src)
			for i := range dst {
				want := float32(9)
				if i < n {
					want = 0 + src[i]
				}
				if math.Float32bits(dst[i]) != math.Float32bits(want) {
					t.Fatalf("avx512=%v n=%d: initFrom dst[%d] = %v (bits %#x), want %v", avx, n, i, dst[i], math.Float32bits(dst[i]), want)
				}
			}
			// combine: dst += src on the first n, nothing after.
			copy(dst, acc)
			combine(Sum, dst[:n], src)
			for i := range dst {
				want := acc[i]
				if i < n {
					want = acc[i] + src[i]
				}
				if math.Float32bits(dst[i]) != math.Float32bits(want) {
					t.Fatalf("avx512=%v n=%d: combine dst[%d] = %v, want %v", avx, n, i, dst[i], want)
				}
			}
		}
	}
}
