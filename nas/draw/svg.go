package draw

import (
	"fmt"
	"sort"
	"strings"
)

const edgeColour = "#555555"

// SVG lays the graph out left to right and returns a standalone SVG document.
func (g *Graph) SVG() (string, error) {
	l, err := newLayout(g)
	if err != nil {
		return "", err
	}
	return l.svg(), nil
}

type point struct{ x, y float64 }

func (l *layout) svg() string {
	return svgDocument([]*layout{l})
}

// SVGStack lays out each graph and stacks the drawings vertically in one SVG
// document (e.g. a normal cell above a reduction cell).
func SVGStack(graphs ...*Graph) (string, error) {
	var ls []*layout
	for _, g := range graphs {
		l, err := newLayout(g)
		if err != nil {
			return "", err
		}
		ls = append(ls, l)
	}
	return svgDocument(ls), nil
}

func svgDocument(ls []*layout) string {
	width, height := 0.0, 0.0
	colours := map[string]bool{}
	for _, l := range ls {
		width = max(width, l.width)
		height += l.height
		for c := range l.edgeColours() {
			colours[c] = true
		}
	}
	var b strings.Builder
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" width="%.0f" height="%.0f" viewBox="0 0 %.0f %.0f" font-family="Helvetica, Arial, sans-serif">`+"\n",
		width, height, width, height)
	var titles []string
	for _, l := range ls {
		if l.g.Title != "" {
			titles = append(titles, plainLabel(l.g.Title))
		}
	}
	if len(titles) > 0 {
		fmt.Fprintf(&b, "<title>%s</title>\n", escapeXML(strings.Join(titles, "; ")))
	}
	b.WriteString(`<rect width="100%" height="100%" fill="white"/>` + "\n")
	b.WriteString("<defs>\n")
	for _, c := range sortedKeys(colours) {
		fmt.Fprintf(&b, `<marker id="%s" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="%s"/></marker>`+"\n",
			markerID(c), c)
	}
	b.WriteString("</defs>\n")
	y := 0.0
	for _, l := range ls {
		fmt.Fprintf(&b, `<g transform="translate(0,%.1f)">`+"\n", y)
		l.svgBody(&b)
		b.WriteString("</g>\n")
		y += l.height
	}
	b.WriteString("</svg>\n")
	return b.String()
}

// svgBody writes the title, edges and nodes of one layout.
func (l *layout) svgBody(b *strings.Builder) {
	if l.g.Title != "" {
		fmt.Fprintf(b, `<text x="%.1f" y="%.1f" font-size="%.0f" font-weight="bold" fill="#222">%s</text>`+"\n",
			margin, margin+titleFont, titleFont, svgText(l.g.Title, titleFont))
	}
	ports := l.ports()
	b.WriteString(`<g fill="none" stroke-width="1.4">` + "\n")
	for ri, r := range l.routes {
		colour := l.routeColour(r)
		fmt.Fprintf(b, `<path d="%s" stroke="%s" marker-end="url(#%s)"/>`+"\n", l.routePath(ri, ports), colour, markerID(colour))
	}
	b.WriteString("</g>\n")
	for _, n := range l.nodes {
		l.writeNode(b, n)
	}
}

func (l *layout) routeColour(r route) string {
	if r.label == "" {
		return edgeColour
	}
	if p, ok := familyColours[Family(r.label)]; ok {
		return p.stroke
	}
	return edgeColour
}

func (l *layout) edgeColours() map[string]bool {
	out := map[string]bool{edgeColour: true}
	for _, r := range l.routes {
		out[l.routeColour(r)] = true
	}
	return out
}

func markerID(colour string) string { return "arrow" + strings.TrimPrefix(colour, "#") }

func sortedKeys(m map[string]bool) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// portKey names one end of one route segment at a real node.
type portKey struct {
	route int
	out   bool // the segment leaves the node (right side); else enters it (left side)
}

// ports spreads the edges that leave (enter) a real node over its right (left)
// side, ordered by the height of the node at their other end, so they do not
// converge on one point.
func (l *layout) ports() map[portKey]float64 {
	type end struct {
		key   portKey
		other float64
	}
	ins := map[int][]end{}
	outs := map[int][]end{}
	for ri, r := range l.routes {
		first, second := r.chain[0], r.chain[1]
		outs[first] = append(outs[first], end{portKey{ri, true}, l.nodes[second].y})
		last, before := r.chain[len(r.chain)-1], r.chain[len(r.chain)-2]
		ins[last] = append(ins[last], end{portKey{ri, false}, l.nodes[before].y})
	}
	res := map[portKey]float64{}
	spread := func(node int, ends []end) {
		sort.SliceStable(ends, func(a, b int) bool { return ends[a].other < ends[b].other })
		n := l.nodes[node]
		step := 0.0
		if len(ends) > 1 {
			step = min(portStep, (n.h-10)/float64(len(ends)-1))
		}
		for k, e := range ends {
			res[e.key] = n.y + (float64(k)-float64(len(ends)-1)/2)*step
		}
	}
	for node, ends := range ins {
		spread(node, ends)
	}
	for node, ends := range outs {
		spread(node, ends)
	}
	return res
}

// layerSpan is the horizontal extent of a layer: its widest box.
func (l *layout) layerSpan(layer int) (left, right float64) {
	w := 0.0
	x := 0.0
	for _, i := range l.layers[layer] {
		w = max(w, l.nodes[i].w)
		x = l.nodes[i].x
	}
	return x - w/2, x + w/2
}

// routePath is the SVG path of a route: straight through the layers it crosses,
// cubic curves with horizontal tangents in the gaps between layers.
func (l *layout) routePath(ri int, ports map[portKey]float64) string {
	r := l.routes[ri]
	src, dst := l.nodes[r.chain[0]], l.nodes[r.chain[len(r.chain)-1]]
	pts := []point{{src.x + src.w/2, ports[portKey{ri, true}]}}
	for _, i := range r.chain[1 : len(r.chain)-1] {
		n := l.nodes[i]
		left, right := l.layerSpan(n.layer)
		pts = append(pts, point{left, n.y}, point{right, n.y})
	}
	pts = append(pts, point{dst.x - dst.w/2, ports[portKey{ri, false}]})
	var b strings.Builder
	fmt.Fprintf(&b, "M%.1f,%.1f", pts[0].x, pts[0].y)
	for k := 1; k < len(pts); k++ {
		p, q := pts[k-1], pts[k]
		if k%2 == 0 { // within a layer
			fmt.Fprintf(&b, " L%.1f,%.1f", q.x, q.y)
			continue
		}
		dx := (q.x - p.x) / 2
		fmt.Fprintf(&b, " C%.1f,%.1f %.1f,%.1f %.1f,%.1f", p.x+dx, p.y, q.x-dx, q.y, q.x, q.y)
	}
	return b.String()
}

func (l *layout) writeNode(b *strings.Builder, n *lnode) {
	switch n.kind {
	case lDummy:
		return
	case lTag:
		p := familyColours[Family(n.label)]
		if p.fill == "" {
			p = familyColours[FamilyOther]
		}
		dash := ""
		if Family(n.label) == FamilyNone {
			dash = ` stroke-dasharray="3,2"`
		}
		fmt.Fprintf(b, `<rect x="%.1f" y="%.1f" width="%.1f" height="%.1f" rx="%.1f" fill="%s" stroke="%s"%s/>`+"\n",
			n.x-n.w/2, n.y-n.h/2, n.w, n.h, n.h/2, p.fill, p.stroke, dash)
		fmt.Fprintf(b, `<text x="%.1f" y="%.1f" font-size="%.0f" text-anchor="middle" fill="#111">%s</text>`+"\n",
			n.x, n.y+tagFont*0.36, tagFont, svgText(n.label, tagFont))
		return
	}
	node := l.g.Nodes[n.node]
	p := node.colours()
	weight := ""
	x0, y0 := n.x-n.w/2, n.y-n.h/2
	switch node.Kind {
	case Input, Output:
		weight = ` font-weight="bold"`
		fmt.Fprintf(b, `<rect x="%.1f" y="%.1f" width="%.1f" height="%.1f" rx="6" fill="%s" stroke="%s" stroke-width="1.5"/>`+"\n", x0, y0, n.w, n.h, p.fill, p.stroke)
	case Op:
		dash := ""
		if node.family() == FamilyNone {
			dash = ` stroke-dasharray="4,3"`
		}
		fmt.Fprintf(b, `<rect x="%.1f" y="%.1f" width="%.1f" height="%.1f" rx="3" fill="%s" stroke="%s" stroke-width="1.2"%s/>`+"\n", x0, y0, n.w, n.h, p.fill, p.stroke, dash)
	case Combine:
		fmt.Fprintf(b, `<ellipse cx="%.1f" cy="%.1f" rx="%.1f" ry="%.1f" fill="%s" stroke="%s" stroke-width="1.2"/>`+"\n", n.x, n.y, n.w/2, n.h/2, p.fill, p.stroke)
	case State:
		weight = ` font-weight="bold"`
		fmt.Fprintf(b, `<rect x="%.1f" y="%.1f" width="%.1f" height="%.1f" rx="%.1f" fill="%s" stroke="%s" stroke-width="1.5"/>`+"\n", x0, y0, n.w, n.h, n.h/2, p.fill, p.stroke)
	}
	fmt.Fprintf(b, `<text x="%.1f" y="%.1f" font-size="%.0f" text-anchor="middle" fill="#111"%s>%s</text>`+"\n",
		n.x, n.y+fontSize*0.36, fontSize, weight, svgText(n.label, fontSize))
}

// svgText is the label as SVG text content, with subscripts as shifted tspans.
func svgText(label string, size float64) string {
	segs := parseLabel(label)
	if len(segs) == 1 && !segs[0].sub {
		return escapeXML(label)
	}
	var b strings.Builder
	shift := size * 0.3
	for k, s := range segs {
		if s.sub {
			fmt.Fprintf(&b, `<tspan dy="%.1f" font-size="%.1f">%s</tspan>`, shift, size*subScale, escapeXML(s.text))
		} else if k > 0 && segs[k-1].sub {
			fmt.Fprintf(&b, `<tspan dy="%.1f">%s</tspan>`, -shift, escapeXML(s.text))
		} else {
			b.WriteString(escapeXML(s.text))
		}
	}
	return b.String()
}

func escapeXML(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&quot;").Replace(s)
}
