// Package conv implements XLA's ConvGeneral ("convolution with general
// padding") for float32 and float64 tensors stored as flat row-major slices.
//
// Semantics follow the XLA operation semantics
// (https://openxla.org/xla/operation_semantics#conv_convolution) and the
// reference Go implementation in github.com/gomlx/compute
// (internal/gobackend/ops/convgeneral*.go), which this package matches
// exactly: for output batch b', output channel o and output spatial index s',
//
//	out[b', o, s'] = Σ_i Σ_k in[b, c, x] · kernel[i, o, k]
//
// where k runs over the kernel's spatial positions, i over the kernel's input
// channels, and along every spatial axis d the position in the (virtually)
// padded, lhs-dilated input is u_d = s'_d·stride_d + k_d·kernelDilation_d -
// paddingLow_d; terms whose u_d falls outside [0, (n_d-1)·inputDilation_d] or
// is not a multiple of inputDilation_d are zero, otherwise x_d =
// u_d/inputDilation_d. Channel groups (feature_group_count = G): c = g·I + i
// with g = o / (O/G). Batch groups (batch_group_count = G): c = i and
// b = g·B' + b' with g = o / (O/G), B' = B/G. Paddings may be negative
// (they crop the input).
//
// Algorithms:
//
//   - GEMM lowering via im2col (Chellapilla, Puri & Simard, "High Performance
//     Convolutional Neural Networks for Document Processing", 2006): the
//     patches of a chunk of output positions are copied into a small reusable
//     buffer and multiplied by the kernel with one gemm.Sgemm per group and
//     chunk (im2col.go, gemmconv.go). The rows of the product are output
//     pixels, so for channels-last tensors (NHWC input, HWIO kernel, NHWC
//     output) the GEMM writes straight into the output.
//   - A "dual" GEMM lowering for convolutions whose contraction is much larger
//     than their output, the shape of the kernel gradient (where the batch
//     axis plays the channel role): the contraction over batch×spatial is
//     chunked and accumulated, again without transposing the large tensors
//     when they are NHWC.
//   - Input (lhs) dilation, the shape of the input gradient of a strided
//     convolution, is decomposed into stride phases (sub-pixel convolution,
//     see Dumoulin & Visin, "A guide to convolution arithmetic for deep
//     learning", arXiv:1603.07285): the zero taps of the dilated input are
//     never visited (phases.go).
//   - Depthwise convolutions (one input channel per group, any channel
//     multiplier, and the corresponding input and kernel gradients) use
//     direct vectorised loops instead of tiny GEMMs (depthwise.go).
//   - Other layouts are transposed to a canonical one with cache-blocked copy
//     kernels (layout.go).
//
// Work is split over GOMAXPROCS goroutines in fixed-size pieces, so results
// do not depend on the number of threads.
package conv
