//go:build !amd64

package batchnorm

// Stubs of the amd64 loops (see asm_amd64.go); never called since useAVX512 is
// false.

var useAVX512 = false

func affineAVX512(y, x, m, a, b *float32, rows, c int)                     { panic("unreachable") }
func gradAffineAVX512(gx, x, dy, m, k1, k2, k3 *float32, rows, c int)      { panic("unreachable") }
func sumsAVX512(acc *float64, x *float32, rows, c int)                     { panic("unreachable") }
func sqDevSumsAVX512(acc *float64, x *float32, mean *float64, rows, c int) { panic("unreachable") }
func gradSumsAVX512(sdy, sdyx *float64, x, dy *float32, mean *float64, rows, c int) {
	panic("unreachable")
}
