package data

import (
	"fmt"
	"math"
)

// Per-channel mean and standard deviation of the training sets (pixels in
// [0,1]), the constants used across the NAS literature (e.g. DARTS [9]) so
// results are comparable; [ChannelStats] computes them for any dataset.
var (
	CIFAR10Mean      = []float32{0.49139968, 0.48215827, 0.44653124}
	CIFAR10Std       = []float32{0.24703233, 0.24348505, 0.26158768}
	MNISTMean        = []float32{0.1307}
	MNISTStd         = []float32{0.3081}
	FashionMNISTMean = []float32{0.2860}
	FashionMNISTStd  = []float32{0.3530}
)

// ChannelStats returns the per-channel mean and (population) standard
// deviation of all pixels of ds, accumulated in float64 in two passes.
func ChannelStats(ds *Dataset) (mean, std []float32) {
	c := ds.Channels
	if c <= 0 {
		return nil, nil
	}
	pixels := len(ds.Images) / c
	sum, sq := make([]float64, c), make([]float64, c)
	for i := 0; i+c <= len(ds.Images); i += c {
		for k, v := range ds.Images[i : i+c] {
			sum[k] += float64(v)
		}
	}
	for k := range sum {
		sum[k] /= float64(max(pixels, 1)) // now the mean
	}
	for i := 0; i+c <= len(ds.Images); i += c {
		for k, v := range ds.Images[i : i+c] {
			d := float64(v) - sum[k]
			sq[k] += d * d
		}
	}
	mean, std = make([]float32, c), make([]float32, c)
	for k := range sum {
		mean[k] = float32(sum[k])
		std[k] = float32(math.Sqrt(sq[k] / float64(max(pixels, 1))))
	}
	return mean, std
}

// Normalize maps every pixel x of channel k of ds, in place, to
// (x - mean[k]) / std[k]. Normalise train, validation and test with the
// training set's statistics (or the published constants above).
func Normalize(ds *Dataset, mean, std []float32) error {
	c := ds.Channels
	if len(mean) != c || len(std) != c {
		return fmt.Errorf("data: Normalize %q: %d means and %d stds for %d channels", ds.Name, len(mean), len(std), c)
	}
	inv := make([]float32, c)
	for k, s := range std {
		if !(s > 0) {
			return fmt.Errorf("data: Normalize %q: std[%d] = %g, want > 0", ds.Name, k, s)
		}
		inv[k] = 1 / s
	}
	for i := 0; i+c <= len(ds.Images); i += c {
		px := ds.Images[i : i+c]
		for k := range px {
			px[k] = (px[k] - mean[k]) * inv[k]
		}
	}
	return nil
}
