package window

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

// refReduceWindow is XLA's ReduceWindow straight from the definition: build the
// dilated and padded input explicitly (holes and padding hold the identity;
// negative padding crops), then slide the (dilated) window over it.
func refReduceWindow(op ReduceOp, in []float64, inShape, window, strides, inDil, winDil []int, pads [][2]int) ([]float64, []int) {
	rank := len(inShape)
	ident := Identity[float64](op)
	red := func(a, b float64) float64 {
		switch op {
		case Sum:
			return a + b
		case Product:
			return a * b
		case Max:
			return max(a, b)
		default:
			return min(a, b)
		}
	}
	dil := make([]int, rank)
	pd := make([]int, rank)
	for a := range rank {
		if inShape[a] > 0 {
			dil[a] = (inShape[a]-1)*inDil[a] + 1
		}
		pd[a] = max(0, dil[a]+pads[a][0]+pads[a][1])
	}
	padded := make([]float64, size(pd))
	q := make([]int, rank)
	forEachIndex(pd, func(p []int) {
		v := ident
		inside := true
		for a := range rank {
			q[a] = p[a] - pads[a][0]
			if q[a] < 0 || q[a] >= dil[a] || q[a]%inDil[a] != 0 {
				inside = false
				break
			}
			q[a] /= inDil[a]
		}
		if inside {
			v = in[flat(inShape, q)]
		}
		padded[flat(pd, p)] = v
	})
	od := make([]int, rank)
	wd := make([]int, rank)
	for a := range rank {
		eff := (window[a]-1)*winDil[a] + 1
		if pd[a] >= eff {
			od[a] = (pd[a]-eff)/strides[a] + 1
		}
		wd[a] = window[a]
	}
	out := make([]float64, size(od))
	pp := make([]int, rank)
	forEachIndex(od, func(o []int) {
		acc := ident
		forEachIndex(wd, func(k []int) {
			for a := range rank {
				pp[a] = o[a]*strides[a] + k[a]*winDil[a]
			}
			acc = red(acc, padded[flat(pd, pp)])
		})
		out[flat(od, o)] = acc
	})
	return out, od
}

type rwCase struct {
	name                                  string
	shape, window, strides, inDil, winDil []int
	pads                                  [][2]int
}

func ones(n int) []int {
	s := make([]int, n)
	for i := range s {
		s[i] = 1
	}
	return s
}

func rwCases() []rwCase {
	z4 := [][2]int{{0, 0}, {0, 0}, {0, 0}, {0, 0}}
	same3 := [][2]int{{0, 0}, {1, 1}, {1, 1}, {0, 0}}
	return []rwCase{
		// NHWC fast path.
		{"nhwc-3x3-s1-same", []int{2, 5, 7, 3}, []int{1, 3, 3, 1}, []int{1, 1, 1, 1}, ones(4), ones(4), same3},
		{"nhwc-2x2-s2-valid", []int{2, 5, 7, 3}, []int{1, 2, 2, 1}, []int{1, 2, 2, 1}, ones(4), ones(4), z4},
		{"nhwc-3x3-s2-same", []int{2, 5, 7, 3}, []int{1, 3, 3, 1}, []int{1, 2, 2, 1}, ones(4), ones(4), same3},
		{"nhwc-2x2-s1-same", []int{1, 5, 7, 3}, []int{1, 2, 2, 1}, []int{1, 1, 1, 1}, ones(4), ones(4), [][2]int{{0, 0}, {0, 1}, {0, 1}, {0, 0}}},
		{"nhwc-3x2-s2x3", []int{3, 7, 5, 2}, []int{1, 3, 2, 1}, []int{1, 2, 3, 1}, ones(4), ones(4), [][2]int{{0, 0}, {2, 1}, {0, 2}, {0, 0}}},
		{"nhwc-negative-pad", []int{2, 5, 7, 3}, []int{1, 2, 3, 1}, []int{1, 1, 2, 1}, ones(4), ones(4), [][2]int{{0, 0}, {-1, 2}, {1, -2}, {0, 0}}},
		{"nhwc-only-padding-windows", []int{1, 2, 3, 3}, []int{1, 2, 2, 1}, []int{1, 1, 1, 1}, ones(4), ones(4), [][2]int{{0, 0}, {3, 3}, {0, 4}, {0, 0}}},
		{"nhwc-1x3", []int{2, 5, 7, 1}, []int{1, 1, 3, 1}, []int{1, 1, 1, 1}, ones(4), ones(4), [][2]int{{0, 0}, {0, 0}, {1, 1}, {0, 0}}},
		// General path.
		{"nchw-3x3-s2-same", []int{2, 3, 5, 7}, []int{1, 1, 3, 3}, []int{1, 1, 2, 2}, ones(4), ones(4), [][2]int{{0, 0}, {0, 0}, {1, 1}, {1, 1}}},
		{"nchw-2x2-s2-valid", []int{2, 3, 5, 7}, []int{1, 1, 2, 2}, []int{1, 1, 2, 2}, ones(4), ones(4), z4},
		{"nhwc-window-dilation-2", []int{2, 7, 5, 3}, []int{1, 2, 3, 1}, []int{1, 1, 1, 1}, ones(4), []int{1, 2, 2, 1}, [][2]int{{0, 0}, {1, 1}, {2, 2}, {0, 0}}},
		{"nhwc-input-dilation-2", []int{2, 5, 7, 3}, []int{1, 3, 2, 1}, []int{1, 2, 1, 1}, []int{1, 2, 2, 1}, ones(4), [][2]int{{0, 0}, {1, 2}, {0, 1}, {0, 0}}},
		{"nchw-both-dilations", []int{1, 3, 5, 7}, []int{1, 1, 3, 2}, []int{1, 1, 2, 1}, []int{1, 1, 2, 1}, []int{1, 1, 1, 2}, [][2]int{{0, 0}, {0, 0}, {-1, 2}, {1, 0}}},
		{"batch-window", []int{4, 5, 3, 2}, []int{2, 2, 1, 1}, []int{2, 1, 1, 1}, ones(4), ones(4), [][2]int{{1, 0}, {0, 1}, {0, 0}, {0, 0}}},
		{"rank3-ncw", []int{3, 5, 7}, []int{2, 3, 1}, []int{1, 2, 1}, ones(3), ones(3), [][2]int{{1, 0}, {-1, 1}, {0, 0}}},
		{"rank3-all-axes", []int{4, 5, 7}, []int{2, 2, 3}, []int{2, 1, 2}, []int{2, 1, 1}, []int{1, 2, 1}, [][2]int{{0, 1}, {1, 1}, {1, -1}}},
		{"rank3-nwc-same", []int{2, 7, 3}, []int{1, 3, 1}, []int{1, 1, 1}, ones(3), ones(3), [][2]int{{0, 0}, {1, 1}, {0, 0}}},
		{"rank2", []int{5, 7}, []int{3, 2}, []int{2, 3}, []int{1, 2}, ones(2), [][2]int{{1, 1}, {0, 3}}},
		{"rank1-empty-output", []int{3}, []int{5}, []int{1}, ones(1), ones(1), [][2]int{{0, 1}}},
		{"identity-window", []int{2, 3, 4}, ones(3), ones(3), ones(3), ones(3), [][2]int{{0, 0}, {0, 0}, {0, 0}}},
		{"rank0-like-1", []int{1}, []int{1}, []int{1}, ones(1), ones(1), [][2]int{{0, 0}}},
	}
}

var allOps = []ReduceOp{Sum, Max, Min, Product}

func TestReduceWindow(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for _, c := range rwCases() {
		for _, op := range allOps {
			lo, hi := -2.0, 2.0
			if op == Product {
				lo, hi = 0.6, 1.5
			}
			in := randSlice(rng, size(c.shape), lo, hi)
			want, wantShape := refReduceWindow(op, in, c.shape, c.window, c.strides, c.inDil, c.winDil, c.pads)
			gotShape, err := ReduceWindowShape(c.shape, c.window, c.strides, c.inDil, c.winDil, c.pads)
			if err != nil || !slices.Equal(gotShape, wantShape) {
				t.Fatalf("%s: ReduceWindowShape = %v, %v; want %v", c.name, gotShape, err, wantShape)
			}
			name := fmt.Sprintf("%s/%s", c.name, op)
			tol := 0.0
			if op == Sum || op == Product {
				tol = 1e-14
			}
			// float64, one goroutine.
			got := make([]float64, size(wantShape))
			ReduceWindow(op, in, c.shape, c.window, c.strides, c.inDil, c.winDil, c.pads, got, wantShape)
			checkClose(t, name+"/f64", got, want, tol)
			// float64 split over goroutines: bitwise equal to one goroutine.
			gotPar := make([]float64, len(got))
			withSplitting(3, func() {
				ReduceWindow(op, in, c.shape, c.window, c.strides, c.inDil, c.winDil, c.pads, gotPar, wantShape)
			})
			checkClose(t, name+"/f64-parallel", gotPar, got, 0)
			// float32 against the float64 reference.
			in32 := toF32(in)
			in32as64 := f32to64(in32)
			want32, _ := refReduceWindow(op, in32as64, c.shape, c.window, c.strides, c.inDil, c.winDil, c.pads)
			got32 := make([]float32, len(got))
			ReduceWindow(op, in32, c.shape, c.window, c.strides, c.inDil, c.winDil, c.pads, got32, wantShape)
			tol32 := 0.0
			if tol > 0 {
				tol32 = 1e-5
			}
			checkClose(t, name+"/f32", f32to64(got32), want32, tol32)
		}
	}
}

func TestReduceWindowDefaults(t *testing.T) {
	// nil strides = window, nil dilations = 1, nil paddings = 0.
	rng := rand.New(rand.NewPCG(3, 4))
	shape := []int{2, 6, 7, 3}
	in := randSlice(rng, size(shape), -1, 1)
	window := []int{1, 2, 3, 1}
	want, wantShape := refReduceWindow(Max, in, shape, window, window, ones(4), ones(4), make([][2]int, 4))
	gotShape, err := ReduceWindowShape(shape, window, nil, nil, nil, nil)
	if err != nil || !slices.Equal(gotShape, wantShape) {
		t.Fatalf("shape %v %v, want %v", gotShape, err, wantShape)
	}
	got := make([]float64, len(want))
	ReduceWindow(Max, in, shape, window, nil, nil, nil, nil, got, gotShape)
	checkClose(t, "defaults", got, want, 0)
}

func TestReduceWindowSpecialValues(t *testing.T) {
	negZero := math.Copysign(0, -1)
	nan := math.NaN()
	in := []float64{negZero, negZero, 1, nan, 2, 3}
	shape := []int{1, 1, 6, 1}
	window, strides := []int{1, 1, 2, 1}, []int{1, 1, 2, 1}
	out := make([]float64, 3)
	outShape := []int{1, 1, 3, 1}
	ReduceWindow(Sum, in, shape, window, strides, nil, nil, nil, out, outShape)
	if !sameFloat(out[0], 0) { // XLA: 0 + (-0) + (-0) = +0.
		t.Errorf("sum of -0s = %v (signbit %v), want +0", out[0], math.Signbit(out[0]))
	}
	ReduceWindow(Max, in, shape, window, strides, nil, nil, nil, out, outShape)
	if !math.IsNaN(out[1]) || out[2] != 3 {
		t.Errorf("max with NaN = %v, want [_, NaN, 3]", out)
	}
	ReduceWindow(Min, in, []int{6}, []int{2}, []int{2}, nil, nil, nil, out, []int{3})
	if !math.IsNaN(out[1]) || out[2] != 2 {
		t.Errorf("min with NaN (general path) = %v, want [_, NaN, 2]", out)
	}
}

func TestReduceWindowPanics(t *testing.T) {
	for name, fn := range map[string]func(){
		"bad op": func() {
			ReduceWindow(ReduceOp(0), []float32{1}, []int{1}, nil, nil, nil, nil, nil, []float32{0}, []int{1})
		},
		"bad out shape": func() {
			ReduceWindow(Sum, make([]float32, 4), []int{4}, []int{2}, nil, nil, nil, nil, make([]float32, 3), []int{3})
		},
		"bad lens": func() {
			ReduceWindow(Sum, make([]float32, 4), []int{4}, []int{2, 1}, nil, nil, nil, nil, make([]float32, 2), []int{2})
		},
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
