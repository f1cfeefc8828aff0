package window

import (
	"fmt"

	"github.com/gomlx/compute"
)

// Pad semantics (XLA Pad): per axis, Interior fill elements are inserted between
// consecutive input elements, then Start elements before and End after; negative
// Start/End remove elements from that end instead (applied after the interior
// padding, so cropping may remove interior fill as well as input elements).
// Input element i of an axis lands at output index Start + i*(Interior+1) when
// that index is within [0, out); every other output element is fill. Output
// dimension: in + Start + End + max(in-1, 0)*Interior (see PadShape).

// Pad computes XLA's Pad of in (shape inShape) with value fill into out (shape
// outShape, which must equal PadShape(inShape, axes)). axes holds at most one
// compute.PadAxis per axis; missing trailing axes are not padded. Start and End
// may be negative (cropping); Interior must be >= 0. out is fully overwritten;
// runs of input elements that stay contiguous are moved with copy. It panics on
// inconsistent arguments.
func Pad[T Float](in []T, inShape []int, fill T, axes []compute.PadAxis, out []T, outShape []int) {
	want, err := PadShape(inShape, axes)
	if err != nil {
		panic(err)
	}
	sameShape("Pad", outShape, want)
	if numElements(inShape) != len(in) || numElements(outShape) != len(out) {
		panic(fmt.Sprintf("window.Pad: len(in)=%d for shape %v, len(out)=%d for shape %v", len(in), inShape, len(out), outShape))
	}
	if len(out) == 0 {
		return
	}
	p := newPadPlan(inShape, axes, outShape)
	if p.lead == 0 { // Nothing padded or cropped.
		copy(out, in)
		return
	}
	parallelFor(p.ax[0].out, len(out), func(lo, hi int) {
		padRows(p, in, fill, out, lo, hi)
	})
}

// padAxis is the resolved configuration of one (leading) axis of Pad.
type padAxis struct {
	in, out           int
	start, step       int // input i goes to output start + i*step
	iLo, iHi          int // input indices [iLo, iHi) land inside the output
	inStride, oStride int // element strides of the axis in input and output
}

// padPlan holds the leading (padded or cropped) axes of Pad; the trailing
// untouched axes form blocks of `block` contiguous elements.
type padPlan struct {
	ax       []padAxis
	lead     int
	block    int
	needFill bool // whether some output element is fill
}

func newPadPlan(inShape []int, axes []compute.PadAxis, outShape []int) *padPlan {
	rank := len(inShape)
	cfg := func(a int) compute.PadAxis {
		if a < len(axes) {
			return axes[a]
		}
		return compute.PadAxis{}
	}
	p := &padPlan{lead: rank, block: 1}
	for p.lead > 0 && cfg(p.lead-1) == (compute.PadAxis{}) {
		p.block *= inShape[p.lead-1]
		p.lead--
	}
	p.ax = make([]padAxis, p.lead)
	is, os := p.block, p.block
	for a := p.lead - 1; a >= 0; a-- {
		c := cfg(a)
		ax := padAxis{in: inShape[a], out: outShape[a], start: c.Start, step: c.Interior + 1, inStride: is, oStride: os}
		// Valid i: 0 <= start + i*step < out.
		ax.iLo = 0
		if ax.start < 0 {
			ax.iLo = (-ax.start + ax.step - 1) / ax.step
		}
		ax.iHi = 0
		if last := ax.out - 1 - ax.start; last >= 0 {
			ax.iHi = min(ax.in, last/ax.step+1)
		}
		ax.iHi = max(ax.iHi, ax.iLo)
		if ax.iHi-ax.iLo < ax.out {
			p.needFill = true // some output index of this axis receives no input
		}
		p.ax[a] = ax
		is *= ax.in
		os *= ax.out
	}
	return p
}

// padRows writes the output rows [lo, hi) of axis 0: fill (when some output
// element is fill), then the input elements that land there.
func padRows[T Float](p *padPlan, in []T, fillValue T, out []T, lo, hi int) {
	a0 := p.ax[0]
	if p.needFill {
		fill(out[lo*a0.oStride:hi*a0.oStride], fillValue)
	}
	// Input indices of axis 0 that land in [lo, hi).
	iLo, iHi := a0.iLo, a0.iHi
	if d := lo - a0.start; d > 0 {
		iLo = max(iLo, (d+a0.step-1)/a0.step)
	}
	if d := hi - 1 - a0.start; d >= 0 {
		iHi = min(iHi, d/a0.step+1)
	} else {
		iHi = iLo
	}
	if iHi > iLo {
		padCopy(p, 0, in, out, 0, 0, iLo, iHi)
	}
}

// padCopy copies the input indices [iLo, iHi) of leading axis a, at offsets
// inOff and outOff, to their output positions.
func padCopy[T Float](p *padPlan, a int, in, out []T, inOff, outOff, iLo, iHi int) {
	ax := p.ax[a]
	if a == p.lead-1 { // ax.inStride == ax.oStride == p.block
		b := p.block
		if ax.step == 1 {
			n := (iHi - iLo) * b
			o := outOff + (ax.start+iLo)*b
			copy(out[o:o+n], in[inOff+iLo*b:inOff+iLo*b+n])
			return
		}
		for i := iLo; i < iHi; i++ {
			o := outOff + (ax.start+i*ax.step)*b
			copy(out[o:o+b], in[inOff+i*b:inOff+(i+1)*b])
		}
		return
	}
	next := p.ax[a+1]
	if next.iHi <= next.iLo {
		return
	}
	for i := iLo; i < iHi; i++ {
		padCopy(p, a+1, in, out, inOff+i*ax.inStride, outOff+(ax.start+i*ax.step)*ax.oStride, next.iLo, next.iHi)
	}
}
