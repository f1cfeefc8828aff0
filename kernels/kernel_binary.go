package kernels

// Elementwise binary arithmetic (XLA semantics [2]): Add, Sub, Mul, Div, Max, Min on
// float32 and float64, with the implicit broadcasting compute allows (an operand's
// axis of size 1, or a scalar, is repeated).
//
// gobackend runs these one element at a time through a generic index iterator
// whenever an operand is broadcast, on one core. Here the output is walked row by
// row (the innermost axis contiguous), with a specialised loop for each of the three
// inner cases (both operands contiguous, one repeated along the row), and large
// outputs are split over the cores. Max follows XLA in propagating NaN.

import (
	"math"

	"github.com/gomlx/compute"
	"github.com/gomlx/compute/shapeinference"
	"github.com/gomlx/compute/shapes"
	"github.com/gonas/gonas/kernels/internal/parallel"
	"github.com/pkg/errors"
)

// elementwiseLimit lets elementwise kernels use all cores (see internal/parallel).
var elementwiseLimit = func() *parallel.Limit {
	l := parallel.NewLimit(1 << 16)
	l.Set(0)
	return l
}()

type binaryOp int

const (
	opAdd binaryOp = iota
	opSub
	opMul
	opDiv
	opMax
	opMin
)

// Add implements compute.StandardOps.
func (f *Function) Add(lhs, rhs compute.Value) (compute.Value, error) {
	return f.binary(compute.OpTypeAdd, opAdd, lhs, rhs)
}

// Sub implements compute.StandardOps.
func (f *Function) Sub(lhs, rhs compute.Value) (compute.Value, error) {
	return f.binary(compute.OpTypeSub, opSub, lhs, rhs)
}

// Mul implements compute.StandardOps.
func (f *Function) Mul(lhs, rhs compute.Value) (compute.Value, error) {
	return f.binary(compute.OpTypeMul, opMul, lhs, rhs)
}

// Div implements compute.StandardOps.
func (f *Function) Div(lhs, rhs compute.Value) (compute.Value, error) {
	return f.binary(compute.OpTypeDiv, opDiv, lhs, rhs)
}

// Max implements compute.StandardOps.
func (f *Function) Max(lhs, rhs compute.Value) (compute.Value, error) {
	return f.binary(compute.OpTypeMax, opMax, lhs, rhs)
}

// Min implements compute.StandardOps.
func (f *Function) Min(lhs, rhs compute.Value) (compute.Value, error) {
	return f.binary(compute.OpTypeMin, opMin, lhs, rhs)
}

// smallElementwise is the output size below which the wrapped backend keeps the op
// (a kernel op splits the graph into levels; tiny ops are not worth it).
const smallElementwise = 4096

func (f *Function) binary(opType compute.OpType, op binaryOp, lhs, rhs compute.Value) (compute.Value, error) {
	lv, err := f.checkValue(opType.String(), lhs)
	if err != nil {
		return nil, err
	}
	rv, err := f.checkValue(opType.String(), rhs)
	if err != nil {
		return nil, err
	}
	out, err := shapeinference.BinaryOp(opType, lv.shape, rv.shape)
	if err != nil || !isFloat(out.DType) || out.Size() < smallElementwise {
		outs, err := f.recordStandard(opType, []compute.Value{lhs, rhs},
			func(g compute.Function, in []compute.Value) ([]compute.Value, error) {
				v, err := replayBinary(g, op, in[0], in[1])
				return []compute.Value{v}, err
			})
		if err != nil {
			return nil, err
		}
		return outs[0], nil
	}
	outs, err := f.recordKernel(opType, []compute.Value{lhs, rhs}, []shapes.Shape{out},
		binaryKernel(opType, op, lv.shape, rv.shape, out))
	if err != nil {
		return nil, err
	}
	return outs[0], nil
}

// binaryKernel returns the kernel of op on operands of shapes l and r (broadcast to out).
func binaryKernel(opType compute.OpType, op binaryOp, l, r, out shapes.Shape) kernelFunc {
	plan := newBroadcastPlan(l, r, out)
	return func(in, o []any) error {
		switch a := in[0].(type) {
		case []float32:
			runBinary(plan, op, a, in[1].([]float32), o[0].([]float32))
		case []float64:
			runBinary(plan, op, a, in[1].([]float64), o[0].([]float64))
		default:
			return errors.Errorf("%s kernel: unsupported flat type %T", opType, in[0])
		}
		return nil
	}
}

// binaryOps maps the op types of the elementwise binary kernels to their binaryOp.
var binaryOps = map[compute.OpType]binaryOp{
	compute.OpTypeAdd: opAdd, compute.OpTypeSub: opSub, compute.OpTypeMul: opMul,
	compute.OpTypeDiv: opDiv, compute.OpTypeMax: opMax, compute.OpTypeMin: opMin,
}

func replayBinary(g compute.Function, op binaryOp, a, b compute.Value) (compute.Value, error) {
	switch op {
	case opAdd:
		return g.Add(a, b)
	case opSub:
		return g.Sub(a, b)
	case opMul:
		return g.Mul(a, b)
	case opDiv:
		return g.Div(a, b)
	case opMax:
		return g.Max(a, b)
	default:
		return g.Min(a, b)
	}
}

// broadcastPlan walks the output as rows of its innermost (coalesced) axis; each
// operand has a stride per output axis (0 where it is broadcast). Adjacent axes that
// both operands traverse contiguously (or both repeat) are merged first, so a
// same-shape op is a single row.
type broadcastPlan struct {
	dims         []int // output dimensions without the innermost
	lStr, rStr   []int // operand strides for those axes
	row          int   // innermost dimension
	lRow, rRow   int   // operand strides along the innermost axis (1 or 0)
	rows, totalN int
}

func newBroadcastPlan(l, r, out shapes.Shape) *broadcastPlan {
	rank := out.Rank()
	p := &broadcastPlan{totalN: out.Size()}
	strides := func(s shapes.Shape) []int {
		st := make([]int, rank)
		if s.Rank() == 0 {
			return st // a scalar: stride 0 everywhere
		}
		acc := 1
		for a := rank - 1; a >= 0; a-- {
			if s.Dimensions[a] != 1 || out.Dimensions[a] == 1 {
				st[a] = acc
			}
			acc *= s.Dimensions[a]
		}
		return st
	}
	ls, rs := strides(l), strides(r)
	if rank == 0 {
		p.row, p.rows, p.lRow, p.rRow = 1, 1, 1, 1
		return p
	}
	// Coalesce: merge axis a into axis a+1 when both operands step through them as
	// one axis; axes of size 1 are dropped.
	var dims, lst, rst []int
	for a := range rank {
		d := out.Dimensions[a]
		if d == 1 {
			continue
		}
		if n := len(dims); n > 0 && ls[a]*d == lst[n-1] && rs[a]*d == rst[n-1] {
			// The previous (outer) axis steps over this one contiguously: merge.
			dims[n-1] *= d
			lst[n-1], rst[n-1] = ls[a], rs[a]
			continue
		}
		dims, lst, rst = append(dims, d), append(lst, ls[a]), append(rst, rs[a])
	}
	if len(dims) == 0 {
		p.row, p.rows, p.lRow, p.rRow = 1, 1, 1, 1
		return p
	}
	// The innermost kept axis has stride 1 (contiguous) or 0 (repeated) for each
	// operand: the axes after it all have size 1.
	n := len(dims) - 1
	p.row, p.lRow, p.rRow = dims[n], lst[n], rst[n]
	p.dims, p.lStr, p.rStr = dims[:n], lst[:n], rst[:n]
	p.rows = 1
	for _, d := range p.dims {
		p.rows *= d
	}
	return p
}

// rowCursor walks the rows of a plan from a starting row, keeping the operands'
// offsets up to date with an odometer (no division per row).
type rowCursor struct {
	p      *broadcastPlan
	idx    []int
	lo, ro int
}

func (p *broadcastPlan) cursor(r int) *rowCursor {
	c := &rowCursor{p: p, idx: make([]int, len(p.dims))}
	for a := len(p.dims) - 1; a >= 0; a-- {
		c.idx[a] = r % p.dims[a]
		r /= p.dims[a]
		c.lo += c.idx[a] * p.lStr[a]
		c.ro += c.idx[a] * p.rStr[a]
	}
	return c
}

func (c *rowCursor) next() {
	p := c.p
	for a := len(p.dims) - 1; a >= 0; a-- {
		c.idx[a]++
		c.lo += p.lStr[a]
		c.ro += p.rStr[a]
		if c.idx[a] < p.dims[a] {
			return
		}
		c.lo -= p.lStr[a] * p.dims[a]
		c.ro -= p.rStr[a] * p.dims[a]
		c.idx[a] = 0
	}
}

func runBinary[T float32 | float64](p *broadcastPlan, op binaryOp, a, b, out []T) {
	if p.totalN == 0 {
		return
	}
	// Split long single rows into chunks too, so same-shape ops use every core.
	chunk := p.row
	if p.rows == 1 {
		chunk = max(4096, (p.row+7)/8)
	}
	if p.rows == 1 && p.lRow == 1 && p.rRow == 1 {
		n := (p.row + chunk - 1) / chunk
		elementwiseLimit.For(n, p.totalN, func(lo, hi int) {
			s, e := lo*chunk, min(hi*chunk, p.row)
			rowVV(op, out[s:e], a[s:e], b[s:e])
		})
		return
	}
	elementwiseLimit.For(p.rows, p.totalN, func(lo, hi int) {
		c := p.cursor(lo)
		for r := lo; r < hi; r++ {
			la, rb := c.lo, c.ro
			dst := out[r*p.row : (r+1)*p.row]
			switch {
			case p.lRow == 1 && p.rRow == 1:
				rowVV(op, dst, a[la:la+p.row], b[rb:rb+p.row])
			case p.lRow == 1:
				rowVS(op, dst, a[la:la+p.row], b[rb])
			case p.rRow == 1:
				rowSV(op, dst, a[la], b[rb:rb+p.row])
			default:
				rowSV(op, dst, a[la], b[rb:rb+1]) // both operands repeated along the row
			}
			c.next()
		}
	})
}

func maxOf[T float32 | float64](x, y T) T {
	if x != x || y != y {
		return T(math.NaN())
	}
	return max(x, y)
}

func minOf[T float32 | float64](x, y T) T {
	if x != x || y != y {
		return T(math.NaN())
	}
	return min(x, y)
}

func rowVV[T float32 | float64](op binaryOp, dst, a, b []T) {
	a, b = a[:len(dst)], b[:len(dst)]
	if useAVX512 && op <= opDiv && len(dst) > 0 {
		if d32, ok := any(dst).([]float32); ok {
			rowVVAVX512(op, d32, any(a).([]float32), any(b).([]float32))
			return
		}
	}
	switch op {
	case opAdd:
		for i := range dst {
			dst[i] = a[i] + b[i]
		}
	case opSub:
		for i := range dst {
			dst[i] = a[i] - b[i]
		}
	case opMul:
		for i := range dst {
			dst[i] = a[i] * b[i]
		}
	case opDiv:
		for i := range dst {
			dst[i] = a[i] / b[i]
		}
	case opMax:
		for i := range dst {
			dst[i] = maxOf(a[i], b[i])
		}
	case opMin:
		for i := range dst {
			dst[i] = minOf(a[i], b[i])
		}
	}
}

func rowVS[T float32 | float64](op binaryOp, dst, a []T, s T) {
	a = a[:len(dst)]
	if d32, ok := any(dst).([]float32); ok && len(dst) > 0 {
		if op == opMax && s == 0 && !math.Signbit(float64(s)) {
			reluFloat32(d32, any(a).([]float32)) // ReLU: Max(x, +0)
			return
		}
		if useAVX512 && op <= opDiv {
			rowScalarAVX512(op, d32, any(a).([]float32), float32(s), false)
			return
		}
	}
	switch op {
	case opAdd:
		for i := range dst {
			dst[i] = a[i] + s
		}
	case opSub:
		for i := range dst {
			dst[i] = a[i] - s
		}
	case opMul:
		for i := range dst {
			dst[i] = a[i] * s
		}
	case opDiv:
		for i := range dst {
			dst[i] = a[i] / s
		}
	case opMax:
		for i := range dst {
			dst[i] = maxOf(a[i], s)
		}
	case opMin:
		for i := range dst {
			dst[i] = minOf(a[i], s)
		}
	}
}

func rowSV[T float32 | float64](op binaryOp, dst []T, s T, b []T) {
	if len(b) == 1 && len(dst) > 1 {
		// Both operands repeated along the row.
		v := b[0]
		var r T
		switch op {
		case opAdd:
			r = s + v
		case opSub:
			r = s - v
		case opMul:
			r = s * v
		case opDiv:
			r = s / v
		case opMax:
			r = maxOf(s, v)
		case opMin:
			r = minOf(s, v)
		}
		for i := range dst {
			dst[i] = r
		}
		return
	}
	b = b[:len(dst)]
	if d32, ok := any(dst).([]float32); ok && useAVX512 && op <= opDiv && len(dst) > 0 {
		rowScalarAVX512(op, d32, any(b).([]float32), float32(s), true)
		return
	}
	switch op {
	case opAdd:
		for i := range dst {
			dst[i] = s + b[i]
		}
	case opSub:
		for i := range dst {
			dst[i] = s - b[i]
		}
	case opMul:
		for i := range dst {
			dst[i] = s * b[i]
		}
	case opDiv:
		for i := range dst {
			dst[i] = s / b[i]
		}
	case opMax:
		for i := range dst {
			dst[i] = maxOf(s, b[i])
		}
	case opMin:
		for i := range dst {
			dst[i] = minOf(s, b[i])
		}
	}
}

// reluFloat32 is Max(x, +0) (maxOf) without a data-dependent branch: x when its sign
// bit is clear (+0 included), +0 otherwise, and maxOf's NaN for NaN.
func reluFloat32(dst, a []float32) {
	a = a[:len(dst)]
	if useAVX512 && len(dst) > 0 {
		reluAVX512(&dst[0], &a[0], len(dst))
		return
	}
	nan := float32(math.NaN())
	for i, x := range a {
		b := math.Float32bits(x)
		dst[i] = math.Float32frombits(b & (b>>31 - 1))
		if b&0x7fffffff > 0x7f800000 {
			dst[i] = nan
		}
	}
}

// rowVVAVX512 is rowVV for Add, Sub, Mul and Div on float32 with AVX-512 (operands
// already cut to len(dst) > 0).
func rowVVAVX512(op binaryOp, dst, a, b []float32) {
	switch op {
	case opAdd:
		addVVAVX512(&dst[0], &a[0], &b[0], len(dst))
	case opSub:
		subVVAVX512(&dst[0], &a[0], &b[0], len(dst))
	case opMul:
		mulVVAVX512(&dst[0], &a[0], &b[0], len(dst))
	case opDiv:
		divVVAVX512(&dst[0], &a[0], &b[0], len(dst))
	}
}

// rowScalarAVX512 is rowVS (or rowSV when scalarFirst) for Add, Sub, Mul and Div
// on float32 with AVX-512 (a already cut to len(dst) > 0).
func rowScalarAVX512(op binaryOp, dst, a []float32, s float32, scalarFirst bool) {
	side := 0
	if scalarFirst {
		side = 1
	}
	scalarLoopsAVX512[side][op](&dst[0], &a[0], s, len(dst))
}

// scalarLoopsAVX512 are the VS and SV loops by binaryOp (Add, Sub, Mul, Div).
var scalarLoopsAVX512 = [2][4]func(dst, a *float32, s float32, n int){
	{addVSAVX512, subVSAVX512, mulVSAVX512, divVSAVX512},
	{addSVAVX512, subSVAVX512, mulSVAVX512, divSVAVX512},
}
