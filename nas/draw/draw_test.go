package draw

import (
	"encoding/xml"
	"io"
	"os"
	"strings"
	"testing"
)

// nasnetLike is a cell drawn NASNet style: op boxes, add nodes, a concat output.
func nasnetLike() *Graph {
	g := New("normal cell")
	g.Add(Input, "h0", "h_{i-1}").Add(Input, "h1", "h_{i}")
	blocks := [][4]string{
		{"h1", "sep 3x3", "h0", "identity"},
		{"h0", "sep 3x3", "h0", "sep 5x5"},
		{"h1", "avg 3x3", "h0", "identity"},
		{"h0", "avg 3x3", "h0", "avg 3x3"},
		{"h0", "sep 5x5", "h0", "sep 3x3"},
	}
	g.Add(Combine, "concat", "concat").Add(Output, "out", "h_{i+1}")
	for b, blk := range blocks {
		add := "add" + string(rune('0'+b))
		g.Add(Combine, add, "add")
		for s := 0; s < 2; s++ {
			op := add + "op" + string(rune('0'+s))
			g.Add(Op, op, blk[2*s+1])
			g.Connect(blk[2*s], op, "").Connect(op, add, "")
		}
		g.Connect(add, "concat", "")
	}
	g.Connect("h1", "concat", "").Connect("concat", "out", "")
	return g
}

// dartsLike is a cell drawn DARTS style: numbered states, ops on the edges.
func dartsLike() *Graph {
	g := New("DARTS-style cell")
	g.Add(Input, "c0", "c_{k-2}").Add(Input, "c1", "c_{k-1}")
	for i := 0; i < 4; i++ {
		g.Add(State, string(rune('0'+i)), string(rune('0'+i)))
	}
	g.Add(Output, "out", "c_{k}")
	g.Connect("c0", "0", "sep_conv_3x3").Connect("c1", "0", "sep_conv_3x3")
	g.Connect("c0", "1", "sep_conv_3x3").Connect("c1", "1", "sep_conv_3x3")
	g.Connect("c1", "2", "skip_connect").Connect("c0", "2", "sep_conv_3x3")
	g.Connect("c0", "3", "skip_connect").Connect("2", "3", "dil_conv_3x3")
	for i := 0; i < 4; i++ {
		g.Connect(string(rune('0'+i)), "out", "")
	}
	return g
}

func TestSVGIsWellFormedAndLabelled(t *testing.T) {
	for _, g := range []*Graph{nasnetLike(), dartsLike()} {
		svg, err := g.SVG()
		if err != nil {
			t.Fatal(err)
		}
		dec := xml.NewDecoder(strings.NewReader(svg))
		for {
			_, err := dec.Token()
			if err == io.EOF {
				break
			}
			if err != nil {
				t.Fatalf("%s: SVG is not well-formed XML: %v", g.Title, err)
			}
		}
		for _, want := range []string{"sep 3x3", "identity", "concat", "marker-end"} {
			if g.Title == "normal cell" && !strings.Contains(svg, want) {
				t.Errorf("%s: SVG lacks %q", g.Title, want)
			}
		}
		if g.Title != "normal cell" && !strings.Contains(svg, "dil_conv_3x3") {
			t.Errorf("%s: SVG lacks its edge labels", g.Title)
		}
		if dir := os.Getenv("GONAS_DRAW_DIR"); dir != "" {
			name := strings.ReplaceAll(g.Title, " ", "_")
			if err := os.WriteFile(dir+"/"+name+".svg", []byte(svg), 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
}

// Inputs sit in the first (leftmost) layer, the output in the last, and every edge
// goes left to right.
func TestLayoutIsLayeredLeftToRight(t *testing.T) {
	g := nasnetLike()
	l, err := newLayout(g)
	if err != nil {
		t.Fatal(err)
	}
	last := len(l.layers) - 1
	for _, n := range l.nodes {
		if n.kind != lReal {
			continue
		}
		switch g.Nodes[n.node].Kind {
		case Input:
			if n.layer != 0 {
				t.Errorf("input %q in layer %d", g.Nodes[n.node].ID, n.layer)
			}
		case Output:
			if n.layer != last {
				t.Errorf("output in layer %d of %d", n.layer, last)
			}
		}
		for _, s := range n.succs {
			if l.nodes[s].layer != n.layer+1 || l.nodes[s].x <= n.x {
				t.Errorf("edge from layer %d to layer %d is not one step right", n.layer, l.nodes[s].layer)
			}
		}
	}
	// Boxes of one layer do not overlap.
	for _, layer := range l.layers {
		for k := 1; k < len(layer); k++ {
			a, b := l.nodes[layer[k-1]], l.nodes[layer[k]]
			if b.y-b.h/2 < a.y+a.h/2 {
				t.Errorf("boxes overlap in layer %d", a.layer)
			}
		}
	}
}

func TestValidateRejectsBadGraphs(t *testing.T) {
	cases := map[string]*Graph{
		"duplicate ID": New("").Add(Input, "a", "").Add(Op, "a", ""),
		"unknown node": New("").Add(Input, "a", "").Connect("a", "b", ""),
		"cycle":        New("").Add(Op, "a", "").Add(Op, "b", "").Connect("a", "b", "").Connect("b", "a", ""),
		"into input":   New("").Add(Op, "a", "").Add(Input, "b", "").Connect("a", "b", ""),
		"loop":         New("").Add(Op, "a", "").Connect("a", "a", ""),
	}
	for name, g := range cases {
		if _, err := g.SVG(); err == nil {
			t.Errorf("%s: SVG accepted an invalid graph", name)
		}
		if _, err := g.DOT(); err == nil {
			t.Errorf("%s: DOT accepted an invalid graph", name)
		}
	}
}

func TestDOT(t *testing.T) {
	dot, err := dartsLike().DOT()
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"digraph", "rankdir=LR", `"c0" -> "0" [label="sep_conv_3x3"`, "<c<SUB>k-2</SUB>>", "rank=source"} {
		if !strings.Contains(dot, want) {
			t.Errorf("DOT lacks %q:\n%s", want, dot)
		}
	}
}

func TestFamily(t *testing.T) {
	cases := map[string]string{
		"sep 3x3": FamilySep, "sep_conv_5x5": FamilySep, "dil_conv_3x3": FamilyDilated,
		"dil 3x3": FamilyDilated, "conv 1x1": FamilyConv, "1x7 then 7x1": FamilyConv,
		"max 3x3": FamilyPool, "avg_pool_3x3": FamilyPool, "identity": FamilyIdentity,
		"skip_connect": FamilyIdentity, "none": FamilyNone, "tanh": FamilyActivation,
		"ReLU": FamilyActivation,
	}
	for label, want := range cases {
		if got := Family(label); got != want {
			t.Errorf("Family(%q) = %q, want %q", label, got, want)
		}
	}
}
