package kernels

// Window ops (XLA semantics [2]): ReduceWindow (pooling), SelectAndScatter (the
// gradient of max/min pooling) and Pad (with negative, i.e. cropping, and interior
// padding — GoMLX's gradient of SAME average pooling pads negatively). The work
// is done by kernels/window.

import (
	"slices"

	"github.com/gomlx/compute"
	"github.com/gomlx/compute/shapes"
	"github.com/gonas/gonas/kernels/window"
	"github.com/pkg/errors"
)

// ReduceWindow implements compute.StandardOps with kernels/window for float32 and float64.
func (f *Function) ReduceWindow(input compute.Value, reductionType compute.ReduceOpType,
	windowDimensions, strides, inputDilations, windowDilations []int, paddings [][2]int) (compute.Value, error) {
	iv, err := f.checkValue("ReduceWindow", input)
	if err != nil {
		return nil, err
	}
	wd, st, id, dd, pd := slices.Clone(windowDimensions), slices.Clone(strides), slices.Clone(inputDilations),
		slices.Clone(windowDilations), slices.Clone(paddings)
	var op window.ReduceOp
	supported := isFloat(iv.shape.DType)
	switch reductionType {
	case compute.ReduceOpSum:
		op = window.Sum
	case compute.ReduceOpMax:
		op = window.Max
	case compute.ReduceOpMin:
		op = window.Min
	case compute.ReduceOpProduct:
		op = window.Product
	default:
		supported = false
	}
	if !supported {
		outs, err := f.recordStandard(compute.OpTypeReduceWindow, []compute.Value{input},
			func(g compute.Function, in []compute.Value) ([]compute.Value, error) {
				v, err := g.ReduceWindow(in[0], reductionType, wd, st, id, dd, pd)
				return []compute.Value{v}, err
			})
		if err != nil {
			return nil, err
		}
		return outs[0], nil
	}
	// Defaults as in compute: strides default to the window, dilations to 1, paddings to 0.
	rank := iv.shape.Rank()
	if len(st) == 0 {
		st = slices.Clone(wd)
	}
	id, dd, pd = onesIfNil(id, rank), onesIfNil(dd, rank), zerosIfNil(pd, rank)
	outDims, err := window.ReduceWindowShape(iv.shape.Dimensions, wd, st, id, dd, pd)
	if err != nil {
		return nil, errors.WithMessage(err, "ReduceWindow")
	}
	out := shapes.Make(iv.shape.DType, outDims...)
	inDims := iv.shape.Dimensions
	outs, err := f.recordKernel(compute.OpTypeReduceWindow, []compute.Value{input}, []shapes.Shape{out},
		func(in, o []any) error {
			switch x := in[0].(type) {
			case []float32:
				window.ReduceWindow(op, x, inDims, wd, st, id, dd, pd, o[0].([]float32), outDims)
			case []float64:
				window.ReduceWindow(op, x, inDims, wd, st, id, dd, pd, o[0].([]float64), outDims)
			default:
				return errors.Errorf("ReduceWindow kernel: unsupported flat type %T", in[0])
			}
			return nil
		})
	if err != nil {
		return nil, err
	}
	return outs[0], nil
}

// SelectAndScatterMax implements compute.StandardOps (max-pooling gradient).
func (f *Function) SelectAndScatterMax(operand, source compute.Value, windowDimensions, windowStrides []int, paddings [][2]int) (compute.Value, error) {
	return f.selectAndScatter(true, operand, source, windowDimensions, windowStrides, paddings)
}

// SelectAndScatterMin implements compute.StandardOps (min-pooling gradient).
func (f *Function) SelectAndScatterMin(operand, source compute.Value, windowDimensions, windowStrides []int, paddings [][2]int) (compute.Value, error) {
	return f.selectAndScatter(false, operand, source, windowDimensions, windowStrides, paddings)
}

func (f *Function) selectAndScatter(selectMax bool, operand, source compute.Value, windowDimensions, windowStrides []int, paddings [][2]int) (compute.Value, error) {
	opType := compute.OpTypeSelectAndScatterMin
	if selectMax {
		opType = compute.OpTypeSelectAndScatterMax
	}
	ov, err := f.checkValue(opType.String(), operand)
	if err != nil {
		return nil, err
	}
	sv, err := f.checkValue(opType.String(), source)
	if err != nil {
		return nil, err
	}
	if !isFloat(ov.shape.DType) || sv.shape.DType != ov.shape.DType {
		return nil, errors.Errorf("%s: operand %s and source %s must be float32 or float64 of the same dtype", opType, ov.shape, sv.shape)
	}
	rank := ov.shape.Rank()
	wd, st, pd := slices.Clone(windowDimensions), slices.Clone(windowStrides), zerosIfNil(slices.Clone(paddings), rank)
	if len(st) == 0 {
		st = slices.Clone(wd)
	}
	pooled, err := window.SelectAndScatterSourceShape(ov.shape.Dimensions, wd, st, pd)
	if err != nil {
		return nil, errors.WithMessagef(err, "%s", opType)
	}
	if !slices.Equal(pooled, sv.shape.Dimensions) {
		return nil, errors.Errorf("%s: source shape %s does not match the pooled shape %v", opType, sv.shape, pooled)
	}
	opDims, srcDims := ov.shape.Dimensions, sv.shape.Dimensions
	outs, err := f.recordKernel(opType, []compute.Value{operand, source}, []shapes.Shape{ov.shape.Clone()},
		func(in, o []any) error {
			switch x := in[0].(type) {
			case []float32:
				window.SelectAndScatter(selectMax, x, opDims, in[1].([]float32), srcDims, wd, st, pd, o[0].([]float32))
			case []float64:
				window.SelectAndScatter(selectMax, x, opDims, in[1].([]float64), srcDims, wd, st, pd, o[0].([]float64))
			default:
				return errors.Errorf("%s kernel: unsupported flat type %T", opType, in[0])
			}
			return nil
		})
	if err != nil {
		return nil, err
	}
	return outs[0], nil
}

// Pad implements compute.StandardOps with kernels/window for float32 and float64.
func (f *Function) Pad(x, fillValue compute.Value, axesConfig ...compute.PadAxis) (compute.Value, error) {
	xv, err := f.checkValue("Pad", x)
	if err != nil {
		return nil, err
	}
	axes := slices.Clone(axesConfig)
	outDims, err := window.PadShape(xv.shape.Dimensions, axes)
	if err != nil || !isFloat(xv.shape.DType) {
		outs, err := f.recordStandard(compute.OpTypePad, []compute.Value{x, fillValue},
			func(g compute.Function, in []compute.Value) ([]compute.Value, error) {
				v, err := g.Pad(in[0], in[1], axes...)
				return []compute.Value{v}, err
			})
		if err != nil {
			return nil, err
		}
		return outs[0], nil
	}
	out := shapes.Make(xv.shape.DType, outDims...)
	inDims := xv.shape.Dimensions
	outs, err := f.recordKernel(compute.OpTypePad, []compute.Value{x, fillValue}, []shapes.Shape{out},
		func(in, o []any) error {
			switch v := in[0].(type) {
			case []float32:
				window.Pad(v, inDims, in[1].([]float32)[0], axes, o[0].([]float32), outDims)
			case []float64:
				window.Pad(v, inDims, in[1].([]float64)[0], axes, o[0].([]float64), outDims)
			default:
				return errors.Errorf("Pad kernel: unsupported flat type %T", in[0])
			}
			return nil
		})
	if err != nil {
		return nil, err
	}
	return outs[0], nil
}

func onesIfNil(s []int, rank int) []int {
	if len(s) > 0 {
		return s
	}
	s = make([]int, rank)
	for i := range s {
		s[i] = 1
	}
	return s
}

func zerosIfNil(p [][2]int, rank int) [][2]int {
	if len(p) > 0 {
		return p
	}
	return make([][2]int, rank)
}
