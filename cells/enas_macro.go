package cells

// The ENAS macro search space [1]: a chain of L convolutional layers, each applying
// one op to the previous layer's output, plus skip connections from any earlier
// layer, as in the reference code (melodyguan/enas, src/cifar10/general_child.py and
// general_controller.py, "whole channels" mode).
//
// Network. A stem (conv3x3 to C filters, batch norm) gives node 0; layer j (0-based)
// reads node j and outputs node j+1. Its op, in the reference's order, is one of
//
//	0 conv3x3  1 sep3x3  2 conv5x5  3 sep5x5  4 avg3x3  5 max3x3
//
// each built as the reference's branches: conv1x1(C)-BN-ReLU, then for a convolution
// conv k×k (sep: depthwise k×k then pointwise 1×1)-BN-ReLU, for a pooling a 3×3
// stride-1 pooling. Layer j > 0 has j skip bits: bit i connects node i (the stem for
// i = 0, else the output of layer i-1; the previous layer is always the op's input).
// The search child (default) sums the op output and the skipped nodes, then applies
// batch norm; with Fixed set, the child the reference retrains a found architecture
// with concatenates them, then ReLU, conv1x1(C), BN, and doubles C at each pooling.
// After layers L/3-1 and 2L/3-1 (the reference's pool_layers) the nodes are halved
// in size by factorized reductions (two shifted stride-2 1x1 convs, concatenated,
// BN); here only the nodes a later layer reads are reduced. Global average pooling,
// dropout in training (DropoutKeep, the reference's --child_keep_prob) and a dense
// layer without bias give the logits.
//
// Differences from the reference, on purpose: its fixed-arc child leaves the pooling
// ops unimplemented and builds sep convs as plain convs in whole-channels mode; both
// modes here use the search child's branches.
//
// Weight keys (ENAS weight sharing: the same key in two architectures is the same
// weight), under the model's scope:
//
//	stem/conv, stem/bn                          the stem
//	layer{j}/{op}/in1x1, in_bn                  the op's 1x1 conv and its batch norm
//	layer{j}/{op}/conv | sep, bn                its k×k conv (sep: depthwise, pointwise)
//	layer{j}/bn                                 batch norm after the skip sum (j > 0)
//	layer{j}/concat{m}/conv, bn                 Fixed: 1x1 conv over m concatenated nodes
//	pool{p}/from{n}/path1_conv, path2_conv, bn  reduction of node n after layer p
//	fc/weights                                  the dense layer [C, classes]
//
// Architecture: per layer, the op then its skip bits (the order the reference
// controller samples them). The ENAS integer string is that list, space separated:
// "0 3 0 0 1 1" is layer 0 conv3x3; layer 1 sep5x5 without skip; layer 2 conv3x3
// with skips from the stem and from layer 0's output.
//
// References:
//
//	[1] Pham, Guan, Zoph, Le & Dean, "Efficient Neural Architecture Search via
//	    Parameter Sharing", ICML 2018; code: github.com/melodyguan/enas.

import (
	"fmt"
	"slices"

	"github.com/gomlx/compute/shapes"
	. "github.com/gomlx/gomlx/core/graph" //nolint:staticcheck
	"github.com/gomlx/gomlx/ml/model"
	"github.com/gomlx/gomlx/support/exceptions"
	"github.com/gonas/gonas/nas"
	"github.com/gonas/gonas/nas/draw"
	"github.com/gonas/gonas/nas/nn"
	"github.com/pkg/errors"
)

// MacroOps are the ENAS macro ops in the reference code's order (its branch ids).
var MacroOps = []string{"conv3x3", "sep3x3", "conv5x5", "sep5x5", "avg3x3", "max3x3"}

// ENASMacro is the ENAS macro search space [1]. It implements nas.ImageSpace,
// nas.Format ("enas" integer strings), nas.Counter and nas.Drawer.
type ENASMacro struct {
	Layers  int  // L, 12 in [1]
	Filters int  // C, even (factorized reductions split it in two); 36 in the search of [1]
	Fixed   bool // build the reference's fixed-architecture child (concat skips, C doubles at pools); its weights do not fit the search child's
	// ImageSize and Channels are the input Cost counts for (32 and 3, CIFAR-10);
	// ImageModel takes images of any size.
	ImageSize, Channels int
	// DropoutKeep is the keep probability of dropout before the dense layer in
	// training (see common_droppath.go; 0 or 1: off): 0.90 in the reference's
	// search, 0.50 in its final training (cifar10_macro_{search,final}.sh,
	// --child_keep_prob).
	DropoutKeep float64
}

// NewENASMacro returns the space of the ENAS macro search: 12 layers of 36 filters,
// for 32×32 RGB images.
func NewENASMacro() *ENASMacro {
	return &ENASMacro{Layers: 12, Filters: 36, ImageSize: 32, Channels: 3}
}

// Name is "enas-macro".
func (s *ENASMacro) Name() string { return "enas-macro" }

// FormatName is "enas": the reference code's integer strings.
func (s *ENASMacro) FormatName() string { return "enas" }

// Decisions are, per layer j, "layer{j}/op" then "layer{j}/skip{i}" for i < j.
func (s *ENASMacro) Decisions() []nas.Decision {
	var ds []nas.Decision
	for j := range s.Layers {
		ds = append(ds, nas.Decision{Name: fmt.Sprintf("layer%d/op", j), Kind: nas.Op, NumChoices: len(MacroOps),
			Labels: MacroOps, Node: -1, Group: "layers"})
		for i := range j {
			ds = append(ds, nas.Decision{Name: fmt.Sprintf("layer%d/skip%d", j, i), Kind: nas.Skip, NumChoices: 2,
				Labels: []string{"no", "yes"}, Node: j, Group: "layers"})
		}
	}
	return ds
}

// Validate checks the space's configuration and that a is one of its architectures.
func (s *ENASMacro) Validate(a nas.Arch) error {
	if err := s.checkConfig(); err != nil {
		return err
	}
	return nas.ValidateChoices(s, a)
}

func (s *ENASMacro) checkConfig() error {
	if s.Layers < 1 || s.Filters < 2 || s.Filters%2 != 0 {
		return errors.Errorf("enas-macro: need at least 1 layer (have %d) and a positive even number of filters (have %d)", s.Layers, s.Filters)
	}
	return checkKeep("enas-macro", "DropoutKeep", s.DropoutKeep)
}

// macroArch is an architecture decoded: the op of each layer and its skip bits.
type macroArch struct {
	ops   []int
	skips [][]bool
}

func (s *ENASMacro) decode(a nas.Arch) macroArch {
	m := macroArch{ops: make([]int, s.Layers), skips: make([][]bool, s.Layers)}
	k := 0
	for j := range s.Layers {
		m.ops[j] = a.Choices[k]
		k++
		m.skips[j] = make([]bool, j)
		for i := range j {
			m.skips[j][i] = a.Choices[k] == 1
			k++
		}
	}
	return m
}

// PoolLayers are the layers after which the reference reduces: L/3-1 and 2L/3-1.
func (s *ENASMacro) PoolLayers() []int {
	d := s.Layers / 3
	if d == 0 {
		return nil
	}
	return []int{d - 1, 2*d - 1}
}

// Parse reads an ENAS integer string: per layer the op id then the layer's skip bits.
func (s *ENASMacro) Parse(text string) (nas.Arch, error) {
	if err := s.checkConfig(); err != nil {
		return nas.Arch{}, err
	}
	in := NewIntString("enas-macro", text)
	a := nas.Arch{Space: s.Name()}
	for j := range s.Layers {
		op, err := in.Next(len(MacroOps), fmt.Sprintf("the op of layer %d", j))
		if err != nil {
			return nas.Arch{}, err
		}
		a.Choices = append(a.Choices, op)
		for i := range j {
			bit, err := in.Next(2, fmt.Sprintf("skip bit %d of layer %d", i, j))
			if err != nil {
				return nas.Arch{}, err
			}
			a.Choices = append(a.Choices, bit)
		}
	}
	return a, in.End(fmt.Sprintf("layer %d", s.Layers-1))
}

// Format writes a as an ENAS integer string.
func (s *ENASMacro) Format(a nas.Arch) (string, error) {
	if err := s.Validate(a); err != nil {
		return "", err
	}
	return FormatInts(a.Choices), nil
}

// ImageModel returns the network of architecture a (see the file comment).
func (s *ENASMacro) ImageModel(a nas.Arch, numClasses int) (nas.ImageModel, error) {
	if err := s.Validate(a); err != nil {
		return nil, err
	}
	if numClasses < 1 {
		return nil, errors.Errorf("enas-macro: need at least 1 class, got %d", numClasses)
	}
	m, cfg := s.decode(a), *s // later changes to s do not change the model
	return func(scope *model.Scope, images *Node) *Node {
		return cfg.build(scope, images, m, numClasses)
	}, nil
}

// macroNet tracks the nodes while a network is built: each node at its latest
// resolution and how many poolings it went through.
type macroNet struct {
	s      *ENASMacro
	scope  *model.Scope
	nodes  []*Node
	stages []int
	pools  []int
}

func (s *ENASMacro) build(scope *model.Scope, images *Node, m macroArch, numClasses int) *Node {
	if images.Rank() != 4 {
		exceptions.Panicf("enas-macro: images must be NHWC, got %s", images.Shape())
	}
	net := &macroNet{s: s, scope: scope, pools: s.PoolLayers()}
	stem := scope.At("stem")
	x := nn.Conv2D(stem.At("conv"), images, nn.ConvConfig{Filters: s.Filters, Kernel: 3})
	net.add(nn.BatchNorm(stem.At("bn"), x), 0)
	stage := 0
	for j := range s.Layers {
		c := s.filters(stage)
		ls := scope.At("layer%d", j)
		out := macroOp(ls.At("%s", MacroOps[m.ops[j]]), net.get(j, stage), m.ops[j], c)
		if j > 0 {
			var skipped []*Node
			for i, on := range m.skips[j] {
				if on {
					skipped = append(skipped, net.get(i, stage))
				}
			}
			if s.Fixed {
				cs := ls.At("concat%d", len(skipped)+1)
				out = nn.Relu(Concatenate(append(skipped, out), -1))
				out = nn.Conv2D(cs.At("conv"), out, nn.ConvConfig{Filters: c, Kernel: 1})
				out = nn.BatchNorm(cs.At("bn"), out)
			} else {
				for _, sk := range skipped {
					out = Add(out, sk)
				}
				out = nn.BatchNorm(ls.At("bn"), out)
			}
		}
		net.add(out, stage)
		if slices.Contains(net.pools, j) {
			stage++
		}
	}
	x = dropout(scope, nn.GlobalAvgPool(net.nodes[s.Layers]), s.DropoutKeep)
	w := scope.At("fc").VariableWithShape("weights", shapes.Make(x.DType(), x.Shape().Dimensions[1], numClasses))
	return MatMul(x, w.NodeValue(x.Graph()))
}

// filters is C at a stage (after that many poolings).
func (s *ENASMacro) filters(stage int) int {
	if s.Fixed {
		return s.Filters << stage
	}
	return s.Filters
}

func (net *macroNet) add(x *Node, stage int) {
	net.nodes = append(net.nodes, x)
	net.stages = append(net.stages, stage)
}

// get returns node n reduced to the resolution of stage, reducing it (once) at
// each pooling it has not been through.
func (net *macroNet) get(n, stage int) *Node {
	for net.stages[n] < stage {
		st := net.stages[n]
		p := net.pools[st]
		net.nodes[n] = nn.FactorizedReduce(net.scope.At("pool%d", p).At("from%d", n), net.nodes[n], net.s.filters(st+1))
		net.stages[n]++
	}
	return net.nodes[n]
}

// macroOp is the reference's branch for op: conv1x1-BN-ReLU, then the op.
func macroOp(scope *model.Scope, x *Node, op, c int) *Node {
	x = nn.Conv2D(scope.At("in1x1"), x, nn.ConvConfig{Filters: c, Kernel: 1})
	x = nn.Relu(nn.BatchNorm(scope.At("in_bn"), x))
	switch MacroOps[op] {
	case "conv3x3", "conv5x5":
		x = nn.Conv2D(scope.At("conv"), x, nn.ConvConfig{Filters: c, Kernel: macroKernel(op)})
	case "sep3x3", "sep5x5":
		x = nn.SeparableConv2D(scope.At("sep"), x, c, macroKernel(op), 1, 1)
	case "avg3x3":
		return nn.AvgPool2D(x, 3, 1)
	case "max3x3":
		return nn.MaxPool2D(x, 3, 1)
	}
	return nn.Relu(nn.BatchNorm(scope.At("bn"), x))
}

func macroKernel(op int) int {
	if op == 2 || op == 3 {
		return 5
	}
	return 3
}

// Cost counts the trainable parameters of a's network and the multiply-adds of one
// forward pass on one ImageSize×ImageSize×Channels image, counting convolutions and
// the dense layer (batch norm, pooling and additions are not multiply-adds). It
// walks the architecture as build does.
func (s *ENASMacro) Cost(a nas.Arch, numClasses int) (params int, flops int64, err error) {
	if err := s.Validate(a); err != nil {
		return 0, 0, err
	}
	if numClasses < 1 || s.ImageSize < 1 || s.Channels < 1 {
		return 0, 0, errors.Errorf("enas-macro: Cost needs positive classes (%d), ImageSize (%d) and Channels (%d)", numClasses, s.ImageSize, s.Channels)
	}
	m := s.decode(a)
	conv := func(size, k, in, out, groups int) {
		params += k * k * in / groups * out
		flops += int64(size) * int64(size) * int64(k*k*in/groups*out)
	}
	bn := func(c int) { params += 2 * c }
	pools := s.PoolLayers()
	sizes := []int{s.ImageSize} // image size after each number of poolings
	nodeStage := []int{0}
	stage := 0
	get := func(n int) { // as macroNet.get
		for ; nodeStage[n] < stage; nodeStage[n]++ {
			st := nodeStage[n]
			out := s.filters(st + 1)
			conv(sizes[st+1], 1, s.filters(st), out/2, 1)
			conv(sizes[st+1], 1, s.filters(st), out/2, 1)
			bn(out)
		}
	}
	conv(s.ImageSize, 3, s.Channels, s.Filters, 1)
	bn(s.Filters)
	for j := range s.Layers {
		size, c, op := sizes[stage], s.filters(stage), m.ops[j]
		get(j)
		conv(size, 1, c, c, 1)
		bn(c)
		switch MacroOps[op] {
		case "conv3x3", "conv5x5":
			conv(size, macroKernel(op), c, c, 1)
			bn(c)
		case "sep3x3", "sep5x5":
			conv(size, macroKernel(op), c, c, c)
			conv(size, 1, c, c, 1)
			bn(c)
		}
		if j > 0 {
			n := 1
			for i, on := range m.skips[j] {
				if on {
					get(i)
					n++
				}
			}
			if s.Fixed {
				conv(size, 1, n*c, c, 1)
			}
			bn(c)
		}
		nodeStage = append(nodeStage, stage)
		if slices.Contains(pools, j) {
			stage++
			sizes = append(sizes, (size+1)/2)
		}
	}
	c := s.filters(stage)
	params += c * numClasses
	flops += int64(c * numClasses)
	return params, flops, nil
}

// SVG draws a's network left to right (see Graph).
func (s *ENASMacro) SVG(a nas.Arch) (string, error) { return svgOf(s.Graph(a)) }

// DOT writes a's network in graphviz's DOT language.
func (s *ENASMacro) DOT(a nas.Arch) (string, error) { return dotOf(s.Graph(a)) }

// Graph is a's network as a drawing: the stem, one box per layer's op, an "add"
// ("concat" when Fixed) where skip connections join, a "reduce" box after each
// pooling layer (the skipped nodes are reduced alike), the head.
func (s *ENASMacro) Graph(a nas.Arch) (*draw.Graph, error) {
	if err := s.Validate(a); err != nil {
		return nil, err
	}
	m := s.decode(a)
	join := "add"
	if s.Fixed {
		join = "concat"
	}
	g := draw.New(fmt.Sprintf("ENAS macro network (%d layers)", s.Layers))
	g.Add(draw.Input, "image", "image").Add(draw.Op, "stem", "stem conv3x3").Connect("image", "stem", "")
	nodes := []string{"stem"} // the drawn box holding each node
	for j := range s.Layers {
		op := fmt.Sprintf("layer%d", j)
		g.Add(draw.Op, op, fmt.Sprintf("%d: %s", j, MacroOps[m.ops[j]])).Connect(nodes[j], op, "")
		out := op
		if slices.Contains(m.skips[j], true) {
			out = fmt.Sprintf("join%d", j)
			g.Add(draw.Combine, out, join).Connect(op, out, "")
			for i, on := range m.skips[j] {
				if on {
					g.Connect(nodes[i], out, "")
				}
			}
		}
		if slices.Contains(s.PoolLayers(), j) && j < s.Layers-1 {
			reduce := fmt.Sprintf("reduce%d", j)
			g.Add(draw.Op, reduce, "reduce ½").Connect(out, reduce, "")
			out = reduce
		}
		nodes = append(nodes, out)
	}
	g.Add(draw.Op, "head", "avg pool, fc").Add(draw.Output, "logits", "logits")
	g.Connect(nodes[s.Layers], "head", "").Connect("head", "logits", "")
	return g, nil
}
