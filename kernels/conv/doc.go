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
// with g = o / (O/G), b = b'. Batch groups (batch_group_count = G): c = i and
// b = g·B' + b' with g = o / (O/G), B' = B/G. Paddings may be negative (they
// crop the input). Axes may be laid out in any order, with any number of
// spatial axes.
//
// Algorithms (one file each):
//
//   - GEMM lowering via im2col (Chellapilla, Puri & Simard, "High Performance
//     Convolutional Neural Networks for Document Processing", 2006): the
//     patches of a chunk of output positions are copied into a small reusable
//     panel and multiplied by the kernel with one kernels/gemm call per group
//     and chunk (im2col.go, gemmconv.go). Panel rows are output pixels, so for
//     channels-last tensors (NHWC input, HWIO or HWOI kernel, NHWC output) the
//     GEMM writes straight into the output, and 1×1 convolutions need no
//     panel at all.
//   - A dual GEMM lowering for convolutions whose contraction is larger than
//     their output — the kernel gradient, where the batch axis plays the
//     channel role: the contraction over batch × pixels is chunked and
//     accumulated into a few partial sums, reading NHWC tensors in place.
//   - Input (lhs) dilation, the shape of the input gradient of a strided
//     convolution, is decomposed into stride phases (sub-pixel convolution,
//     see Dumoulin & Visin, "A guide to convolution arithmetic for deep
//     learning", arXiv:1603.07285): the zero taps of the dilated input are
//     never visited (phases.go).
//   - Depthwise-like convolutions (one input or one output channel per group)
//     and their XLA-style kernel gradient (batch_group_count with one batch
//     element per group) use direct vectorised loops instead of tiny GEMMs
//     (depthwise.go).
//   - Other layouts (e.g. NCHW) are transposed to channels-last with
//     cache-blocked copies (layout.go).
//
// On amd64 with AVX-512 the inner loops of the float32 direct convolutions,
// the im2col copies and the transpositions are in assembly; elsewhere, and
// for float64, portable Go loops are used.
//
// Work is split over GOMAXPROCS goroutines in pieces whose results do not
// depend on the number of goroutines, so results are reproducible.
//
// Gradients: GoMLX (v0.28.2, core/graph/ops_convolve.go) differentiates
// ConvGeneral into two more ConvGeneral calls — the input gradient (input
// dilation = strides, reversed kernel with swapped channel axes) and the
// kernel gradient (batch and channel roles of x swapped, contraction over
// batch × output pixels) — which both have fast paths here. For grouped
// convolutions GoMLX v0.28.2 splits the tensors and issues those calls once
// per group; the XLA/JAX-style gradients (feature_group_count for the input
// gradient, batch_group_count for the kernel gradient) avoid that and hit
// the depthwise fast paths. The tests reproduce both forms.
package conv
