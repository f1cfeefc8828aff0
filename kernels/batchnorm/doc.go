// Package batchnorm holds the batch-normalization kernels behind the `gonas`
// GoMLX backend (package kernels): XLA's BatchNormTraining, BatchNormInference
// and BatchNormGrad [1], the normalization of Ioffe & Szegedy [2] that GoNAS
// puts after most convolutions of its child networks, so they run in every
// training step. They work on flat row-major slices, for any rank and any
// feature axis, generic over float32 and float64.
//
// Notation (used in every file): x has shape `shape`, and featureAxis selects
// the C channels; every other axis is reduced, so each channel has
// N = len(x)/C elements. The layout is viewed as [outer, C, inner]: inner = 1
// for channels-last (NHWC, the fast case, where the statistics are accumulated
// per channel in a loop over contiguous rows of C values), inner = H*W for NCHW.
//
// Statistics are accumulated in float64 for both element types, in a fixed
// order: per block of about 64Ki elements, then the blocks in order. The
// variance is computed in a second pass as the mean of (x-mean)², not as
// E[x²]-E[x]², so it is accurate however large the mean.
//
// # Parallelism
//
// By default every call runs on the calling goroutine. SetMaxGoroutines(n)
// (n > 1, or 0 for runtime.GOMAXPROCS) lets a large call split its work over
// up to n goroutines, started for the call and joined with a plain
// sync.WaitGroup — no shared bounded pool, so a kernel never blocks waiting for
// a pool slot. The statistics blocks do not depend on the number of goroutines
// and are summed in block order, so results are bitwise identical to the
// single-goroutine ones.
//
// References:
//
//	[1] XLA operation semantics: BatchNormTraining, BatchNormInference,
//	    BatchNormGrad. https://openxla.org/xla/operation_semantics
//	[2] S. Ioffe, C. Szegedy. Batch Normalization: Accelerating Deep Network
//	    Training by Reducing Internal Covariate Shift. ICML 2015,
//	    https://arxiv.org/abs/1502.03167
package batchnorm

// Float is the set of element types the kernels accept.
type Float interface {
	~float32 | ~float64
}
