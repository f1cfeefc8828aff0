package zerocost

import (
	. "github.com/gomlx/gomlx/core/graph" //nolint:staticcheck
	"github.com/gomlx/gomlx/ml/model"
	"github.com/gomlx/gomlx/ml/train/loss"
)

// lossGradientNorms are the float64 scalars of the two proxies that read the loss
// gradient of the weight variables, L the mean cross-entropy of logits against labels
// [N, 1], in this order and only those asked for:
//   - grad-norm [3]: Σ_l ‖∂L/∂W_l‖₂ over the weight variables;
//   - stem-grad: ‖∂L/∂W_1‖₂, W_1 the first weight variable the network creates (its
//     stem); the score is minus its log (Scorer.scoreOnBatch).
func lossGradientNorms(store *model.Store, g *Graph, logits, labels *Node, gradNorm, stemGrad bool) []*Node {
	l := loss.SparseCategoricalCrossEntropyLogits([]*Node{labels}, []*Node{logits})
	proxy := GradNorm
	if !gradNorm {
		proxy = StemGrad // named in the refusal of a network without weights
	}
	nodes := weightNodes(store, g, proxy)
	if !gradNorm {
		nodes = nodes[:1] // the stem's gradient only
	}
	grads := Gradient(l, nodes...)
	var outs []*Node
	if gradNorm {
		outs = append(outs, sumOfNorms(grads))
	}
	if stemGrad {
		outs = append(outs, sumOfNorms(grads[:1]))
	}
	return outs
}
