package batchnorm

import "golang.org/x/sys/cpu"

// AVX-512 loops of the channels-last kernels (simd_amd64.s), called only through
// wrappers that have checked the lengths; other CPUs use the Go loops. Each
// channel's operations and their order are those of the Go loops, so results are
// bitwise equal.

// useAVX512 selects the assembly loops.
var useAVX512 = cpu.X86.HasAVX512F

//go:noescape
func affineAVX512(y, x, m, a, b *float32, rows, c int)

//go:noescape
func gradAffineAVX512(gx, x, dy, m, k1, k2, k3 *float32, rows, c int)

//go:noescape
func sumsAVX512(acc *float64, x *float32, rows, c int)

//go:noescape
func sqDevSumsAVX512(acc *float64, x *float32, mean *float64, rows, c int)

//go:noescape
func gradSumsAVX512(sdy, sdyx *float64, x, dy *float32, mean *float64, rows, c int)
