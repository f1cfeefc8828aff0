package kernels

// Compile-time rewrites of elementwise patterns that GoMLX emits for every ReLU.
//
// GoMLX writes ReLU as Max(x, ZerosLike(x)), ZerosLike being a BroadcastInDim of a
// scalar constant, and differentiates Max(x, z) through
//
//	dx = Mul(v, Sign(Add(Sign(Sub(x, z)), 1)))    // v * NonNegativeIndicator(x - z)
//
// Run as recorded, one ReLU costs a materialised tensor of zeros, then Max, Sub,
// Sign, Add, Sign and Mul: seven passes over the activation and five intermediate
// buffers. Before partitioning, compile rewrites:
//
//  1. broadcasts: an elementwise binary kernel whose operand is a BroadcastInDim of
//     a scalar, or of a tensor of the same rank with axes of size 1 (the counts of
//     an average pool, the mean of a batch norm), reads that operand instead and
//     broadcasts it itself (broadcast.go); the broadcast is dropped when nothing
//     else reads it;
//  2. the ReLU gradient: Mul(v, Sign(Add(Sign(d), 1))), the intermediates read by
//     nothing else and all shapes equal, becomes one kernel of v and d; when d is
//     Sub(x, +0) read by nothing else, the kernel reads x (x - (+0) is x, bit for bit).
//
// Results are bitwise those of the ops replaced (see fuse_test.go): for d < 0 the
// indicator is +0, for d ≥ 0 (and -0) it is 1, for NaN it is d + 1 (a quiet NaN, as
// Sign and Add produce it), and the kernel multiplies v by it (which NaN a product
// of two NaNs returns may differ; it is a NaN either way).

import (
	"math"
	"sync/atomic"

	"github.com/gomlx/compute"
	"github.com/pkg/errors"
)

// fuseElementwise enables the rewrites (tests turn it off to compare).
var fuseElementwise = true

// fusedNodes counts the nodes rewritten by all compilations (read by tests).
var fusedNodes atomic.Int64

// fuse applies the rewrites above to the live nodes of f, in place (a builder is
// compiled once). It returns how many nodes it rewrote.
func fuse(f *Function) int {
	_, live := liveUses(f)
	rewritten := 0
	for _, n := range f.nodes {
		if op, ok := binaryOps[n.op]; ok && live[n.id] && n.kind == kindKernel && readBroadcastSources(n, op) {
			rewritten++
		}
	}
	// Uses changed where broadcasts were dropped; count again for the chain rewrite.
	uses, live := liveUses(f)
	for _, n := range f.nodes {
		if live[n.id] && n.kind == kindKernel && n.op == compute.OpTypeMul && fuseReluGrad(n, uses) {
			rewritten++
		}
	}
	return rewritten
}

// liveUses returns, for every value, how many times nodes the outputs depend on read
// it, plus one per time it is returned; and which nodes are live.
func liveUses(f *Function) (uses []int, live []bool) {
	uses = make([]int, len(f.values))
	live = make([]bool, len(f.nodes))
	var mark func(n *node)
	mark = func(n *node) {
		if live[n.id] {
			return
		}
		live[n.id] = true
		for _, in := range n.inputs {
			mark(in.node)
		}
	}
	for _, v := range f.outputs {
		uses[v.id]++
		mark(v.node)
	}
	for _, n := range f.nodes {
		if live[n.id] {
			for _, in := range n.inputs {
				uses[in.id]++
			}
		}
	}
	return uses, live
}

// readBroadcastSources rewrites the binary kernel n to read the operand behind a
// broadcast operand (rewrite 1); it reports whether it did.
func readBroadcastSources(n *node, op binaryOp) bool {
	l, r := n.inputs[0], n.inputs[1]
	out := n.outputs[0].shape
	changed := false
	if x := broadcastSource(l); x != nil {
		l, changed = x, true
	}
	if x := broadcastSource(r); x != nil {
		r, changed = x, true
	}
	if !changed {
		return false
	}
	n.inputs = []*value{l, r}
	n.kernel = binaryKernel(n.op, op, l.shape, r.shape, out)
	return true
}

// scalarConstant returns the value of a rank-0 float constant.
func scalarConstant(v *value) (float64, bool) {
	if v.node.kind != kindConstant || v.shape.Rank() != 0 {
		return 0, false
	}
	switch c := v.node.constFlat.(type) {
	case []float32:
		return float64(c[0]), len(c) == 1
	case []float64:
		return c[0], len(c) == 1
	}
	return 0, false
}

// producedBy returns v's node if it is a kernel of op whose output v is read once.
func producedBy(v *value, op compute.OpType, uses []int) *node {
	n := v.node
	if n.kind != kindKernel || n.op != op || len(n.outputs) != 1 || uses[v.id] != 1 {
		return nil
	}
	return n
}

// fuseReluGrad applies rewrite 2 to the Mul kernel m; it reports whether it did.
func fuseReluGrad(m *node, uses []int) bool {
	out := m.outputs[0].shape
	for side := range 2 {
		v, ind := m.inputs[1-side], m.inputs[side]
		s2 := producedBy(ind, compute.OpTypeSign, uses)
		if s2 == nil {
			continue
		}
		add := producedBy(s2.inputs[0], compute.OpTypeAdd, uses)
		if add == nil {
			continue
		}
		var s1 *node
		for k := range 2 {
			if one, ok := scalarConstant(add.inputs[1-k]); ok && one == 1 {
				if s1 = producedBy(add.inputs[k], compute.OpTypeSign, uses); s1 != nil {
					break
				}
			}
		}
		if s1 == nil {
			continue
		}
		d := s1.inputs[0]
		if sub := producedBy(d, compute.OpTypeSub, uses); sub != nil {
			if zero, ok := scalarConstant(sub.inputs[1]); ok && zero == 0 && !math.Signbit(zero) &&
				sub.inputs[0].shape.Equal(d.shape) {
				d = sub.inputs[0]
			}
		}
		if !v.shape.Equal(out) || !d.shape.Equal(out) {
			continue
		}
		m.inputs = []*value{v, d}
		m.kernel = reluGradKernel(side == 0)
		return true
	}
	return false
}

// reluGradKernel computes out = v * NonNegativeIndicator(d) from inputs (v, d);
// indFirst tells that the recorded Mul had the indicator as its first operand.
func reluGradKernel(indFirst bool) kernelFunc {
	return func(in, o []any) error {
		switch v := in[0].(type) {
		case []float32:
			d, out := in[1].([]float32), o[0].([]float32)
			parallelRange(len(v), func(lo, hi int) { reluGradFloat32(out[lo:hi], v[lo:hi], d[lo:hi], indFirst) })
		case []float64:
			d, out := in[1].([]float64), o[0].([]float64)
			parallelRange(len(v), func(lo, hi int) { reluGrad(out[lo:hi], v[lo:hi], d[lo:hi], indFirst) })
		default:
			return errors.Errorf("ReLU gradient kernel: unsupported flat type %T", in[0])
		}
		return nil
	}
}

// reluGrad is the loop of reluGradKernel on one range.
func reluGrad[T float32 | float64](out, v, d []T, indFirst bool) {
	v, d = v[:len(out)], d[:len(out)]
	for i := range out {
		x := d[i]
		var ind T = 1
		if x < 0 {
			ind = 0
		} else if x != x {
			ind = x + 1 // the quiet NaN that Add(Sign(x), 1) makes
		}
		if indFirst {
			out[i] = ind * v[i]
		} else {
			out[i] = v[i] * ind
		}
	}
}

// reluGradFloat32 is reluGrad for float32 without a data-dependent branch (the signs
// of activations are random: a branch on them mispredicts half the time).
//
// With AVX-512 the operand order of the product is v * ind whatever indFirst says:
// it matters only for which NaN a product of two NaNs returns.
func reluGradFloat32(out, v, d []float32, indFirst bool) {
	v, d = v[:len(out)], d[:len(out)]
	if useAVX512 && len(out) > 0 {
		reluGradAVX512(&out[0], &v[0], &d[0], len(out))
		return
	}
	for i := range out {
		b := math.Float32bits(d[i])
		mag := b & 0x7fffffff
		negative := b >> 31 & ((mag + 0x7fffffff) >> 31) // sign bit set and not ±0
		ind := math.Float32frombits((negative ^ 1) * 0x3f800000)
		if mag > 0x7f800000 {
			ind = d[i] + 1 // NaN: the quiet NaN that Add(Sign(x), 1) makes
		}
		if indFirst {
			out[i] = ind * v[i]
		} else {
			out[i] = v[i] * ind
		}
	}
}

// parallelRange splits [0, n) into chunks run on all cores (see runBinary).
func parallelRange(n int, fn func(lo, hi int)) {
	if n == 0 {
		return
	}
	chunk := max(4096, (n+7)/8)
	elementwiseLimit.For((n+chunk-1)/chunk, n, func(lo, hi int) {
		fn(lo*chunk, min(hi*chunk, n))
	})
}
