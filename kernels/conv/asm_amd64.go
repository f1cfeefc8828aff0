package conv

import "golang.org/x/sys/cpu"

// AVX-512 kernels (depthwise_amd64.s, gather_amd64.s, transpose_amd64.s).
// They are called only through the Go wrappers, which check the bounds of
// every access first; other CPUs and architectures use the generic loops.

// useAVX512 selects the assembly kernels.
var useAVX512 = cpu.X86.HasAVX512F

// dwLineAVX512 is dwLine for float32 (pointers to element 0 of y, x, w,
// xOff and wOff; mask = tailMask(e)).
//
//go:noescape
func dwLineAVX512(y *float32, yStep int, x *float32, xStep int, xOff, wOff *int, ntaps int, w *float32, e, n, mask int)

// dwGradLineAVX512 is dwGradLine for float32 (x and v point to element xo
// and vo; mask = tailMask(e)).
//
//go:noescape
func dwGradLineAVX512(acc, x *float32, xStep int, v *float32, vStep, n, e, mask int)

// dwPixelsAVX512 is dwLine for float32 with e == 1 and unit pixel steps.
//
//go:noescape
func dwPixelsAVX512(y, x *float32, xOff, wOff *int, ntaps int, w *float32, n, mask int)

// dotAVX512 returns Σ_{j<n} x[j]·v[j] (n > 0).
//
//go:noescape
func dotAVX512(x, v *float32, n, mask int) float32

// gatherRowsAVX512 is gatherRows for float32 (pointers to element 0 of dst,
// src and offs; mask = tailMask(runLen)).
//
//go:noescape
func gatherRowsAVX512(dst *float32, dstStride int, src *float32, offs *int, nruns, runLen, nrows, srcStep, mask int)

// transposeAVX512 sets dst[u·dsU + l] = src[u + l·ss] for u < nu, l < nl
// (idx[i] = i·ss, mask = tailMask(nl)).
//
//go:noescape
func transposeAVX512(dst *float32, dsU int, src *float32, ss, nu, nl int, idx *int32, mask int)
