package window

import (
	"fmt"
	"math"

	"github.com/gomlx/compute"
)

// ReduceWindow semantics (XLA ReduceWindow with one operand and a scalar
// reduction computation): per axis, the input is first dilated — inputDilation-1
// holes are inserted between consecutive elements — then padded with padLow and
// padHigh elements at the ends (negative padding removes elements instead). Holes
// and padding hold the reduction's identity: 0 for Sum, -Inf for Max, +Inf for
// Min, 1 for Product. A window of window[a] taps, spaced windowDilation apart,
// slides over that virtual array with the given strides; output element o is
// init ⊕ (every in-bounds input element under the window at o), with init the
// identity. So an output whose window covers only padding/holes is the identity,
// Max/Min propagate NaN (Go's max/min), and a Sum of -0s is +0, as in XLA.
//
// XLA leaves the order of the reduction unspecified; this implementation
// reduces Sum and Product in a fixed order (in the NHWC fast path, first down the
// window's rows, then across its columns), so results are deterministic.

// ReduceOp is the reduction computation of ReduceWindow. Its values equal those
// of compute.ReduceOpType.
type ReduceOp int

const (
	// Sum reduces with +, identity 0.
	Sum ReduceOp = ReduceOp(compute.ReduceOpSum)
	// Product reduces with *, identity 1.
	Product ReduceOp = ReduceOp(compute.ReduceOpProduct)
	// Max reduces with max (NaN-propagating), identity -Inf.
	Max ReduceOp = ReduceOp(compute.ReduceOpMax)
	// Min reduces with min (NaN-propagating), identity +Inf.
	Min ReduceOp = ReduceOp(compute.ReduceOpMin)
)

// String returns the name of the reduction.
func (op ReduceOp) String() string {
	switch op {
	case Sum:
		return "Sum"
	case Product:
		return "Product"
	case Max:
		return "Max"
	case Min:
		return "Min"
	}
	return fmt.Sprintf("ReduceOp(%d)", int(op))
}

// ReduceOpFromCompute converts a compute.ReduceOpType (Sum, Product, Max or Min).
func ReduceOpFromCompute(t compute.ReduceOpType) (ReduceOp, error) {
	switch op := ReduceOp(t); op {
	case Sum, Product, Max, Min:
		return op, nil
	}
	return 0, fmt.Errorf("window: reduction %s is not supported", t)
}

// Identity returns the identity of the reduction op (the value of padding and
// dilation holes): 0 for Sum, 1 for Product, -Inf for Max, +Inf for Min.
// It panics for an invalid op.
func Identity[T Float](op ReduceOp) T {
	switch op {
	case Sum:
		return 0
	case Product:
		return 1
	case Max:
		return T(math.Inf(-1))
	case Min:
		return T(math.Inf(1))
	}
	panic(fmt.Sprintf("window: invalid ReduceOp %d", int(op)))
}

// ReduceWindow computes XLA's ReduceWindow of in (shape inShape, row-major) into
// out (shape outShape, which must equal ReduceWindowShape of the arguments).
//
// window, strides, inputDilations, windowDilations and paddings hold one entry per
// axis, or are nil for the defaults: window 1, strides equal to the window,
// dilations 1, paddings 0. paddings[a] = {low, high} may be negative (cropping).
// Every element of out is written. It panics on inconsistent arguments.
//
// Rank-4 NHWC pooling — window and stride 1 on axes 0 and 3, no dilations, no
// padding on axes 0 and 3 — takes a fast path whose inner loops run over whole
// rows of contiguous channels; other cases use a general path that treats the
// trailing axes left untouched by the window as one contiguous vector.
func ReduceWindow[T Float](op ReduceOp, in []T, inShape []int, window, strides, inputDilations, windowDilations []int, paddings [][2]int, out []T, outShape []int) {
	ident := Identity[T](op)
	rank := len(inShape)
	if numElements(inShape) != len(in) || numElements(outShape) != len(out) {
		panic(fmt.Sprintf("window.ReduceWindow: len(in)=%d for shape %v, len(out)=%d for shape %v", len(in), inShape, len(out), outShape))
	}
	if err := checkLens(rank, window, strides, inputDilations, windowDilations, paddings); err != nil {
		panic(err)
	}
	if rank == 4 && isNHWCPool(window, strides, inputDilations, windowDilations, paddings) {
		h, err := resolveAxis(1, inShape, window, strides, inputDilations, windowDilations, paddings)
		if err != nil {
			panic(err)
		}
		w, err := resolveAxis(2, inShape, window, strides, inputDilations, windowDilations, paddings)
		if err != nil {
			panic(err)
		}
		if len(outShape) != 4 || outShape[0] != inShape[0] || outShape[1] != h.out || outShape[2] != w.out || outShape[3] != inShape[3] {
			panic(fmt.Sprintf("window.ReduceWindow: output shape %v, want %v", outShape, []int{inShape[0], h.out, w.out, inShape[3]}))
		}
		reduceNHWC(op, ident, in, inShape[0], inShape[1], inShape[2], inShape[3], h, w, out)
		return
	}
	reduceGeneric(op, ident, in, inShape, window, strides, inputDilations, windowDilations, paddings, out, outShape)
}

// isNHWCPool reports whether a rank-4 window op only touches axes 1 and 2 and
// has no dilations.
func isNHWCPool(window, strides, inputDilations, windowDilations []int, paddings [][2]int) bool {
	if window == nil || window[0] != 1 || window[3] != 1 {
		return false
	}
	if strides != nil && (strides[0] != 1 || strides[3] != 1) {
		return false
	}
	for _, d := range inputDilations {
		if d != 1 {
			return false
		}
	}
	for _, d := range windowDilations {
		if d != 1 {
			return false
		}
	}
	if paddings != nil && (paddings[0] != [2]int{} || paddings[3] != [2]int{}) {
		return false
	}
	return true
}

// reduceNHWC is the fast path: for each output row (batch b, output row oh) it
// first reduces the valid input rows of the window, each W*C contiguous values,
// into one row (vertical pass), then reduces kw columns of C contiguous channels
// per output pixel (horizontal pass; with stride 1 the interior pixels of the
// row are done as kw passes over one contiguous run).
func reduceNHWC[T Float](op ReduceOp, ident T, in []T, n, H, W, C int, h, w windowAxis, out []T) {
	OH, OW := h.out, w.out
	if len(out) == 0 {
		return
	}
	work := len(out) * h.win * w.win
	parallelFor(n*OH, work, func(lo, hi int) {
		var tmp []T
		if h.win > 1 {
			tmp = make([]T, W*C)
		}
		rowLen := W * C
		for r := lo; r < hi; r++ {
			b, oh := r/OH, r%OH
			img := in[b*H*rowLen : (b+1)*H*rowLen]
			orow := out[r*OW*C : (r+1)*OW*C]
			hs := oh*h.stride - h.padLo
			i0, i1 := max(0, -hs), min(h.win, H-hs)
			var src []T
			switch {
			case i1 <= i0:
				fill(orow, ident)
				continue
			case i1-i0 == 1:
				src = img[(hs+i0)*rowLen : (hs+i0+1)*rowLen]
			default:
				src = tmp
				initFrom(op, src, img[(hs+i0)*rowLen:(hs+i0+1)*rowLen])
				for i := i0 + 1; i < i1; i++ {
					combine(op, src, img[(hs+i)*rowLen:(hs+i+1)*rowLen])
				}
			}
			reduceColumns(op, ident, src, W, C, w, orow)
		}
	})
}

// reduceColumns does the horizontal pass of reduceNHWC: orow (OW pixels of C
// channels) gets, per pixel, the reduction of the valid window columns of src
// (W pixels of C channels).
func reduceColumns[T Float](op ReduceOp, ident T, src []T, W, C int, w windowAxis, orow []T) {
	OW := w.out
	owA, owB := 0, 0 // [owA, owB): pixels done as contiguous runs (stride 1, whole window valid)
	if w.stride == 1 {
		owA = min(max(0, w.padLo), OW)
		owB = max(owA, min(OW, W-w.win+w.padLo+1))
		if owB > owA {
			dst := orow[owA*C : owB*C]
			s := (owA - w.padLo) * C
			initFrom(op, dst, src[s:s+len(dst)])
			for j := 1; j < w.win; j++ {
				s += C
				combine(op, dst, src[s:s+len(dst)])
			}
		}
	}
	for ow := 0; ow < OW; ow++ {
		if ow == owA && owB > owA {
			ow = owB - 1
			continue
		}
		ws := ow*w.stride - w.padLo
		j0, j1 := max(0, -ws), min(w.win, W-ws)
		o := orow[ow*C : (ow+1)*C]
		if j1 <= j0 {
			fill(o, ident)
			continue
		}
		initFrom(op, o, src[(ws+j0)*C:(ws+j0+1)*C])
		for j := j0 + 1; j < j1; j++ {
			combine(op, o, src[(ws+j)*C:(ws+j+1)*C])
		}
	}
}

// initFrom sets dst = identity ⊕ src elementwise (a copy, except that Sum adds
// to +0 so that -0 becomes +0 as in XLA; with AVX-512 loops for float32).
func initFrom[T Float](op ReduceOp, dst, src []T) {
	if op == Sum {
		src = src[:len(dst)]
		if d, ok := any(dst).([]float32); ok && useAVX512 && len(d) >= minAVX512 {
			plusZeroAVX512(&d[0], &any(src).([]float32)[0], len(d))
			return
		}
		for i, v := range src {
			dst[i] = 0 + v
		}
		return
	}
	copy(dst, src)
}

// minAVX512 is the length from which initFrom and combine call the AVX-512
// loops for a float32 Sum (shorter slices stay in Go, cheaper than the call).
const minAVX512 = 16

// combine sets dst = dst ⊕ src elementwise: with AVX-512 loops for a float32
// Sum; otherwise the loops are unrolled by 4 (with bounds checks hoisted),
// which the Go compiler rewards by ~1.5x.
func combine[T Float](op ReduceOp, dst, src []T) {
	src = src[:len(dst)]
	if d, ok := any(dst).([]float32); ok && op == Sum && useAVX512 && len(d) >= minAVX512 {
		addIntoAVX512(&d[0], &any(src).([]float32)[0], len(d))
		return
	}
	n4 := len(dst) &^ 3
	switch op {
	case Sum:
		for i := 0; i < n4; i += 4 {
			d, s := dst[i:i+4:i+4], src[i:i+4:i+4]
			d[0] += s[0]
			d[1] += s[1]
			d[2] += s[2]
			d[3] += s[3]
		}
		for i := n4; i < len(dst); i++ {
			dst[i] += src[i]
		}
	case Max:
		for i := 0; i < n4; i += 4 {
			d, s := dst[i:i+4:i+4], src[i:i+4:i+4]
			d[0] = max(d[0], s[0])
			d[1] = max(d[1], s[1])
			d[2] = max(d[2], s[2])
			d[3] = max(d[3], s[3])
		}
		for i := n4; i < len(dst); i++ {
			dst[i] = max(dst[i], src[i])
		}
	case Min:
		for i := 0; i < n4; i += 4 {
			d, s := dst[i:i+4:i+4], src[i:i+4:i+4]
			d[0] = min(d[0], s[0])
			d[1] = min(d[1], s[1])
			d[2] = min(d[2], s[2])
			d[3] = min(d[3], s[3])
		}
		for i := n4; i < len(dst); i++ {
			dst[i] = min(dst[i], src[i])
		}
	case Product:
		for i := 0; i < n4; i += 4 {
			d, s := dst[i:i+4:i+4], src[i:i+4:i+4]
			d[0] *= s[0]
			d[1] *= s[1]
			d[2] *= s[2]
			d[3] *= s[3]
		}
		for i := n4; i < len(dst); i++ {
			dst[i] *= src[i]
		}
	}
}

// fill sets every element of dst to v.
func fill[T Float](dst []T, v T) {
	if v == 0 {
		clear(dst)
		return
	}
	if len(dst) == 0 {
		return
	}
	dst[0] = v
	for i := 1; i < len(dst); i *= 2 {
		copy(dst[i:], dst[:i])
	}
}

// vectorAxes returns how many trailing axes of a window op are untouched (window
// 1, stride 1, no padding, no input dilation): they form one contiguous vector of
// v elements that every window tap reads whole.
func vectorAxes(axes []windowAxis) (lead, v int) {
	lead, v = len(axes), 1
	for lead > 0 {
		ax := axes[lead-1]
		if ax.win != 1 || ax.stride != 1 || ax.inDil != 1 || ax.padLo != 0 || ax.padHi != 0 {
			break
		}
		v *= ax.in
		lead--
	}
	return
}

// tapTables returns, for each leading axis a, a table of out*win entries: the
// flat offset (input index times the axis's element stride) read by window tap k
// of output position o, or -1 when that tap falls on padding or a dilation hole.
func tapTables(axes []windowAxis, lead int) [][]int {
	tabs := make([][]int, lead)
	stride := 1
	for a := len(axes) - 1; a >= 0; a-- {
		if a < lead {
			ax := axes[a]
			tab := make([]int, ax.out*ax.win)
			for o := range ax.out {
				for k := range ax.win {
					p := o*ax.stride + k*ax.winDil - ax.padLo // position in the dilated input
					t := -1
					if p >= 0 && p%ax.inDil == 0 && p/ax.inDil < ax.in {
						t = p / ax.inDil * stride
					}
					tab[o*ax.win+k] = t
				}
			}
			tabs[a] = tab
		}
		stride *= axes[a].in
	}
	return tabs
}

// resolveAxes resolves every axis and checks outShape.
func resolveAxes(opName string, inShape, window, strides, inputDilations, windowDilations []int, paddings [][2]int, outShape []int) []windowAxis {
	axes := make([]windowAxis, len(inShape))
	want := make([]int, len(inShape))
	for a := range inShape {
		ax, err := resolveAxis(a, inShape, window, strides, inputDilations, windowDilations, paddings)
		if err != nil {
			panic(err)
		}
		axes[a] = ax
		want[a] = ax.out
	}
	sameShape(opName, outShape, want)
	return axes
}

// reduceGeneric is the general path: any rank, dilations and paddings. The
// trailing untouched axes form a vector of v contiguous elements; the other
// (leading) axes are walked with per-axis tap tables. When v == 1 (the innermost
// axis is windowed, e.g. NCHW pooling) it hands over to reduceRows.
func reduceGeneric[T Float](op ReduceOp, ident T, in []T, inShape, window, strides, inputDilations, windowDilations []int, paddings [][2]int, out []T, outShape []int) {
	axes := resolveAxes("ReduceWindow", inShape, window, strides, inputDilations, windowDilations, paddings, outShape)
	if len(out) == 0 {
		return
	}
	lead, v := vectorAxes(axes)
	if lead == 0 { // Only untouched axes: out = identity ⊕ in.
		initFrom(op, out, in)
		return
	}
	if v == 1 {
		reduceRows(op, ident, in, axes, lead, out)
		return
	}
	tabs := tapTables(axes, lead)
	outer := len(out) / v
	taps := 1
	for _, ax := range axes[:lead] {
		taps *= ax.win
	}
	parallelFor(outer, len(out)*taps, func(lo, hi int) {
		pos := make([]int, 2*lead) // output position, then window tap (over the first lead-1 axes)
		pos, k := pos[:lead], pos[lead:]
		for p, a := lo, lead-1; a >= 0; a-- {
			pos[a] = p % axes[a].out
			p /= axes[a].out
		}
		lastAx := axes[lead-1]
		for p := lo; p < hi; p++ {
			last := tabs[lead-1][pos[lead-1]*lastAx.win : (pos[lead-1]+1)*lastAx.win]
			o := out[p*v : (p+1)*v]
			acc, first := ident, true
			clear(k)
			for {
				base, ok := 0, true
				for a := 0; a < lead-1; a++ {
					t := tabs[a][pos[a]*axes[a].win+k[a]]
					if t < 0 {
						ok = false
						break
					}
					base += t
				}
				if ok {
					if v == 1 {
						acc = reduceScalarTaps(op, acc, in, base, last)
					} else {
						for _, t := range last {
							if t < 0 {
								continue
							}
							if first {
								initFrom(op, o, in[base+t:base+t+v])
								first = false
							} else {
								combine(op, o, in[base+t:base+t+v])
							}
						}
					}
				}
				a := lead - 2
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
			if v == 1 {
				o[0] = acc
			} else if first {
				fill(o, ident)
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

// reduceScalarTaps returns acc ⊕ in[base+t] over the valid taps t of last.
func reduceScalarTaps[T Float](op ReduceOp, acc T, in []T, base int, last []int) T {
	switch op {
	case Sum:
		for _, t := range last {
			if t >= 0 {
				acc += in[base+t]
			}
		}
	case Max:
		for _, t := range last {
			if t >= 0 {
				acc = max(acc, in[base+t])
			}
		}
	case Min:
		for _, t := range last {
			if t >= 0 {
				acc = min(acc, in[base+t])
			}
		}
	case Product:
		for _, t := range last {
			if t >= 0 {
				acc *= in[base+t]
			}
		}
	}
	return acc
}

// lastAxisTaps returns the tap table of the last leading axis (lead-1),
// transposed to [win][out] so that one tap is a contiguous run over the row.
func lastAxisTaps(axes []windowAxis, lead int, tabs [][]int) []int {
	last := axes[lead-1]
	t := make([]int, last.win*last.out)
	for o := range last.out {
		for k := range last.win {
			t[k*last.out+o] = tabs[lead-1][o*last.win+k]
		}
	}
	return t
}

// reduceRows is the general path when the innermost axis is windowed (v == 1,
// e.g. NCHW pooling). Output rows along the last leading axis are reduced
// whole: each tap of the other axes, then each tap k of the last axis, is one
// pass over the row (through the tap table of the last axis), so the
// bookkeeping is per row, not per element. Every output element still receives
// identity ⊕ its taps in row-major window order, as in the definition.
func reduceRows[T Float](op ReduceOp, ident T, in []T, axes []windowAxis, lead int, out []T) {
	tabs := tapTables(axes, lead)
	lastT := lastAxisTaps(axes, lead, tabs)
	last := axes[lead-1]
	OW, m := last.out, lead-1 // row length; number of row-position axes
	rows := len(out) / OW
	var spans []tapSpan
	if last.inDil == 1 {
		spans = tapSpans(last)
	}
	taps := 1
	for _, ax := range axes[:lead] {
		taps *= ax.win
	}
	parallelFor(rows, len(out)*taps, func(lo, hi int) {
		pos := make([]int, 2*m) // row position, then tap, over the first m axes
		pos, k := pos[:m], pos[m:]
		for p, a := lo, m-1; a >= 0; a-- {
			pos[a] = p % axes[a].out
			p /= axes[a].out
		}
		for r := lo; r < hi; r++ {
			o := out[r*OW : (r+1)*OW]
			fill(o, ident)
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
					for j := range last.win {
						if spans != nil { // contiguous or strided run, no table
							sp := spans[j]
							if sp.hi <= sp.lo {
								continue
							}
							src := in[base+sp.lo*last.stride+sp.off:]
							if last.stride == 1 {
								combine(op, o[sp.lo:sp.hi], src)
							} else {
								reduceStrided(op, o[sp.lo:sp.hi], src, last.stride)
							}
						} else {
							reduceRowTap(op, o, in, base, lastT[j*OW:(j+1)*OW])
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
			for a := m - 1; a >= 0; a-- {
				if pos[a]++; pos[a] < axes[a].out {
					break
				}
				pos[a] = 0
			}
		}
	})
}

// reduceRowTap sets o[i] = o[i] ⊕ in[base+taps[i]] for the valid taps (>= 0).
func reduceRowTap[T Float](op ReduceOp, o, in []T, base int, taps []int) {
	taps = taps[:len(o)]
	switch op {
	case Sum:
		for i, t := range taps {
			if t >= 0 {
				o[i] += in[base+t]
			}
		}
	case Max:
		for i, t := range taps {
			if t >= 0 {
				o[i] = max(o[i], in[base+t])
			}
		}
	case Min:
		for i, t := range taps {
			if t >= 0 {
				o[i] = min(o[i], in[base+t])
			}
		}
	case Product:
		for i, t := range taps {
			if t >= 0 {
				o[i] *= in[base+t]
			}
		}
	}
}

// tapSpan says which outputs [lo, hi) of a row a tap of the last axis reaches
// (without input dilation): output o reads input o*stride + off.
type tapSpan struct{ lo, hi, off int }

// tapSpans returns the span of each tap of ax (which has no input dilation).
func tapSpans(ax windowAxis) []tapSpan {
	spans := make([]tapSpan, ax.win)
	for j := range spans {
		off := j*ax.winDil - ax.padLo
		lo := 0
		if off < 0 {
			lo = (-off + ax.stride - 1) / ax.stride
		}
		hi := 0
		if r := ax.in - 1 - off; r >= 0 {
			hi = min(ax.out, r/ax.stride+1)
		}
		spans[j] = tapSpan{lo: lo, hi: max(lo, hi), off: off}
	}
	return spans
}

// reduceStrided sets o[i] = o[i] ⊕ src[i*stride].
func reduceStrided[T Float](op ReduceOp, o, src []T, stride int) {
	if len(o) == 0 {
		return
	}
	src = src[:(len(o)-1)*stride+1]
	switch op {
	case Sum:
		for i := range o {
			o[i] += src[i*stride]
		}
	case Max:
		for i := range o {
			o[i] = max(o[i], src[i*stride])
		}
	case Min:
		for i := range o {
			o[i] = min(o[i], src[i*stride])
		}
	case Product:
		for i := range o {
			o[i] *= src[i*stride]
		}
	}
}
