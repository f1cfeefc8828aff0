package conv

// gatherRows is the copy kernel of im2col: for r in [0, nrows) and run k,
//
//	dst[r·dstStride + k·runLen : +runLen] = src[offs[k] + r·srcStep : +runLen]
//
// or zeros when offs[k] < 0. On amd64 with AVX-512, float32 rows are copied
// by gatherRowsAVX512 (64-byte moves and a masked tail) instead of one
// memmove call per run.
func gatherRows[T float](dst []T, dstStride int, src []T, offs []int, runLen, nrows, srcStep int) {
	if nrows <= 0 || runLen <= 0 || len(offs) == 0 {
		return
	}
	rowLen := len(offs) * runLen
	if dstStride < rowLen || (nrows-1)*dstStride+rowLen > len(dst) || srcStep < 0 {
		panic("conv: internal error: gatherRows destination out of range")
	}
	for _, o := range offs {
		if o >= 0 && o+(nrows-1)*srcStep+runLen > len(src) {
			panic("conv: internal error: gatherRows source out of range")
		}
	}
	if d32, ok := any(dst).([]float32); ok && useAVX512 {
		s32 := any(src).([]float32)
		gatherRowsAVX512(&d32[0], dstStride, &s32[0], &offs[0], len(offs), runLen, nrows, srcStep, tailMask(runLen))
		return
	}
	for r := 0; r < nrows; r++ {
		row := dst[r*dstStride : r*dstStride+rowLen]
		for k, o := range offs {
			d := row[k*runLen : (k+1)*runLen]
			if o < 0 {
				clear(d)
				continue
			}
			s := o + r*srcStep
			copy(d, src[s:s+runLen])
		}
	}
}
