//go:build !amd64

package window

// useAVX512 is false: the AVX-512 loops exist on amd64 only.
var useAVX512 = false

func addIntoAVX512(dst, src *float32, n int)  { panic("unreachable") }
func plusZeroAVX512(dst, src *float32, n int) { panic("unreachable") }
