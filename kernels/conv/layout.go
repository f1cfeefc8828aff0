package conv

import "slices"

// Layout changes: copying a strided tensor into a dense row-major buffer.
//
// The GEMM formulations want the channels (or, for the dual formulation, the
// batch) of the input contiguous. Inputs in other layouts are first copied
// into a dense buffer whose axes are ordered by role (e.g. NCHW -> NHWC) with
// copyStrided, a cache-blocked transposition: when the source's unit-stride
// axis is not the destination's innermost one, the copy proceeds in
// tile×tile blocks so that both sides are read and written in cache lines.

const transposeTile = 16

// float is the set of element types supported by the package.
type float interface{ float32 | float64 }

// copyStrided copies the tensor with the given dims whose element at
// multi-index x is src[Σ x_a·srcStrides[a]] into dst, dense row-major over
// dims.
func copyStrided[T float](dst, src []T, dims, srcStrides []int) {
	copyND(dst, denseStrides(dims), src, srcStrides, dims)
}

// copyND sets dst[Σ x_a·ds[a]] = src[Σ x_a·ss[a]] for every multi-index x
// over dims. Axes are visited in the destination's memory order; when the
// source's unit-stride axis is not the innermost one, the two are copied
// in tile×tile blocks. Large copies are split across goroutines along the
// outermost axis.
func copyND[T float](dst []T, ds []int, src []T, ss []int, dims []int) {
	if prod(dims) == 0 {
		return
	}
	// Drop size-1 axes and order the rest by decreasing destination stride.
	var ax []int
	for a, d := range dims {
		if d != 1 {
			ax = append(ax, a)
		}
	}
	if len(ax) == 0 {
		dst[0] = src[0]
		return
	}
	slices.SortStableFunc(ax, func(a, b int) int { return ds[b] - ds[a] })
	c := &ndCopy[T]{dst: dst, src: src, unit: -1}
	for _, a := range ax {
		c.dims = append(c.dims, dims[a])
		c.ds = append(c.ds, ds[a])
		c.ss = append(c.ss, ss[a])
	}
	last := len(c.dims) - 1
	if c.ss[last] != 1 {
		for a := range c.dims {
			if c.ss[a] == 1 {
				c.unit = a
			}
		}
	}
	if len(c.dims) < 2 || c.unit == 0 || prod(dims) < 1<<15 {
		c.rec(0, 0, 0)
		return
	}
	parallelFor(c.dims[0], func(i int) {
		c.rec(1, i*c.ds[0], i*c.ss[0])
	})
}

type ndCopy[T float] struct {
	dst, src []T
	dims     []int
	ss, ds   []int
	unit     int // axis with source stride 1 paired with the last one, or -1
}

// rec copies axes a.. at the given base offsets.
func (c *ndCopy[T]) rec(a, dOff, sOff int) {
	last := len(c.dims) - 1
	if a == c.unit {
		a++ // handled together with the last axis
	}
	if a < last {
		for i := 0; i < c.dims[a]; i++ {
			c.rec(a+1, dOff+i*c.ds[a], sOff+i*c.ss[a])
		}
		return
	}
	n := c.dims[last]
	ss, ds := c.ss[last], c.ds[last]
	if c.unit < 0 {
		if ss == 1 && ds == 1 {
			copy(c.dst[dOff:dOff+n], c.src[sOff:sOff+n])
			return
		}
		for i := 0; i < n; i++ {
			c.dst[dOff+i*ds] = c.src[sOff+i*ss]
		}
		return
	}
	// Blocked transposition of (unit axis u) × (last axis l):
	// dst[u·dsU + l·ds] = src[u + l·ss].
	nu, dsU := c.dims[c.unit], c.ds[c.unit]
	if transposeFast(c.dst, dOff, dsU, ds, c.src, sOff, ss, nu, n) {
		return
	}
	for u0 := 0; u0 < nu; u0 += transposeTile {
		u1 := min(nu, u0+transposeTile)
		for l0 := 0; l0 < n; l0 += transposeTile {
			l1 := min(n, l0+transposeTile)
			for u := u0; u < u1; u++ {
				d := dOff + u*dsU
				s := sOff + u
				if ds == 1 {
					row := c.dst[d+l0 : d+l1]
					for i := range row {
						row[i] = c.src[s+(l0+i)*ss]
					}
					continue
				}
				for l := l0; l < l1; l++ {
					c.dst[d+l*ds] = c.src[s+l*ss]
				}
			}
		}
	}
}

// denseStrides returns the strides of a dense row-major tensor whose axes,
// from outermost to innermost, have the given sizes.
func denseStrides(dims []int) []int {
	s := make([]int, len(dims))
	st := 1
	for a := len(dims) - 1; a >= 0; a-- {
		s[a] = st
		st *= dims[a]
	}
	return s
}

// toChannelsLast copies the input of pr into buf (dense [B, spatial..., C])
// and returns a problem describing that layout.
func toChannelsLast[T float](pr *problem, in, buf []T) *problem {
	dims := append(append([]int{pr.B}, pr.in...), pr.C)
	ss := append(append([]int{pr.inB}, pr.inS...), pr.inC)
	copyStrided(buf, in, dims, ss)
	q := pr.clone()
	ds := denseStrides(dims)
	q.inB, q.inC = ds[0], ds[len(ds)-1]
	copy(q.inS, ds[1:len(ds)-1])
	return q
}

// toBatchLast copies the input of pr into buf (dense [C, spatial..., B]) and
// returns a problem describing that layout.
func toBatchLast[T float](pr *problem, in, buf []T) *problem {
	dims := append(append([]int{pr.C}, pr.in...), pr.B)
	ss := append(append([]int{pr.inC}, pr.inS...), pr.inB)
	copyStrided(buf, in, dims, ss)
	q := pr.clone()
	ds := denseStrides(dims)
	q.inC, q.inB = ds[0], ds[len(ds)-1]
	copy(q.inS, ds[1:len(ds)-1])
	return q
}

// kernelToIKO copies the kernel of pr into buf (dense [I, spatial..., O]) and
// returns a problem describing that layout.
func kernelToIKO[T float](pr *problem, ker, buf []T) *problem {
	dims := append(append([]int{pr.Ig}, pr.ker...), pr.O)
	ss := append(append([]int{pr.kI}, pr.kS...), pr.kO)
	copyStrided(buf, ker, dims, ss)
	q := pr.clone()
	ds := denseStrides(dims)
	q.kI, q.kO = ds[0], ds[len(ds)-1]
	copy(q.kS, ds[1:len(ds)-1])
	return q
}

// isDense reports whether strides are those of a dense row-major tensor
// with the given dims, ignoring axes of size 1.
func isDense(dims, strides []int) bool {
	st := 1
	for a := len(dims) - 1; a >= 0; a-- {
		if dims[a] != 1 && strides[a] != st {
			return false
		}
		st *= dims[a]
	}
	return true
}

// outputIsBKO reports whether the output is dense [B', spatial..., O].
func (pr *problem) outputIsBKO() bool {
	dims := append(append([]int{pr.Bo}, pr.out...), pr.O)
	ss := append(append([]int{pr.outB}, pr.outS...), pr.outO)
	return isDense(dims, ss)
}

// kernelIsIKO reports whether the kernel is dense [I, spatial..., O].
func (pr *problem) kernelIsIKO() bool {
	dims := append(append([]int{pr.Ig}, pr.ker...), pr.O)
	ss := append(append([]int{pr.kI}, pr.kS...), pr.kO)
	return isDense(dims, ss)
}

// outputBKO returns the output's dims in [B', spatial..., O] order and its
// strides in that order.
func (pr *problem) outputBKO() (dims, strides []int) {
	dims = append(append([]int{pr.Bo}, pr.out...), pr.O)
	strides = append(append([]int{pr.outB}, pr.outS...), pr.outO)
	return
}

// withDenseOutput returns a copy of pr whose output is dense
// [B', spatial..., O].
func (pr *problem) withDenseOutput() *problem {
	q := pr.clone()
	dims, _ := pr.outputBKO()
	ds := denseStrides(dims)
	q.outB, q.outO = ds[0], ds[len(ds)-1]
	copy(q.outS, ds[1:len(ds)-1])
	return q
}

// transposeFast performs dst[dOff + u·dsU + l] = src[sOff + u + l·ss] with
// AVX-512 gathers (float32, ds == 1), in blocks of 64 values of l so that
// the source lines being gathered stay in L1. It reports false when not
// applicable.
func transposeFast[T float](dst []T, dOff, dsU, ds int, src []T, sOff, ss, nu, n int) bool {
	d32, ok := any(dst).([]float32)
	if !ok || !useAVX512 || ds != 1 || ss <= 0 || 15*ss > 1<<30 {
		return false
	}
	s32 := any(src).([]float32)
	if dOff+(nu-1)*dsU+n > len(d32) || sOff+(nu-1)+(n-1)*ss >= len(s32) {
		panic("conv: internal error: transpose out of range")
	}
	var idx [16]int32
	for i := range idx {
		idx[i] = int32(i * ss)
	}
	const block = 64
	for l0 := 0; l0 < n; l0 += block {
		nl := min(block, n-l0)
		transposeAVX512(&d32[dOff+l0], dsU, &s32[sOff+l0*ss], ss, nu, nl, &idx[0], tailMask(nl))
	}
	return true
}
