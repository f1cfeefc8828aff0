//go:build !amd64

package conv

const useAVX512 = false

func dwLineAVX512(y *float32, yStep int, x *float32, xStep int, xOff, wOff *int, ntaps int, w *float32, e, n, mask int) {
	panic("unreachable")
}

func dwGradLineAVX512(acc, x *float32, xStep int, v *float32, vStep, n, e, mask int) {
	panic("unreachable")
}

func gatherRowsAVX512(dst *float32, dstStride int, src *float32, offs *int, nruns, runLen, nrows, srcStep, mask int) {
	panic("unreachable")
}
