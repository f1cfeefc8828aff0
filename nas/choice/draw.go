package choice

import (
	"fmt"
	"strings"

	. "github.com/gomlx/gomlx/core/graph" //nolint:staticcheck
	"github.com/gonas/gonas/nas"
	"github.com/gonas/gonas/nas/draw"
)

// Graph draws architecture a as the data flow between its choices: the input, one
// box per Op (its chosen candidate), one node per Input choice (the input it took),
// and the logits; an edge joins each to the nearest choices (or the input) its
// tensors were computed from. Value and Repeat choices are listed in the title.
func (s *Space) Graph(a nas.Arch) (*draw.Graph, error) {
	b, tr, err := s.traceArch(a)
	if err != nil {
		return nil, err
	}
	defer tr.g.Finalize()
	title := s.name
	if len(b.summary) > 0 {
		title += " (" + strings.Join(b.summary, ", ") + ")"
	}
	g := draw.New(title)
	g.Add(draw.Input, "input", fmt.Sprintf("input %d×%d×%d", s.height, s.width, s.channels))
	known := map[*Node]string{tr.x: "input"}
	for i, e := range b.events {
		id := fmt.Sprintf("c%d", i)
		switch e.kind {
		case nas.Op:
			g.Add(draw.Op, id, e.name+": "+e.label)
		default:
			g.Add(draw.State, id, e.name+" ← "+e.label)
		}
		for _, from := range sources(e.inputs, known) {
			g.Connect(from, id, "")
		}
		known[e.output] = id
	}
	g.Add(draw.Output, "logits", "logits")
	for _, from := range sources([]*Node{tr.logits}, known) {
		g.Connect(from, "logits", "")
	}
	return g, nil
}

// sources are the draw IDs of the nearest known tensors that nodes are computed
// from (the nodes themselves when known), in the order met.
func sources(nodes []*Node, known map[*Node]string) []string {
	var out []string
	seen := map[*Node]bool{}
	added := map[string]bool{}
	var walk func(n *Node)
	walk = func(n *Node) {
		if seen[n] {
			return
		}
		seen[n] = true
		if id, ok := known[n]; ok {
			if !added[id] {
				added[id] = true
				out = append(out, id)
			}
			return
		}
		for _, in := range n.Inputs() {
			walk(in)
		}
	}
	for _, n := range nodes {
		walk(n)
	}
	return out
}

// SVG draws a as a standalone SVG document.
func (s *Space) SVG(a nas.Arch) (string, error) {
	g, err := s.Graph(a)
	if err != nil {
		return "", err
	}
	return g.SVG()
}

// DOT writes a in graphviz's DOT language.
func (s *Space) DOT(a nas.Arch) (string, error) {
	g, err := s.Graph(a)
	if err != nil {
		return "", err
	}
	return g.DOT()
}
