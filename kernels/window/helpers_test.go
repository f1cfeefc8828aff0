package window

import (
	"math"
	"math/rand/v2"
	"testing"
)

// forEachIndex calls fn with every multi-index of dims in row-major order.
func forEachIndex(dims []int, fn func(idx []int)) {
	for _, d := range dims {
		if d <= 0 {
			return
		}
	}
	idx := make([]int, len(dims))
	for {
		fn(idx)
		a := len(dims) - 1
		for ; a >= 0; a-- {
			idx[a]++
			if idx[a] < dims[a] {
				break
			}
			idx[a] = 0
		}
		if a < 0 {
			return
		}
	}
}

// flat returns the row-major flat index of idx in dims.
func flat(dims, idx []int) int {
	f := 0
	for a, d := range dims {
		f = f*d + idx[a]
	}
	return f
}

func size(dims []int) int {
	n := 1
	for _, d := range dims {
		n *= d
	}
	return n
}

func randSlice(rng *rand.Rand, n int, lo, hi float64) []float64 {
	s := make([]float64, n)
	for i := range s {
		s[i] = lo + (hi-lo)*rng.Float64()
	}
	return s
}

func toF32(s []float64) []float32 {
	r := make([]float32, len(s))
	for i, v := range s {
		r[i] = float32(v)
	}
	return r
}

func f32to64(s []float32) []float64 {
	r := make([]float64, len(s))
	for i, v := range s {
		r[i] = float64(v)
	}
	return r
}

// sameFloat reports equality treating NaNs as equal and distinguishing ±0.
func sameFloat(a, b float64) bool {
	if math.IsNaN(a) || math.IsNaN(b) {
		return math.IsNaN(a) && math.IsNaN(b)
	}
	return a == b && math.Signbit(a) == math.Signbit(b)
}

// checkClose compares got and want elementwise: exactly when tol == 0, else with
// |got-want| <= tol*(1+|want|) (infinities must match exactly).
func checkClose(t *testing.T, name string, got, want []float64, tol float64) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: len %d, want %d", name, len(got), len(want))
	}
	bad := 0
	for i := range got {
		g, w := got[i], want[i]
		ok := sameFloat(g, w)
		if !ok && tol > 0 && !math.IsInf(w, 0) && !math.IsNaN(w) {
			ok = math.Abs(g-w) <= tol*(1+math.Abs(w))
		}
		if !ok {
			if bad < 5 {
				t.Errorf("%s: element %d = %v, want %v", name, i, g, w)
			}
			bad++
		}
	}
	if bad > 0 {
		t.Errorf("%s: %d of %d elements differ", name, bad, len(got))
	}
}

// withSplitting runs fn with the kernels allowed to split even tiny calls over
// n goroutines.
func withSplitting(n int, fn func()) {
	prevW, prevMin := SetMaxGoroutines(n), limit.MinWork
	limit.MinWork = 1
	defer func() {
		SetMaxGoroutines(prevW)
		limit.MinWork = prevMin
	}()
	fn()
}
