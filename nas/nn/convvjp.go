package nn

// The gradient of a convolution in XLA's (and JAX's) form [4].
//
// GoMLX v0.28.2 differentiates a grouped convolution by splitting it into one
// convolution per group (a depthwise convolution over 32 channels becomes 32 tiny
// convolutions and their Split/Concatenate), and its input gradient swaps the
// low/high paddings, which is wrong for even kernels with asymmetric padding. The
// convolutions that Conv2D builds are registered here with their parameters, and
// their VJP is computed as XLA does: the input gradient is one convolution of the
// output gradient with the spatially reversed kernel (feature groups kept), the
// kernel gradient one convolution of the input with the output gradient, with
// batch_group_count = groups. Other convolutions keep GoMLX's VJP.

import (
	"runtime"
	"slices"
	"sync"
	"weak"

	"github.com/gomlx/compute"
	"github.com/gomlx/compute/shapes"
	. "github.com/gomlx/gomlx/core/graph" //nolint:staticcheck
)

// convParams are the parameters of a registered convolution node.
type convParams struct {
	axes      compute.ConvolveAxesConfig
	strides   []int
	paddings  [][2]int
	dilations []int
	groups    int
}

var (
	convRegistry   sync.Map // weak.Pointer[Node] -> convParams
	gomlxConvVJP   VJP
	installConvVJP sync.Once
)

// registerConv records the parameters of the convolution node y, so that its
// gradient is computed by convVJP.
func registerConv(y *Node, p convParams) {
	installConvVJP.Do(func() {
		gomlxConvVJP = VJPRegistration[NodeTypeConvGeneral]
		VJPRegistration[NodeTypeConvGeneral] = convVJP
	})
	key := weak.Make(y)
	convRegistry.Store(key, p)
	runtime.AddCleanup(y, func(k weak.Pointer[Node]) { convRegistry.Delete(k) }, key)
}

// convVJP is the VJP of ConvGeneral for registered nodes, GoMLX's otherwise.
func convVJP(node *Node, vjpOutputs []*Node, outputShape shapes.Shape) []*Node {
	entry, ok := convRegistry.Load(weak.Make(node))
	if !ok {
		return gomlxConvVJP(node, vjpOutputs, outputShape)
	}
	p := entry.(convParams)
	x, kernel, v := node.Inputs()[0], node.Inputs()[1], vjpOutputs[0]
	return []*Node{convGradInput(p, x, kernel, v), convGradKernel(p, x, kernel, v)}
}

// dilated is the size of an axis of n elements with dilation d.
func dilated(n, d int) int {
	if n == 0 {
		return 0
	}
	return (n-1)*d + 1
}

func spatialDims(dims, axes []int) []int {
	out := make([]int, len(axes))
	for i, a := range axes {
		out[i] = dims[a]
	}
	return out
}

// convGradInput is XLA's transpose of the convolution with respect to its input:
// conv(v, reverse(kernel')) with lhs dilation = strides, where kernel' regroups the
// kernel's channels per group (JAX's _conv_general_dilated_transpose_lhs).
func convGradInput(p convParams, x, kernel, v *Node) *Node {
	a := p.axes
	nd := len(a.InputSpatial)
	kernelDims := kernel.Shape().Dimensions
	// Canonical kernel layout [spatial..., I, O].
	perm := slices.Concat(a.KernelSpatial, []int{a.KernelInputChannels, a.KernelOutputChannels})
	k := TransposeAllAxes(kernel, perm...)
	kSp := spatialDims(kernelDims, a.KernelSpatial)
	in, out := kernelDims[a.KernelInputChannels], kernelDims[a.KernelOutputChannels]
	if g := p.groups; g > 1 {
		// [sp..., I, G·Og] -> [sp..., G·I, Og], group-major.
		og := out / g
		k = Reshape(k, slices.Concat(kSp, []int{in, g, og})...)
		k = TransposeAllAxes(k, slices.Concat(seq(nd), []int{nd + 1, nd, nd + 2})...)
		k = Reshape(k, slices.Concat(kSp, []int{g * in, og})...)
	}
	k = Reverse(k, seq(nd)...)
	inSp := spatialDims(x.Shape().Dimensions, a.InputSpatial)
	outSp := spatialDims(v.Shape().Dimensions, a.OutputSpatial)
	pads := make([][2]int, nd)
	for d := range nd {
		lhs, rhs, o := inSp[d], dilated(kSp[d], p.dilations[d]), dilated(outSp[d], p.strides[d])
		before := rhs - p.paddings[d][0] - 1
		pads[d] = [2]int{before, lhs + rhs - 1 - o - before}
	}
	axes := compute.ConvolveAxesConfig{
		InputBatch: a.OutputBatch, InputChannels: a.OutputChannels, InputSpatial: a.OutputSpatial,
		KernelInputChannels: nd + 1, KernelOutputChannels: nd, KernelSpatial: seq(nd),
		OutputBatch: a.InputBatch, OutputChannels: a.InputChannels, OutputSpatial: a.InputSpatial,
	}
	return ConvGeneral(v, k, axes, ones(nd), pads, p.strides, p.dilations, p.groups, 1)
}

// convGradKernel is XLA's transpose of the convolution with respect to its kernel:
// conv(x, v) with window dilation = strides and batch_group_count = groups (JAX's
// _conv_general_dilated_transpose_rhs); its output is already in the kernel's layout.
func convGradKernel(p convParams, x, kernel, v *Node) *Node {
	a := p.axes
	nd := len(a.InputSpatial)
	inSp := spatialDims(x.Shape().Dimensions, a.InputSpatial)
	kSp := spatialDims(kernel.Shape().Dimensions, a.KernelSpatial)
	outSp := spatialDims(v.Shape().Dimensions, a.OutputSpatial)
	pads := make([][2]int, nd)
	for d := range nd {
		lhs, rhs, o := inSp[d], dilated(kSp[d], p.dilations[d]), dilated(outSp[d], p.strides[d])
		pads[d] = [2]int{p.paddings[d][0], (o - lhs) + (rhs - p.paddings[d][0] - 1)}
	}
	axes := compute.ConvolveAxesConfig{
		InputBatch: a.InputChannels, InputChannels: a.InputBatch, InputSpatial: a.InputSpatial,
		KernelInputChannels: a.OutputBatch, KernelOutputChannels: a.OutputChannels, KernelSpatial: a.OutputSpatial,
		OutputBatch: a.KernelInputChannels, OutputChannels: a.KernelOutputChannels, OutputSpatial: a.KernelSpatial,
	}
	return ConvGeneral(x, v, axes, p.dilations, pads, nil, p.strides, 1, p.groups)
}

func seq(n int) []int {
	s := make([]int, n)
	for i := range s {
		s[i] = i
	}
	return s
}

func ones(n int) []int {
	s := make([]int, n)
	for i := range s {
		s[i] = 1
	}
	return s
}
