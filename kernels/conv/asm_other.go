//go:build !amd64

package conv

// Stubs of the amd64 kernels (see asm_amd64.go); never called since
// useAVX512 is false.

const useAVX512 = false

func dwLineAVX512(y *float32, yStep int, x *float32, xStep int, xOff, wOff *int, ntaps int, w *float32, e, n, mask int) {
	panic("unreachable")
}

func dwGradLineAVX512(acc, x *float32, xStep int, v *float32, vStep, n, e, mask int) {
	panic("unreachable")
}

func dwPixelsAVX512(y, x *float32, xOff, wOff *int, ntaps int, w *float32, n, mask int) {
	panic("unreachable")
}

func dotAVX512(x, v *float32, n, mask int) float32 { panic("unreachable") }

func gatherRowsAVX512(dst *float32, dstStride int, src *float32, offs *int, nruns, runLen, nrows, srcStep, mask int) {
	panic("unreachable")
}

func transposeAVX512(dst *float32, dsU int, src *float32, ss, nu, nl int, idx *int32, mask int) {
	panic("unreachable")
}
