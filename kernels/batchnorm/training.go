package batchnorm

import "math"

// Training semantics (XLA BatchNormTraining): per channel k, over the N elements
// of x in channel k,
//
//	mean[k]     = Σ x / N
//	variance[k] = Σ (x - mean[k])² / N          (biased: divides by N, as XLA)
//	y           = scale[k] * (x - mean[k]) / sqrt(variance[k] + epsilon) + offset[k]
//
// (Ioffe & Szegedy 2015, Algorithm 1). The statistics are computed in float64
// with two passes over x; y is computed in T as (x - mean[k])*a[k] + offset[k]
// with a[k] = scale[k]/sqrt(variance[k]+epsilon) rounded to T. N = 0 gives NaN
// statistics.

// Training computes XLA's BatchNormTraining of x (shape shape, channels along
// featureAxis) with per-channel scale and offset: it writes the normalized y
// (same length as x; it may alias x) and the batch mean and biased variance
// (length C = shape[featureAxis]). epsilon is added to the variance. It panics
// on inconsistent lengths.
func Training[T Float](x []T, shape []int, featureAxis int, scale, offset []T, epsilon float64, y, mean, variance []T) {
	l := newLayout("Training", shape, featureAxis, []int{len(x), len(y)}, []int{len(scale), len(offset), len(mean), len(variance)})
	if l.c == 0 {
		return
	}
	n := float64(l.n)
	m := channelSums(l, x)
	for k := range m {
		m[k] /= n
	}
	v := channelSqDevSums(l, x, m)
	a := make([]T, l.c)
	for k := range v {
		v[k] /= n
		a[k] = T(float64(scale[k]) / math.Sqrt(v[k]+epsilon))
		mean[k] = T(m[k])
		variance[k] = T(v[k])
	}
	affine(l, x, mean, a, offset, y)
}
