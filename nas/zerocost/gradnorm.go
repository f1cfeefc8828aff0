package zerocost

import (
	. "github.com/gomlx/gomlx/core/graph" //nolint:staticcheck
	"github.com/gomlx/gomlx/ml/model"
	"github.com/gomlx/gomlx/ml/train/loss"
	"github.com/gomlx/gomlx/support/exceptions"
)

// gradNormGraph is grad-norm [3]: Σ_l ‖∂L/∂W_l‖₂ over the weight variables, L the
// mean cross-entropy of logits against labels [N, 1]; a float64 scalar.
func gradNormGraph(store *model.Store, g *Graph, logits, labels *Node) *Node {
	l := loss.SparseCategoricalCrossEntropyLogits([]*Node{labels}, []*Node{logits})
	weights := weightVariables(store)
	if len(weights) == 0 {
		exceptions.Panicf("zerocost: grad_norm: the network has no trainable weights of rank ≥ 2")
	}
	nodes := make([]*Node, len(weights))
	for i, v := range weights {
		nodes[i] = v.NodeValue(g)
	}
	return sumOfNorms(Gradient(l, nodes...))
}
