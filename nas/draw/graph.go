package draw

import (
	"github.com/pkg/errors"
)

// Kind says what a node is; it sets the node's shape, colour and layer.
type Kind int

const (
	// Input is a cell input (h[i-1], c_{k-2}, x[t]); always in the first layer.
	Input Kind = iota
	// Op is an operation drawn as a box, coloured by its Family.
	Op
	// Combine merges its inputs ("add", "concat", "avg").
	Combine
	// State is an intermediate node (a numbered node of a DARTS or ENAS cell).
	State
	// Output is the cell output; always in the last layer.
	Output
)

var kindNames = []string{"input", "op", "combine", "state", "output"}

// String returns the kind's name, e.g. "op".
func (k Kind) String() string {
	if k >= 0 && int(k) < len(kindNames) {
		return kindNames[k]
	}
	return "kind?"
}

// Node is one vertex of a Graph.
type Node struct {
	ID    string // unique within the graph; used in DOT and in edges
	Label string // text shown; the ID when empty
	Kind  Kind
	// Family overrides the colour family derived from Label by Family (for Op
	// nodes): one of the Family* constants.
	Family string
}

// Edge goes from node From to node To. A non-empty Label is an op drawn on the edge
// (DARTS style), coloured by Family(Label).
type Edge struct {
	From, To string
	Label    string
}

// Graph is a labelled DAG to draw. Build it with Add and Connect, or fill Nodes and
// Edges directly; SVG and DOT check it first.
type Graph struct {
	Title string // drawn above the graph; may be empty
	Nodes []Node
	Edges []Edge
}

// New returns an empty graph with the given title.
func New(title string) *Graph { return &Graph{Title: title} }

// Add appends a node and returns the graph, so calls can be chained.
func (g *Graph) Add(kind Kind, id, label string) *Graph {
	g.Nodes = append(g.Nodes, Node{ID: id, Label: label, Kind: kind})
	return g
}

// Connect appends an edge from → to, with an optional op label, and returns the graph.
func (g *Graph) Connect(from, to, label string) *Graph {
	g.Edges = append(g.Edges, Edge{From: from, To: to, Label: label})
	return g
}

// Validate checks that node IDs are unique and non-empty, that edges join existing
// nodes, that Input nodes have no incoming and Output nodes no outgoing edges, and
// that the graph has no cycle.
func (g *Graph) Validate() error {
	index := make(map[string]int, len(g.Nodes))
	for i, n := range g.Nodes {
		if n.ID == "" {
			return errors.Errorf("draw: node #%d has an empty ID", i)
		}
		if _, dup := index[n.ID]; dup {
			return errors.Errorf("draw: node ID %q used twice", n.ID)
		}
		if n.Kind < Input || n.Kind > Output {
			return errors.Errorf("draw: node %q has unknown kind %d", n.ID, n.Kind)
		}
		index[n.ID] = i
	}
	for i, e := range g.Edges {
		from, ok := index[e.From]
		if !ok {
			return errors.Errorf("draw: edge #%d starts at unknown node %q", i, e.From)
		}
		to, ok := index[e.To]
		if !ok {
			return errors.Errorf("draw: edge #%d ends at unknown node %q", i, e.To)
		}
		if from == to {
			return errors.Errorf("draw: edge #%d is a loop on %q", i, e.From)
		}
		if g.Nodes[to].Kind == Input {
			return errors.Errorf("draw: edge #%d enters input node %q", i, e.To)
		}
		if g.Nodes[from].Kind == Output {
			return errors.Errorf("draw: edge #%d leaves output node %q", i, e.From)
		}
	}
	if _, err := g.topoOrder(index); err != nil {
		return err
	}
	return nil
}

// topoOrder returns node indices in a topological order (stable: ties keep
// insertion order), or an error naming a node on a cycle.
func (g *Graph) topoOrder(index map[string]int) ([]int, error) {
	n := len(g.Nodes)
	indeg := make([]int, n)
	succ := make([][]int, n)
	for _, e := range g.Edges {
		f, t := index[e.From], index[e.To]
		succ[f] = append(succ[f], t)
		indeg[t]++
	}
	order := make([]int, 0, n)
	done := make([]bool, n)
	for len(order) < n {
		progressed := false
		for i := 0; i < n; i++ {
			if !done[i] && indeg[i] == 0 {
				done[i] = true
				order = append(order, i)
				for _, s := range succ[i] {
					indeg[s]--
				}
				progressed = true
			}
		}
		if !progressed {
			for i := 0; i < n; i++ {
				if !done[i] {
					return nil, errors.Errorf("draw: the graph has a cycle through node %q", g.Nodes[i].ID)
				}
			}
		}
	}
	return order, nil
}

func (n Node) text() string {
	if n.Label == "" {
		return n.ID
	}
	return n.Label
}
