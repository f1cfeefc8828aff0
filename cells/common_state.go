package cells

import (
	"github.com/gomlx/gomlx/ml/model"
	"github.com/gomlx/gomlx/support/exceptions"
)

// part is one slice, along channels, of a hidden state, named by where it was made:
// "in0" and "in1" (the cell's inputs), "node3" (node 3, whose inputs were added),
// "node3x" and "node3y" (the two halves of node 3, whose inputs were concatenated).
type part struct {
	id string
	fmap
}

// state is a hidden state of a cell: the concatenation of its parts. A cell's output
// is the state made of the parts of its unused nodes. Keeping the parts apart, a
// layer whose weights depend on the input channels (a convolution, the first of a
// separable convolution) is applied to each part with its own weights, in a
// sub-scope named by the part's id, and the results are summed — the same function
// as one convolution over the concatenation, with its kernel split by input
// channels. The weights of a part then do not depend on which other parts the
// state holds, so two architectures share them (ENAS [2] does the same with the
// final 1x1 convolution of its cells, whose kernel it gathers by node).
type state []part

func single(id string, x fmap) state { return state{{id: id, fmap: x}} }

// channels is the number of channels of the concatenated state.
func (st state) channels() int {
	c := 0
	for _, p := range st {
		c += p.c
	}
	return c
}

// scopeFor is the scope of part p of st for a layer in s: s itself when the state
// is one part and keyed is false, s/<part id> otherwise.
func scopeFor(s *model.Scope, st state, p part, keyed bool) *model.Scope {
	if len(st) == 1 && !keyed {
		return s
	}
	return s.At("%s", p.id)
}

// reluState applies ReLU to every part.
func (n *cnet) reluState(st state) state {
	out := make(state, len(st))
	for i, p := range st {
		out[i] = part{p.id, n.relu(p.fmap)}
	}
	return out
}

// convState is a convolution of the concatenated state to filters channels, as
// the sum of one convolution per part (see state).
func (n *cnet) convState(s *model.Scope, st state, keyed bool, filters, kh, kw, sh, sw, dilation int) fmap {
	var sum fmap
	for i, p := range st {
		y := n.conv(scopeFor(s, st, p, keyed), p.fmap, filters, kh, kw, sh, sw, dilation, 1, false)
		if i == 0 {
			sum = y
		} else {
			sum = n.add(sum, y)
		}
	}
	return sum
}

// depthwiseState is a depthwise convolution of every part, each with its own filters.
func (n *cnet) depthwiseState(s *model.Scope, st state, k, stride, dilation int) state {
	out := make(state, len(st))
	for i, p := range st {
		out[i] = part{p.id, n.depthwise(scopeFor(s, st, p, false), p.fmap, k, stride, dilation)}
	}
	return out
}

// poolState pools every part.
func (n *cnet) poolState(st state, isMax bool, k, stride int) state {
	out := make(state, len(st))
	for i, p := range st {
		out[i] = part{p.id, n.pool(p.fmap, isMax, k, stride)}
	}
	return out
}

// reluConvBN is ReLU, a 1x1 convolution (with stride) to filters channels, and
// batch norm, in s/conv and s/bn: how NASNet and ENAS fit a state to a cell's width.
func (n *cnet) reluConvBN(s *model.Scope, st state, keyed bool, filters, stride int) fmap {
	y := n.convState(s.At("conv"), n.reluState(st), keyed, filters, 1, 1, stride, stride, 1)
	return n.bn(s.At("bn"), y)
}

// factorizedReduce halves the resolution of the state to filters channels: two 1x1
// convolutions over the two stride-2 shifts of the input (s/path1, s/path2), each
// to filters/2 channels, concatenated and batch-normalised (s/bn).
func (n *cnet) factorizedReduce(s *model.Scope, st state, keyed bool, filters int) fmap {
	if filters%2 != 0 {
		exceptions.Panicf("cells: a factorized reduction needs an even number of filters, got %d at %s", filters, s.Scope())
	}
	evens, odds := make(state, len(st)), make(state, len(st))
	for i, p := range st {
		e, o := n.shifts(p.fmap)
		evens[i], odds[i] = part{p.id, e}, part{p.id, o}
	}
	p1 := n.convState(s.At("path1"), evens, keyed, filters/2, 1, 1, 1, 1, 1)
	p2 := n.convState(s.At("path2"), odds, keyed, filters/2, 1, 1, 1, 1, 1)
	return n.bn(s.At("bn"), n.concat([]fmap{p1, p2}))
}

// materialize concatenates the parts into one feature map.
func (n *cnet) materialize(st state) fmap {
	xs := make([]fmap, len(st))
	for i, p := range st {
		xs[i] = p.fmap
	}
	return n.concat(xs)
}
