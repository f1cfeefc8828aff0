package draw

import (
	"fmt"
	"strings"
)

// DOT returns the graph in graphviz's DOT language (rankdir=LR), with the same
// shapes and colours as SVG; `dot -Tsvg` renders it.
func (g *Graph) DOT() (string, error) {
	if err := g.Validate(); err != nil {
		return "", err
	}
	var b strings.Builder
	fmt.Fprintf(&b, "digraph %s {\n", dotQuote(plainLabel(g.Title)))
	b.WriteString("  rankdir=LR;\n  node [fontname=\"Helvetica\", fontsize=12, style=\"filled\"];\n  edge [fontname=\"Helvetica\", fontsize=10];\n")
	if g.Title != "" {
		fmt.Fprintf(&b, "  labelloc=t;\n  label=%s;\n", dotLabel(g.Title))
	}
	var inputs, outputs []string
	for _, n := range g.Nodes {
		p := n.colours()
		shape, style := "box", "filled"
		switch n.Kind {
		case Input:
			inputs = append(inputs, dotQuote(n.ID))
			style = "filled,rounded,bold"
		case Output:
			outputs = append(outputs, dotQuote(n.ID))
			style = "filled,rounded,bold"
		case Combine:
			shape = "ellipse"
		case State:
			style = "filled,rounded,bold"
		case Op:
			if n.family() == FamilyNone {
				style = "filled,dashed"
			}
		}
		fmt.Fprintf(&b, "  %s [label=%s, shape=%s, style=%s, fillcolor=%s, color=%s];\n",
			dotQuote(n.ID), dotLabel(n.text()), shape, dotQuote(style), dotQuote(p.fill), dotQuote(p.stroke))
	}
	if len(inputs) > 0 {
		fmt.Fprintf(&b, "  { rank=source; %s; }\n", strings.Join(inputs, "; "))
	}
	if len(outputs) > 0 {
		fmt.Fprintf(&b, "  { rank=sink; %s; }\n", strings.Join(outputs, "; "))
	}
	for _, e := range g.Edges {
		if e.Label == "" {
			fmt.Fprintf(&b, "  %s -> %s;\n", dotQuote(e.From), dotQuote(e.To))
			continue
		}
		p := familyColours[Family(e.Label)]
		fmt.Fprintf(&b, "  %s -> %s [label=%s, color=%s, fontcolor=%s];\n",
			dotQuote(e.From), dotQuote(e.To), dotLabel(e.Label), dotQuote(p.stroke), dotQuote(p.stroke))
	}
	b.WriteString("}\n")
	return b.String(), nil
}

// DOTAll writes each graph as its own digraph, one after the other in one text;
// `dot -Tsvg` renders every graph of such a file.
func DOTAll(graphs ...*Graph) (string, error) {
	var b strings.Builder
	for _, g := range graphs {
		d, err := g.DOT()
		if err != nil {
			return "", err
		}
		b.WriteString(d)
	}
	return b.String(), nil
}

// dotQuote quotes s as a DOT string ID.
func dotQuote(s string) string {
	return `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`).Replace(s) + `"`
}

// dotLabel is a label as a DOT attribute: an HTML-like label when it has
// subscripts, a quoted string otherwise.
func dotLabel(label string) string {
	segs := parseLabel(label)
	if len(segs) == 1 && !segs[0].sub {
		return dotQuote(label)
	}
	var b strings.Builder
	b.WriteString("<")
	for _, s := range segs {
		if s.sub {
			b.WriteString("<SUB>" + escapeXML(s.text) + "</SUB>")
		} else {
			b.WriteString(escapeXML(s.text))
		}
	}
	b.WriteString(">")
	return b.String()
}
