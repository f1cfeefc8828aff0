package kernels

// Sign (XLA semantics [2]): -1, 0 or +1 with the sign of x (±0 for ±0), NaN for NaN.
//
// GoMLX differentiates Max (hence ReLU) through Sign, so it runs once per activation
// per training step. gobackend's loop branches on every element and mispredicts half
// the time on activations; this kernel builds the result from the sign bit without
// branches (only NaN takes a rarely-taken branch), split over the cores like the
// binary kernels.

import (
	"math"

	"github.com/gomlx/compute"
	"github.com/gomlx/compute/shapes"
	"github.com/pkg/errors"
)

// Sign implements compute.StandardOps with a branch-free kernel for float32 and float64.
func (f *Function) Sign(x compute.Value) (compute.Value, error) {
	xv, err := f.checkValue("Sign", x)
	if err != nil {
		return nil, err
	}
	if !isFloat(xv.shape.DType) {
		outs, err := f.recordStandard(compute.OpTypeSign, []compute.Value{x},
			func(g compute.Function, in []compute.Value) ([]compute.Value, error) {
				v, err := g.Sign(in[0])
				return []compute.Value{v}, err
			})
		if err != nil {
			return nil, err
		}
		return outs[0], nil
	}
	outs, err := f.recordKernel(compute.OpTypeSign, []compute.Value{x}, []shapes.Shape{xv.shape.Clone()},
		func(in, o []any) error {
			switch v := in[0].(type) {
			case []float32:
				out := o[0].([]float32)
				parallelRange(len(v), func(lo, hi int) { signFloat32(v[lo:hi], out[lo:hi]) })
			case []float64:
				out := o[0].([]float64)
				parallelRange(len(v), func(lo, hi int) { signFloat64(v[lo:hi], out[lo:hi]) })
			default:
				return errors.Errorf("Sign kernel: unsupported flat type %T", in[0])
			}
			return nil
		})
	if err != nil {
		return nil, err
	}
	return outs[0], nil
}

func signFloat32(in, out []float32) {
	out = out[:len(in)]
	for i, x := range in {
		b := math.Float32bits(x)
		mag := b & 0x7fffffff
		nonZero := (mag + 0x7fffffff) >> 31 // 1 unless mag == 0
		out[i] = math.Float32frombits(b&0x80000000 | nonZero*0x3f800000)
		if mag > 0x7f800000 {
			out[i] = x // NaN
		}
	}
}

func signFloat64(in, out []float64) {
	out = out[:len(in)]
	for i, x := range in {
		b := math.Float64bits(x)
		mag := b & 0x7fffffffffffffff
		nonZero := (mag + 0x7fffffffffffffff) >> 63
		out[i] = math.Float64frombits(b&0x8000000000000000 | nonZero*0x3ff0000000000000)
		if mag > 0x7ff0000000000000 {
			out[i] = x
		}
	}
}
