package nn

import (
	"fmt"

	"github.com/gomlx/compute/shapes"
	. "github.com/gomlx/gomlx/core/graph" //nolint:staticcheck
	"github.com/gomlx/gomlx/ml/model"
	"github.com/gomlx/gomlx/support/exceptions"
)

// RectConfig describes a 2D convolution with a KH×KW kernel, a stride per axis and
// SAME or VALID padding: the 1x7-then-7x1 and 1x3-then-3x1 convolutions of NASNet
// (Zoph et al. 2018), and the VALID convolutions of its ImageNet stem and auxiliary head.
type RectConfig struct {
	Filters          int
	KH, KW           int
	StrideH, StrideW int  // 1 if 0
	Valid            bool // VALID padding (no padding) instead of SAME
}

// Conv2DRect applies the convolution described by c to NHWC input x, without bias.
// The kernel variable "weights" has shape [KH, KW, inChannels, Filters] (HWIO), as
// Conv2D's.
func Conv2DRect(scope *model.Scope, x *Node, c RectConfig) *Node {
	sh, sw := max(c.StrideH, 1), max(c.StrideW, 1)
	if x.Rank() != 4 {
		exceptions.Panicf("nn.Conv2DRect: input must be NHWC (rank 4), got %s", x.Shape())
	}
	if c.KH < 1 || c.KW < 1 || c.Filters < 1 {
		exceptions.Panicf("nn.Conv2DRect: kernel %dx%d and filters %d must be positive", c.KH, c.KW, c.Filters)
	}
	dims := x.Shape().Dimensions
	if c.Valid && (dims[1] < c.KH || dims[2] < c.KW) {
		exceptions.Panicf("nn.Conv2DRect: VALID %dx%d kernel larger than the %dx%d input", c.KH, c.KW, dims[1], dims[2])
	}
	w := scope.VariableWithShape("weights", shapes.Make(x.DType(), c.KH, c.KW, dims[3], c.Filters)).NodeValue(x.Graph())
	paddings := [][2]int{{0, 0}, {0, 0}}
	if !c.Valid {
		paddings = [][2]int{SamePadding(dims[1], c.KH, sh, 1), SamePadding(dims[2], c.KW, sw, 1)}
	}
	return Convolve(x, w).StridePerAxis(sh, sw).PaddingPerDim(paddings).Done()
}

// ConvOutputSize is the output length of one spatial axis of a convolution or
// pooling: ceil(size/stride) with SAME padding, floor((size-k)/stride)+1 with VALID.
func ConvOutputSize(size, kernel, stride int, valid bool) int {
	stride = max(stride, 1)
	if valid {
		return (size-kernel)/stride + 1
	}
	return (size + stride - 1) / stride
}

// String describes a RectConfig, e.g. "conv1x7(32, stride 1x2)".
func (c RectConfig) String() string {
	s := fmt.Sprintf("conv%dx%d(%d", c.KH, c.KW, c.Filters)
	if c.StrideH > 1 || c.StrideW > 1 {
		s += fmt.Sprintf(", stride %dx%d", max(c.StrideH, 1), max(c.StrideW, 1))
	}
	if c.Valid {
		s += ", valid"
	}
	return s + ")"
}
