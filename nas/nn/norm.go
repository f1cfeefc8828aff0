package nn

import (
	. "github.com/gomlx/gomlx/core/graph" //nolint:staticcheck
	"github.com/gomlx/gomlx/ml/layers/norm"
	"github.com/gomlx/gomlx/ml/model"
)

// BatchNormMomentum is the decay of the moving averages used at evaluation time
// (ENAS and PyTorch use 0.9, i.e. PyTorch momentum 0.1).
const BatchNormMomentum = 0.9

// BatchNormEpsilon is added to the variance (1e-5, as PyTorch and ENAS).
const BatchNormEpsilon = 1e-5

// BatchNorm normalises x over all axes but the last (channels) [1]. In training mode
// (scope.IsTraining) it uses the batch statistics — the backend's BatchNormForTraining,
// whose gradient flows through the batch mean and variance — and updates the moving
// averages; in evaluation mode it uses the moving averages. Variables live in the
// sub-scope "batch_normalization". In a graph given BypassBatchNorm it is the identity.
func BatchNorm(scope *model.Scope, x *Node) *Node {
	if batchNormBypassed(x.Graph()) {
		return x
	}
	return norm.BatchNorm(scope, x, -1).Momentum(BatchNormMomentum).Epsilon(BatchNormEpsilon).Done()
}
