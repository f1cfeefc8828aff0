package gemm

import "golang.org/x/sys/cpu"

// kernelAVX512 computes a 14×32 tile with AVX-512F (see gemm_amd64.s).
//
//go:noescape
func kernelAVX512(k int, a *float32, ars, aks uintptr, b *float32, bks uintptr, c *float32, ldc uintptr, alpha, beta float32, pf, pfs uintptr)

// kernelAVX512N16 computes a 14×16 tile with AVX-512F (see gemm_amd64.s).
//
//go:noescape
func kernelAVX512N16(k int, a *float32, ars, aks uintptr, b *float32, bks uintptr, c *float32, ldc uintptr, alpha, beta float32, pf, pfs uintptr)

// kernelAVX2 computes a 6×16 tile with AVX2 and FMA3 (see gemm_amd64.s).
//
//go:noescape
func kernelAVX2(k int, a *float32, ars, aks uintptr, b *float32, bks uintptr, c *float32, ldc uintptr, alpha, beta float32, pf, pfs uintptr)

// Blocking for 48 KiB L1d and 2 MiB L2 per core (Sapphire/Emerald Rapids):
// an A micro-panel (14×384 floats, 21 KiB) stays in L1 while a packed B block
// (384×1024 floats, 1.5 MiB) streams from L2.
var implAVX512 = &impl{name: "avx512", mr: 14, nr: 32, kc: 384, mc: 14 * 24, nc: 1024, aOuter: true, kern: kernelAVX512, narrow: implAVX512N16}

// implAVX512N16 is the AVX-512 kernel for products with at most 16 columns
// (convolutions with 16 output or input channels), which the 14×32 kernel
// would run at half speed, half of each tile being zero padding. Same
// blocking as implAVX512.
var implAVX512N16 = &impl{name: "avx512n16", mr: 14, nr: 16, kc: 384, mc: 14 * 24, nc: 1024, aOuter: true, kern: kernelAVX512N16}

// copyRunsAVX512 is copyRuns for w <= width <= 32 with AVX-512 masked moves
// (see gemm_amd64.s and runMasks).
//
//go:noescape
func copyRunsAVX512(dst *float32, dstStride uintptr, src *float32, srcStride uintptr, n int, lo, hi uint64)

// hasAVX512 reports whether copyRunsAVX512 can run.
var hasAVX512 = cpu.X86.HasAVX512F

// The AVX2 kernel uses the same blocking (A micro-panel 6×384 floats).
var implAVX2 = &impl{name: "avx2", mr: 6, nr: 16, kc: 384, mc: 6 * 56, nc: 1024, aOuter: true, kern: kernelAVX2}

// availableImpls lists the micro-kernels this CPU (and OS) supports, fastest first.
func availableImpls() []*impl {
	var l []*impl
	if cpu.X86.HasAVX512F {
		l = append(l, implAVX512, implAVX512N16)
	}
	if cpu.X86.HasAVX2 && cpu.X86.HasFMA && cpu.X86.HasAVX {
		l = append(l, implAVX2)
	}
	return append(l, implGeneric)
}
