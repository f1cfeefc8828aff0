package kernels

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/gomlx/compute/dtypes"
	"github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"
)

// The float32 kernels (SIMD GEMM, im2col, depthwise) must agree with the float64
// ones, which the finite-difference tests check: forward and gradients of every
// kernel op, on sizes that are not multiples of the SIMD width.
func TestFloat32MatchesFloat64(t *testing.T) {
	rng := rand.New(rand.NewPCG(31, 32))
	cases := map[string]struct {
		fn     func(xs []*graph.Node) *graph.Node
		inputs []*tensors.Tensor
	}{
		"conv3x3": {func(xs []*graph.Node) *graph.Node {
			return graph.Convolve(xs[0], xs[1]).PaddingPerDim([][2]int{{1, 1}, {1, 1}}).Done()
		}, []*tensors.Tensor{randTensor(rng, 5, 9, 11, 7), randTensor(rng, 3, 3, 7, 19)}},
		"conv5x5 stride 2": {func(xs []*graph.Node) *graph.Node {
			return graph.Convolve(xs[0], xs[1]).StridePerAxis(2, 2).PaddingPerDim([][2]int{{1, 2}, {2, 2}}).Done()
		}, []*tensors.Tensor{randTensor(rng, 3, 13, 9, 5), randTensor(rng, 5, 5, 5, 17)}},
		"depthwise 3x3": {func(xs []*graph.Node) *graph.Node {
			return graph.Convolve(xs[0], xs[1]).PaddingPerDim([][2]int{{1, 1}, {1, 1}}).ChannelGroupCount(21).Done()
		}, []*tensors.Tensor{randTensor(rng, 3, 9, 10, 21), randTensor(rng, 3, 3, 1, 21)}},
		"maxpool": {func(xs []*graph.Node) *graph.Node {
			return graph.MaxPool(xs[0]).Window(3).Strides(2).PadSame().Done()
		}, []*tensors.Tensor{randTensor(rng, 4, 9, 7, 13)}},
		"batchnorm": {func(xs []*graph.Node) *graph.Node {
			y, _, _ := graph.InternalBatchNormForTraining(xs[0], xs[1], xs[2], 1e-5, 3)
			return y
		}, []*tensors.Tensor{randTensor(rng, 6, 5, 5, 19), randTensor(rng, 19), randTensor(rng, 19)}},
		"matmul": {func(xs []*graph.Node) *graph.Node { return graph.MatMul(xs[0], xs[1]) },
			[]*tensors.Tensor{randTensor(rng, 67, 131), randTensor(rng, 131, 45)}},
	}
	backend := testBackend(t)
	for name, c := range cases {
		run := func(dtype dtypes.DType) [][]float64 {
			outs := graph.MustExecOnceN(backend, func(xs []*graph.Node) []*graph.Node {
				conv := make([]*graph.Node, len(xs))
				for i, x := range xs {
					conv[i] = graph.ConvertDType(x, dtype)
				}
				y := c.fn(conv)
				w := graph.Sin(graph.ConvertDType(graph.Iota(y.Graph(), y.Shape(), -1), dtype))
				results := append([]*graph.Node{y}, graph.Gradient(graph.ReduceAllSum(graph.Mul(y, w)), conv...)...)
				for i, r := range results {
					results[i] = graph.ConvertDType(r, dtypes.Float64)
				}
				return results
			}, toAny(c.inputs)...)
			flat := make([][]float64, len(outs))
			for i, o := range outs {
				flat[i] = tensors.MustCopyFlatData[float64](o)
			}
			return flat
		}
		want, got := run(dtypes.Float64), run(dtypes.Float32)
		for i := range want {
			var maxAbs, maxErr float64
			for j := range want[i] {
				maxAbs = math.Max(maxAbs, math.Abs(want[i][j]))
				maxErr = math.Max(maxErr, math.Abs(want[i][j]-got[i][j]))
			}
			if maxErr > 1e-4*math.Max(1, maxAbs) {
				t.Errorf("%s, output %d (0: forward, then gradients): float32 differs from float64 by %g (max |value| %g)", name, i, maxErr, maxAbs)
			}
		}
	}
}
