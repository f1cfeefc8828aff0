package kernels

import (
	"math/rand/v2"
	"testing"

	"github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"
)

// Gradients of every kernel op, through GoMLX's autodiff on this backend, against
// float64 central finite differences (odd sizes, stride 2, dilation 2, SAME and VALID).
func TestConvGradients(t *testing.T) {
	rng := rand.New(rand.NewPCG(21, 22))
	cases := []struct {
		name             string
		x, k             []int
		stride, dilation int
		groups           int
		paddings         [][2]int
	}{
		{"3x3 same", []int{2, 7, 5, 3}, []int{3, 3, 3, 4}, 1, 1, 1, [][2]int{{1, 1}, {1, 1}}},
		{"3x3 valid stride 2", []int{2, 7, 6, 3}, []int{3, 3, 3, 5}, 2, 1, 1, [][2]int{{0, 0}, {0, 0}}},
		{"3x3 dilation 2 same", []int{1, 9, 7, 2}, []int{3, 3, 2, 3}, 1, 2, 1, [][2]int{{2, 2}, {2, 2}}},
		{"5x5 stride 2 same", []int{2, 9, 7, 2}, []int{5, 5, 2, 3}, 2, 1, 1, [][2]int{{1, 2}, {2, 2}}},
		{"grouped 2", []int{2, 5, 5, 4}, []int{3, 3, 2, 6}, 1, 1, 2, [][2]int{{1, 1}, {1, 1}}},
		{"depthwise", []int{2, 6, 5, 3}, []int{3, 3, 1, 3}, 1, 1, 3, [][2]int{{1, 1}, {1, 1}}},
		{"depthwise x2 stride 2", []int{2, 7, 7, 3}, []int{3, 3, 1, 6}, 2, 1, 3, [][2]int{{1, 1}, {1, 1}}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			gradCheck(t, func(xs []*graph.Node) *graph.Node {
				return graph.Convolve(xs[0], xs[1]).StridePerAxis(c.stride, c.stride).
					DilationPerAxis(c.dilation, c.dilation).PaddingPerDim(c.paddings).
					ChannelGroupCount(c.groups).Done()
			}, randTensor(rng, c.x...), randTensor(rng, c.k...))
		})
	}
}

func TestPoolGradients(t *testing.T) {
	rng := rand.New(rand.NewPCG(23, 24))
	x := randTensor(rng, 2, 7, 5, 3)
	t.Run("max 3x3 same stride 1", func(t *testing.T) {
		gradCheck(t, func(xs []*graph.Node) *graph.Node {
			return graph.MaxPool(xs[0]).Window(3).Strides(1).PadSame().Done()
		}, x)
	})
	t.Run("max 2x2 valid stride 2", func(t *testing.T) {
		gradCheck(t, func(xs []*graph.Node) *graph.Node {
			return graph.MaxPool(xs[0]).Window(2).Strides(2).NoPadding().Done()
		}, x)
	})
	t.Run("mean 3x3 same stride 1", func(t *testing.T) {
		gradCheck(t, func(xs []*graph.Node) *graph.Node {
			return graph.MeanPool(xs[0]).Window(3).Strides(1).PadSame().Done()
		}, x)
	})
	t.Run("mean 3x3 same stride 2", func(t *testing.T) {
		gradCheck(t, func(xs []*graph.Node) *graph.Node {
			return graph.MeanPool(xs[0]).Window(3).Strides(2).PadSame().Done()
		}, x)
	})
	t.Run("sum 3x3 explicit padding", func(t *testing.T) {
		gradCheck(t, func(xs []*graph.Node) *graph.Node {
			return graph.SumPool(xs[0]).Window(3).Strides(2).PaddingPerDim([][2]int{{1, 1}, {0, 1}}).Done()
		}, x)
	})
}

func TestBatchNormTrainingGradient(t *testing.T) {
	rng := rand.New(rand.NewPCG(25, 26))
	for _, axis := range []int{3, 1} {
		gradCheck(t, func(xs []*graph.Node) *graph.Node {
			// GoMLX's VJP differentiates the normalised output; the batch mean and
			// variance outputs feed only the (non-trainable) moving averages.
			y, _, _ := graph.InternalBatchNormForTraining(xs[0], xs[1], xs[2], 1e-3, axis)
			return y
		}, randTensor(rng, 3, 4, 5, 2), addScalar(randTensor(rng, dimAt([]int{3, 4, 5, 2}, axis)), 1.5), randTensor(rng, dimAt([]int{3, 4, 5, 2}, axis)))
	}
}

// Pad with negative (cropping) and interior padding, as GoMLX's SAME average-pool
// gradient emits it, against a hand-computed result.
func TestPadNegativeAndInterior(t *testing.T) {
	x := tensors.FromValue([][]float64{{1, 2, 3}, {4, 5, 6}})
	out := graph.MustExecOnce(testBackend(t), func(x *graph.Node) *graph.Node {
		fill := graph.Scalar(x.Graph(), x.DType(), -1)
		return graph.Pad(x, fill, graph.PadAxis{Start: -1, End: 1}, graph.PadAxis{Start: 1, End: -2, Interior: 1})
	}, x)
	want := [][]float64{{-1, 4, -1, 5}, {-1, -1, -1, -1}}
	got := out.Value().([][]float64)
	for i := range want {
		for j := range want[i] {
			if got[i][j] != want[i][j] {
				t.Fatalf("Pad: got %v, want %v", got, want)
			}
		}
	}
}

func addScalar(t *tensors.Tensor, s float64) *tensors.Tensor {
	flat := tensors.MustCopyFlatData[float64](t)
	for i := range flat {
		flat[i] += s
	}
	return tensors.FromFlatDataAndDimensions(flat, t.Shape().Dimensions...)
}

func dimAt(dims []int, axis int) int { return dims[axis] }
