package batchnorm

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
)

// channelOf returns, for every flat index of shape, its channel along axis.
func channelOf(shape []int, axis int) []int {
	n := 1
	for _, d := range shape {
		n *= d
	}
	inner := 1
	for _, d := range shape[axis+1:] {
		inner *= d
	}
	ch := make([]int, n)
	for i := range ch {
		ch[i] = i / inner % shape[axis]
	}
	return ch
}

// refTraining is XLA's BatchNormTraining straight from the definition, in float64.
func refTraining(x []float64, shape []int, axis int, scale, offset []float64, eps float64) (y, mean, variance []float64) {
	c := shape[axis]
	ch := channelOf(shape, axis)
	mean, variance = make([]float64, c), make([]float64, c)
	count := make([]float64, c)
	for i, v := range x {
		mean[ch[i]] += v
		count[ch[i]]++
	}
	for k := range mean {
		mean[k] /= count[k]
	}
	for i, v := range x {
		d := v - mean[ch[i]]
		variance[ch[i]] += d * d
	}
	for k := range variance {
		variance[k] /= count[k]
	}
	y = make([]float64, len(x))
	for i, v := range x {
		k := ch[i]
		y[i] = scale[k]*(v-mean[k])/math.Sqrt(variance[k]+eps) + offset[k]
	}
	return
}

// refGradient is XLA's BatchNormGrad formula, in float64.
func refGradient(x []float64, shape []int, axis int, scale, mean, variance, gy []float64, eps float64) (gx, gs, gb []float64) {
	c := shape[axis]
	ch := channelOf(shape, axis)
	n := float64(len(x) / c)
	mgy, mgyx := make([]float64, c), make([]float64, c)
	gs, gb = make([]float64, c), make([]float64, c)
	for i, v := range x {
		k := ch[i]
		mgy[k] += gy[i] / n
		mgyx[k] += gy[i] * (v - mean[k]) / n
		gb[k] += gy[i]
		gs[k] += gy[i] * (v - mean[k]) / math.Sqrt(variance[k]+eps)
	}
	gx = make([]float64, len(x))
	for i, v := range x {
		k := ch[i]
		ve := variance[k] + eps
		gx[i] = scale[k] / math.Sqrt(ve) * (gy[i] - mgy[k] - (v-mean[k])/ve*mgyx[k])
	}
	return
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

func maxRelErr[T Float](got []T, want []float64) float64 {
	scale, worst := 0.0, 0.0
	for i := range want {
		scale = max(scale, math.Abs(want[i]))
		worst = max(worst, math.Abs(float64(got[i])-want[i]))
	}
	if scale == 0 {
		return worst
	}
	return worst / scale
}

func checkRel[T Float](t *testing.T, name string, got []T, want []float64, tol float64) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: len %d, want %d", name, len(got), len(want))
	}
	if e := maxRelErr(got, want); !(e <= tol) {
		t.Errorf("%s: relative error %.3g > %.3g", name, e, tol)
	}
}

func bitwiseEqual[T Float](a, b []T) bool {
	for i := range a {
		if math.Float64bits(float64(a[i])) != math.Float64bits(float64(b[i])) {
			return false
		}
	}
	return len(a) == len(b)
}

// withSmallBlocks runs fn with tiny statistics blocks and, if n > 1, splitting
// over n goroutines.
func withSmallBlocks(n int, fn func()) {
	prevW, prevMin, prevB := SetMaxGoroutines(n), limit.MinWork, blockElements
	limit.MinWork, blockElements = 1, 16
	defer func() {
		SetMaxGoroutines(prevW)
		limit.MinWork, blockElements = prevMin, prevB
	}()
	fn()
}

type bnCase struct {
	shape []int
	axis  int
}

var bnCases = []bnCase{
	{[]int{3, 5, 7, 4}, 3}, // NHWC
	{[]int{3, 4, 5, 7}, 1}, // NCHW
	{[]int{2, 3, 5, 7}, 2},
	{[]int{5, 6, 3}, 2},
	{[]int{5, 3, 6}, 1},
	{[]int{4, 5, 3}, 0},
	{[]int{9, 5}, 1},
	{[]int{7}, 0},
}

func TestTrainingAndInference(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for _, c := range bnCases {
		for _, shift := range []float64{0, 1e4} { // a large mean tests the two-pass variance
			name := fmt.Sprintf("%v/axis=%d/shift=%g", c.shape, c.axis, shift)
			n := 1
			for _, d := range c.shape {
				n *= d
			}
			ch := c.shape[c.axis]
			x := randSlice(rng, n, shift-2, shift+3)
			scale := randSlice(rng, ch, 0.5, 2)
			offset := randSlice(rng, ch, -1, 1)
			const eps = 1e-3
			wantY, wantM, wantV := refTraining(x, c.shape, c.axis, scale, offset, eps)
			tol64 := 1e-12 + 1e-14*shift // x - mean loses the digits of the shift

			y, m, v := make([]float64, n), make([]float64, ch), make([]float64, ch)
			Training(x, c.shape, c.axis, scale, offset, eps, y, m, v)
			checkRel(t, name+"/y", y, wantY, tol64)
			checkRel(t, name+"/mean", m, wantM, 1e-14)
			checkRel(t, name+"/variance", v, wantV, 1e-11)

			// Blocked and parallel statistics: bitwise independent of the goroutines.
			var y1, y3 []float64
			for _, g := range []int{1, 3} {
				yb, mb, vb := make([]float64, n), make([]float64, ch), make([]float64, ch)
				withSmallBlocks(g, func() { Training(x, c.shape, c.axis, scale, offset, eps, yb, mb, vb) })
				checkRel(t, name+"/blocked/y", yb, wantY, tol64)
				checkRel(t, name+"/blocked/variance", vb, wantV, 1e-11)
				if g == 1 {
					y1 = yb
				} else {
					y3 = yb
				}
			}
			if !bitwiseEqual(y1, y3) {
				t.Errorf("%s: parallel Training differs from single-goroutine", name)
			}

			// float32.
			y32, m32, v32 := make([]float32, n), make([]float32, ch), make([]float32, ch)
			x32 := toF32(x)
			x32as64 := make([]float64, n)
			for i, v := range x32 {
				x32as64[i] = float64(v)
			}
			wantY32, wantM32, wantV32 := refTraining(x32as64, c.shape, c.axis, scale, offset, eps)
			Training(x32, c.shape, c.axis, toF32(scale), toF32(offset), eps, y32, m32, v32)
			tolY := 1e-6
			if shift > 0 {
				tolY = 1e-6 * shift // x - mean loses the digits of the shift in float32
			}
			checkRel(t, name+"/f32/y", y32, wantY32, tolY)
			checkRel(t, name+"/f32/mean", m32, wantM32, 1e-7)
			checkRel(t, name+"/f32/variance", v32, wantV32, 1e-6)

			// Inference with the batch statistics reproduces the training output.
			yi := make([]float64, n)
			Inference(x, c.shape, c.axis, scale, offset, wantM, wantV, eps, yi)
			checkRel(t, name+"/inference", yi, wantY, tol64)
			yi32 := make([]float32, n)
			withSmallBlocks(3, func() {
				Inference(x32, c.shape, c.axis, toF32(scale), toF32(offset), toF32(wantM32), toF32(wantV32), eps, yi32)
			})
			checkRel(t, name+"/f32/inference", yi32, wantY32, tolY)
		}
	}
}

// TestGradient checks Gradient against central finite differences of
// L = Σ Training(x, scale, offset).y * w, and against XLA's formula.
func TestGradient(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for _, c := range bnCases {
		name := fmt.Sprintf("%v/axis=%d", c.shape, c.axis)
		n := 1
		for _, d := range c.shape {
			n *= d
		}
		ch := c.shape[c.axis]
		x := randSlice(rng, n, -2, 3)
		scale := randSlice(rng, ch, 0.5, 2)
		offset := randSlice(rng, ch, -1, 1)
		w := randSlice(rng, n, -1, 1)
		const eps = 1e-3
		y, m, v := make([]float64, n), make([]float64, ch), make([]float64, ch)
		loss := func() float64 {
			Training(x, c.shape, c.axis, scale, offset, eps, y, m, v)
			s := 0.0
			for i := range y {
				s += y[i] * w[i]
			}
			return s
		}
		loss()
		mean, variance := append([]float64(nil), m...), append([]float64(nil), v...)
		gx, gs, gb := make([]float64, n), make([]float64, ch), make([]float64, ch)
		Gradient(x, c.shape, c.axis, scale, mean, variance, w, eps, gx, gs, gb)

		fd := func(p []float64) []float64 {
			const h = 1e-5
			g := make([]float64, len(p))
			for i := range p {
				p0 := p[i]
				p[i] = p0 + h
				lp := loss()
				p[i] = p0 - h
				lm := loss()
				p[i] = p0
				g[i] = (lp - lm) / (2 * h)
			}
			return g
		}
		checkRel(t, name+"/gradX-vs-fd", gx, fd(x), 1e-6)
		checkRel(t, name+"/gradScale-vs-fd", gs, fd(scale), 1e-6)
		checkRel(t, name+"/gradOffset-vs-fd", gb, fd(offset), 1e-6)

		rx, rs, rb := refGradient(x, c.shape, c.axis, scale, mean, variance, w, eps)
		checkRel(t, name+"/gradX-vs-formula", gx, rx, 1e-12)
		checkRel(t, name+"/gradScale-vs-formula", gs, rs, 1e-12)
		checkRel(t, name+"/gradOffset-vs-formula", gb, rb, 1e-12)

		// Blocked/parallel: bitwise equal.
		var results [2][]float64
		for j, g := range []int{1, 3} {
			px, ps, pb := make([]float64, n), make([]float64, ch), make([]float64, ch)
			withSmallBlocks(g, func() { Gradient(x, c.shape, c.axis, scale, mean, variance, w, eps, px, ps, pb) })
			checkRel(t, name+"/blocked/gradX", px, rx, 1e-12)
			results[j] = append(append(px, ps...), pb...)
		}
		if !bitwiseEqual(results[0], results[1]) {
			t.Errorf("%s: parallel Gradient differs from single-goroutine", name)
		}

		// float32 against the float64 formula.
		gx32, gs32, gb32 := make([]float32, n), make([]float32, ch), make([]float32, ch)
		Gradient(toF32(x), c.shape, c.axis, toF32(scale), toF32(mean), toF32(variance), toF32(w), eps, gx32, gs32, gb32)
		checkRel(t, name+"/f32/gradX", gx32, rx, 1e-5)
		checkRel(t, name+"/f32/gradScale", gs32, rs, 1e-5)
		checkRel(t, name+"/f32/gradOffset", gb32, rb, 1e-5)
	}
}

func TestPanics(t *testing.T) {
	for name, fn := range map[string]func(){
		"bad axis":     func() { Training(make([]float32, 6), []int{2, 3}, 2, nil, nil, 0, nil, nil, nil) },
		"bad channels": func() { Inference(make([]float32, 6), []int{2, 3}, 1, make([]float32, 2), nil, nil, nil, 0, nil) },
		"bad y":        func() { Gradient(make([]float32, 6), []int{2, 3}, 0, nil, nil, nil, nil, 0, nil, nil, nil) },
	} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("%s: no panic", name)
				}
			}()
			fn()
		}()
	}
}
