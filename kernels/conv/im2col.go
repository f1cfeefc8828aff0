package conv

// im2col (Chellapilla, Puri & Simard 2006): lowering a convolution to a
// matrix product by copying, for every output position, the input patch it
// sees into one row (or column) of a panel.
//
// Two panel shapes are used, both built one chunk at a time in a small
// reusable buffer, for one phase (see phases.go) and one group g:
//
//   - Channels-last panel (im2colCL), for inputs whose channels are
//     contiguous: row (b', t) — output batch b' and phase position t — holds
//     the patch in (tap, channel) order:
//     col[(b',t), (j,i)] = in[b'+g·gBatch, g·gChan+i, x(t,j)].
//     The forward product is out[(b',t), o] = col · K[(j,i), o].
//   - Batch-last panel (im2colCLd), for inputs whose batch elements are
//     contiguous, as in the kernel gradient where the conv input is x with
//     its batch and channel roles swapped: row (i, j) — input channel and
//     tap, the contraction index — holds
//     E[(i,j), (t,b')] = in[b'+g·gBatch, g·gChan+i, x(t,j)],
//     and out[(t,b'), o] = Eᵀ · K[(i,j), o], accumulated over row chunks.
//
// x(t,j) is the input position with x_d = t_d·stride_d + base_d[j_d];
// positions outside the input (padding) read as zero. Where consecutive taps
// read consecutive input pixels and the copied channels fill the pixel, the
// copies of a patch row are merged into one.

// outerOffsets fills off[J] for every combination J of taps on the axes
// other than the last (row-major over ph.ax[:nd-1]) with
// base + Σ_d x_d·strides[d], or -1 when some x_d is outside the input, for
// the output multi-index t (only t[:nd-1] is used).
func outerOffsets(off []int, ph *phase, t []int, base int, strides []int) {
	nd := len(ph.ax)
	off[0] = base
	n := 1
	for d := 0; d < nd-1; d++ {
		a := &ph.ax[d]
		k := len(a.taps)
		p0 := t[d] * a.stride
		// Expand: each existing combination times the taps of axis d.
		for J := n - 1; J >= 0; J-- {
			o := off[J]
			for j := k - 1; j >= 0; j-- {
				x := p0 + a.base[j]
				if o < 0 || x < 0 || x >= a.n {
					off[J*k+j] = -1
				} else {
					off[J*k+j] = o + x*strides[d]
				}
			}
		}
		n *= k
	}
}

// im2colCL fills col (rows [r0, r1) of the channels-last panel of phase ph
// and group g, each of length kc = nTaps·Ig) from in, whose channel stride
// is 1. off and runs are scratch of length ≥ nTaps; t of length nd.
func im2colCL[T float](col []T, kc int, in []T, pr *problem, ph *phase, g, r0, r1 int, off, runs, t []int) {
	nd := pr.nd
	L := nd - 1
	aL := &ph.ax[L]
	kl := len(aL.taps)
	cntL := aL.count
	nJ := ph.nTaps / kl
	ig := pr.Ig
	inSL := pr.inS[L]
	merge := aL.unit && (inSL == ig || kl == 1)
	seg := kl * ig
	iLo, iHi := lastAxisInterior(aL)
	for r := r0; r < r1; {
		b := r / ph.nPos
		rem := r - b*ph.nPos
		ph.decode(rem, t)
		tl0 := t[L]
		n := min(cntL-tl0, r1-r)
		outerOffsets(off, ph, t, (b+g*pr.gBatch)*pr.inB+g*pr.gChan*pr.inC, pr.inS)
		// Interior pixels (every last-axis tap inside the input): one
		// gather of nJ runs (merged taps) or nJ·kl runs per row.
		lo, hi := max(tl0, iLo), min(tl0+n, iHi)
		if lo < hi {
			runs := runs[:0]
			runLen := seg
			for J := 0; J < nJ; J++ {
				if merge {
					if off[J] < 0 {
						runs = append(runs, -1)
					} else {
						runs = append(runs, off[J]+(lo*aL.stride+aL.base[0])*inSL)
					}
					continue
				}
				runLen = ig
				for jl := 0; jl < kl; jl++ {
					if off[J] < 0 {
						runs = append(runs, -1)
					} else {
						runs = append(runs, off[J]+(lo*aL.stride+aL.base[jl])*inSL)
					}
				}
			}
			gatherRows(col[(r-r0+lo-tl0)*kc:], kc, in, runs, runLen, hi-lo, aL.stride*inSL)
		}
		for tl := tl0; tl < tl0+n; tl++ {
			if tl >= lo && tl < hi {
				continue
			}
			row := col[(r-r0+tl-tl0)*kc : (r-r0+tl-tl0+1)*kc]
			p0 := tl * aL.stride
			for J := 0; J < nJ; J++ {
				dst := row[J*seg : (J+1)*seg]
				o := off[J]
				if o < 0 {
					clear(dst)
					continue
				}
				for jl := 0; jl < kl; jl++ {
					x := p0 + aL.base[jl]
					d := dst[jl*ig : (jl+1)*ig]
					if x < 0 || x >= aL.n {
						clear(d)
					} else if ig == 1 {
						d[0] = in[o+x*inSL]
					} else {
						s := o + x*inSL
						copy(d, in[s:s+ig])
					}
				}
			}
		}
		r += n
	}
}

// lineOffsets fills off[l] for every line l (multi-index over the output
// counts of the axes other than the last) with base + Σ_d x_d·strides[d]
// for the taps jj, or -1 when some x_d is outside the input.
func lineOffsets(off []int, ph *phase, jj []int, base int, strides []int) {
	off[0] = base
	n := 1
	for d := 0; d < len(ph.ax)-1; d++ {
		a := &ph.ax[d]
		x0 := a.base[jj[d]]
		for l := n - 1; l >= 0; l-- {
			o := off[l]
			for tt := a.count - 1; tt >= 0; tt-- {
				x := x0 + tt*a.stride
				if o < 0 || x < 0 || x >= a.n {
					off[l*a.count+tt] = -1
				} else {
					off[l*a.count+tt] = o + x*strides[d]
				}
			}
		}
		n *= a.count
	}
}

// im2colCLd fills e (rows [q0, q1) of the batch-last panel of phase ph and
// group g, each of length m = nPos·Bo) from in, whose batch stride is 1.
// q = i·nTaps + j. off is scratch of length ≥ nPos/(last axis count), runs
// of length ≥ nPos; t and jj of length nd.
func im2colCLd[T float](e []T, m int, in []T, pr *problem, ph *phase, g, q0, q1 int, off, runs, jj []int) {
	nd := pr.nd
	L := nd - 1
	aL := &ph.ax[L]
	cntL := aL.count
	kl := len(aL.taps)
	bo := pr.Bo
	inSL := pr.inS[L]
	nLines := ph.nPos / cntL
	seg := cntL * bo
	merge := aL.stride == 1 && (inSL == bo || cntL == 1)
	// Last-axis taps for which every output position reads inside the input.
	jlo, jhi := 0, kl
	for jlo < jhi && !(aL.base[jlo] >= 0 && aL.base[jlo]+(cntL-1)*aL.stride < aL.n) {
		jlo++
	}
	for jhi > jlo && !(aL.base[jhi-1] >= 0 && aL.base[jhi-1]+(cntL-1)*aL.stride < aL.n) {
		jhi--
	}
	dBase := 0
	if kl > 1 {
		dBase = aL.base[1] - aL.base[0]
	}
	for q := q0; q < q1; {
		i := q / ph.nTaps
		ph.decodeTaps(q-i*ph.nTaps, jj)
		j0 := jj[L]
		n := min(kl-j0, q1-q)
		lineOffsets(off, ph, jj, (g*pr.gChan+i)*pr.inC+g*pr.gBatch*pr.inB, pr.inS)
		lo, hi := max(j0, jlo), min(j0+n, jhi)
		if lo < hi {
			runs := runs[:0]
			runLen := seg
			xb := aL.base[lo]
			for l := 0; l < nLines; l++ {
				if merge {
					if off[l] < 0 {
						runs = append(runs, -1)
					} else {
						runs = append(runs, off[l]+xb*inSL)
					}
					continue
				}
				runLen = bo
				for tl := 0; tl < cntL; tl++ {
					if off[l] < 0 {
						runs = append(runs, -1)
					} else {
						runs = append(runs, off[l]+(xb+tl*aL.stride)*inSL)
					}
				}
			}
			gatherRows(e[(q-q0+lo-j0)*m:], m, in, runs, runLen, hi-lo, dBase*inSL)
		}
		for jl := j0; jl < j0+n; jl++ {
			if jl >= lo && jl < hi {
				continue
			}
			row := e[(q-q0+jl-j0)*m : (q-q0+jl-j0+1)*m]
			xb := aL.base[jl]
			for l := 0; l < nLines; l++ {
				dst := row[l*seg : (l+1)*seg]
				o := off[l]
				if o < 0 {
					clear(dst)
					continue
				}
				for tl := 0; tl < cntL; tl++ {
					x := xb + tl*aL.stride
					d := dst[tl*bo : (tl+1)*bo]
					if x < 0 || x >= aL.n {
						clear(d)
					} else if bo == 1 {
						d[0] = in[o+x*inSL]
					} else {
						s := o + x*inSL
						copy(d, in[s:s+bo])
					}
				}
			}
		}
		q += n
	}
}
