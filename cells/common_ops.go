package cells

import (
	"github.com/gomlx/gomlx/ml/model"
	"github.com/gomlx/gomlx/support/exceptions"
)

// opKind is the family of a cell operation.
type opKind int

const (
	opIdentity opKind = iota // identity; a 1x1 convolution or factorized reduction when it must stride or change width
	opSep                    // k×k depthwise-separable convolution, applied twice [1, 2]
	opConv                   // k×k convolution
	opConvPair               // 1×k then k×1 convolution
	opDilated                // k×k separable convolution of dilation 2, applied once (DARTS's DilConv [3])
	opAvg                    // k×k average pooling (padding excluded)
	opMax                    // k×k max pooling
)

// opDef is one operation of a cell space, with its names in every format.
type opDef struct {
	key      string // scope name and JSON label: "sep3x3"
	label    string // drawing label: "sep 3x3"
	genotype string // DARTS genotype name: "sep_conv_3x3"
	kind     opKind
	k        int // kernel or window size
}

// cellStyle holds what differs between the NASNet and ENAS builds of a cell.
type cellStyle struct {
	// identityFR: an identity that must stride is a factorized reduction (ENAS [2])
	// instead of ReLU, a strided 1x1 convolution and BN (NASNet [1]).
	identityFR bool
	// inputs says how the cell input h(i-1) is fitted to the cell's width.
	inputs inputStyle
	// outputConv: the cell output is ReLU, 1x1 convolution and BN of the concatenated
	// unused nodes, to the cell's width (ENAS's search-time cells) instead of the
	// concatenation itself.
	outputConv bool
	// rawFirstInput: the network's first cell takes the stem's output as it is
	// for h(i-2) (TensorFlow's NASNet, whose first cell has no previous layer and
	// uses its input for both) instead of fitting it to the cell's width; an
	// output that concatenates it fits it with a 1x1 convolution and BN
	// (nasnet_utils.py's factorized_reduction of stride 1).
	rawFirstInput bool
}

// inputStyle is how a cell prepares its input h(i-1).
type inputStyle int

const (
	// inputsNASNet: always ReLU, 1x1 convolution, BN (nasnet_utils.py's _cell_base).
	inputsNASNet inputStyle = iota
	// inputsENASFixed: ReLU-1x1-BN to the cell's width when it differs, then always
	// ReLU-1x1-BN (micro_child.py's _fixed_layer: "calibrate" then "layer_base").
	inputsENASFixed
	// inputsENASSearch: ReLU-1x1-BN only when the width differs (micro_child.py's
	// _enas_layer).
	inputsENASSearch
)

// applyOp applies op d to state in, giving filters channels, striding by stride.
// Weights live in s (the op's scope, keyed by cell, node, input slot and op).
func (n *cnet) applyOp(s *model.Scope, d opDef, in state, filters, stride int, sty cellStyle) state {
	var out fmap
	switch d.kind {
	case opSep:
		// Two times: ReLU, depthwise k×k, pointwise 1x1, BN; the first strides.
		x := in
		for i, name := range []string{"sep1", "sep2"} {
			ss := s.At("%s", name)
			st := stride
			if i == 1 {
				st = 1
			}
			dw := n.depthwiseState(ss.At("depthwise"), n.reluState(x), d.k, st, 1)
			out = n.bn(ss.At("bn"), n.convState(ss.At("pointwise"), dw, false, filters, 1, 1, 1, 1, 1))
			x = single("sep", out)
		}
	case opDilated:
		// Once: ReLU, depthwise k×k of dilation 2 (striding), pointwise 1x1, BN, as
		// DARTS's DilConv (operations.py) builds dil_conv_3x3 and dil_conv_5x5.
		dw := n.depthwiseState(s.At("depthwise"), n.reluState(in), d.k, stride, 2)
		out = n.bn(s.At("bn"), n.convState(s.At("pointwise"), dw, false, filters, 1, 1, 1, 1, 1))
	case opConv:
		y := n.convState(s.At("conv"), n.reluState(in), false, filters, d.k, d.k, stride, stride, 1)
		out = n.bn(s.At("bn"), y)
	case opConvPair:
		// ReLU, 1×k (striding along W), k×1 (striding along H), BN, as DARTS's conv_7x1_1x7.
		y := n.convState(s.At("conv1xk"), n.reluState(in), false, filters, 1, d.k, 1, stride, 1)
		y = n.conv(s.At("convkx1"), y, filters, d.k, 1, stride, 1, 1, 1, false)
		out = n.bn(s.At("bn"), y)
	case opAvg, opMax:
		pooled := n.poolState(in, d.kind == opMax, d.k, stride)
		if pooled.channels() == filters {
			return pooled
		}
		// NASNet fits a pooled input of another width with a 1x1 convolution and BN.
		out = n.bn(s.At("bn"), n.convState(s.At("conv"), pooled, false, filters, 1, 1, 1, 1, 1))
	case opIdentity:
		switch {
		case stride > 1 && sty.identityFR:
			out = n.factorizedReduce(s.At("reduce"), in, false, filters)
		case stride > 1 || in.channels() != filters:
			out = n.reluConvBN(s, in, false, filters, stride)
		default:
			return in
		}
	default:
		exceptions.Panicf("cells: unknown op kind %d (%s)", d.kind, d.key)
	}
	return single(d.key, out)
}
