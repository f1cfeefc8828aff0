package cells

// The ENAS recurrent cell search space [1], as in the reference code (melodyguan/enas,
// src/ptb/ptb_enas_child.py and ptb_enas_controller.py).
//
// Cell. N nodes (12 in [1]), numbered from 1 as in the paper. Node 1 reads the input
// x_t and the previous state h_{t-1}; node k > 1 reads one earlier node p. Each node
// applies its activation f (tanh, ReLU, identity or sigmoid, the reference's order)
// with the highway gating of recurrent highway networks [2]:
//
//	node 1:  [a | g] = [x_t, h_{t-1}]·W₁,  s₁ = h_{t-1} + σ(g)·(f(a) − h_{t-1})
//	node k:  [a | g] = s_p·W_k,            s_k = s_p + σ(g)·(f(a) − s_p)
//
// The new state h_t is the average of the loose ends, the nodes no other node reads.
// The reference's search child adds batch norm inside the cell; its fixed child,
// which trains the found cell, does not, and neither does this one. Dropout is left
// out. train.NewLanguageModel wraps a cell into an embedding-cell-softmax language
// model unrolled over a BPTT window.
//
// Weight keys (ENAS weight sharing, the reference's per-(node, previous node,
// activation) slices of its shared matrices), under the cell's scope ("cell" in
// train.NewLanguageModel):
//
//	node1/{f}/weights             [input+hidden, 2·hidden], for x_t and h_{t-1}
//	node{k}/from{p}/{f}/weights   [hidden, 2·hidden]
//
// with f in tanh relu identity sigmoid and p the 1-based index of the node read.
//
// Architecture: node 1's activation, then per node k = 2..N the node it reads and its
// activation (the order the reference controller samples them). The ENAS integer
// string is that list, with the node read as a 0-based index: the reference's
// final cell "0 0 0 1 1 2 1 2 0 ..." is node 1 tanh; node 2 reads node 1, tanh;
// node 3 reads node 2, ReLU; ...
//
// References:
//
//	[1] Pham, Guan, Zoph, Le & Dean, "Efficient Neural Architecture Search via
//	    Parameter Sharing", ICML 2018; code: github.com/melodyguan/enas.
//	[2] Zilly, Srivastava, Koutník & Schmidhuber, "Recurrent Highway Networks",
//	    ICML 2017.

import (
	"fmt"

	"github.com/gomlx/compute/shapes"
	. "github.com/gomlx/gomlx/core/graph" //nolint:staticcheck
	"github.com/gomlx/gomlx/ml/layers/activation"
	"github.com/gomlx/gomlx/ml/model"
	"github.com/gomlx/gomlx/support/exceptions"
	"github.com/gonas/gonas/nas"
	"github.com/gonas/gonas/nas/draw"
	"github.com/pkg/errors"
)

// RNNActivations are the ENAS RNN activations in the reference code's order.
var RNNActivations = []string{"tanh", "relu", "identity", "sigmoid"}

// ENASPaperRNNCell is the cell ENAS found on Penn Treebank [1], in the reference
// code's integer string (scripts/ptb_final.sh).
const ENASPaperRNNCell = "0 0 0 1 1 2 1 2 0 2 0 5 1 1 0 6 1 8 1 8 1 8 1"

// ENASRNN is the ENAS recurrent cell search space [1]. It implements nas.RNNSpace,
// nas.Format ("enas" integer strings) and nas.Drawer.
type ENASRNN struct {
	Nodes int // N, 12 in [1]
}

// NewENASRNN returns the space of [1]: cells of 12 nodes.
func NewENASRNN() *ENASRNN { return &ENASRNN{Nodes: 12} }

// Name is "enas-rnn".
func (s *ENASRNN) Name() string { return "enas-rnn" }

// FormatName is "enas": the reference code's integer strings.
func (s *ENASRNN) FormatName() string { return "enas" }

// Decisions are "node1/activation", then per node k ≥ 2 "node{k}/input" (an earlier
// node, labelled "node1" ...) and "node{k}/activation".
func (s *ENASRNN) Decisions() []nas.Decision {
	act := func(k int) nas.Decision {
		return nas.Decision{Name: fmt.Sprintf("node%d/activation", k), Kind: nas.Activation,
			NumChoices: len(RNNActivations), Labels: RNNActivations, Node: -1, Group: "cell"}
	}
	ds := []nas.Decision{act(1)}
	for k := 2; k <= s.Nodes; k++ {
		labels := make([]string, k-1)
		for p := range labels {
			labels[p] = fmt.Sprintf("node%d", p+1)
		}
		ds = append(ds, nas.Decision{Name: fmt.Sprintf("node%d/input", k), Kind: nas.Input,
			NumChoices: k - 1, Labels: labels, Node: k - 1, Group: "cell"}, act(k))
	}
	return ds
}

// Validate checks the space's configuration and that a is one of its architectures.
func (s *ENASRNN) Validate(a nas.Arch) error {
	if s.Nodes < 1 {
		return errors.Errorf("enas-rnn: need at least 1 node, have %d", s.Nodes)
	}
	return nas.ValidateChoices(s, a)
}

// rnnArch is an architecture decoded, 0-based: node k reads node prev[k] (node 0
// reads x_t and h_{t-1}; prev[0] = -1) and applies act[k].
type rnnArch struct {
	prev, act []int
}

func (s *ENASRNN) decode(a nas.Arch) rnnArch {
	r := rnnArch{prev: make([]int, s.Nodes), act: make([]int, s.Nodes)}
	r.prev[0], r.act[0] = -1, a.Choices[0]
	for k := 1; k < s.Nodes; k++ {
		r.prev[k], r.act[k] = a.Choices[2*k-1], a.Choices[2*k]
	}
	return r
}

// looseEnds are the 0-based nodes no other node reads; the cell averages them.
func (r rnnArch) looseEnds() []int {
	read := make([]bool, len(r.prev))
	for _, p := range r.prev[1:] {
		read[p] = true
	}
	var ends []int
	for k, used := range read {
		if !used {
			ends = append(ends, k)
		}
	}
	return ends
}

// Parse reads an ENAS integer string: node 1's activation, then per later node the
// 0-based index of the node it reads and its activation.
func (s *ENASRNN) Parse(text string) (nas.Arch, error) {
	if s.Nodes < 1 {
		return nas.Arch{}, errors.Errorf("enas-rnn: need at least 1 node, have %d", s.Nodes)
	}
	in := NewIntString("enas-rnn", text)
	a := nas.Arch{Space: s.Name()}
	for k := 1; k <= s.Nodes; k++ {
		if k > 1 {
			p, err := in.Next(k-1, fmt.Sprintf("the node that node %d reads (0-based)", k))
			if err != nil {
				return nas.Arch{}, err
			}
			a.Choices = append(a.Choices, p)
		}
		f, err := in.Next(len(RNNActivations), fmt.Sprintf("the activation of node %d", k))
		if err != nil {
			return nas.Arch{}, err
		}
		a.Choices = append(a.Choices, f)
	}
	return a, in.End(fmt.Sprintf("node %d", s.Nodes))
}

// Format writes a as an ENAS integer string.
func (s *ENASRNN) Format(a nas.Arch) (string, error) {
	if err := s.Validate(a); err != nil {
		return "", err
	}
	return FormatInts(a.Choices), nil
}

// Cell returns the recurrent cell of architecture a (see the file comment).
func (s *ENASRNN) Cell(a nas.Arch, hidden int) (nas.RNNCell, error) {
	if err := s.Validate(a); err != nil {
		return nil, err
	}
	if hidden < 1 {
		return nil, errors.Errorf("enas-rnn: hidden size %d", hidden)
	}
	r, n := s.decode(a), s.Nodes
	ends := r.looseEnds()
	return func(scope *model.Scope, x, h *Node) *Node {
		if x.Rank() != 2 || !h.Shape().Equal(shapes.Make(x.DType(), x.Shape().Dimensions[0], hidden)) {
			exceptions.Panicf("enas-rnn: want x [batch, input] and h [batch, %d], got %s and %s", hidden, x.Shape(), h.Shape())
		}
		states := make([]*Node, n)
		f := RNNActivations[r.act[0]]
		states[0] = highway(scope.At("node1").At("%s", f), Concatenate([]*Node{x, h}, -1), h, f, hidden)
		for k := 1; k < n; k++ {
			p, f := r.prev[k], RNNActivations[r.act[k]]
			states[k] = highway(scope.At("node%d", k+1).At("from%d", p+1).At("%s", f), states[p], states[p], f, hidden)
		}
		out := states[ends[0]]
		for _, k := range ends[1:] {
			out = Add(out, states[k])
		}
		return DivScalar(out, float64(len(ends)))
	}, nil
}

// highway is one node [2]: [a | g] = in·W, prev + σ(g)·(f(a) − prev).
func highway(scope *model.Scope, in, prev *Node, f string, hidden int) *Node {
	w := scope.VariableWithShape("weights", shapes.Make(in.DType(), in.Shape().Dimensions[1], 2*hidden))
	ag := MatMul(in, w.NodeValue(in.Graph()))
	a := Slice(ag, AxisRange(), AxisRange(0, hidden))
	g := Sigmoid(Slice(ag, AxisRange(), AxisRange(hidden, 2*hidden)))
	switch f {
	case "tanh":
		a = Tanh(a)
	case "relu":
		a = activation.Relu(a)
	case "sigmoid":
		a = Sigmoid(a)
	}
	return Add(prev, Mul(g, Sub(a, prev)))
}

// rnnActivationLabels are the activations as the paper's figure names them.
var rnnActivationLabels = []string{"tanh", "ReLU", "identity", "sigmoid"}

// SVG draws a's cell (see Graph).
func (s *ENASRNN) SVG(a nas.Arch) (string, error) { return svgOf(s.Graph(a)) }

// DOT writes a's cell in graphviz's DOT language.
func (s *ENASRNN) DOT(a nas.Arch) (string, error) { return dotOf(s.Graph(a)) }

// Graph is a's cell as a drawing, like the paper's figure: x_t and h_{t-1} into
// node 1, one box per node with its number and activation, the loose ends averaged
// into h_t.
func (s *ENASRNN) Graph(a nas.Arch) (*draw.Graph, error) {
	if err := s.Validate(a); err != nil {
		return nil, err
	}
	r := s.decode(a)
	g := draw.New(fmt.Sprintf("ENAS recurrent cell (%d nodes)", s.Nodes))
	g.Add(draw.Input, "x", "x_{t}").Add(draw.Input, "h", "h_{t-1}")
	id := func(k int) string { return fmt.Sprintf("node%d", k+1) }
	for k := range s.Nodes {
		g.Add(draw.Op, id(k), fmt.Sprintf("%d: %s", k+1, rnnActivationLabels[r.act[k]]))
		if k == 0 {
			g.Connect("x", id(0), "").Connect("h", id(0), "")
		} else {
			g.Connect(id(r.prev[k]), id(k), "")
		}
	}
	g.Add(draw.Combine, "avg", "avg").Add(draw.Output, "out", "h_{t}").Connect("avg", "out", "")
	for _, k := range r.looseEnds() {
		g.Connect(id(k), "avg", "")
	}
	return g, nil
}
