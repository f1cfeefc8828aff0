package kernels

// Batch normalisation (XLA semantics [2]; Ioffe & Szegedy 2015): training mode
// returns the normalised operand and the batch mean and (biased) variance; the
// gradient op differentiates through the batch statistics, so GoMLX's autodiff of
// BatchNormForTraining is exact. The work is done by kernels/batchnorm.

import (
	"github.com/gomlx/compute"
	"github.com/gomlx/compute/shapes"
	"github.com/gonas/gonas/kernels/batchnorm"
	"github.com/pkg/errors"
)

func (f *Function) checkBatchNorm(op compute.OpType, operand compute.Value, featureAxis int, vectors ...compute.Value) (*value, shapes.Shape, error) {
	xv, err := f.checkValue(op.String(), operand)
	if err != nil {
		return nil, shapes.Invalid(), err
	}
	if !isFloat(xv.shape.DType) {
		return nil, shapes.Invalid(), errors.Errorf("%s: operand must be float32 or float64, got %s", op, xv.shape)
	}
	if featureAxis < 0 || featureAxis >= xv.shape.Rank() {
		return nil, shapes.Invalid(), errors.Errorf("%s: feature axis %d out of range for operand %s", op, featureAxis, xv.shape)
	}
	vec := shapes.Make(xv.shape.DType, xv.shape.Dimensions[featureAxis])
	for i, v := range vectors {
		vv, err := f.checkValue(op.String(), v)
		if err != nil {
			return nil, shapes.Invalid(), err
		}
		if !vv.shape.Equal(vec) {
			return nil, shapes.Invalid(), errors.Errorf("%s: input #%d has shape %s, want %s", op, i+1, vv.shape, vec)
		}
	}
	return xv, vec, nil
}

// BatchNormForTraining implements compute.StandardOps.
func (f *Function) BatchNormForTraining(operand, scale, offset compute.Value, epsilon float32, featureAxis int) (compute.Value, compute.Value, compute.Value, error) {
	op := compute.OpTypeBatchNormForTraining
	xv, vec, err := f.checkBatchNorm(op, operand, featureAxis, scale, offset)
	if err != nil {
		return nil, nil, nil, err
	}
	dims := xv.shape.Dimensions
	eps := float64(epsilon)
	outs, err := f.recordKernel(op, []compute.Value{operand, scale, offset}, []shapes.Shape{xv.shape.Clone(), vec, vec},
		func(in, o []any) error {
			switch x := in[0].(type) {
			case []float32:
				batchnorm.Training(x, dims, featureAxis, in[1].([]float32), in[2].([]float32), eps,
					o[0].([]float32), o[1].([]float32), o[2].([]float32))
			case []float64:
				batchnorm.Training(x, dims, featureAxis, in[1].([]float64), in[2].([]float64), eps,
					o[0].([]float64), o[1].([]float64), o[2].([]float64))
			}
			return nil
		})
	if err != nil {
		return nil, nil, nil, err
	}
	return outs[0], outs[1], outs[2], nil
}

// BatchNormForInference implements compute.StandardOps.
func (f *Function) BatchNormForInference(operand, scale, offset, mean, variance compute.Value, epsilon float32, featureAxis int) (compute.Value, error) {
	op := compute.OpTypeBatchNormForInference
	xv, _, err := f.checkBatchNorm(op, operand, featureAxis, scale, offset, mean, variance)
	if err != nil {
		return nil, err
	}
	dims := xv.shape.Dimensions
	eps := float64(epsilon)
	outs, err := f.recordKernel(op, []compute.Value{operand, scale, offset, mean, variance}, []shapes.Shape{xv.shape.Clone()},
		func(in, o []any) error {
			switch x := in[0].(type) {
			case []float32:
				batchnorm.Inference(x, dims, featureAxis, in[1].([]float32), in[2].([]float32), in[3].([]float32), in[4].([]float32), eps, o[0].([]float32))
			case []float64:
				batchnorm.Inference(x, dims, featureAxis, in[1].([]float64), in[2].([]float64), in[3].([]float64), in[4].([]float64), eps, o[0].([]float64))
			}
			return nil
		})
	if err != nil {
		return nil, err
	}
	return outs[0], nil
}

// BatchNormGradient implements compute.StandardOps: gradients w.r.t. operand, scale and offset.
func (f *Function) BatchNormGradient(operand, scale, mean, variance, gradOutput compute.Value, epsilon float32, featureAxis int) (compute.Value, compute.Value, compute.Value, error) {
	op := compute.OpTypeBatchNormGradient
	xv, vec, err := f.checkBatchNorm(op, operand, featureAxis, scale, mean, variance)
	if err != nil {
		return nil, nil, nil, err
	}
	gv, err := f.checkValue(op.String(), gradOutput)
	if err != nil {
		return nil, nil, nil, err
	}
	if !gv.shape.Equal(xv.shape) {
		return nil, nil, nil, errors.Errorf("%s: gradOutput %s must have the operand's shape %s", op, gv.shape, xv.shape)
	}
	dims := xv.shape.Dimensions
	eps := float64(epsilon)
	outs, err := f.recordKernel(op, []compute.Value{operand, scale, mean, variance, gradOutput}, []shapes.Shape{xv.shape.Clone(), vec, vec},
		func(in, o []any) error {
			switch x := in[0].(type) {
			case []float32:
				batchnorm.Gradient(x, dims, featureAxis, in[1].([]float32), in[2].([]float32), in[3].([]float32), in[4].([]float32), eps,
					o[0].([]float32), o[1].([]float32), o[2].([]float32))
			case []float64:
				batchnorm.Gradient(x, dims, featureAxis, in[1].([]float64), in[2].([]float64), in[3].([]float64), in[4].([]float64), eps,
					o[0].([]float64), o[1].([]float64), o[2].([]float64))
			}
			return nil
		})
	if err != nil {
		return nil, nil, nil, err
	}
	return outs[0], outs[1], outs[2], nil
}
