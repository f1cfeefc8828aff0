package draw

import (
	"math"
	"sort"
)

// Layout constants, in pixels.
const (
	fontSize   = 13.0
	tagFont    = 11.0
	titleFont  = 15.0
	nodeHeight = 30.0
	tagHeight  = 20.0
	padX       = 12.0 // horizontal padding inside a box
	layerGap   = 34.0 // between the widest boxes of adjacent layers
	rowGap     = 14.0 // between boxes of one layer
	dummyH     = 8.0  // height reserved by a waypoint of a long edge
	margin     = 16.0
	portStep   = 7.0 // vertical distance between the arrows at one side of a box
)

type lkind int

const (
	lReal  lkind = iota // a node of the graph
	lTag                // the label of a labelled edge
	lDummy              // a waypoint of an edge spanning several layers
)

// lnode is a node of the layout graph: a real node, an edge tag or a waypoint.
type lnode struct {
	kind  lkind
	node  int    // index into Graph.Nodes for lReal
	label string // text for lReal and lTag
	w, h  float64
	layer int
	order int
	x, y  float64 // centre
	preds []int
	succs []int
}

// route is one edge of the graph as a chain of layout nodes, first and last real.
type route struct {
	chain []int
	label string
}

// layout is a graph placed on the plane.
type layout struct {
	g      *Graph
	nodes  []*lnode
	routes []route
	layers [][]int
	width  float64
	height float64
	top    float64 // y where the drawing starts, below the title
}

func newLayout(g *Graph) (*layout, error) {
	if err := g.Validate(); err != nil {
		return nil, err
	}
	l := &layout{g: g}
	index := make(map[string]int, len(g.Nodes))
	for i, n := range g.Nodes {
		index[n.ID] = i
		w, h := textWidth(n.text(), fontSize)+2*padX, nodeHeight
		switch n.Kind {
		case Combine:
			w += 8
		case State:
			w = max(w, nodeHeight)
		}
		l.nodes = append(l.nodes, &lnode{kind: lReal, node: i, label: n.text(), w: math.Ceil(w), h: h})
	}
	for _, e := range g.Edges {
		from, to := index[e.From], index[e.To]
		r := route{label: e.Label, chain: []int{from}}
		if e.Label != "" {
			tag := len(l.nodes)
			l.nodes = append(l.nodes, &lnode{kind: lTag, node: -1, label: e.Label,
				w: math.Ceil(textWidth(e.Label, tagFont) + 14), h: tagHeight})
			r.chain = append(r.chain, tag)
		}
		r.chain = append(r.chain, to)
		l.routes = append(l.routes, r)
	}
	l.linkRoutes()
	for _, n := range l.nodes {
		// Room for the arrows of a node with many edges to spread out.
		if ports := max(len(n.preds), len(n.succs)); n.kind == lReal && ports > 3 {
			n.h = max(n.h, portStep*float64(ports-1)+12)
		}
	}
	l.assignLayers()
	l.insertWaypoints()
	l.orderLayers()
	l.place()
	return l, nil
}

// linkRoutes (re)computes preds and succs from the routes' chains.
func (l *layout) linkRoutes() {
	for _, n := range l.nodes {
		n.preds, n.succs = nil, nil
	}
	for _, r := range l.routes {
		for k := 1; k < len(r.chain); k++ {
			a, b := r.chain[k-1], r.chain[k]
			l.nodes[a].succs = append(l.nodes[a].succs, b)
			l.nodes[b].preds = append(l.nodes[b].preds, a)
		}
	}
}

// assignLayers puts every node one layer after its latest predecessor (inputs in
// layer 0), then moves single-successor ops and edge tags right up to their
// successor, and all outputs to the last layer.
func (l *layout) assignLayers() {
	order := l.topo()
	for _, i := range order {
		n := l.nodes[i]
		n.layer = 0
		for _, p := range n.preds {
			n.layer = max(n.layer, l.nodes[p].layer+1)
		}
	}
	last := 0
	for _, n := range l.nodes {
		if !l.isOutput(n) {
			last = max(last, n.layer)
		}
	}
	for _, n := range l.nodes {
		if l.isOutput(n) {
			n.layer = max(n.layer, last+1)
		}
	}
	for k := len(order) - 1; k >= 0; k-- {
		n := l.nodes[order[k]]
		pullable := n.kind == lTag || (n.kind == lReal && l.g.Nodes[n.node].Kind == Op)
		if pullable && len(n.succs) == 1 {
			n.layer = max(n.layer, l.nodes[n.succs[0]].layer-1)
		}
	}
}

func (l *layout) isOutput(n *lnode) bool {
	return n.kind == lReal && l.g.Nodes[n.node].Kind == Output
}

// topo orders the layout nodes so that every edge goes forward.
func (l *layout) topo() []int {
	indeg := make([]int, len(l.nodes))
	for _, n := range l.nodes {
		for _, s := range n.succs {
			indeg[s]++
		}
	}
	var order, queue []int
	for i := range l.nodes {
		if indeg[i] == 0 {
			queue = append(queue, i)
		}
	}
	for len(queue) > 0 {
		i := queue[0]
		queue = queue[1:]
		order = append(order, i)
		for _, s := range l.nodes[i].succs {
			if indeg[s]--; indeg[s] == 0 {
				queue = append(queue, s)
			}
		}
	}
	return order
}

// insertWaypoints splits every route segment that spans more than one layer with
// one waypoint per layer crossed.
func (l *layout) insertWaypoints() {
	for ri := range l.routes {
		r := &l.routes[ri]
		chain := []int{r.chain[0]}
		for k := 1; k < len(r.chain); k++ {
			a, b := r.chain[k-1], r.chain[k]
			for layer := l.nodes[a].layer + 1; layer < l.nodes[b].layer; layer++ {
				chain = append(chain, len(l.nodes))
				l.nodes = append(l.nodes, &lnode{kind: lDummy, node: -1, h: dummyH, layer: layer})
			}
			chain = append(chain, b)
		}
		r.chain = chain
	}
	l.linkRoutes()
	numLayers := 0
	for _, n := range l.nodes {
		numLayers = max(numLayers, n.layer+1)
	}
	l.layers = make([][]int, numLayers)
	for i, n := range l.nodes {
		n.order = len(l.layers[n.layer])
		l.layers[n.layer] = append(l.layers[n.layer], i)
	}
}

// orderLayers reduces edge crossings by barycentre sweeps, keeping the best order
// seen. The first layer (the inputs) keeps the order the nodes were added in.
func (l *layout) orderLayers() {
	best := l.saveOrder()
	bestCrossings := l.crossings()
	for iter := 0; iter < 24 && bestCrossings > 0; iter++ {
		if iter%2 == 0 {
			for k := 1; k < len(l.layers); k++ {
				l.sortByBarycentre(k, true)
			}
		} else {
			for k := len(l.layers) - 2; k >= 1; k-- {
				l.sortByBarycentre(k, false)
			}
		}
		if c := l.crossings(); c < bestCrossings {
			bestCrossings, best = c, l.saveOrder()
		}
	}
	l.layers = best
	for _, layer := range l.layers {
		for k, i := range layer {
			l.nodes[i].order = k
		}
	}
}

func (l *layout) saveOrder() [][]int {
	out := make([][]int, len(l.layers))
	for k, layer := range l.layers {
		out[k] = append([]int(nil), layer...)
	}
	return out
}

func (l *layout) sortByBarycentre(k int, usePreds bool) {
	layer := l.layers[k]
	bary := make(map[int]float64, len(layer))
	for _, i := range layer {
		n := l.nodes[i]
		nb := n.succs
		if usePreds {
			nb = n.preds
		}
		if len(nb) == 0 {
			bary[i] = float64(n.order)
			continue
		}
		sum := 0.0
		for _, j := range nb {
			sum += float64(l.nodes[j].order)
		}
		bary[i] = sum / float64(len(nb))
	}
	sort.SliceStable(layer, func(a, b int) bool { return bary[layer[a]] < bary[layer[b]] })
	for pos, i := range layer {
		l.nodes[i].order = pos
	}
}

// crossings counts pairs of edges between adjacent layers that cross.
func (l *layout) crossings() int {
	total := 0
	for k := 0; k+1 < len(l.layers); k++ {
		type seg struct{ a, b int }
		var segs []seg
		for _, i := range l.layers[k] {
			for _, s := range l.nodes[i].succs {
				segs = append(segs, seg{l.nodes[i].order, l.nodes[s].order})
			}
		}
		for x := range segs {
			for y := x + 1; y < len(segs); y++ {
				if (segs[x].a-segs[y].a)*(segs[x].b-segs[y].b) < 0 {
					total++
				}
			}
		}
	}
	return total
}

// place sets the coordinates: x by layer, y by relaxing each node towards the mean
// of its neighbours under the constraint that boxes of a layer keep their order and
// do not overlap (solved exactly per layer by isotonic regression).
func (l *layout) place() {
	l.top = margin
	if l.g.Title != "" {
		l.top += titleFont + 12
	}
	x := margin
	for _, layer := range l.layers {
		w := 0.0
		for _, i := range layer {
			w = max(w, l.nodes[i].w)
		}
		for _, i := range layer {
			l.nodes[i].x = x + w/2
		}
		x += w + layerGap
	}
	l.width = x - layerGap + margin
	for _, layer := range l.layers {
		y := 0.0
		for _, i := range layer {
			n := l.nodes[i]
			n.y = y + n.h/2
			y += n.h + rowGap
		}
	}
	for iter := 0; iter < 40; iter++ {
		for k := range l.layers {
			if iter%2 == 1 {
				k = len(l.layers) - 1 - k
			}
			l.relaxLayer(k)
		}
	}
	minY, maxY := math.Inf(1), math.Inf(-1)
	for _, n := range l.nodes {
		minY = min(minY, n.y-n.h/2)
		maxY = max(maxY, n.y+n.h/2)
	}
	if len(l.nodes) == 0 {
		minY, maxY = 0, 0
	}
	for _, n := range l.nodes {
		n.y += l.top - minY
	}
	l.height = l.top + (maxY - minY) + margin
	if l.g.Title != "" {
		l.width = max(l.width, textWidth(l.g.Title, titleFont)+2*margin)
	}
}

func (l *layout) relaxLayer(k int) {
	layer := l.layers[k]
	if len(layer) == 0 {
		return
	}
	want := make([]float64, len(layer))
	for pos, i := range layer {
		n := l.nodes[i]
		nb := append(append([]int(nil), n.preds...), n.succs...)
		if len(nb) == 0 {
			want[pos] = n.y
			continue
		}
		sum := 0.0
		for _, j := range nb {
			sum += l.nodes[j].y
		}
		want[pos] = sum / float64(len(nb))
	}
	// Boxes must satisfy y[p+1] - y[p] >= gap[p]; with offsets o[p] (the cumulative
	// gaps) and z = y - o, that is z non-decreasing: isotonic regression of want - o.
	offsets := make([]float64, len(layer))
	for p := 1; p < len(layer); p++ {
		a, b := l.nodes[layer[p-1]], l.nodes[layer[p]]
		offsets[p] = offsets[p-1] + a.h/2 + b.h/2 + rowGap
	}
	target := make([]float64, len(layer))
	for p := range layer {
		target[p] = want[p] - offsets[p]
	}
	z := isotonic(target)
	for p, i := range layer {
		l.nodes[i].y = z[p] + offsets[p]
	}
}

// isotonic returns the non-decreasing sequence closest to v in least squares (pool
// adjacent violators).
func isotonic(v []float64) []float64 {
	type block struct {
		sum   float64
		count int
	}
	var blocks []block
	for _, x := range v {
		blocks = append(blocks, block{x, 1})
		for len(blocks) > 1 {
			a, b := blocks[len(blocks)-2], blocks[len(blocks)-1]
			if a.sum/float64(a.count) <= b.sum/float64(b.count) {
				break
			}
			blocks = append(blocks[:len(blocks)-2], block{a.sum + b.sum, a.count + b.count})
		}
	}
	out := make([]float64, 0, len(v))
	for _, b := range blocks {
		for range b.count {
			out = append(out, b.sum/float64(b.count))
		}
	}
	return out
}
