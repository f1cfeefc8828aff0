package conv

// Direct (im2col-free) loops for depthwise-like convolutions, where a GEMM
// would degenerate into many tiny products.
//
// runDirect handles every convolution without batch groups in which each
// group has a single input channel (Ig == 1: depthwise, channel multiplier
// m = Og <= maxDirectMultiplier) or a single output channel (Og == 1: the
// input gradient of a depthwise convolution with multiplier m = Ig, as
// XLA/JAX emit it with feature_group_count, or any convolution with one
// output channel per group). Both are rewritten as an elementwise product over E
// "lanes" followed by a trivial lane-to-channel map:
//
//	Y[p', e] = Σ_tap X[p(p', tap), e] · W[tap, e]
//
//   - Ig == 1: E = O, X[p, e] = in[p, e/m] (the input is expanded, per batch
//     element, when m > 1), W[tap, e] = kernel[tap, 0, e], out[p', o] = Y[p', o].
//   - Og == 1: E = C, X = in, W[tap, e] = kernel[tap, e%Ig, e/Ig],
//     out[p', o] = Σ_i Y[p', o·Ig + i].
//
// The lanes are contiguous, so the inner loop is a vectorised
// multiply-accumulate over channels (assembly on amd64, see
// depthwise_kernels.go); for every output pixel all taps are accumulated in
// registers before the single store. Border pixels use the same loop with
// the taps that fall inside the input.
//
// runDirectKernelGrad handles the kernel gradient of such convolutions in
// its XLA form (batch_group_count = C, so each output channel reads one
// "batch" element, Bo == 1), and GoMLX's per-group form (B == 1), when the
// multiplier m = Og is at most maxDirectMultiplier: with the conv roles
// (conv batch = x's channels, conv channels = x's batch)
//
//	out[t, e] = Σ_i Σ_tap X_i[p(t, tap), e] · V[i, tap, e],  X_i[p, e] = in[b = e/m, i, p]
//
// where the taps run over the output-gradient's pixels and t over the few
// kernel positions. Fixed stripes of i accumulate into private partial sums,
// reduced in stripe order.

// maxDirectMultiplier is the largest channel multiplier (output channels
// per input channel) handled by the direct loops; beyond it every input
// value feeds enough outputs for a GEMM to be the better choice.
const maxDirectMultiplier = 4

// directLanes returns E and the channel multiplier of the expansion (m > 1
// only for Ig == 1 with several outputs per group).
func (pr *problem) directLanes() (e, m int) {
	if pr.Ig == 1 {
		return pr.O, pr.Og
	}
	return pr.C, 1
}

// gatherDirectWeights writes W[tap, e] of phase ph into w (nTaps × E).
func gatherDirectWeights[T float](w, ker []T, pr *problem, ph *phase, e int) {
	jj := make([]int, pr.nd)
	for tap := 0; tap < ph.nTaps; tap++ {
		ph.decodeTaps(tap, jj)
		base := 0
		for d, a := range ph.ax {
			base += a.taps[jj[d]] * pr.kS[d]
		}
		row := w[tap*e : (tap+1)*e]
		if pr.Ig == 1 {
			for c := range row {
				row[c] = ker[base+c*pr.kO]
			}
			continue
		}
		for c := range row {
			row[c] = ker[base+(c%pr.Ig)*pr.kI+(c/pr.Ig)*pr.kO]
		}
	}
}

// expandInput writes X[p, e] = in[base + pixel p + (e/m)·chanStride] for all
// input pixels p (dense, row-major over the input spatial axes) into x.
func expandInput[T float](x, in []T, pr *problem, base, chanStride, e, m int) {
	nd := pr.nd
	L := nd - 1
	nL, sL := pr.in[L], pr.inS[L]
	nc := e / m
	idx := make([]int, nd)
	nLines := pr.inputVolume() / nL
	for l := 0; l < nLines; l++ {
		y := l
		off := base
		for d := L - 1; d >= 0; d-- {
			idx[d] = y % pr.in[d]
			y /= pr.in[d]
			off += idx[d] * pr.inS[d]
		}
		dst := x[l*nL*e : (l+1)*nL*e]
		for p := 0; p < nL; p++ {
			row := dst[p*e : (p+1)*e]
			src := off + p*sL
			switch {
			case chanStride == 1 && m == 2:
				s := in[src : src+nc]
				row := row[:2*len(s)]
				for c, v := range s {
					row[2*c] = v
					row[2*c+1] = v
				}
			case chanStride == 1:
				s := in[src : src+nc]
				for c, v := range s {
					r := row[c*m : c*m+m]
					for j := range r {
						r[j] = v
					}
				}
			default:
				for c := 0; c < nc; c++ {
					v := in[src+c*chanStride]
					r := row[c*m : c*m+m]
					for j := range r {
						r[j] = v
					}
				}
			}
		}
	}
}

// reduceLanes sets out[o] = Σ_{i<ig} y[o·ig + i] for o < len(out).
func reduceLanes[T float](out, y []T, ig int) {
	if ig == 2 {
		y := y[:2*len(out)]
		for o := range out {
			out[o] = y[2*o] + y[2*o+1]
		}
		return
	}
	for o := range out {
		r := y[o*ig : o*ig+ig]
		s := r[0]
		for _, v := range r[1:] {
			s += v
		}
		out[o] = s
	}
}

// directTaps collects the taps of the output pixels of one line whose
// last-axis index t gives the valid last-axis tap range [jlo, jhi): input
// offsets (relative to the line's pixel 0) and weight offsets.
func directTaps(xOff, wOff []int, off []int, aL *axisPhase, jlo, jhi, xSL, e int) ([]int, []int) {
	xOff, wOff = xOff[:0], wOff[:0]
	kl := len(aL.taps)
	for J, o := range off {
		if o < 0 {
			continue
		}
		for jl := jlo; jl < jhi; jl++ {
			xOff = append(xOff, o+aL.base[jl]*xSL)
			wOff = append(wOff, (J*kl+jl)*e)
		}
	}
	return xOff, wOff
}

// lastAxisInterior returns the range of t along the last axis for which
// every tap is inside the input.
func lastAxisInterior(aL *axisPhase) (lo, hi int) {
	lo, hi = 0, aL.count
	for _, b := range aL.base {
		l, h := validRange(b, aL.stride, aL.n, aL.count)
		lo, hi = max(lo, l), min(hi, h)
	}
	return lo, max(lo, hi)
}

// runDirect computes a convolution with Ig == 1 or Og == 1 and no batch
// groups. Unless Ig == 1 and Og > 1 (expanded input), the input's channel
// stride must be 1 (or C == 1).
func runDirect[T float](pr *problem, in, ker, out []T) {
	nd := pr.nd
	L := nd - 1
	e, m := pr.directLanes()
	expand := m > 1
	writeDirect := pr.Ig == 1 // the output is dense [B', spatial..., O]
	// Strides of X: the expanded buffer is dense [spatial..., E].
	xS := pr.inS
	if expand {
		xS = denseStrides(append(append([]int(nil), pr.in...), e))[:nd]
	}
	// The expanded input is built per batch element inside the workers
	// (it then stays in cache), or, with few batch elements, for the whole
	// batch up front so that lines can be spread over the goroutines.
	inVol := pr.inputVolume()
	perBatch := expand && pr.Bo >= 2*numWorkers(pr.Bo)
	var xAll []T
	if expand && !perBatch {
		xb := getBuf[T](pr.B * inVol * e)
		defer putBuf(xb)
		xAll = *xb
		parallelFor(pr.B, func(b int) {
			expandInput(xAll[b*inVol*e:(b+1)*inVol*e], in, pr, b*pr.inB, pr.inC, e, m)
		})
	}
	for pi, phs := 0, pr.phases(); pi < len(phs); pi++ {
		ph := &phs[pi]
		if ph.nTaps == 0 {
			zeroPhase(out, pr, ph)
			continue
		}
		wb := getBuf[T](ph.nTaps * e)
		w := *wb
		gatherDirectWeights(w, ker, pr, ph, e)
		aL := &ph.ax[L]
		cntL := aL.count
		nLines := ph.nPos / cntL
		// Items: one batch element (expanded input) or a few lines.
		perItem := nLines
		if !perBatch {
			perItem = max(1, min(nLines, nLines*pr.Bo/(8*numWorkers(pr.Bo*nLines))))
		}
		chunks := (nLines + perItem - 1) / perItem
		iLo, iHi := lastAxisInterior(aL)
		parallelWorkers(pr.Bo*chunks, func(next func() (int, bool)) {
			var xb, yb *[]T
			if perBatch {
				xb = getBuf[T](inVol * e)
				defer putBuf(xb)
			}
			if !writeDirect {
				yb = getBuf[T](cntL * e)
				defer putBuf(yb)
			}
			off := make([]int, ph.nTaps)
			xOff := make([]int, 0, ph.nTaps)
			wOff := make([]int, 0, ph.nTaps)
			t := make([]int, nd)
			for item, ok := next(); ok; item, ok = next() {
				b, c := item/chunks, item%chunks
				x, xBase := in, b*pr.inB
				switch {
				case perBatch:
					expandInput(*xb, in, pr, b*pr.inB, pr.inC, e, m)
					x, xBase = *xb, 0
				case expand:
					x, xBase = xAll, b*inVol*e
				}
				for l := c * perItem; l < min(nLines, (c+1)*perItem); l++ {
					ph.decode(l*cntL, t)
					outerOffsets(off, ph, t, xBase, xS)
					var y []T
					yOff, yStep := 0, e
					if writeDirect {
						y, yOff, yStep = out, pr.outputOffset(ph, b, t), aL.step*pr.outS[L]
					} else {
						y = *yb
					}
					xStep := aL.stride * xS[L]
					nOuter := ph.nTaps / len(aL.taps)
					for tl := 0; tl < cntL; {
						jlo, jhi := 0, len(aL.taps)
						tEnd := iHi
						if tl < iLo || tl >= iHi {
							// Border pixel: its own tap range.
							for jlo < jhi && !inside(tl*aL.stride+aL.base[jlo], aL.n) {
								jlo++
							}
							for jhi > jlo && !inside(tl*aL.stride+aL.base[jhi-1], aL.n) {
								jhi--
							}
							tEnd = tl + 1
						}
						xo, wo := directTaps(xOff, wOff, off[:nOuter], aL, jlo, jhi, xS[L], e)
						for k := range xo {
							xo[k] += tl * xStep
						}
						dwLine(y[yOff+tl*yStep:], yStep, x, xStep, xo, wo, w, e, tEnd-tl)
						tl = tEnd
					}
					if writeDirect {
						continue
					}
					// Reduce the groups of Ig lanes (Og == 1) into the dense
					// output.
					for tl := 0; tl < cntL; tl++ {
						t[L] = tl
						o0 := pr.outputOffset(ph, b, t)
						reduceLanes(out[o0:o0+pr.O], y[tl*e:(tl+1)*e], pr.Ig)
					}
				}
			}
		})
		putBuf(wb)
	}
}

func inside(x, n int) bool { return x >= 0 && x < n }

// runDirectKernelGrad computes a convolution with Bo == 1, no channel
// groups and one batch element per batch group (bg == B): the kernel
// gradient of a depthwise convolution. The input's batch stride must be 1
// (or B == 1) and the kernel's output-channel stride 1.
func runDirectKernelGrad[T float](pr *problem, in, ker, out []T) {
	nd := pr.nd
	L := nd - 1
	e := pr.O
	m := pr.Og // output channels per batch element
	expand := m > 1
	xS := pr.inS
	if expand {
		xS = denseStrides(append(append([]int(nil), pr.in...), e))[:nd]
	}
	nI := pr.Ig
	for pi, phs := 0, pr.phases(); pi < len(phs); pi++ {
		ph := &phs[pi]
		if ph.nTaps == 0 {
			zeroPhase(out, pr, ph)
			continue
		}
		aL := &ph.ax[L]
		kl := len(aL.taps)
		nOuter := ph.nTaps / kl
		// Steps between consecutive last-axis taps (arithmetic progressions).
		dBase, dTap := 0, 0
		if kl > 1 {
			dBase, dTap = aL.base[1]-aL.base[0], aL.taps[1]-aL.taps[0]
		}
		// Kernel offsets of the outer tap combinations.
		vOuter := make([]int, nOuter)
		jj := make([]int, nd)
		for J := range vOuter {
			ph.decodeTaps(J*kl, jj)
			for d := 0; d < L; d++ {
				vOuter[J] += ph.ax[d].taps[jj[d]] * pr.kS[d]
			}
		}
		stripes := min(nI, maxStripes)
		accLen := ph.nPos * e
		pb := getBuf[T](stripes * accLen)
		partial := *pb
		parallelWorkers(stripes, func(next func() (int, bool)) {
			var xb *[]T
			if expand {
				xb = getBuf[T](pr.inputVolume() * e)
				defer putBuf(xb)
			}
			off := make([]int, ph.nTaps)
			t := make([]int, nd)
			for s, ok := next(); ok; s, ok = next() {
				acc := partial[s*accLen : (s+1)*accLen]
				clear(acc)
				for i := s * nI / stripes; i < (s+1)*nI/stripes; i++ {
					x, xBase := in, i*pr.inC
					if expand {
						expandInput(*xb, in, pr, i*pr.inC, pr.inB, e, m)
						x, xBase = *xb, 0
					}
					vBase := i * pr.kI
					for tp := 0; tp < ph.nPos; tp++ {
						ph.decode(tp, t)
						outerOffsets(off, ph, t, xBase, xS)
						lo, hi := validRange(t[L]*aL.stride+aL.base[0], max(dBase, 1), aL.n, kl)
						if lo >= hi {
							continue
						}
						a := acc[tp*e : (tp+1)*e]
						x0 := (t[L]*aL.stride + aL.base[lo]) * xS[L]
						v0 := vBase + aL.taps[lo]*pr.kS[L]
						for J := 0; J < nOuter; J++ {
							if off[J] < 0 {
								continue
							}
							dwGradLine(a, x, off[J]+x0, dBase*xS[L], ker, vOuter[J]+v0, dTap*pr.kS[L], hi-lo, e)
						}
					}
				}
			}
		})
		// Reduce the stripes in order and scatter.
		acc := partial[:accLen]
		for s := 1; s < stripes; s++ {
			for k, v := range partial[s*accLen : (s+1)*accLen] {
				acc[k] += v
			}
		}
		t := make([]int, nd)
		for tp := 0; tp < ph.nPos; tp++ {
			ph.decode(tp, t)
			o0 := pr.outputOffset(ph, 0, t)
			for o, v := range acc[tp*e : (tp+1)*e] {
				out[o0+o*pr.outO] = v
			}
		}
		putBuf(pb)
	}
}
