package kernels

import (
	"testing"
)

// TestSplitSegment checks that a level's standard nodes are cut, in order, into
// groups that each read at most maxInputs values from outside the group, with
// constants not counted, values computed earlier in the group not counted, and a
// node with more inputs than the bound alone in its group.
func TestSplitSegment(t *testing.T) {
	id := 0
	newNode := func(kind nodeKind, inputs ...*value) *node {
		n := &node{id: id, kind: kind, inputs: inputs}
		id++
		n.outputs = []*value{{node: n, id: id}}
		return n
	}
	var params []*value
	for range 10 {
		params = append(params, newNode(kindParameter).outputs[0])
	}
	constant := newNode(kindConstant).outputs[0]
	var nodes []*node
	// a chain: each node reads the previous one, a constant, and two parameters
	prev := params[0]
	for i := range 8 {
		n := newNode(kindStandard, prev, constant, params[(2*i+1)%10], params[(2*i+2)%10])
		nodes = append(nodes, n)
		prev = n.outputs[0]
	}
	wide := newNode(kindStandard, params...)
	nodes = append(nodes, wide, newNode(kindStandard, wide.outputs[0]))

	const maxInputs = 4
	groups := splitSegment(nodes, maxInputs)
	var flat []*node
	for gi, g := range groups {
		if len(g) == 0 {
			t.Fatalf("group %d is empty", gi)
		}
		inGroup := map[*node]bool{}
		external := map[*value]bool{}
		for _, n := range g {
			for _, in := range n.inputs {
				if in.node.kind != kindConstant && !inGroup[in.node] {
					external[in] = true
				}
			}
			inGroup[n] = true
		}
		if len(external) > maxInputs && len(g) > 1 {
			t.Errorf("group %d reads %d outside values, bound %d", gi, len(external), maxInputs)
		}
		flat = append(flat, g...)
	}
	if len(flat) != len(nodes) {
		t.Fatalf("groups hold %d nodes, want %d", len(flat), len(nodes))
	}
	for i := range nodes {
		if flat[i] != nodes[i] {
			t.Fatalf("node %d out of order", i)
		}
	}
	if len(groups) < 3 {
		t.Errorf("got %d groups, want the chain cut at least twice", len(groups))
	}
	for _, g := range groups {
		for _, n := range g {
			if n == wide && len(g) != 1 {
				t.Errorf("the node with %d inputs shares its group with %d others", len(wide.inputs), len(g)-1)
			}
		}
	}
	if got := splitSegment(nil, maxInputs); got != nil {
		t.Errorf("splitSegment(nil) = %v", got)
	}
}
