// Package draw lays out and draws small labelled DAGs — the cells of NAS search
// spaces — as standalone SVG documents (pure Go, no external binary) and as
// graphviz DOT text.
//
// A Graph has nodes of five kinds: Input (a cell input such as h[i-1] or c_{k-2}),
// Op (an operation drawn as a box, as in the NASNet figures [1]), Combine (an "add"
// or "concat" that merges its inputs), State (an intermediate node, numbered as in
// the DARTS figures [3]) and Output (the cell output). Edges may carry a label: a
// labelled edge is the DARTS style of drawing ops on edges, and is drawn as a
// small coloured tag sitting on the edge, laid out like a node so labels never
// overlap. Op boxes and edge tags are coloured by op family (separable conv,
// conv, dilated conv, pooling, identity, none, activation); see Family.
//
// Usage:
//
//	g := draw.New("NASNet-A normal cell")
//	g.Add(draw.Input, "h1", "h[i-1]")
//	g.Add(draw.Op, "b0x", "sep 3x3")
//	g.Add(draw.Combine, "b0", "add")
//	g.Add(draw.Output, "out", "h[i+1]")
//	g.Connect("h1", "b0x", "")
//	g.Connect("b0x", "b0", "")
//	g.Connect("b0", "out", "")
//	svg, err := g.SVG()
//	dot, err := g.DOT()
//
// SVGStack draws several graphs one above the other in one document (a normal and
// a reduction cell); DOTAll writes several graphs as consecutive digraphs. Labels
// may hold TeX-style subscripts: "h_{i-1}".
//
// The layout is the layered (Sugiyama) scheme of graphviz's dot, left to right:
// inputs in the first layer, the output in the last, every other node one layer
// after its latest predecessor; edges that span several layers are routed through
// invisible waypoints; the order within each layer minimises crossings by
// barycentre sweeps, and positions are then relaxed towards the neighbours.
//
// References:
//
//	[1] Zoph, Vasudevan, Shlens & Le, "Learning Transferable Architectures for
//	    Scalable Image Recognition", CVPR 2018 (Figure 4: NASNet-A cells).
//	[2] Pham, Guan, Zoph, Le & Dean, "Efficient Neural Architecture Search via
//	    Parameter Sharing", ICML 2018.
//	[3] Liu, Simonyan & Yang, "DARTS: Differentiable Architecture Search", ICLR 2019.
//	[4] Sugiyama, Tagawa & Toda, "Methods for Visual Understanding of Hierarchical
//	    System Structures", IEEE SMC 1981.
package draw
