package window

import (
	"math/rand/v2"
	"testing"

	"github.com/gomlx/compute"
)

// Benchmarks on the hot shape of GoNAS child networks: a 64×32×32×32 NHWC
// float32 batch. Run with -benchtime=20x or so; sub-benchmarks "/par" use
// SetMaxGoroutines(0).

var benchShape = []int{64, 32, 32, 32}

type poolBench struct {
	name            string
	window, strides []int
	pads            [][2]int
}

var poolBenches = []poolBench{
	{"3x3s1same", []int{1, 3, 3, 1}, []int{1, 1, 1, 1}, [][2]int{{0, 0}, {1, 1}, {1, 1}, {0, 0}}},
	{"2x2s2", []int{1, 2, 2, 1}, []int{1, 2, 2, 1}, [][2]int{{0, 0}, {0, 0}, {0, 0}, {0, 0}}},
}

func benchInput(n int) []float32 {
	rng := rand.New(rand.NewPCG(1, 1))
	x := make([]float32, n)
	for i := range x {
		x[i] = rng.Float32()
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

func BenchmarkMaxPool(b *testing.B) {
	x := benchInput(size(benchShape))
	for _, pb := range poolBenches {
		outShape, _ := ReduceWindowShape(benchShape, pb.window, pb.strides, nil, nil, pb.pads)
		out := make([]float32, size(outShape))
		b.Run(pb.name, func(b *testing.B) {
			runBoth(b, func() {
				ReduceWindow(Max, x, benchShape, pb.window, pb.strides, nil, nil, pb.pads, out, outShape)
			})
		})
	}
}

func BenchmarkAvgPool3x3Same(b *testing.B) {
	// The ReduceWindow Sum of average pooling (GoMLX divides by the counts after).
	x := benchInput(size(benchShape))
	pb := poolBenches[0]
	out := make([]float32, len(x))
	runBoth(b, func() {
		ReduceWindow(Sum, x, benchShape, pb.window, pb.strides, nil, nil, pb.pads, out, benchShape)
	})
}

func BenchmarkSelectAndScatterMax(b *testing.B) {
	x := benchInput(size(benchShape))
	for _, pb := range poolBenches {
		srcShape, _ := SelectAndScatterSourceShape(benchShape, pb.window, pb.strides, pb.pads)
		src := benchInput(size(srcShape))
		out := make([]float32, len(x))
		b.Run(pb.name, func(b *testing.B) {
			runBoth(b, func() {
				SelectAndScatter(true, x, benchShape, src, srcShape, pb.window, pb.strides, pb.pads, out)
			})
		})
	}
}

// NCHW (window on the innermost axis) takes the general row-wise path.
func BenchmarkNCHWMaxPool3x3Same(b *testing.B) {
	x := benchInput(size(benchShape))
	out := make([]float32, len(x))
	pads := [][2]int{{0, 0}, {0, 0}, {1, 1}, {1, 1}}
	runBoth(b, func() {
		ReduceWindow(Max, x, benchShape, []int{1, 1, 3, 3}, []int{1, 1, 1, 1}, nil, nil, pads, out, benchShape)
	})
}

func BenchmarkNCHWSelectAndScatterMax3x3Same(b *testing.B) {
	x := benchInput(size(benchShape))
	out := make([]float32, len(x))
	pads := [][2]int{{0, 0}, {0, 0}, {1, 1}, {1, 1}}
	runBoth(b, func() {
		SelectAndScatter(true, x, benchShape, x, benchShape, []int{1, 1, 3, 3}, []int{1, 1, 1, 1}, pads, out)
	})
}

// BenchmarkPadSame pads H and W of the NHWC batch by 1 on each side.
func BenchmarkPadSame(b *testing.B) {
	x := benchInput(size(benchShape))
	axes := []compute.PadAxis{{}, {Start: 1, End: 1}, {Start: 1, End: 1}}
	outShape, _ := PadShape(benchShape, axes)
	out := make([]float32, size(outShape))
	runBoth(b, func() { Pad(x, benchShape, 0, axes, out, outShape) })
}
