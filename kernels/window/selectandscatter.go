package window

import "fmt"

// SelectAndScatter semantics (XLA SelectAndScatter with select = GE or LE, scatter
// = add, init_value = 0): out has the operand's shape and starts at 0. The window
// (with strides and paddings, no dilations) slides over the operand exactly as in
// ReduceWindow; source has one element per window position (the shape of the
// corresponding ReduceWindow output). For each window position, in row-major
// order, one operand element of the window is selected and the source value is
// added to out at that element. Selection visits the in-bounds taps of the
// window in row-major order, keeping the current selection a and moving to the
// next element b only when select(a, b) is false — so with GE the first maximum
// wins ties and with LE the first minimum (a NaN is replaced by the next element,
// and a NaN element replaces any selection, as with XLA's evaluator). Padding
// positions are never selected; a window that covers only padding scatters
// nothing. This is the gradient of max (min) pooling: out = Σ source over the
// windows whose selected element it is.

// SelectAndScatter computes XLA's SelectAndScatter (select GE if selectMax, else
// LE; scatter add; init 0) of operand (shape shape) and source (shape
// sourceShape, which must equal SelectAndScatterSourceShape of the arguments)
// into out, which has the operand's shape and is fully overwritten.
//
// window, strides and paddings hold one entry per axis, or are nil for the
// defaults (window 1, strides equal to the window, paddings 0); paddings may be
// negative. It panics on inconsistent arguments. Rank-4 NHWC windows (window,
// stride 1 and no padding on axes 0 and 3) take a fast path over contiguous
// channels.
func SelectAndScatter[T Float](selectMax bool, operand []T, shape []int, source []T, sourceShape []int, window, strides []int, paddings [][2]int, out []T) {
	rank := len(shape)
	if numElements(shape) != len(operand) || len(out) != len(operand) || numElements(sourceShape) != len(source) {
		panic(fmt.Sprintf("window.SelectAndScatter: len(operand)=%d, len(out)=%d for shape %v, len(source)=%d for shape %v",
			len(operand), len(out), shape, len(source), sourceShape))
	}
	if err := checkLens(rank, window, strides, nil, nil, paddings); err != nil {
		panic(err)
	}
	axes := resolveAxes("SelectAndScatter", shape, window, strides, nil, nil, paddings, sourceShape)
	clear(out)
	if len(source) == 0 || len(operand) == 0 {
		return
	}
	if rank == 4 && isNHWCPool(window, strides, nil, nil, paddings) {
		scatterNHWC(selectMax, operand, shape[0], shape[1], shape[2], shape[3], source, axes[1], axes[2], out)
		return
	}
	scatterGeneric(selectMax, operand, axes, source, out)
}

// scatterNHWC is the fast path: per source pixel, the valid taps of the window
// are visited in row-major order, each one a contiguous row of C channels, and
// the running selection (its flat index) is kept per channel.
func scatterNHWC[T Float](selectMax bool, operand []T, n, H, W, C int, source []T, h, w windowAxis, out []T) {
	OH, OW := h.out, w.out
	// Different images touch disjoint parts of out, so the batch can be split.
	parallelFor(n, len(source)*h.win*w.win, func(lo, hi int) {
		idx := make([]int, C)
		for b := lo; b < hi; b++ {
			for oh := range OH {
				hs := oh*h.stride - h.padLo
				i0, i1 := max(0, -hs), min(h.win, H-hs)
				if i1 <= i0 {
					continue
				}
				for ow := range OW {
					ws := ow*w.stride - w.padLo
					j0, j1 := max(0, -ws), min(w.win, W-ws)
					if j1 <= j0 {
						continue
					}
					first := ((b*H+hs+i0)*W + ws + j0) * C
					for c := range idx {
						idx[c] = first + c
					}
					for i := i0; i < i1; i++ {
						j := j0
						if i == i0 {
							j++
						}
						for ; j < j1; j++ {
							off := ((b*H+hs+i)*W + ws + j) * C
							if selectMax {
								selectGE(idx, operand, off)
							} else {
								selectLE(idx, operand, off)
							}
						}
					}
					src := source[((b*OH+oh)*OW+ow)*C : ((b*OH+oh)*OW+ow+1)*C]
					idx := idx[:len(src)]
					for c, s := range src {
						out[idx[c]] += s
					}
				}
			}
		}
	})
}

// selectGE moves the selection idx[c] (a flat index into operand) of each
// channel c to off+c unless operand[idx[c]] >= operand[off+c]. Only the index is
// kept, so that the compiler turns the update into a conditional move; not
// inlined, so that its loop keeps its registers.
//
//go:noinline
func selectGE[T Float](idx []int, operand []T, off int) {
	row := operand[off : off+len(idx)]
	idx = idx[:len(row)]
	for c, v := range row {
		i := idx[c]
		if !(operand[i] >= v) {
			i = off + c
		}
		idx[c] = i
	}
}

// selectLE is selectGE with <=.
//
//go:noinline
func selectLE[T Float](idx []int, operand []T, off int) {
	row := operand[off : off+len(idx)]
	idx = idx[:len(row)]
	for c, v := range row {
		i := idx[c]
		if !(operand[i] <= v) {
			i = off + c
		}
		idx[c] = i
	}
}

// scatterGeneric is the general path: any rank; the trailing untouched axes form
// a vector of v contiguous elements selected independently. When v == 1 (the
// innermost axis is windowed, e.g. NCHW) it hands over to scatterRows.
func scatterGeneric[T Float](selectMax bool, operand []T, axes []windowAxis, source []T, out []T) {
	lead, v := vectorAxes(axes)
	if lead == 0 { // Every window is a single element: out = source.
		copy(out, source)
		return
	}
	if v == 1 {
		scatterRows(selectMax, operand, axes, lead, source, out)
		return
	}
	tabs := tapTables(axes, lead)
	outer := len(source) / v
	taps := 1
	for _, ax := range axes[:lead] {
		taps *= ax.win
	}
	// Source positions along axis 0 touch disjoint operand ranges when windows
	// do not overlap along it: then the split over axis 0 is safe.
	work := len(source) * taps
	n0 := axes[0].out
	if axes[0].stride < axes[0].win {
		n0 = 1
	}
	per0 := outer / max(axes[0].out, 1)
	parallelFor(n0, work, func(lo0, hi0 int) {
		lo, hi := lo0*per0, hi0*per0
		if n0 == 1 {
			lo, hi = 0, outer
		}
		idx := make([]int, v)
		pos := make([]int, 2*lead)
		pos, k := pos[:lead], pos[lead:]
		for p, a := lo, lead-1; a >= 0; a-- {
			pos[a] = p % axes[a].out
			p /= axes[a].out
		}
		for p := lo; p < hi; p++ {
			first := true
			clear(k)
			for {
				off, ok := 0, true
				for a := range lead {
					t := tabs[a][pos[a]*axes[a].win+k[a]]
					if t < 0 {
						ok = false
						break
					}
					off += t
				}
				if ok {
					if first {
						for c := range idx {
							idx[c] = off + c
						}
						first = false
					} else if selectMax {
						selectGE(idx, operand, off)
					} else {
						selectLE(idx, operand, off)
					}
				}
				a := lead - 1
				for ; a >= 0; a-- {
					if k[a]++; k[a] < axes[a].win {
						break
					}
					k[a] = 0
				}
				if a < 0 {
					break
				}
			}
			if !first {
				src := source[p*v : (p+1)*v]
				for c, s := range src {
					out[idx[c]] += s
				}
			}
			for a := lead - 1; a >= 0; a-- {
				if pos[a]++; pos[a] < axes[a].out {
					break
				}
				pos[a] = 0
			}
		}
	})
}

// scatterRows is the general path when the innermost axis is windowed (v == 1):
// for each source row along the last leading axis, the taps are visited in
// row-major window order, each one a pass over the whole row that updates the
// selection (a flat operand index, -1 for none yet) of every window of the row.
func scatterRows[T Float](selectMax bool, operand []T, axes []windowAxis, lead int, source []T, out []T) {
	tabs := tapTables(axes, lead)
	last := axes[lead-1]
	spans := tapSpans(last) // no input dilation in SelectAndScatter
	OW, m := last.out, lead-1
	rows := len(source) / OW
	taps := 1
	for _, ax := range axes[:lead] {
		taps *= ax.win
	}
	// Rows with different positions along axis 0 touch disjoint operand ranges
	// when windows do not overlap along it: then the rows can be split by axis 0.
	n0, per0 := 1, rows
	if m >= 1 && axes[0].stride >= axes[0].win {
		n0, per0 = axes[0].out, rows/axes[0].out
	}
	parallelFor(n0, len(source)*taps, func(lo0, hi0 int) {
		lo, hi := lo0*per0, hi0*per0
		idx := make([]int, OW)
		pos := make([]int, 2*m)
		pos, k := pos[:m], pos[m:]
		for p, a := lo, m-1; a >= 0; a-- {
			pos[a] = p % axes[a].out
			p /= axes[a].out
		}
		for r := lo; r < hi; r++ {
			for i := range idx {
				idx[i] = -1
			}
			clear(k)
			for {
				base, ok := 0, true
				for a := range m {
					t := tabs[a][pos[a]*axes[a].win+k[a]]
					if t < 0 {
						ok = false
						break
					}
					base += t
				}
				if ok {
					for _, sp := range spans {
						if sp.hi <= sp.lo {
							continue
						}
						p0 := base + sp.lo*last.stride + sp.off
						if selectMax {
							scanGE(idx[sp.lo:sp.hi], operand, p0, last.stride)
						} else {
							scanLE(idx[sp.lo:sp.hi], operand, p0, last.stride)
						}
					}
				}
				a := m - 1
				for ; a >= 0; a-- {
					if k[a]++; k[a] < axes[a].win {
						break
					}
					k[a] = 0
				}
				if a < 0 {
					break
				}
			}
			src := source[r*OW : (r+1)*OW]
			src = src[:len(idx)]
			for w, i := range idx {
				if i >= 0 {
					out[i] += src[w]
				}
			}
			for a := m - 1; a >= 0; a-- {
				if pos[a]++; pos[a] < axes[a].out {
					break
				}
				pos[a] = 0
			}
		}
	})
}

// scanGE updates the selections idx[w] (flat operand indices, -1 for none) of
// consecutive windows with the tap operand[p0 + w*stride]: GE keeps the current
// selection. Written so that both updates compile to conditional moves; not
// inlined, so that its loop keeps its registers.
//
//go:noinline
func scanGE[T Float](idx []int, operand []T, p0, stride int) {
	for w, i := range idx {
		p := p0 + w*stride
		if i < 0 { // none yet: compares p with itself, keeping p (NaN too)
			i = p
		}
		if !(operand[i] >= operand[p]) {
			i = p
		}
		idx[w] = i
	}
}

// scanLE is scanGE with LE.
//
//go:noinline
func scanLE[T Float](idx []int, operand []T, p0, stride int) {
	for w, i := range idx {
		p := p0 + w*stride
		if i < 0 { // none yet: compares p with itself, keeping p (NaN too)
			i = p
		}
		if !(operand[i] <= operand[p]) {
			i = p
		}
		idx[w] = i
	}
}
