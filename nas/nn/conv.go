package nn

import (
	"fmt"
	"github.com/gomlx/gomlx/support/exceptions"

	"github.com/gomlx/compute"
	"github.com/gomlx/compute/shapes"
	. "github.com/gomlx/gomlx/core/graph" //nolint:staticcheck
	"github.com/gomlx/gomlx/ml/model"
)

// ConvConfig describes a 2D convolution over NHWC inputs.
type ConvConfig struct {
	Filters  int  // output channels
	Kernel   int  // square kernel size
	Stride   int  // 1 if 0
	Dilation int  // 1 if 0
	Groups   int  // 1 if 0; input channels for a depthwise convolution
	Bias     bool // add a learned bias per output channel
}

// SamePadding returns TensorFlow's SAME padding (low, high) of one spatial axis:
// the output has ceil(size/stride) positions, extra padding goes to the high side.
func SamePadding(size, kernel, stride, dilation int) [2]int {
	effective := dilation*(kernel-1) + 1
	out := (size + stride - 1) / stride
	total := max((out-1)*stride+effective-size, 0)
	return [2]int{total / 2, total - total/2}
}

// Conv2D applies a convolution with SAME padding. The kernel variable "weights" has
// shape [k, k, inChannels/Groups, Filters] (HWIO) and the store's default He-normal
// initialisation (drawn from the store's seeded random state, so runs are reproducible).
func Conv2D(scope *model.Scope, x *Node, c ConvConfig) *Node {
	stride, dilation, groups := max(c.Stride, 1), max(c.Dilation, 1), max(c.Groups, 1)
	if x.Rank() != 4 {
		exceptions.Panicf("nn.Conv2D: input must be NHWC (rank 4), got %s", x.Shape())
	}
	inC := x.Shape().Dimensions[3]
	if inC%groups != 0 || c.Filters%groups != 0 {
		exceptions.Panicf("nn.Conv2D: %d input channels and %d filters must both be divisible by %d groups", inC, c.Filters, groups)
	}
	if c.Kernel < 1 || c.Filters < 1 {
		exceptions.Panicf("nn.Conv2D: kernel size (%d) and filters (%d) must be positive", c.Kernel, c.Filters)
	}
	kernelShape := shapes.Make(x.DType(), c.Kernel, c.Kernel, inC/groups, c.Filters)
	w := scope.VariableWithShape("weights", kernelShape).NodeValue(x.Graph())
	h, wd := x.Shape().Dimensions[1], x.Shape().Dimensions[2]
	paddings := [][2]int{SamePadding(h, c.Kernel, stride, dilation), SamePadding(wd, c.Kernel, stride, dilation)}
	out := convolve2D(x, w, stride, dilation, groups, paddings)
	if c.Bias {
		b := scope.VariableWithShape("biases", shapes.Make(x.DType(), c.Filters)).NodeValue(x.Graph())
		out = Add(out, Reshape(b, 1, 1, 1, c.Filters))
	}
	return out
}

// convolve2D convolves NHWC x with the HWIO kernel w, registering the node so that its
// gradient is computed in XLA's form (see convvjp.go).
func convolve2D(x, w *Node, stride, dilation, groups int, paddings [][2]int) *Node {
	axes := compute.ConvolveAxesConfig{
		InputBatch: 0, InputSpatial: []int{1, 2}, InputChannels: 3,
		KernelSpatial: []int{0, 1}, KernelInputChannels: 2, KernelOutputChannels: 3,
		OutputBatch: 0, OutputSpatial: []int{1, 2}, OutputChannels: 3,
	}
	p := convParams{axes: axes, strides: []int{stride, stride}, paddings: paddings,
		dilations: []int{dilation, dilation}, groups: groups}
	out := ConvGeneral(x, w, axes, p.strides, p.paddings, nil, p.dilations, groups, 1)
	registerConv(out, p)
	return out
}

// DepthwiseConv2D convolves each input channel with its own k×k filters
// (multiplier output channels per input channel).
func DepthwiseConv2D(scope *model.Scope, x *Node, kernel, stride, dilation, multiplier int) *Node {
	inC := x.Shape().Dimensions[3]
	return Conv2D(scope, x, ConvConfig{Filters: inC * max(multiplier, 1), Kernel: kernel, Stride: stride, Dilation: dilation, Groups: inC})
}

// SeparableConv2D is a depthwise k×k convolution followed by a pointwise 1×1 one [2],
// in sub-scopes "depthwise" and "pointwise".
func SeparableConv2D(scope *model.Scope, x *Node, filters, kernel, stride, dilation int) *Node {
	x = DepthwiseConv2D(scope.In("depthwise"), x, kernel, stride, dilation, 1)
	return Conv2D(scope.In("pointwise"), x, ConvConfig{Filters: filters, Kernel: 1})
}

// String describes a ConvConfig, e.g. "conv3x3(32, stride 2)".
func (c ConvConfig) String() string {
	s := fmt.Sprintf("conv%dx%d(%d", c.Kernel, c.Kernel, c.Filters)
	if c.Stride > 1 {
		s += fmt.Sprintf(", stride %d", c.Stride)
	}
	if c.Dilation > 1 {
		s += fmt.Sprintf(", dilation %d", c.Dilation)
	}
	if c.Groups > 1 {
		s += fmt.Sprintf(", %d groups", c.Groups)
	}
	return s + ")"
}
