package cells

import (
	"fmt"

	"github.com/gomlx/gomlx/ml/model"
	"github.com/gomlx/gomlx/support/exceptions"
)

// nodeSpec is one node (NASNet's "block") of a cell: two inputs, each an earlier
// node (0 and 1 are the cell inputs h(i-2) and h(i-1); node k ≥ 2 is the (k-2)-th
// block), one op on each, and how the two results combine.
type nodeSpec struct {
	in     [2]int
	op     [2]int // indices into the space's op table
	concat bool   // concatenate instead of adding
}

// cellSpec is one cell (normal or reduction) of an architecture.
type cellSpec []nodeSpec

// slotNames are the input slots of a node, as in ENAS's code: x and y.
var slotNames = [2]string{"x", "y"}

// unused lists, in order, the nodes (cell inputs included) that no node reads:
// the cell output concatenates them [1, 2] under ConcatUnused.
func (c cellSpec) unused() []int {
	used := make([]bool, len(c)+2)
	for _, nd := range c {
		used[nd.in[0]], used[nd.in[1]] = true, true
	}
	var out []int
	for k, u := range used {
		if !u {
			out = append(out, k)
		}
	}
	return out
}

// cellInputs prepares the two cell inputs as states of filters channels at the
// cell's input resolution (that of prev): prevPrev is first halved by a
// factorized reduction when it has twice the resolution of prev (after a
// reduction cell), or fitted by ReLU-1x1-BN when its width (all parts together)
// differs, as the reference code does (unless rawPrevPrev: see
// cellStyle.rawFirstInput); prev is fitted as cellStyle.inputs says. Scopes:
// s/pre0, s/pre1.
func (n *cnet) cellInputs(s *model.Scope, prevPrev, prev state, filters int, sty cellStyle, rawPrevPrev bool) (in0, in1 state) {
	pp := prevPrev[0]
	s0 := s.At("pre0")
	switch {
	case rawPrevPrev:
		in0 = renamed("in0", prevPrev)
	case pp.h != prev[0].h:
		if pp.h != 2*prev[0].h && pp.h != 2*prev[0].h-1 {
			exceptions.Panicf("cells: cell input h(i-2) is %dx%d, h(i-1) is %dx%d: not twice the size", pp.h, pp.w, prev[0].h, prev[0].w)
		}
		in0 = single("in0", n.factorizedReduce(s0.At("reduce"), n.reluState(prevPrev), true, filters))
	case prevPrev.channels() != filters:
		in0 = single("in0", n.reluConvBN(s0, prevPrev, true, filters, 1))
	default:
		in0 = renamed("in0", prevPrev)
	}
	s1 := s.At("pre1")
	fits := prev.channels() != filters
	switch sty.inputs {
	case inputsNASNet:
		in1 = single("in1", n.reluConvBN(s1, prev, true, filters, 1))
	case inputsENASFixed:
		x := prev
		if fits {
			x = single("fit", n.reluConvBN(s1.At("fit"), prev, true, filters, 1))
		}
		in1 = single("in1", n.reluConvBN(s1.At("base"), x, false, filters, 1))
	case inputsENASSearch:
		in1 = renamed("in1", prev)
		if fits {
			in1 = single("in1", n.reluConvBN(s1.At("fit"), prev, true, filters, 1))
		}
	}
	return in0, in1
}

// renamed gives the parts of a cell input that passes through unchanged ids of
// this cell: "in0" for one part, "in0_<id>" for several.
func renamed(prefix string, st state) state {
	if len(st) == 1 {
		return single(prefix, st[0].fmap)
	}
	out := make(state, len(st))
	for i, p := range st {
		out[i] = part{prefix + "_" + p.id, p.fmap}
	}
	return out
}

// cell builds one cell of filters channels in scope s (the cell's scope, e.g.
// "cell3"), at position pos among the network's cells (for drop-path, see
// common_droppath.go). Ops reading the cell inputs stride by 2 in a reduction
// cell. Node k's op in slot x lives in s/node<k>/x/<op key>; in training, its
// output goes through drop-path (unless it is an identity). The output concatenates the unused
// states listed in outputs (see ConcatRule), those at twice the output resolution
// (cell inputs of a reduction cell) first halved by a factorized reduction in
// s/out/reduce_in<k>.
func (n *cnet) cell(s *model.Scope, spec cellSpec, ops []opDef, prevPrev, prev state, filters int, reduction bool, outputs []int, sty cellStyle, pos int) state {
	in0, in1 := n.cellInputs(s, prevPrev, prev, filters, sty, sty.rawFirstInput && pos == 0)
	states := []state{in0, in1}
	keep := n.cellKeep(pos)
	for b, nd := range spec {
		k := b + 2
		var outs [2]fmap
		for slot := range 2 {
			stride := 1
			if reduction && nd.in[slot] < 2 {
				stride = 2
			}
			d := ops[nd.op[slot]]
			os := s.At("node%d", k).At("%s", slotNames[slot]).At("%s", d.key)
			outs[slot] = n.dropOp(os, d, n.materialize(n.applyOp(os, d, states[nd.in[slot]], filters, stride, sty)), keep)
		}
		id := fmt.Sprintf("node%d", k)
		if nd.concat {
			states = append(states, state{{id + "x", outs[0]}, {id + "y", outs[1]}})
		} else {
			states = append(states, single(id, n.add(outs[0], outs[1])))
		}
	}
	outH := states[len(states)-1][0].h
	var out state
	for _, k := range outputs {
		st := states[k]
		switch {
		case st[0].h != outH:
			st = single(fmt.Sprintf("in%d", k), n.factorizedReduce(s.At("out").At("reduce_in%d", k), st, false, filters))
		case k < 2 && st.channels() != filters:
			fit := s.At("out").At("fit_in%d", k)
			st = single(fmt.Sprintf("in%d", k), n.bn(fit.At("bn"), n.convState(fit.At("conv"), st, false, filters, 1, 1, 1, 1, 1)))
		}
		out = append(out, st...)
	}
	if sty.outputConv {
		out = single("out", n.reluConvBN(s.At("out").At("conv"), out, true, filters, 1))
	}
	return out
}
