package train

import (
	"math"
	"strings"
	"testing"

	"github.com/gomlx/compute/dtypes"
	"github.com/gomlx/compute/shapes"
	. "github.com/gomlx/gomlx/core/graph" //nolint:staticcheck
	"github.com/gomlx/gomlx/core/tensors"
	"github.com/gomlx/gomlx/ml/layers"
	"github.com/gomlx/gomlx/ml/model"
	"github.com/gomlx/gomlx/ml/train/optimizer"
	"github.com/gomlx/gomlx/support/exceptions"
	"github.com/gonas/gonas/nas/backends"
	"github.com/gonas/gonas/nas/data"
)

// Progress over a run of 11 steps: the global step over 10, clipped to [0, 1];
// nil when the graph was not told the run's length.
func TestTrainingProgress(t *testing.T) {
	backend, err := backends.New()
	if err != nil {
		t.Fatal(err)
	}
	store := model.NewStore()
	at := func(step int64, total int) *tensors.Tensor {
		t.Helper()
		if err := optimizer.GetGlobalStepVar(store).SetValue(tensors.FromValue(step)); err != nil {
			t.Fatal(err)
		}
		out, err := model.CallOnce(backend, store, func(scope *model.Scope, g *Graph) *Node {
			if total > 0 {
				SetTrainingSteps(g, total)
			}
			p := TrainingProgress(store, g)
			if p == nil {
				return Scalar(g, dtypes.Float32, -1)
			}
			return p
		})
		if err != nil {
			t.Fatal(err)
		}
		return out
	}
	for _, c := range []struct {
		step int64
		want float32
	}{{0, 0}, {5, 0.5}, {10, 1}, {30, 1}} {
		if got := at(c.step, 11).Value().(float32); math.Abs(float64(got-c.want)) > 1e-7 {
			t.Errorf("step %d of 11: progress %g, want %g", c.step, got, c.want)
		}
	}
	if got := at(3, 0).Value().(float32); got != -1 {
		t.Errorf("without SetTrainingSteps: progress %g, want none", got)
	}
	err = exceptions.TryCatch[error](func() { SetTrainingSteps(nil, 0) })
	if err == nil || !strings.Contains(err.Error(), "at least 1 step") {
		t.Errorf("SetTrainingSteps(0): %v", err)
	}
}

// Classifier tells its training graph the run's length: a model that records
// the progress in a variable sees 1 at its last step.
func TestTrainClassifierGivesTheProgress(t *testing.T) {
	const n, classes = 64, 2
	ds := &data.Dataset{Name: "synthetic", Height: 2, Width: 2, Channels: 1, NumClasses: classes,
		Images: make([]float32, n*4), Labels: make([]int32, n)}
	for i := range n {
		ds.Labels[i] = int32(i % classes)
		ds.Images[i*4] = float32(ds.Labels[i])
	}
	backend, err := backends.New()
	if err != nil {
		t.Fatal(err)
	}
	var seen []bool
	m := func(scope *model.Scope, x *Node) *Node {
		g := x.Graph()
		if p := TrainingProgress(scope.Store(), g); p != nil {
			scope.At("test").VariableWithShape("progress", shapes.Make(dtypes.Float32)).SetTrainable(false).SetNodeValue(p)
			seen = append(seen, scope.IsTraining(g))
		}
		return layers.DenseWithBias(scope.At("logits"), Reshape(x, x.Shape().Dimensions[0], -1), classes)
	}
	_, store, err := Classifier(backend, m, ds, ds, Config{Epochs: 3, BatchSize: 16, LearningRate: 0.1, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	if len(seen) != 1 || !seen[0] {
		t.Fatalf("the progress was given to %d graphs (training: %v), want the one training graph", len(seen), seen)
	}
	v, err := store.GetVariable("/test/progress").Value()
	if err != nil {
		t.Fatal(err)
	}
	if got := v.Value().(float32); got != 1 {
		t.Errorf("progress at the last of 12 steps: %g, want 1", got)
	}
}
