package nn

import (
	"github.com/gomlx/compute/shapes"
	. "github.com/gomlx/gomlx/core/graph" //nolint:staticcheck
	"github.com/gomlx/gomlx/support/exceptions"
)

// MaxPool2D is a k×k max pooling with SAME padding over NHWC inputs.
func MaxPool2D(x *Node, kernel, stride int) *Node {
	return MaxPool(x).Window(kernel).Strides(stride).PaddingPerDim(samePaddings(x, kernel, stride)).Done()
}

// AvgPool2D is a k×k average pooling with SAME padding over NHWC inputs; as in
// TensorFlow (and ENAS), padded positions are excluded from each average.
func AvgPool2D(x *Node, kernel, stride int) *Node {
	paddings := samePaddings(x, kernel, stride)
	sum := SumPool(x).Window(kernel).Strides(stride).PaddingPerDim(paddings).Done()
	// Count of real (non-padded) inputs per window: pool a ones image of one channel.
	dims := x.Shape().Dimensions
	ones := Ones(x.Graph(), shapes.Make(x.DType(), 1, dims[1], dims[2], 1))
	count := SumPool(ones).Window(kernel).Strides(stride).PaddingPerDim(paddings).Done()
	return Div(sum, StopGradient(count))
}

// GlobalAvgPool averages NHWC inputs over H and W, giving [N, C].
func GlobalAvgPool(x *Node) *Node {
	return ReduceMean(x, 1, 2)
}

func samePaddings(x *Node, kernel, stride int) [][2]int {
	if x.Rank() != 4 {
		exceptions.Panicf("nn: pooling input must be NHWC (rank 4), got %s", x.Shape())
	}
	dims := x.Shape().Dimensions
	return [][2]int{SamePadding(dims[1], kernel, stride, 1), SamePadding(dims[2], kernel, stride, 1)}
}
