package conv

// Inner loops of the direct (depthwise) convolutions. Each has a portable
// generic version and, for float32 on amd64 with AVX-512, an assembly one
// (depthwise_amd64.s). The assembly is called only after the bounds of every
// access have been checked here.

// dwLine computes n output pixels of a direct convolution:
//
//	y[k·yStep + c] = Σ_t x[xOff[t] + k·xStep + c] · w[wOff[t] + c]
//
// for k in [0, n) and c in [0, e), summing the taps t in order (zero when
// there is none).
func dwLine[T float](y []T, yStep int, x []T, xStep int, xOff, wOff []int, w []T, e, n int) {
	if n <= 0 || e <= 0 {
		return
	}
	checkRange(len(y), 0, yStep, n, e)
	for t := range xOff {
		checkRange(len(x), xOff[t], xStep, n, e)
		checkRange(len(w), wOff[t], 0, 1, e)
	}
	if y32, ok := any(y).([]float32); ok && useAVX512 && e >= 8 {
		x32, w32 := any(x).([]float32), any(w).([]float32)
		var xo, wo *int
		if len(xOff) > 0 {
			xo, wo = &xOff[0], &wOff[0]
		}
		dwLineAVX512(&y32[0], yStep, &x32[0], xStep, xo, wo, len(xOff), &w32[0], e, n, tailMask(e))
		return
	}
	if y32, ok := any(y).([]float32); ok && useAVX512 && e == 1 && yStep == 1 && xStep == 1 && n >= 4 && len(xOff) > 0 {
		// One lane (single-channel convolutions): vectorise over pixels.
		x32, w32 := any(x).([]float32), any(w).([]float32)
		dwPixelsAVX512(&y32[0], &x32[0], &xOff[0], &wOff[0], len(xOff), &w32[0], n, tailMask(n))
		return
	}
	dwLineGo(y, yStep, x, xStep, xOff, wOff, w, e, n)
}

// dwGradLine accumulates, for c in [0, e),
//
//	acc[c] += Σ_{j<n} x[xo + j·xStep + c] · v[vo + j·vStep + c].
func dwGradLine[T float](acc, x []T, xo, xStep int, v []T, vo, vStep, n, e int) {
	if n <= 0 || e <= 0 {
		return
	}
	checkRange(len(acc), 0, 0, 1, e)
	checkRange(len(x), xo, xStep, n, e)
	checkRange(len(v), vo, vStep, n, e)
	if a32, ok := any(acc).([]float32); ok && useAVX512 && e >= 8 {
		x32, v32 := any(x).([]float32), any(v).([]float32)
		dwGradLineAVX512(&a32[0], &x32[xo], xStep, &v32[vo], vStep, n, e, tailMask(e))
		return
	}
	if a32, ok := any(acc).([]float32); ok && useAVX512 && e == 1 && xStep == 1 && vStep == 1 && n >= 4 {
		x32, v32 := any(x).([]float32), any(v).([]float32)
		a32[0] += dotAVX512(&x32[xo], &v32[vo], n, tailMask(n))
		return
	}
	dwGradLineGo(acc, x, xo, xStep, v, vo, vStep, n, e)
}

// checkRange panics unless off + k·step + c is in [0, length) for all k in
// [0, n) and c in [0, e) (step >= 0).
func checkRange(length, off, step, n, e int) {
	if off < 0 || step < 0 || off+(n-1)*step+e > length {
		panic("conv: internal error: out-of-bounds access in a direct convolution loop")
	}
}

// tailMask is the AVX-512 lane mask of the last e%16 channels.
func tailMask(e int) int { return 1<<(e%16) - 1 }

func dwLineGo[T float](y []T, yStep int, x []T, xStep int, xOff, wOff []int, w []T, e, n int) {
	if e == 1 {
		// One lane: loop over pixels innermost.
		for k := 0; k < n; k++ {
			y[k*yStep] = 0
		}
		for t := range xOff {
			wv := w[wOff[t]]
			xo := xOff[t]
			for k := 0; k < n; k++ {
				y[k*yStep] += x[xo+k*xStep] * wv
			}
		}
		return
	}
	for k := 0; k < n; k++ {
		yk := y[k*yStep : k*yStep+e]
		if len(xOff) == 0 {
			clear(yk)
			continue
		}
		base := k * xStep
		xs := x[xOff[0]+base : xOff[0]+base+e]
		ws := w[wOff[0] : wOff[0]+e]
		for c := range yk {
			yk[c] = xs[c] * ws[c]
		}
		for t := 1; t < len(xOff); t++ {
			xs := x[xOff[t]+base : xOff[t]+base+e]
			ws := w[wOff[t] : wOff[t]+e]
			for c := range yk {
				yk[c] += xs[c] * ws[c]
			}
		}
	}
}

func dwGradLineGo[T float](acc, x []T, xo, xStep int, v []T, vo, vStep, n, e int) {
	if e == 1 {
		var s T
		for j := 0; j < n; j++ {
			s += x[xo+j*xStep] * v[vo+j*vStep]
		}
		acc[0] += s
		return
	}
	a := acc[:e]
	for j := 0; j < n; j++ {
		xs := x[xo+j*xStep : xo+j*xStep+e]
		vs := v[vo+j*vStep : vo+j*vStep+e]
		for c := range a {
			a[c] += xs[c] * vs[c]
		}
	}
}
