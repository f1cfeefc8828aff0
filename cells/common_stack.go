package cells

import (
	. "github.com/gomlx/gomlx/core/graph" //nolint:staticcheck
	"github.com/gomlx/gomlx/ml/model"
	"github.com/gomlx/gomlx/support/exceptions"
)

// stackConfig is how cells stack into a classifier [1, 2]: a stem, then three
// stages of N normal cells with a reduction cell between stages (3N+2 cells,
// reductions at positions N and 2N+1), the width doubling at each reduction; then
// ReLU, global average pooling, dropout in training and a dense layer.
type stackConfig struct {
	filters        int  // width C of the first stage's cells
	cellsPerStage  int  // N
	stemMultiplier int  // the CIFAR stem is a 3x3 convolution to stemMultiplier·C channels, and BN
	imagenetStem   bool // NASNet's ImageNet stem instead (see imagenetStem)
	headBias       bool // the dense layers have a bias (NASNet) or not (ENAS)
	// aux adds the auxiliary head after cell auxAfter (0-based position among all
	// cells): ReLU, 5x5 average pooling of stride 3 (VALID), 1x1 convolution to 128,
	// BN, ReLU, a convolution covering the whole map to 768 (VALID, or SAME when
	// auxSame, as ENAS's code), BN, ReLU, global average pooling, dense.
	aux      bool
	auxAfter int
	auxSame  bool
	style    cellStyle
	ops      []opDef
	concat   cellConcat // the states each cell's output concatenates
	// dropPathKeep and dropoutKeep are the keep probabilities of drop-path in the
	// cells and of dropout before the dense layer (0 or 1: off; see
	// common_droppath.go).
	dropPathKeep, dropoutKeep float64
}

// numCells is the number of cells after the stem, 3N+2.
func (c stackConfig) numCells() int { return 3*c.cellsPerStage + 2 }

// stemCells is the number of cells in the stem: 2 in NASNet's ImageNet stem.
func (c stackConfig) stemCells() int {
	if c.imagenetStem {
		return 2
	}
	return 0
}

// totalCells counts every cell, stem cells included.
func (c stackConfig) totalCells() int { return c.stemCells() + c.numCells() }

// isReduction says whether cell i (0-based) is a reduction cell.
func (c stackConfig) isReduction(i int) bool {
	return i == c.cellsPerStage || i == 2*c.cellsPerStage+1
}

// classifier builds (or counts) the network of the given cells on images x; weights
// live in scope under "stem", "stem_cell<j>", "cell<i>", "aux" and "head". It returns
// the logits and, when the auxiliary head is on, its logits.
func (n *cnet) classifier(scope *model.Scope, x fmap, normal, reduce cellSpec, cfg stackConfig, numClasses int) (logits, aux fmap, hasAux bool) {
	var outputs []state // cell outputs so far, stem included
	n.startDropPath(scope, x, cfg)
	if cfg.imagenetStem {
		outputs = n.imagenetStem(scope, x, reduce, cfg)
	} else {
		stem := n.conv(scope.At("stem").At("conv"), x, cfg.stemMultiplier*cfg.filters, 3, 3, 1, 1, 1, 1, false)
		stem = n.bn(scope.At("stem").At("bn"), stem)
		outputs = []state{single("stem", stem), single("stem", stem)}
	}
	filters := cfg.filters
	for i := range cfg.numCells() {
		spec, reduction := normal, false
		if cfg.isReduction(i) {
			spec, reduction = reduce, true
			filters *= 2
		}
		out := n.cell(scope.At("cell%d", i), spec, cfg.ops, outputs[len(outputs)-2], outputs[len(outputs)-1], filters, reduction,
			cfg.concat.outputs(spec, reduction), cfg.style, cfg.stemCells()+i)
		outputs = append(outputs, out)
		if cfg.aux && i == cfg.auxAfter {
			aux, hasAux = n.auxHead(scope.At("aux"), out, cfg, numClasses), true
		}
	}
	logits = n.denseState(scope.At("head"), n.reluState(outputs[len(outputs)-1]), numClasses, cfg.headBias, cfg.dropoutKeep)
	return logits, aux, hasAux
}

// imagenetStem is NASNet's ImageNet stem [1] (TensorFlow's nasnet.py): a 3x3
// convolution of stride 2 without padding to 32·stemMultiplier channels and BN,
// then two reduction cells of widths C/4 and C/2. It returns the outputs that feed
// the first cell: the convolution's, then the two stem cells'.
func (n *cnet) imagenetStem(scope *model.Scope, x fmap, reduce cellSpec, cfg stackConfig) []state {
	s := scope.At("stem")
	y := n.conv(s.At("conv"), x, 32*cfg.stemMultiplier, 3, 3, 2, 2, 1, 1, true)
	y = n.bn(s.At("bn"), y)
	outputs := []state{single("stem", y), single("stem", y)}
	for j, div := range []int{4, 2} {
		if cfg.filters%div != 0 {
			exceptions.Panicf("cells: the ImageNet stem needs a width divisible by 4, got %d", cfg.filters)
		}
		out := n.cell(scope.At("stem_cell%d", j), reduce, cfg.ops, outputs[len(outputs)-2], outputs[len(outputs)-1], cfg.filters/div, true,
			cfg.concat.outputs(reduce, true), cfg.style, j)
		outputs = append(outputs, out)
	}
	return outputs[1:]
}

// auxHead is the auxiliary classifier (see stackConfig.aux).
func (n *cnet) auxHead(s *model.Scope, x state, cfg stackConfig, numClasses int) fmap {
	if x[0].h < 5 || x[0].w < 5 {
		exceptions.Panicf("cells: the auxiliary head needs a feature map of at least 5x5, got %dx%d (use larger images)", x[0].h, x[0].w)
	}
	pooled := make(state, len(x))
	for i, p := range n.reluState(x) {
		pooled[i] = part{p.id, n.avgPoolValid(p.fmap, 5, 3)}
	}
	y := n.convState(s.At("proj"), pooled, true, 128, 1, 1, 1, 1, 1)
	y = n.relu(n.bn(s.At("bn0"), y))
	y = n.conv(s.At("conv"), y, 768, y.h, y.w, 1, 1, 1, 1, !cfg.auxSame)
	y = n.relu(n.bn(s.At("bn1"), y))
	return n.denseState(s.At("head"), single("aux", y), numClasses, cfg.headBias, 0)
}

// imageFmap wraps an NHWC image batch.
func imageFmap(images *Node) fmap {
	if images.Rank() != 4 {
		exceptions.Panicf("cells: images must be NHWC (rank 4), got %s", images.Shape())
	}
	d := images.Shape().Dimensions
	return fmap{x: images, h: d[1], w: d[2], c: d[3]}
}

// countClassifier runs the classifier in counting mode for h×w×c images; it returns
// the trainable parameters and multiply-adds, the auxiliary head excluded (it only
// exists during training), or the builder's panic as an error.
func countClassifier(normal, reduce cellSpec, cfg stackConfig, h, w, c, numClasses int) (params int, flops int64, err error) {
	n, err := countedClassifier(normal, reduce, cfg, h, w, c, numClasses)
	if err != nil {
		return 0, 0, err
	}
	return n.numParams(), n.flops, nil
}

// countedClassifier is the counting run itself: its params map lists the path and
// size of every trainable variable the network uses.
func countedClassifier(normal, reduce cellSpec, cfg stackConfig, h, w, c, numClasses int) (*cnet, error) {
	cfg.aux = false
	n := newCellCounter()
	err := exceptions.TryCatch[error](func() {
		n.classifier(model.NewStore().RootScope(), fmap{h: h, w: w, c: c}, normal, reduce, cfg, numClasses)
	})
	return n, err
}
