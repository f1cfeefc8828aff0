package nn

import (
	. "github.com/gomlx/gomlx/core/graph" //nolint:staticcheck
	"github.com/gomlx/gomlx/support/exceptions"
)

// AvgPool2DValid is a k×k average pooling without padding (VALID) over NHWC inputs,
// as in the auxiliary heads of NASNet (Zoph et al. 2018) and ENAS (Pham et al. 2018) (5x5, stride 3).
func AvgPool2DValid(x *Node, kernel, stride int) *Node {
	if x.Rank() != 4 {
		exceptions.Panicf("nn.AvgPool2DValid: input must be NHWC (rank 4), got %s", x.Shape())
	}
	if d := x.Shape().Dimensions; d[1] < kernel || d[2] < kernel {
		exceptions.Panicf("nn.AvgPool2DValid: %dx%d window larger than the %dx%d input", kernel, kernel, d[1], d[2])
	}
	return MeanPool(x).Window(kernel).Strides(stride).NoPadding().Done()
}
