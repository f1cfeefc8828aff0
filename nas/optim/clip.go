package optim

import (
	"github.com/gomlx/compute/dtypes"
	"github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/support/exceptions"
)

// GlobalNorm returns the joint L2 norm of all the given tensors, sqrt(Σ_i Σ_j grads[i]_j²), as a scalar.
//
// nil entries are skipped. The norm is computed in Float64 if any of the tensors is Float64, and in Float32
// otherwise (so half-precision gradients do not overflow). It panics if all entries are nil or if any is not
// a floating-point tensor.
func GlobalNorm(grads []*graph.Node) *graph.Node {
	normDType := dtypes.Float32
	var g *graph.Graph
	for _, grad := range grads {
		if grad == nil {
			continue
		}
		if !grad.DType().IsFloat() {
			exceptions.Panicf("optim.GlobalNorm: gradients must be floating point, got %s", grad.Shape())
		}
		if grad.DType() == dtypes.Float64 {
			normDType = dtypes.Float64
		}
		g = grad.Graph()
	}
	if g == nil {
		exceptions.Panicf("optim.GlobalNorm: no (non-nil) gradients given")
	}
	var sumSquares *graph.Node
	for _, grad := range grads {
		if grad == nil {
			continue
		}
		s := graph.ReduceAllSum(graph.Square(graph.ConvertDType(grad, normDType)))
		if sumSquares == nil {
			sumSquares = s
		} else {
			sumSquares = graph.Add(sumSquares, s)
		}
	}
	return graph.Sqrt(sumSquares)
}

// ClipByGlobalNorm rescales all gradients jointly so that their global L2 norm (see GlobalNorm) is at most
// maxNorm, preserving their direction — the same operation as TensorFlow's tf.clip_by_global_norm (used by
// ENAS [4]) and PyTorch's torch.nn.utils.clip_grad_norm_:
//
//	norm      = sqrt(Σ_i ||grads[i]||²)
//	clipped_i = grads[i] · maxNorm / max(norm, maxNorm)
//
// When norm ≤ maxNorm the scale factor is exactly 1, so gradients pass unchanged.
// It returns the clipped gradients (same order, shapes and dtypes; nil entries stay nil) and the pre-clip
// global norm, a scalar (Float32, or Float64 if any gradient is Float64).
//
// It is a graph-building function and panics if maxNorm <= 0 or on the conditions of GlobalNorm.
func ClipByGlobalNorm(grads []*graph.Node, maxNorm float64) (clipped []*graph.Node, norm *graph.Node) {
	if !(maxNorm > 0) {
		exceptions.Panicf("optim.ClipByGlobalNorm: maxNorm must be > 0, got %g", maxNorm)
	}
	norm = GlobalNorm(grads)
	g := norm.Graph()
	maxNormNode := graph.Scalar(g, norm.DType(), maxNorm)
	scale := graph.Div(maxNormNode, graph.Max(norm, maxNormNode))
	scale = graph.StopGradient(scale)
	clipped = make([]*graph.Node, len(grads))
	for i, grad := range grads {
		if grad == nil {
			continue
		}
		clipped[i] = graph.Mul(grad, graph.ConvertDType(scale, grad.DType()))
	}
	return clipped, norm
}
