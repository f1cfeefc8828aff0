package nn

import (
	"github.com/gomlx/compute/shapes"
	. "github.com/gomlx/gomlx/core/graph" //nolint:staticcheck
	"github.com/gomlx/gomlx/ml/model"
	"github.com/gomlx/gomlx/support/exceptions"
)

// StrideTwoShifts returns the two stride-2 subsamplings of NHWC input x that a
// factorized reduction convolves: even = x[:, 0::2, 0::2, :] and
// odd = x[:, 1::2, 1::2, :], the latter zero-padded at the bottom and right when H or
// W is odd so that both have ceil(H/2) × ceil(W/2) positions. This is TensorFlow's
// avg_pool(1x1, stride 2) of x and of pad(x, bottom/right 1)[:, 1:, 1:].
func StrideTwoShifts(x *Node) (even, odd *Node) {
	if x.Rank() != 4 {
		exceptions.Panicf("nn.StrideTwoShifts: input must be NHWC (rank 4), got %s", x.Shape())
	}
	even = Slice(x, AxisRange(), AxisRange().Stride(2), AxisRange().Stride(2), AxisRange())
	odd = Slice(x, AxisRange(), AxisRange(1).Stride(2), AxisRange(1).Stride(2), AxisRange())
	// Zero rows/columns where H or W is odd (concatenated rather than padded, as
	// Pad has no gradient in GoMLX).
	for axis := 1; axis <= 2; axis++ {
		if even.Shape().Dimensions[axis] != odd.Shape().Dimensions[axis] {
			dims := odd.Shape().Clone().Dimensions
			dims[axis] = 1
			odd = Concatenate([]*Node{odd, Zeros(x.Graph(), shapes.Make(x.DType(), dims...))}, axis)
		}
	}
	return even, odd
}

// FactorizedReduce halves the spatial size of x without discarding half of the
// pixels, as NASNet (Zoph et al. 2018) and ENAS (Pham et al. 2018) do when a cell
// input has twice the resolution of the cell: two 1x1 convolutions of filters/2 outputs each, one over each of
// StrideTwoShifts(x), concatenated along channels and batch-normalised. Variables
// live in the sub-scopes "path1_conv", "path2_conv" and "bn". filters must be even.
func FactorizedReduce(scope *model.Scope, x *Node, filters int) *Node {
	if filters%2 != 0 {
		exceptions.Panicf("nn.FactorizedReduce: filters must be even, got %d", filters)
	}
	even, odd := StrideTwoShifts(x)
	p1 := Conv2D(scope.In("path1_conv"), even, ConvConfig{Filters: filters / 2, Kernel: 1})
	p2 := Conv2D(scope.In("path2_conv"), odd, ConvConfig{Filters: filters / 2, Kernel: 1})
	return BatchNorm(scope.In("bn"), Concatenate([]*Node{p1, p2}, -1))
}
