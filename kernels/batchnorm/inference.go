package batchnorm

import "math"

// Inference semantics (XLA BatchNormInference): with the given per-channel
// statistics (usually moving averages gathered during training),
//
//	y = scale[k] * (x - mean[k]) / sqrt(variance[k] + epsilon) + offset[k]
//
// computed in T as (x - mean[k])*a[k] + offset[k], a[k] =
// scale[k]/sqrt(variance[k]+epsilon) computed in float64 and rounded to T.

// Inference computes XLA's BatchNormInference of x (shape shape, channels along
// featureAxis) with per-channel scale, offset, mean and variance (length
// C = shape[featureAxis]) into y (same length as x; it may alias x). It panics on
// inconsistent lengths.
func Inference[T Float](x []T, shape []int, featureAxis int, scale, offset, mean, variance []T, epsilon float64, y []T) {
	l := newLayout("Inference", shape, featureAxis, []int{len(x), len(y)}, []int{len(scale), len(offset), len(mean), len(variance)})
	if l.c == 0 {
		return
	}
	a := make([]T, l.c)
	for k := range a {
		a[k] = T(float64(scale[k]) / math.Sqrt(float64(variance[k])+epsilon))
	}
	affine(l, x, mean, a, offset, y)
}
