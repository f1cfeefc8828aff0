package conv

import "golang.org/x/sys/cpu"

// useAVX512 selects the AVX-512 loops of depthwise_amd64.s.
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

// gatherRowsAVX512 is gatherRows for float32 (pointers to element 0 of dst,
// src and offs; mask = tailMask(runLen)).
//
//go:noescape
func gatherRowsAVX512(dst *float32, dstStride int, src *float32, offs *int, nruns, runLen, nrows, srcStep, mask int)
