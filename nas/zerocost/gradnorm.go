package zerocost

import (
	. "github.com/gomlx/gomlx/core/graph" //nolint:staticcheck
	"github.com/gomlx/gomlx/ml/model"
	"github.com/gomlx/gomlx/ml/train/loss"
)

// gradNormGraph is grad-norm [3]: Σ_l ‖∂L/∂W_l‖₂ over the weight variables, L the
// mean cross-entropy of logits against labels [N, 1]; a float64 scalar.
func gradNormGraph(store *model.Store, g *Graph, logits, labels *Node) *Node {
	l := loss.SparseCategoricalCrossEntropyLogits([]*Node{labels}, []*Node{logits})
	nodes := weightNodes(store, g, GradNorm)
	return sumOfNorms(Gradient(l, nodes...))
}
