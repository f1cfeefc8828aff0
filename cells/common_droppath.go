package cells

// The regularizers of the image networks in training: scheduled drop-path inside
// the cells (NASNet [1], ENAS micro [2]) and dropout before the classifier (all
// three image spaces).
//
// Drop-path zeroes the output of one op of a cell for a whole example with
// probability 1-keep and scales the outputs it keeps by 1/keep, so the expected
// value is unchanged (TensorFlow's nasnet_utils.py _apply_drop_path; ENAS's
// image_ops.py drop_path). Identity ops are never dropped, even where they stride
// or change width (nasnet_utils.py: operation != 'none'; micro_child.py
// _fixed_layer: x_op in [0, 1, 2, 3]). The keep probability falls with depth and
// with training (the "ScheduledDropPath" of [1]):
//
//	keep = 1 - progress · (i+1)/cells · (1 - DropPathKeep)
//
// where i is the cell's position among the network's cells (0-based; NASNet's
// ImageNet stem cells count, as TensorFlow's total_num_cells) and progress is
// train.TrainingProgress: 0 at the first training step, 1 at the last. So every
// cell keeps everything at the start, and the last cell reaches DropPathKeep at
// the end. The references take progress = step/steps (NASNet) or (step+1)/steps
// (ENAS); step/(steps-1) here makes both ends exact. GoMLX's layers.DropPath
// draws the same per-example mask but does not rescale by 1/keep, so it is not
// used as is.
//
// Dropout zeroes each pooled feature before the dense layer with probability
// 1-DropoutKeep and scales the others by 1/DropoutKeep (GoMLX's layers.Dropout),
// as micro_child.py and general_child.py apply --child_keep_prob.
//
// Both act only in training graphs (scope.IsTraining); evaluation graphs are
// unchanged. A keep probability of 0 (the zero value) or 1 turns a regularizer
// off and leaves the graph exactly as without it.

import (
	"github.com/gomlx/compute/shapes"
	. "github.com/gomlx/gomlx/core/graph" //nolint:staticcheck
	"github.com/gomlx/gomlx/ml/layers"
	"github.com/gomlx/gomlx/ml/model"
	"github.com/gomlx/gomlx/support/exceptions"
	"github.com/gonas/gonas/nas/train"
	"github.com/pkg/errors"
)

// keepOff says whether a keep probability turns its regularizer off: 0 (unset) or 1.
func keepOff(keep float64) bool { return keep <= 0 || keep >= 1 }

// checkKeep reports a keep probability outside [0, 1].
func checkKeep(space, field string, keep float64) error {
	if !(keep >= 0 && keep <= 1) {
		return errors.Errorf("%s: %s is a keep probability in [0, 1] (0 or 1: off), got %g", space, field, keep)
	}
	return nil
}

// pathDrop is drop-path while a training graph is built.
type pathDrop struct {
	final    float64 // DropPathKeep
	cells    int     // cells in the network, stem cells included
	progress *Node   // train.TrainingProgress, in the network's dtype
}

// startDropPath sets up drop-path for a network of cfg on images x: none when
// counting, when cfg turns it off or outside training; otherwise it reads the
// training progress, which the training loop must have given the graph.
func (n *cnet) startDropPath(scope *model.Scope, x fmap, cfg stackConfig) {
	n.drop = nil
	if n.count || keepOff(cfg.dropPathKeep) {
		return
	}
	g := x.x.Graph()
	if !scope.IsTraining(g) {
		return
	}
	p := train.TrainingProgress(scope.Store(), g)
	if p == nil {
		exceptions.Panicf("cells: drop-path (keep %g) needs the training progress: call train.SetTrainingSteps in the training step's model function (train.Classifier and the ENAS search do)", cfg.dropPathKeep)
	}
	n.drop = &pathDrop{final: cfg.dropPathKeep, cells: cfg.totalCells(), progress: ConvertDType(p, x.x.DType())}
}

// cellKeep is the keep probability of the ops of the cell at position pos (see
// the file comment), or nil when drop-path is off.
func (n *cnet) cellKeep(pos int) *Node {
	if n.drop == nil {
		return nil
	}
	return scheduledKeep(n.drop.progress, n.drop.final, pos, n.drop.cells)
}

// scheduledKeep is 1 - progress · (pos+1)/cells · (1 - final).
func scheduledKeep(progress *Node, final float64, pos, cells int) *Node {
	return OneMinus(MulScalar(progress, float64(pos+1)/float64(cells)*(1-final)))
}

// dropOp applies drop-path at keep (nil: off) to the output x of op d.
func (n *cnet) dropOp(s *model.Scope, d opDef, x fmap, keep *Node) fmap {
	if keep == nil || d.kind == opIdentity {
		return x
	}
	x.x = dropPath(s, x.x, keep)
	return x
}

// dropPath keeps each example of x (all of it) with probability keep, a scalar of
// x's dtype, scaling it by 1/keep, and zeroes it otherwise; outside training it
// returns x.
func dropPath(scope *model.Scope, x, keep *Node) *Node {
	if !scope.IsTraining(x.Graph()) {
		return x
	}
	dims := make([]int, x.Rank())
	for i := range dims {
		dims[i] = 1
	}
	dims[0] = x.Shape().Dimensions[0]
	mask := scope.RandomBernoulli(keep, shapes.Make(x.DType(), dims...))
	return keepPaths(x, mask, keep)
}

// keepPaths is x · mask / keep, the per-example mask [N, 1, ...] broadcast over x.
func keepPaths(x, mask, keep *Node) *Node {
	return Div(Mul(x, BroadcastToDims(mask, x.Shape().Dimensions...)), keep)
}

// dropout is GoMLX's dropout at keep probability keep in training graphs; x
// itself when keep turns it off or outside training.
func dropout(scope *model.Scope, x *Node, keep float64) *Node {
	if keepOff(keep) {
		return x
	}
	return layers.DropoutStatic(scope, x, 1-keep)
}
