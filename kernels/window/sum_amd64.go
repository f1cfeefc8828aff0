package window

import "golang.org/x/sys/cpu"

// useAVX512 selects the AVX-512 loops of the Sum reduction over float32
// (tests switch it off to cover the portable loops).
var useAVX512 = cpu.X86.HasAVX512F

// addIntoAVX512 sets dst[i] += src[i] for i < n (see sum_amd64.s).
//
//go:noescape
func addIntoAVX512(dst, src *float32, n int)

// plusZeroAVX512 sets dst[i] = 0 + src[i] for i < n (see sum_amd64.s).
//
//go:noescape
func plusZeroAVX512(dst, src *float32, n int)
