package kernels

import "golang.org/x/sys/cpu"

// AVX-512 loops of the elementwise kernels (elementwise_amd64.s), called only
// through Go wrappers that check the lengths first; other CPUs use the Go loops.
// Each lane computes the same IEEE operation as the Go loop, so results are
// bitwise equal (NaN payloads aside: either way the result is a NaN).

// useAVX512 selects the assembly loops.
var useAVX512 = cpu.X86.HasAVX512F

//go:noescape
func addVVAVX512(dst, a, b *float32, n int)

//go:noescape
func subVVAVX512(dst, a, b *float32, n int)

//go:noescape
func mulVVAVX512(dst, a, b *float32, n int)

//go:noescape
func divVVAVX512(dst, a, b *float32, n int)

// The VS loops compute dst[i] = a[i] op s, the SV loops dst[i] = s op a[i].

//go:noescape
func addVSAVX512(dst, a *float32, s float32, n int)

//go:noescape
func subVSAVX512(dst, a *float32, s float32, n int)

//go:noescape
func mulVSAVX512(dst, a *float32, s float32, n int)

//go:noescape
func divVSAVX512(dst, a *float32, s float32, n int)

//go:noescape
func addSVAVX512(dst, a *float32, s float32, n int)

//go:noescape
func subSVAVX512(dst, a *float32, s float32, n int)

//go:noescape
func mulSVAVX512(dst, a *float32, s float32, n int)

//go:noescape
func divSVAVX512(dst, a *float32, s float32, n int)

//go:noescape
func reluAVX512(dst, a *float32, n int)

//go:noescape
func reluGradAVX512(out, v, d *float32, n int)
