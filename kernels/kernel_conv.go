package kernels

// ConvGeneral (XLA semantics [2], "Conv with general padding"): any layout, strides,
// paddings (possibly negative), input and kernel dilations, channel and batch groups.
// GoMLX's gradient of a convolution is itself expressed with ConvGeneral calls
// (input dilation for the input gradient, batch groups for grouped kernel
// gradients), so this one kernel serves forward and backward passes. The work is
// done by kernels/conv: im2col + GEMM in general, a direct loop for depthwise
// convolutions.

import (
	"slices"

	"github.com/gomlx/compute"
	"github.com/gomlx/compute/shapeinference"
	"github.com/gomlx/compute/shapes"
	"github.com/gonas/gonas/kernels/conv"
	"github.com/pkg/errors"
)

// ConvGeneral implements compute.StandardOps with kernels/conv for float32 and float64.
func (f *Function) ConvGeneral(input, kernel compute.Value, axes compute.ConvolveAxesConfig,
	strides []int, paddings [][2]int, inputDilations, kernelDilations []int,
	channelGroupCount, batchGroupCount int) (compute.Value, error) {
	iv, err := f.checkValue("ConvGeneral", input)
	if err != nil {
		return nil, err
	}
	kv, err := f.checkValue("ConvGeneral", kernel)
	if err != nil {
		return nil, err
	}
	p := conv.Params{Axes: axes.Clone(), Strides: slices.Clone(strides), Paddings: slices.Clone(paddings),
		InputDilations: slices.Clone(inputDilations), KernelDilations: slices.Clone(kernelDilations),
		ChannelGroupCount: channelGroupCount, BatchGroupCount: batchGroupCount}
	out, err := shapeinference.ConvGeneral(iv.shape, kv.shape, axes, strides, paddings, inputDilations, kernelDilations,
		channelGroupCount, batchGroupCount)
	if err != nil {
		return nil, err
	}
	if !isFloat(iv.shape.DType) {
		outs, err := f.recordStandard(compute.OpTypeConvGeneral, []compute.Value{input, kernel},
			func(g compute.Function, in []compute.Value) ([]compute.Value, error) {
				v, err := g.ConvGeneral(in[0], in[1], p.Axes, p.Strides, p.Paddings, p.InputDilations, p.KernelDilations,
					p.ChannelGroupCount, p.BatchGroupCount)
				return []compute.Value{v}, err
			})
		if err != nil {
			return nil, err
		}
		return outs[0], nil
	}
	inShape, kShape := iv.shape, kv.shape
	outs, err := f.recordKernel(compute.OpTypeConvGeneral, []compute.Value{input, kernel}, []shapes.Shape{out},
		func(in, o []any) error {
			switch x := in[0].(type) {
			case []float32:
				return conv.Float32(p, x, inShape, in[1].([]float32), kShape, o[0].([]float32), out)
			case []float64:
				return conv.Float64(p, x, inShape, in[1].([]float64), kShape, o[0].([]float64), out)
			}
			return errors.Errorf("ConvGeneral kernel: unsupported flat type %T", in[0])
		})
	if err != nil {
		return nil, err
	}
	return outs[0], nil
}
