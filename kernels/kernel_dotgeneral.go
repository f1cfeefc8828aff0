package kernels

// DotGeneral (XLA semantics [2]): contracts lhs and rhs over the contracting axes,
// batching over the batch axes. The output axes are [batch..., lhs free..., rhs free...].
//
// Kernel: each operand is viewed as [batch, rows, contracting] or [batch, contracting,
// rows]; when its axes are already in one of these orders no copy is made and the
// GEMM reads it transposed or not; otherwise it is transposed once into that order.
// Then one batched GEMM (kernels/gemm) computes [batch, lhsFree, rhsFree].

import (
	"slices"

	"github.com/gomlx/compute"
	"github.com/gomlx/compute/shapeinference"
	"github.com/gomlx/compute/shapes"
	"github.com/gonas/gonas/kernels/gemm"
	"github.com/pkg/errors"
)

// DotGeneral implements compute.StandardOps with a packed GEMM for float32 and float64.
func (f *Function) DotGeneral(lhs compute.Value, lhsContractingAxes, lhsBatchAxes []int,
	rhs compute.Value, rhsContractingAxes, rhsBatchAxes []int, config compute.DotGeneralConfig) (compute.Value, error) {
	lv, err := f.checkValue("DotGeneral", lhs)
	if err != nil {
		return nil, err
	}
	rv, err := f.checkValue("DotGeneral", rhs)
	if err != nil {
		return nil, err
	}
	out, err := shapeinference.DotGeneral(lv.shape, lhsContractingAxes, lhsBatchAxes, rv.shape, rhsContractingAxes, rhsBatchAxes, config)
	dt := lv.shape.DType
	if err != nil || !isFloat(dt) || out.DType != dt ||
		(config.AccumulatorDType != 0 && config.AccumulatorDType != dt) {
		lc, lb, rc, rb := slices.Clone(lhsContractingAxes), slices.Clone(lhsBatchAxes), slices.Clone(rhsContractingAxes), slices.Clone(rhsBatchAxes)
		outs, err := f.recordStandard(compute.OpTypeDotGeneral, []compute.Value{lhs, rhs},
			func(g compute.Function, in []compute.Value) ([]compute.Value, error) {
				v, err := g.DotGeneral(in[0], lc, lb, in[1], rc, rb, config)
				return []compute.Value{v}, err
			})
		if err != nil {
			return nil, err
		}
		return outs[0], nil
	}
	plan := planDot(lv.shape, lhsContractingAxes, lhsBatchAxes, rv.shape, rhsContractingAxes, rhsBatchAxes)
	outs, err := f.recordKernel(compute.OpTypeDotGeneral, []compute.Value{lhs, rhs}, []shapes.Shape{out},
		func(in, outs []any) error { return plan.run(in[0], in[1], outs[0]) })
	if err != nil {
		return nil, err
	}
	return outs[0], nil
}

// operandView describes how one DotGeneral operand is fed to the GEMM.
type operandView struct {
	perm      []int // nil when the operand is used as is; else the transposition to apply
	dims      []int // operand dimensions
	transpose bool  // the GEMM reads the [rows, contracting] matrix transposed
}

// dotPlan is a DotGeneral lowered to one batched GEMM.
type dotPlan struct {
	batch, m, n, k int
	lhs, rhs       operandView
}

// planDot chooses the operand layouts; shapes were already validated.
func planDot(l shapes.Shape, lc, lb []int, r shapes.Shape, rc, rb []int) *dotPlan {
	p := &dotPlan{batch: 1, m: 1, n: 1, k: 1}
	for _, a := range lb {
		p.batch *= l.Dimensions[a]
	}
	for _, a := range lc {
		p.k *= l.Dimensions[a]
	}
	lFree := freeAxes(l.Rank(), lc, lb)
	rFree := freeAxes(r.Rank(), rc, rb)
	for _, a := range lFree {
		p.m *= l.Dimensions[a]
	}
	for _, a := range rFree {
		p.n *= r.Dimensions[a]
	}
	// lhs is wanted as [batch, m, k] (not transposed) or [batch, k, m] (transposed).
	p.lhs = chooseView(l.Dimensions, lb, lFree, lc, false)
	// rhs is wanted as [batch, k, n] (not transposed) or [batch, n, k] (transposed).
	p.rhs = chooseView(r.Dimensions, rb, rFree, rc, true)
	return p
}

// chooseView picks the layout of an operand: rows are its free axes. For lhs the
// natural GEMM order is [batch, rows, contracting]; for rhs, [batch, contracting, rows].
func chooseView(dims, batchAxes, free, contracting []int, isRHS bool) operandView {
	rowsFirst := slices.Concat(batchAxes, free, contracting)
	contractingFirst := slices.Concat(batchAxes, contracting, free)
	natural, other := rowsFirst, contractingFirst
	if isRHS {
		natural, other = contractingFirst, rowsFirst
	}
	switch {
	case isIdentity(natural):
		return operandView{dims: dims}
	case isIdentity(other):
		return operandView{dims: dims, transpose: true}
	default:
		return operandView{dims: dims, perm: natural}
	}
}

func freeAxes(rank int, contracting, batch []int) []int {
	var free []int
	for a := range rank {
		if !slices.Contains(contracting, a) && !slices.Contains(batch, a) {
			free = append(free, a)
		}
	}
	return free
}

func isIdentity(perm []int) bool {
	for i, p := range perm {
		if p != i {
			return false
		}
	}
	return true
}

// run computes out = lhs·rhs for float32 or float64 flat data.
func (p *dotPlan) run(lhs, rhs, out any) error {
	switch l := lhs.(type) {
	case []float32:
		r := rhs.([]float32)
		o := out.([]float32)
		l = transposeIfNeeded(l, p.lhs)
		r = transposeIfNeeded(r, p.rhs)
		lda, ldb := p.k, p.n
		if p.lhs.transpose {
			lda = p.m
		}
		if p.rhs.transpose {
			ldb = p.k
		}
		gemm.SgemmBatched(p.lhs.transpose, p.rhs.transpose, p.m, p.n, p.k, 1, l, lda, p.m*p.k, r, ldb, p.k*p.n, 0, o, p.n, p.m*p.n, p.batch)
	case []float64:
		r := rhs.([]float64)
		o := out.([]float64)
		l = transposeIfNeeded(l, p.lhs)
		r = transposeIfNeeded(r, p.rhs)
		lda, ldb := p.k, p.n
		if p.lhs.transpose {
			lda = p.m
		}
		if p.rhs.transpose {
			ldb = p.k
		}
		gemm.DgemmBatched(p.lhs.transpose, p.rhs.transpose, p.m, p.n, p.k, 1, l, lda, p.m*p.k, r, ldb, p.k*p.n, 0, o, p.n, p.m*p.n, p.batch)
	default:
		return errors.Errorf("DotGeneral kernel: unsupported flat type %T", lhs)
	}
	return nil
}

func transposeIfNeeded[T float32 | float64](x []T, v operandView) []T {
	if v.perm == nil {
		return x
	}
	out := make([]T, len(x))
	Transpose(x, v.dims, v.perm, out)
	return out
}
