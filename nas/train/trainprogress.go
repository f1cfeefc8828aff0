package train

import (
	"github.com/gomlx/compute/dtypes"
	. "github.com/gomlx/gomlx/core/graph" //nolint:staticcheck
	"github.com/gomlx/gomlx/ml/model"
	"github.com/gomlx/gomlx/ml/train/optimizer"
	"github.com/gomlx/gomlx/support/exceptions"
)

// trainingStepsParam is the graph parameter SetTrainingSteps writes.
const trainingStepsParam = "/gonas_training_steps"

// SetTrainingSteps tells the layers of the training-step graph g that training
// lasts totalSteps optimizer steps, so TrainingProgress can say how far it is.
// Training loops call it in their model function, before building the network:
// Classifier and the ENAS search and retraining do. It panics (graph builder)
// unless totalSteps ≥ 1.
func SetTrainingSteps(g *Graph, totalSteps int) {
	if totalSteps < 1 {
		exceptions.Panicf("SetTrainingSteps: need at least 1 step, got %d", totalSteps)
	}
	model.SetGraphParam(g, trainingStepsParam, totalSteps)
}

// TrainingProgress is how far training is in the training-step graph g, as a
// float32 scalar: the optimizer's global step (read before this step increments
// it) over totalSteps-1, clipped to [0, 1] — 0 at the first step, 1 at the last.
// It is nil when g was not given SetTrainingSteps. Layers scheduled over training
// (the drop-path of package cells) read it. Derived from the global step, which a
// checkpoint holds, it needs nothing more to resume.
func TrainingProgress(store *model.Store, g *Graph) *Node {
	v, found := model.GetGraphParam(g, trainingStepsParam)
	if !found {
		return nil
	}
	total, ok := v.(int)
	if !ok {
		exceptions.Panicf("TrainingProgress: graph parameter %s is %T, want int", trainingStepsParam, v)
	}
	step := ConvertDType(optimizer.GetGlobalStepVar(store).NodeValue(g), dtypes.Float32)
	p := DivScalar(step, float64(max(total-1, 1)))
	return ClipScalar(p, 0, 1)
}
