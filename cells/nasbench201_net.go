package cells

// The NAS-Bench-201 network [1] (nas.ImageSpace, nas.Counter) and cell drawing
// (nas.Drawer), as in the benchmark's code (models/cell_infers/tiny_network.py):
//
//	stem: conv3x3(C) - BN
//	stage 1: N cells at C;   ResBlock(C→2C, stride 2)
//	stage 2: N cells at 2C;  ResBlock(2C→4C, stride 2)
//	stage 3: N cells at 4C
//	BN - ReLU - global average pool - dense(classes, with bias)
//
// with C = 16 and N = 5 by default. In a cell, node j sums op(node i) over the edges
// i→j; nor_conv_kxk is ReLU-conv(k×k)-BN, avg_pool_3x3 averages over a 3×3 window
// (stride 1, padding excluded), skip_connect is the identity and none contributes
// nothing (a node whose edges are all none is zero). The ResBlock is the benchmark's
// ResNetBasicblock: ReLU-conv3x3(stride 2)-BN, ReLU-conv3x3-BN, plus a shortcut of
// 2×2 average pooling (stride 2) and a 1×1 convolution. Batch norms are affine.
//
// Weight keys (shared between architectures, as ENAS shares): cells under
// "stage{s}/cell{c}/edge{i}{j}/{op}", the fixed skeleton under "stem", "resblock{s}",
// "lastact" and "classifier".

import (
	"fmt"

	. "github.com/gomlx/gomlx/core/graph" //nolint:staticcheck
	"github.com/gomlx/gomlx/ml/model"
	"github.com/gomlx/gomlx/support/exceptions"
	"github.com/gonas/gonas/nas"
	"github.com/gonas/gonas/nas/draw"
)

// NB201Network sizes the NAS-Bench-201 skeleton.
type NB201Network struct {
	Channels      int // C, the channels of the first stage (16 in the benchmark)
	CellsPerStage int // N (5 in the benchmark)
	ImageSize     int // input height and width (32 for CIFAR)
	ImageChannels int // input channels (3)
}

// NB201BenchmarkNetwork is the configuration the benchmark trained (CIFAR inputs).
func NB201BenchmarkNetwork() NB201Network {
	return NB201Network{Channels: 16, CellsPerStage: 5, ImageSize: 32, ImageChannels: 3}
}

// Network returns the skeleton used by ImageModel and Cost (the benchmark's unless
// set with WithNetwork).
func (s *NB201) Network() NB201Network {
	if s.net == nil {
		return NB201BenchmarkNetwork()
	}
	return *s.net
}

// WithNetwork returns a copy of the space that builds networks of size n.
func (s *NB201) WithNetwork(n NB201Network) *NB201 {
	return &NB201{net: &n}
}

// ImageModel returns the network of architecture a with numClasses outputs.
func (s *NB201) ImageModel(a nas.Arch, numClasses int) (nas.ImageModel, error) {
	if err := s.Validate(a); err != nil {
		return nil, err
	}
	cfg := s.Network()
	return func(scope *model.Scope, images *Node) *Node {
		n := &cnet{}
		return nb201Forward(n, scope, imageFmap(images), a.Choices, cfg, numClasses).x
	}, nil
}

// Cost counts the trainable parameters and multiply-adds of a's network for one image.
func (s *NB201) Cost(a nas.Arch, numClasses int) (int, int64, error) {
	if err := s.Validate(a); err != nil {
		return 0, 0, err
	}
	cfg := s.Network()
	n := newCellCounter()
	err := exceptions.TryCatch[error](func() {
		nb201Forward(n, model.NewStore().RootScope(), fmap{h: cfg.ImageSize, w: cfg.ImageSize, c: cfg.ImageChannels},
			a.Choices, cfg, numClasses)
	})
	if err != nil {
		return 0, 0, err
	}
	return n.numParams(), n.flops, nil
}

func nb201Forward(n *cnet, scope *model.Scope, x fmap, ops []int, cfg NB201Network, numClasses int) fmap {
	x = n.bn(scope.At("stem"), n.conv(scope.At("stem"), x, cfg.Channels, 3, 3, 1, 1, 1, 1, false))
	c := cfg.Channels
	for stage := range 3 {
		if stage > 0 {
			c *= 2
			x = nb201ResBlock(n, scope.At("resblock%d", stage), x, c)
		}
		for cell := range cfg.CellsPerStage {
			x = nb201Cell(n, scope.At("stage%d", stage).At("cell%d", cell), x, ops)
		}
	}
	x = n.relu(n.bn(scope.At("lastact"), x))
	return n.dense(scope.At("classifier"), n.globalAvgPool(x), numClasses, true)
}

// nb201Cell computes node 3 of the cell from its input (node 0).
func nb201Cell(n *cnet, scope *model.Scope, in fmap, ops []int) fmap {
	nodes := []fmap{in}
	edges := NB201Edges()
	for to := 1; to < NB201Nodes; to++ {
		var sum *fmap
		for k, e := range edges {
			if e.To != to || ops[k] == 0 {
				continue
			}
			s := scope.At("edge%d%d", e.From, e.To).At("%s", NB201Ops[ops[k]])
			y := nb201Op(n, s, nodes[e.From], ops[k])
			if sum == nil {
				sum = &y
			} else {
				added := n.add(*sum, y)
				sum = &added
			}
		}
		if sum == nil { // every edge into the node is "none"
			zero := in
			if !n.count {
				zero.x = ZerosLike(in.x)
			}
			sum = &zero
		}
		nodes = append(nodes, *sum)
	}
	return nodes[NB201Nodes-1]
}

func nb201Op(n *cnet, s *model.Scope, x fmap, op int) fmap {
	switch NB201Ops[op] {
	case "skip_connect":
		return x
	case "nor_conv_1x1":
		return n.bn(s, n.conv(s, n.relu(x), x.c, 1, 1, 1, 1, 1, 1, false))
	case "nor_conv_3x3":
		return n.bn(s, n.conv(s, n.relu(x), x.c, 3, 3, 1, 1, 1, 1, false))
	case "avg_pool_3x3":
		return n.pool(x, false, 3, 1)
	}
	exceptions.Panicf("cells: NB201 op %d has no network", op)
	return x
}

// nb201ResBlock is the benchmark's ResNetBasicblock with stride 2.
func nb201ResBlock(n *cnet, s *model.Scope, x fmap, c int) fmap {
	a := n.bn(s.At("conv_a"), n.conv(s.At("conv_a"), n.relu(x), c, 3, 3, 2, 2, 1, 1, false))
	b := n.bn(s.At("conv_b"), n.conv(s.At("conv_b"), n.relu(a), c, 3, 3, 1, 1, 1, 1, false))
	short := n.conv(s.At("shortcut"), n.avgPoolValid(x, 2, 2), c, 1, 1, 1, 1, 1, 1, false)
	return n.add(b, short)
}

// CellGraph draws a's cell: node 0 (the input), nodes 1 and 2, node 3 (the output),
// with each edge's op as a box; none edges are left out.
func (s *NB201) CellGraph(a nas.Arch) (*draw.Graph, error) {
	if err := s.Validate(a); err != nil {
		return nil, err
	}
	g := draw.New("NAS-Bench-201 cell")
	g.Add(draw.Input, "n0", "node 0")
	g.Add(draw.Combine, "n1", "node 1 (sum)").Add(draw.Combine, "n2", "node 2 (sum)").Add(draw.Output, "n3", "node 3 (sum)")
	for k, e := range NB201Edges() {
		if a.Choices[k] == 0 {
			continue
		}
		id := fmt.Sprintf("e%d%d", e.From, e.To)
		g.Add(draw.Op, id, NB201Ops[a.Choices[k]])
		g.Connect(fmt.Sprintf("n%d", e.From), id, "").Connect(id, fmt.Sprintf("n%d", e.To), "")
	}
	return g, nil
}

// SVG draws a's cell.
func (s *NB201) SVG(a nas.Arch) (string, error) { return svgOf(s.CellGraph(a)) }

// DOT writes a's cell in graphviz's language.
func (s *NB201) DOT(a nas.Arch) (string, error) { return dotOf(s.CellGraph(a)) }

// counted is a counting run of a's network (its params map lists every variable).
func (s *NB201) counted(a nas.Arch, size, classes int) (*cnet, error) {
	cfg := s.Network()
	n := newCellCounter()
	err := exceptions.TryCatch[error](func() {
		nb201Forward(n, model.NewStore().RootScope(), fmap{h: size, w: size, c: 3}, a.Choices, cfg, classes)
	})
	return n, err
}
