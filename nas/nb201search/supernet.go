package nb201search

// The NAS-Bench-201 supernet: the benchmark's skeleton (cells/nasbench201_net.go)
// with every edge holding all 5 ops, as NB201's own weight-sharing baselines build
// it [1] (models/cell_searchs/search_cells.py, NAS201SearchCell):
//
//	stem: conv3x3(C) - BN
//	stage 1: N cells at C;   ResBlock(C→2C, stride 2)
//	stage 2: N cells at 2C;  ResBlock(2C→4C, stride 2)
//	stage 3: N cells at 4C
//	BN - ReLU - global average pool - dense(classes, with bias)
//
// One model.Store holds the weights of every op of every edge, keyed by position
// ("stage{s}/cell{c}/edge{i}{j}/{op}"), and the graph of an architecture uses the
// weights of its own ops only: training it moves only its path, as in single-path
// training [2] and ENAS [3]. Each architecture gets its own compiled graph (about
// 10-30 ms to build and compile on the embedded backend, against 60-150 ms for one
// training step of the small supernets); an earlier version fed the architecture as
// a one-hot mask to one graph computing every op, which was 4-5× slower per step.
//
// As in NB201's search models, the batch norms inside the cells have no affine
// parameters and every batch norm normalises with the statistics of the minibatch
// (track_running_stats=False): the score of an architecture never depends on moving
// averages left behind by other architectures. The stem and the residual blocks keep
// affine batch norms, as there.

import (
	"github.com/gomlx/compute/shapes"
	. "github.com/gomlx/gomlx/core/graph" //nolint:staticcheck
	"github.com/gomlx/gomlx/ml/layers"
	"github.com/gomlx/gomlx/ml/layers/activation"
	"github.com/gomlx/gomlx/ml/model"
	"github.com/gomlx/gomlx/ml/model/initializer"
	"github.com/gomlx/gomlx/support/exceptions"
	"github.com/gonas/gonas/cells"
	"github.com/gonas/gonas/nas/nn"
)

// numEdges is the number of edges of the cell (6).
var numEdges = len(cells.NB201Edges())

// supernetLogits builds architecture ops (one op number per edge, in NB201's
// order) on images [B, H, W, 3] with the supernet's shared weights and returns the
// logits [B, classes].
func supernetLogits(scope *model.Scope, images *Node, ops []int, net cells.NB201Network, classes int) *Node {
	if len(ops) != numEdges {
		exceptions.Panicf("nb201search: an architecture has %d edges, got %d ops", numEdges, len(ops))
	}
	c := net.Channels
	x := batchNorm(scope.At("stem"), conv(scope.At("stem"), images, c, 3, 1), true)
	for stage := range 3 {
		if stage > 0 {
			c *= 2
			x = resBlock(scope.At("resblock%d", stage), x, c)
		}
		for cell := range net.CellsPerStage {
			x = searchCell(scope.At("stage%d", stage).At("cell%d", cell), x, ops)
		}
	}
	x = activation.Relu(batchNorm(scope.At("lastact"), x, true))
	x = nn.GlobalAvgPool(x)
	logits := layers.Dense(scope.At("classifier").At("dense"), x, false, classes)
	b := scope.At("classifier").At("bias").WithInitializer(initializer.Zero).VariableWithShape("biases", shapes.Make(x.DType(), classes))
	return Add(logits, ExpandAxes(b.NodeValue(x.Graph()), 0))
}

// searchCell is the NB201 cell of ops: node j sums op(node i) over the edges i→j;
// a node whose edges are all none is zero.
func searchCell(scope *model.Scope, in *Node, ops []int) *Node {
	nodes := []*Node{in}
	for to := 1; to < cells.NB201Nodes; to++ {
		var sum *Node
		for e, edge := range cells.NB201Edges() {
			op := cells.NB201Ops[ops[e]]
			if edge.To != to || op == "none" {
				continue
			}
			y := searchOp(scope.At("edge%d%d", edge.From, edge.To).At("%s", op), nodes[edge.From], op)
			if sum == nil {
				sum = y
			} else {
				sum = Add(sum, y)
			}
		}
		if sum == nil {
			sum = ZerosLike(in)
		}
		nodes = append(nodes, sum)
	}
	return nodes[len(nodes)-1]
}

// searchOp is one op of an edge; convolutions are ReLU-conv-BN without affine
// parameters, as in NB201's search cells.
func searchOp(s *model.Scope, x *Node, op string) *Node {
	ch := x.Shape().Dimensions[3]
	switch op {
	case "skip_connect":
		return x
	case "nor_conv_1x1":
		return batchNorm(s, conv(s, activation.Relu(x), ch, 1, 1), false)
	case "nor_conv_3x3":
		return batchNorm(s, conv(s, activation.Relu(x), ch, 3, 1), false)
	case "avg_pool_3x3":
		return nn.AvgPool2D(x, 3, 1)
	}
	exceptions.Panicf("nb201search: op %q has no network", op)
	return nil
}

// resBlock is NB201's ResNetBasicblock with stride 2 (affine batch norms).
func resBlock(s *model.Scope, x *Node, c int) *Node {
	a := batchNorm(s.At("conv_a"), conv(s.At("conv_a"), activation.Relu(x), c, 3, 2), true)
	b := batchNorm(s.At("conv_b"), conv(s.At("conv_b"), activation.Relu(a), c, 3, 1), true)
	short := conv(s.At("shortcut"), nn.AvgPool2DValid(x, 2, 2), c, 1, 1)
	return Add(b, short)
}

func conv(s *model.Scope, x *Node, filters, kernel, stride int) *Node {
	return nn.Conv2D(s, x, nn.ConvConfig{Filters: filters, Kernel: kernel, Stride: stride})
}

// batchNorm normalises x with its minibatch statistics (training mode always; no
// moving averages are kept), with a learned scale and offset when affine.
func batchNorm(s *model.Scope, x *Node, affine bool) *Node {
	g := x.Graph()
	shape := shapes.Make(x.DType(), x.Shape().Dimensions[x.Rank()-1])
	scale, offset := Ones(g, shape), Zeros(g, shape)
	if affine {
		s = s.At("bn")
		scale = s.WithInitializer(initializer.One).VariableWithShape("scale", shape).NodeValue(g)
		offset = s.WithInitializer(initializer.Zero).VariableWithShape("offset", shape).NodeValue(g)
	}
	y, _, _ := InternalBatchNormForTraining(x, scale, offset, float32(nn.BatchNormEpsilon), -1)
	return y
}
