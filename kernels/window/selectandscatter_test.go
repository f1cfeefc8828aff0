package window

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
)

// refSelectAndScatter is XLA's SelectAndScatter (select GE/LE, scatter add,
// init 0) straight from the definition.
func refSelectAndScatter(selectMax bool, operand []float64, shape []int, source []float64, window, strides []int, pads [][2]int) []float64 {
	rank := len(shape)
	srcShape, err := ReduceWindowShape(shape, window, strides, nil, nil, pads)
	if err != nil {
		panic(err)
	}
	out := make([]float64, len(operand))
	p := make([]int, rank)
	forEachIndex(srcShape, func(s []int) {
		sel := -1
		forEachIndex(window, func(k []int) {
			for a := range rank {
				p[a] = s[a]*strides[a] + k[a] - pads[a][0]
				if p[a] < 0 || p[a] >= shape[a] {
					return // padding: never selected
				}
			}
			i := flat(shape, p)
			if sel < 0 {
				sel = i
				return
			}
			keep := operand[sel] >= operand[i]
			if !selectMax {
				keep = operand[sel] <= operand[i]
			}
			if !keep {
				sel = i
			}
		})
		if sel >= 0 {
			out[sel] += source[flat(srcShape, s)]
		}
	})
	return out
}

type sasCase struct {
	name                   string
	shape, window, strides []int
	pads                   [][2]int
}

func sasCases() []sasCase {
	return []sasCase{
		{"nhwc-3x3-s1-same", []int{2, 5, 7, 3}, []int{1, 3, 3, 1}, []int{1, 1, 1, 1}, [][2]int{{0, 0}, {1, 1}, {1, 1}, {0, 0}}},
		{"nhwc-2x2-s2-valid", []int{2, 5, 7, 3}, []int{1, 2, 2, 1}, []int{1, 2, 2, 1}, [][2]int{{0, 0}, {0, 0}, {0, 0}, {0, 0}}},
		{"nhwc-3x3-s2-same", []int{3, 5, 7, 3}, []int{1, 3, 3, 1}, []int{1, 2, 2, 1}, [][2]int{{0, 0}, {1, 1}, {1, 1}, {0, 0}}},
		{"nhwc-negative-and-large-pad", []int{2, 5, 7, 3}, []int{1, 2, 3, 1}, []int{1, 1, 2, 1}, [][2]int{{0, 0}, {-1, 3}, {3, -2}, {0, 0}}},
		{"nchw-3x3-s2-same", []int{2, 3, 5, 7}, []int{1, 1, 3, 3}, []int{1, 1, 2, 2}, [][2]int{{0, 0}, {0, 0}, {1, 1}, {1, 1}}},
		{"batch-window-overlap", []int{4, 5, 3, 2}, []int{2, 2, 1, 1}, []int{1, 1, 1, 1}, [][2]int{{1, 0}, {0, 1}, {0, 0}, {0, 0}}},
		{"batch-window-disjoint", []int{4, 5, 3, 2}, []int{2, 2, 1, 1}, []int{2, 1, 1, 1}, [][2]int{{0, 0}, {0, 1}, {0, 0}, {0, 0}}},
		{"rank3-nwc", []int{3, 7, 3}, []int{1, 3, 1}, []int{1, 2, 1}, [][2]int{{0, 0}, {1, 1}, {0, 0}}},
		{"rank3-all-axes", []int{4, 5, 7}, []int{2, 2, 3}, []int{2, 1, 2}, [][2]int{{0, 1}, {1, 1}, {1, -1}}},
		{"rank1", []int{9}, []int{3}, []int{2}, [][2]int{{1, 1}}},
		{"identity-window", []int{2, 3}, []int{1, 1}, []int{1, 1}, [][2]int{{0, 0}, {0, 0}}},
	}
}

func TestSelectAndScatter(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	for _, c := range sasCases() {
		srcShape, err := SelectAndScatterSourceShape(c.shape, c.window, c.strides, c.pads)
		if err != nil {
			t.Fatal(err)
		}
		for _, selectMax := range []bool{true, false} {
			name := fmt.Sprintf("%s/max=%v", c.name, selectMax)
			// Few distinct values, so that ties are frequent.
			operand := randSlice(rng, size(c.shape), 0, 4)
			for i := range operand {
				operand[i] = float64(int(operand[i]))
			}
			source := randSlice(rng, size(srcShape), -1, 1)
			want := refSelectAndScatter(selectMax, operand, c.shape, source, c.window, c.strides, c.pads)
			got := make([]float64, len(operand))
			for i := range got {
				got[i] = 123 // must be overwritten
			}
			SelectAndScatter(selectMax, operand, c.shape, source, srcShape, c.window, c.strides, c.pads, got)
			checkClose(t, name+"/f64", got, want, 0)
			gotPar := make([]float64, len(got))
			withSplitting(3, func() {
				SelectAndScatter(selectMax, operand, c.shape, source, srcShape, c.window, c.strides, c.pads, gotPar)
			})
			checkClose(t, name+"/f64-parallel", gotPar, got, 0)
			source32 := toF32(source)
			want32 := refSelectAndScatter(selectMax, operand, c.shape, f32to64(source32), c.window, c.strides, c.pads)
			got32 := make([]float32, len(got))
			SelectAndScatter(selectMax, toF32(operand), c.shape, source32, srcShape, c.window, c.strides, c.pads, got32)
			checkClose(t, name+"/f32", f32to64(got32), want32, 1e-6)
		}
	}
}

// TestSelectAndScatterGradient checks that SelectAndScatter with source w is the
// gradient of x -> Σ w * MaxPool(x) (MinPool), by central finite differences.
func TestSelectAndScatterGradient(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	for _, c := range sasCases() {
		srcShape, _ := SelectAndScatterSourceShape(c.shape, c.window, c.strides, c.pads)
		for _, op := range []ReduceOp{Max, Min} {
			x := randSlice(rng, size(c.shape), -1, 1) // distinct with probability 1
			w := randSlice(rng, size(srcShape), -1, 1)
			pooled := make([]float64, len(w))
			loss := func() float64 {
				ReduceWindow(op, x, c.shape, c.window, c.strides, nil, nil, c.pads, pooled, srcShape)
				s := 0.0
				for i, v := range pooled {
					s += v * w[i]
				}
				return s
			}
			grad := make([]float64, len(x))
			SelectAndScatter(op == Max, x, c.shape, w, srcShape, c.window, c.strides, c.pads, grad)
			const h = 1e-7
			for i := range x {
				x0 := x[i]
				x[i] = x0 + h
				lp := loss()
				x[i] = x0 - h
				lm := loss()
				x[i] = x0
				fd := (lp - lm) / (2 * h)
				if d := fd - grad[i]; d > 1e-6 || d < -1e-6 {
					t.Errorf("%s/%s: d/dx[%d]: SelectAndScatter %v, finite differences %v", c.name, op, i, grad[i], fd)
				}
			}
		}
	}
}

func TestSelectAndScatterTies(t *testing.T) {
	// All equal: every window selects its first in-bounds element (row-major).
	for _, selectMax := range []bool{true, false} {
		out := make([]float64, 5)
		SelectAndScatter(selectMax, make([]float64, 5), []int{5}, []float64{1, 1, 1, 1, 1}, []int{5}, []int{3}, []int{1}, [][2]int{{1, 1}}, out)
		if want := []float64{2, 1, 1, 1, 0}; !slices.Equal(out, want) {
			t.Errorf("1D ties (max=%v): %v, want %v", selectMax, out, want)
		}
		out2 := make([]float32, 9)
		SelectAndScatter(selectMax, make([]float32, 9), []int{1, 3, 3, 1}, []float32{1, 2, 3, 4}, []int{1, 2, 2, 1}, []int{1, 2, 2, 1}, []int{1, 1, 1, 1}, nil, out2)
		if want := []float32{1, 2, 0, 3, 4, 0, 0, 0, 0}; !slices.Equal(out2, want) {
			t.Errorf("NHWC ties (max=%v): %v, want %v", selectMax, out2, want)
		}
	}
	// Row-major order decides: the max at (0,1) comes before the one at (1,0).
	for _, shape := range [][]int{{1, 2, 2, 1}, {2, 2}} {
		window := ones(len(shape))
		window[len(shape)-2], window[len(shape)-1] = 2, 2
		if len(shape) == 4 {
			window = []int{1, 2, 2, 1}
		}
		out := make([]float64, 4)
		srcShape := make([]int, len(shape))
		for i := range srcShape {
			srcShape[i] = 1
		}
		SelectAndScatter(true, []float64{1, 5, 5, 1}, shape, []float64{7}, srcShape, window, window, nil, out)
		if want := []float64{0, 7, 0, 0}; !slices.Equal(out, want) {
			t.Errorf("shape %v: max ties: %v, want %v", shape, out, want)
		}
		SelectAndScatter(false, []float64{3, 0, 0, 3}, shape, []float64{7}, srcShape, window, window, nil, out)
		if want := []float64{0, 7, 0, 0}; !slices.Equal(out, want) {
			t.Errorf("shape %v: min ties: %v, want %v", shape, out, want)
		}
	}
}
