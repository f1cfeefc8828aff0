//go:build !amd64

package kernels

// Stubs of the amd64 loops (see elementwise_amd64.go); never called since
// useAVX512 is false.

var useAVX512 = false

func addVVAVX512(dst, a, b *float32, n int)         { panic("unreachable") }
func subVVAVX512(dst, a, b *float32, n int)         { panic("unreachable") }
func mulVVAVX512(dst, a, b *float32, n int)         { panic("unreachable") }
func divVVAVX512(dst, a, b *float32, n int)         { panic("unreachable") }
func addVSAVX512(dst, a *float32, s float32, n int) { panic("unreachable") }
func subVSAVX512(dst, a *float32, s float32, n int) { panic("unreachable") }
func mulVSAVX512(dst, a *float32, s float32, n int) { panic("unreachable") }
func divVSAVX512(dst, a *float32, s float32, n int) { panic("unreachable") }
func addSVAVX512(dst, a *float32, s float32, n int) { panic("unreachable") }
func subSVAVX512(dst, a *float32, s float32, n int) { panic("unreachable") }
func mulSVAVX512(dst, a *float32, s float32, n int) { panic("unreachable") }
func divSVAVX512(dst, a *float32, s float32, n int) { panic("unreachable") }
func reluAVX512(dst, a *float32, n int)             { panic("unreachable") }
func reluGradAVX512(out, v, d *float32, n int)      { panic("unreachable") }
