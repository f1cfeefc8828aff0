package cells

import (
	"github.com/gomlx/compute/shapes"
	. "github.com/gomlx/gomlx/core/graph" //nolint:staticcheck
	"github.com/gomlx/gomlx/ml/layers"
	"github.com/gomlx/gomlx/ml/model"
	"github.com/gomlx/gomlx/ml/model/initializer"
	"github.com/gomlx/gomlx/support/exceptions"
	"github.com/gonas/gonas/nas/nn"
)

// fmap is a feature map: its graph node while building (nil while only counting) and
// its spatial size and channels, which both modes track.
type fmap struct {
	x       *Node
	h, w, c int
}

// cnet builds the layers of cell-based networks. The same code runs in two modes:
// building a graph (count false), and counting (count true), where no graph exists
// and every layer only records its trainable parameters (by variable path, so a
// weight reached twice counts once) and its multiply-adds. Counter.Cost runs the
// builders in counting mode, so the costs are those of the network built.
type cnet struct {
	count  bool
	params map[string]int // variable path → number of scalars (counting mode)
	flops  int64          // multiply-adds of convolutions and dense layers (counting mode)
	drop   *pathDrop      // drop-path of the training graph being built (nil: none)
}

func newCellCounter() *cnet { return &cnet{count: true, params: map[string]int{}} }

// numParams is the number of trainable scalars counted.
func (n *cnet) numParams() int {
	total := 0
	for _, p := range n.params {
		total += p
	}
	return total
}

func (n *cnet) addParams(s *model.Scope, name string, size int) {
	if n.count {
		n.params[model.JoinPath(s.Scope(), name)] = size
	}
}

// conv is a kh×kw convolution without bias (variable "weights" in s).
func (n *cnet) conv(s *model.Scope, x fmap, filters, kh, kw, sh, sw, dilation, groups int, valid bool) fmap {
	groups, dilation = max(groups, 1), max(dilation, 1)
	if x.c%groups != 0 {
		exceptions.Panicf("cells: %d channels not divisible by %d groups at %s", x.c, groups, s.Scope())
	}
	effH, effW := dilation*(kh-1)+1, dilation*(kw-1)+1
	out := fmap{h: nn.ConvOutputSize(x.h, effH, sh, valid), w: nn.ConvOutputSize(x.w, effW, sw, valid), c: filters}
	if out.h < 1 || out.w < 1 {
		exceptions.Panicf("cells: a %dx%d input is too small for a VALID %dx%d convolution at %s", x.h, x.w, kh, kw, s.Scope())
	}
	macs := kh * kw * (x.c / groups) * filters
	n.addParams(s, "weights", macs)
	if n.count {
		n.flops += int64(out.h) * int64(out.w) * int64(macs)
		return out
	}
	if kh == kw && sh == sw && !valid {
		out.x = nn.Conv2D(s, x.x, nn.ConvConfig{Filters: filters, Kernel: kh, Stride: sh, Dilation: dilation, Groups: groups})
	} else {
		if dilation > 1 || groups > 1 {
			exceptions.Panicf("cells: rectangular or VALID convolutions take no dilation or groups (%s)", s.Scope())
		}
		out.x = nn.Conv2DRect(s, x.x, nn.RectConfig{Filters: filters, KH: kh, KW: kw, StrideH: sh, StrideW: sw, Valid: valid})
	}
	return out
}

// conv1x1 is a pointwise convolution to filters channels.
func (n *cnet) conv1x1(s *model.Scope, x fmap, filters, stride int) fmap {
	return n.conv(s, x, filters, 1, 1, stride, stride, 1, 1, false)
}

// depthwise is a k×k depthwise convolution (one filter per channel).
func (n *cnet) depthwise(s *model.Scope, x fmap, k, stride, dilation int) fmap {
	return n.conv(s, x, x.c, k, k, stride, stride, dilation, x.c, false)
}

// bn is batch normalisation; its trainable variables are a scale and an offset.
func (n *cnet) bn(s *model.Scope, x fmap) fmap {
	bs := s.At("batch_normalization")
	n.addParams(bs, "scale", x.c)
	n.addParams(bs, "offset", x.c)
	if !n.count {
		x.x = nn.BatchNorm(s, x.x)
	}
	return x
}

func (n *cnet) relu(x fmap) fmap {
	if !n.count {
		x.x = nn.Relu(x.x)
	}
	return x
}

// pool is a k×k SAME max or average pooling (padding excluded from averages).
func (n *cnet) pool(x fmap, isMax bool, k, stride int) fmap {
	out := fmap{h: nn.ConvOutputSize(x.h, k, stride, false), w: nn.ConvOutputSize(x.w, k, stride, false), c: x.c}
	if !n.count {
		if isMax {
			out.x = nn.MaxPool2D(x.x, k, stride)
		} else {
			out.x = nn.AvgPool2D(x.x, k, stride)
		}
	}
	return out
}

// avgPoolValid is a k×k average pooling without padding.
func (n *cnet) avgPoolValid(x fmap, k, stride int) fmap {
	out := fmap{h: nn.ConvOutputSize(x.h, k, stride, true), w: nn.ConvOutputSize(x.w, k, stride, true), c: x.c}
	if out.h < 1 || out.w < 1 {
		exceptions.Panicf("cells: a %dx%d input is too small for a VALID %dx%d pooling", x.h, x.w, k, k)
	}
	if !n.count {
		out.x = nn.AvgPool2DValid(x.x, k, stride)
	}
	return out
}

func (n *cnet) add(a, b fmap) fmap {
	if a.h != b.h || a.w != b.w || a.c != b.c {
		exceptions.Panicf("cells: cannot add a %dx%dx%d and a %dx%dx%d feature map", a.h, a.w, a.c, b.h, b.w, b.c)
	}
	if !n.count {
		a.x = Add(a.x, b.x)
	}
	return a
}

func (n *cnet) concat(xs []fmap) fmap {
	out := xs[0]
	nodes := []*Node{xs[0].x}
	for _, x := range xs[1:] {
		if x.h != out.h || x.w != out.w {
			exceptions.Panicf("cells: cannot concatenate a %dx%d and a %dx%d feature map", out.h, out.w, x.h, x.w)
		}
		out.c += x.c
		nodes = append(nodes, x.x)
	}
	if !n.count && len(nodes) > 1 {
		out.x = Concatenate(nodes, -1)
	}
	return out
}

// shifts returns the two stride-2 subsamplings of a factorized reduction.
func (n *cnet) shifts(x fmap) (even, odd fmap) {
	even = fmap{h: (x.h + 1) / 2, w: (x.w + 1) / 2, c: x.c}
	odd = even
	if !n.count {
		even.x, odd.x = nn.StrideTwoShifts(x.x)
	}
	return even, odd
}

// globalAvgPool averages over H and W; the result is 1×1×C.
func (n *cnet) globalAvgPool(x fmap) fmap {
	out := fmap{h: 1, w: 1, c: x.c}
	if !n.count {
		out.x = nn.GlobalAvgPool(x.x)
	}
	return out
}

// dense maps the channels of a 1×1×C map to outputs logits: weights in s/dense,
// and a bias (zero-initialised) in s/bias when bias is set.
func (n *cnet) dense(s *model.Scope, x fmap, outputs int, bias bool) fmap {
	out := fmap{h: 1, w: 1, c: outputs}
	n.addParams(s.At("dense"), "weights", x.c*outputs)
	if bias {
		n.addParams(s.At("bias"), "biases", outputs)
	}
	if n.count {
		n.flops += int64(x.c) * int64(outputs)
		return out
	}
	in := Reshape(x.x, x.x.Shape().Dimensions[0], -1)
	out.x = layers.Dense(s, in, false, outputs)
	if bias {
		b := s.At("bias").WithInitializer(initializer.Zero).VariableWithShape("biases", shapes.Make(in.DType(), outputs))
		out.x = Add(out.x, ExpandAxes(b.NodeValue(in.Graph()), 0))
	}
	return out
}

// denseState is global average pooling, dropout at keep probability keep (0 or 1:
// none; see dropout), then a dense layer over a state: one weight matrix per part
// (s/<part id>/dense), summed, and one bias (see state).
func (n *cnet) denseState(s *model.Scope, st state, outputs int, bias bool, keep float64) fmap {
	var sum fmap
	for i, p := range st {
		pooled := n.globalAvgPool(p.fmap)
		if !n.count {
			pooled.x = dropout(s, pooled.x, keep)
		}
		y := n.dense(s.At("%s", p.id), pooled, outputs, false)
		if i == 0 {
			sum = y
		} else {
			sum = n.add(sum, y)
		}
	}
	if bias {
		bs := s.At("bias")
		n.addParams(bs, "biases", outputs)
		if !n.count {
			b := bs.WithInitializer(initializer.Zero).VariableWithShape("biases", shapes.Make(sum.x.DType(), outputs))
			sum.x = Add(sum.x, ExpandAxes(b.NodeValue(sum.x.Graph()), 0))
		}
	}
	return sum
}
