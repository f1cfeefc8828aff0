package window

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/gomlx/compute"
)

// refPad is XLA's Pad straight from the definition.
func refPad(in []float64, inShape []int, fill float64, axes []compute.PadAxis) ([]float64, []int) {
	rank := len(inShape)
	cfg := make([]compute.PadAxis, rank)
	copy(cfg, axes)
	od := make([]int, rank)
	for a := range rank {
		od[a] = inShape[a] + cfg[a].Start + cfg[a].End
		if inShape[a] > 0 {
			od[a] += (inShape[a] - 1) * cfg[a].Interior
		}
	}
	out := make([]float64, size(od))
	for i := range out {
		out[i] = fill
	}
	j := make([]int, rank)
	forEachIndex(inShape, func(i []int) {
		for a := range rank {
			j[a] = cfg[a].Start + i[a]*(cfg[a].Interior+1)
			if j[a] < 0 || j[a] >= od[a] {
				return
			}
		}
		out[flat(od, j)] = in[flat(inShape, i)]
	})
	return out, od
}

func TestPad(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 10))
	type P = compute.PadAxis
	cases := []struct {
		shape []int
		axes  []P
	}{
		{[]int{5}, []P{{Start: 2, End: 3}}},
		{[]int{5}, []P{{Start: -2, End: -1}}},
		{[]int{5}, []P{{Start: -1, End: -2, Interior: 2}}},
		{[]int{5}, []P{{Start: -4, End: 1, Interior: 1}}},
		{[]int{5}, []P{{Start: -9, End: 0, Interior: 1}}}, // crops everything but the last element
		{[]int{4, 5}, []P{{Start: 1, End: -1, Interior: 1}, {Start: -2, End: 2}}},
		{[]int{2, 5, 7, 3}, []P{{}, {Start: 1, End: 1}, {Start: 1, End: 1}}},                                                 // NHWC SAME-like
		{[]int{2, 3, 4, 3}, []P{{}, {Start: 1, End: 0, Interior: 1}, {Start: 1, End: 1, Interior: 1}}},                       // stride-2 gradient expansion
		{[]int{2, 7, 9, 3}, []P{{}, {Start: -1, End: -1}, {Start: -1, End: 0}}},                                              // pure crop (no fill)
		{[]int{2, 3, 5, 7}, []P{{Start: 1, End: -1}, {}, {Start: -1, End: 2, Interior: 2}, {Start: 0, End: 0, Interior: 1}}}, // NCHW
		{[]int{3, 4, 5}, []P{{Start: -1, End: -1, Interior: 1}, {}, {}}},
		{[]int{3, 4, 5}, nil},
		{[]int{3, 0, 2}, []P{{}, {Start: 1, End: 1}}},
		{[]int{3, 2, 2}, []P{{}, {Start: -1, End: -1}}}, // empty output
	}
	for ci, c := range cases {
		in := randSlice(rng, size(c.shape), -1, 1)
		want, wantShape := refPad(in, c.shape, -7, c.axes)
		gotShape, err := PadShape(c.shape, c.axes)
		if err != nil || !slices.Equal(gotShape, wantShape) {
			t.Fatalf("case %d: PadShape = %v, %v; want %v", ci, gotShape, err, wantShape)
		}
		name := fmt.Sprintf("case %d %v %+v", ci, c.shape, c.axes)
		got := make([]float64, len(want))
		for i := range got {
			got[i] = 99
		}
		Pad(in, c.shape, -7, c.axes, got, gotShape)
		checkClose(t, name, got, want, 0)
		gotPar := make([]float64, len(want))
		withSplitting(3, func() { Pad(in, c.shape, -7, c.axes, gotPar, gotShape) })
		checkClose(t, name+"/parallel", gotPar, want, 0)
		got32 := make([]float32, len(want))
		Pad(toF32(in), c.shape, -7, c.axes, got32, gotShape)
		want32, _ := refPad(f32to64(toF32(in)), c.shape, -7, c.axes)
		checkClose(t, name+"/f32", f32to64(got32), want32, 0)
	}
	if _, err := PadShape([]int{3}, []P{{Start: -2, End: -2}}); err == nil {
		t.Error("PadShape: negative output dimension accepted")
	}
	if _, err := PadShape([]int{3}, []P{{Interior: -1}}); err == nil {
		t.Error("PadShape: negative interior accepted")
	}
}

// TestSumPoolGradient runs GoMLX's gradient of sum pooling (ops_pool.go,
// dilateConvolveToMatchSumPooling: Pad with interior padding, a stride-1
// ReduceWindow Sum, then Pad with negative padding) on these kernels and
// checks it against finite differences.
func TestSumPoolGradient(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 12))
	for _, c := range sasCases() {
		if len(c.shape) != 4 || c.window[0] != 1 || c.strides[0] != 1 {
			continue
		}
		rank := len(c.shape)
		srcShape, _ := ReduceWindowShape(c.shape, c.window, c.strides, nil, nil, c.pads)
		x := randSlice(rng, size(c.shape), -1, 1)
		v := randSlice(rng, size(srcShape), -1, 1)

		// GoMLX's construction.
		pad1 := make([]compute.PadAxis, rank)
		for a := range pad1 {
			pad1[a] = compute.PadAxis{Start: c.window[a] / 2, End: (c.window[a] - 1) / 2, Interior: c.strides[a] - 1}
		}
		s1, err := PadShape(srcShape, pad1)
		if err != nil {
			t.Fatal(err)
		}
		expanded := make([]float64, size(s1))
		Pad(v, srcShape, 0, pad1, expanded, s1)
		padSame := make([][2]int, rank)
		for a := range padSame {
			padSame[a] = [2]int{(c.window[a] - 1) / 2, c.window[a] / 2}
		}
		s2, _ := ReduceWindowShape(s1, c.window, ones(rank), nil, nil, padSame)
		summed := make([]float64, size(s2))
		ReduceWindow(Sum, expanded, s1, c.window, ones(rank), nil, nil, padSame, summed, s2)
		pad2 := make([]compute.PadAxis, rank)
		for a := range pad2 {
			pad2[a].Start = -c.pads[a][0]
			pad2[a].End = c.shape[a] - s2[a] - pad2[a].Start
		}
		s3, err := PadShape(s2, pad2)
		if err != nil || !slices.Equal(s3, c.shape) {
			t.Fatalf("%s: gradient shape %v %v, want %v", c.name, s3, err, c.shape)
		}
		grad := make([]float64, size(s3))
		Pad(summed, s2, 0, pad2, grad, s3)

		pooled := make([]float64, len(v))
		loss := func() float64 {
			ReduceWindow(Sum, x, c.shape, c.window, c.strides, nil, nil, c.pads, pooled, srcShape)
			s := 0.0
			for i, p := range pooled {
				s += p * v[i]
			}
			return s
		}
		const h = 1e-6
		for i := range x {
			x0 := x[i]
			x[i] = x0 + h
			lp := loss()
			x[i] = x0 - h
			lm := loss()
			x[i] = x0
			fd := (lp - lm) / (2 * h)
			if d := fd - grad[i]; d > 1e-6 || d < -1e-6 {
				t.Errorf("%s: d/dx[%d]: %v, finite differences %v", c.name, i, grad[i], fd)
			}
		}
	}
}
