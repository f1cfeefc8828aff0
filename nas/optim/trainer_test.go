package optim

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/gomlx/compute/dtypes"
	"github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"
	"github.com/gomlx/gomlx/ml/layers"
	"github.com/gomlx/gomlx/ml/model"
	"github.com/gomlx/gomlx/ml/model/checkpoint"
	"github.com/gomlx/gomlx/ml/train"
	"github.com/gomlx/gomlx/ml/train/loss"
	"github.com/gomlx/gomlx/ml/train/optimizer"
)

// regressionData returns n examples of a smooth nonlinear target of 4 features, y = x·w* + 0.5·tanh(x0·x1) + 0.3.
func regressionData(n int) (x [][]float32, y [][]float32) {
	rng := rand.New(rand.NewPCG(1, 2))
	wStar := []float32{1.5, -2, 0.5, 1}
	for range n {
		xi := make([]float32, 4)
		var yi float32 = 0.3
		for k := range xi {
			xi[k] = float32(rng.NormFloat64())
			yi += xi[k] * wStar[k]
		}
		yi += 0.5 * float32(math.Tanh(float64(xi[0]*xi[1])))
		x = append(x, xi)
		y = append(y, []float32{yi})
	}
	return
}

// mlp is a 2-layer perceptron: Dense(16) → tanh → Dense(1).
func mlp(scope *model.Scope, x *graph.Node) *graph.Node {
	h := graph.Tanh(layers.DenseWithBias(scope.In("hidden"), x, 16))
	return layers.DenseWithBias(scope.In("output"), h, 1)
}

func TestSGDTrainsMLPWithTrainer(t *testing.T) {
	const stepsPerEpoch, epochs = 10, 30 // SGDR restarts at epochs 10 and 30.
	x, y := regressionData(64)
	store := model.NewStore()
	if err := store.SetRNGStateFromSeed(42); err != nil {
		t.Fatal(err)
	}
	schedule := SGDR(0.05, 0.0005, 10, 2).StepsPerEpoch(stepsPerEpoch)
	cfg := SGD().Momentum(0.9).Nesterov().
		WeightDecay(1e-4).ExcludeFromWeightDecay(ExcludeBiasesAndNorms).
		ClipByGlobalNorm(5).Schedule(schedule)
	trainer := train.NewTrainer(backend, store, mlp, loss.MeanSquaredError, cfg.Done(), nil, nil)
	step := func() float64 {
		metrics, err := trainer.TrainStep(train.Batch{
			Inputs: []*tensors.Tensor{tensors.FromValue(x)}, Labels: []*tensors.Tensor{tensors.FromValue(y)}})
		if err != nil {
			t.Fatal(err)
		}
		return float64(tensors.ToScalar[float32](metrics[0]))
	}
	first := step()
	var last float64
	for range stepsPerEpoch*epochs - 1 {
		last = step()
	}
	t.Logf("MSE: first step %.4f, last step %.5f", first, last)
	if !(last < 0.02 && last < first/100) {
		t.Errorf("training did not converge: loss %g -> %g", first, last)
	}
	root := store.RootScope()
	if gs := optimizer.GetGlobalStep(store); gs != stepsPerEpoch*epochs {
		t.Errorf("global step = %d, want %d", gs, stepsPerEpoch*epochs)
	}
	lr := tensors.ToScalar[float32](optimizer.LearningRateVar(root, dtypes.Float32, 0).MustValue())
	if want := schedule.LearningRateAt(stepsPerEpoch*epochs - 1); math.Abs(float64(lr)-want) > 1e-7 {
		t.Errorf("learning-rate variable = %g, want schedule's %g", lr, want)
	}
	if n := cfg.GradNormVar(root); n == nil || !(tensors.ToScalar[float32](n.MustValue()) > 0) {
		t.Errorf("gradient norm not recorded: %v", n)
	}
	hiddenW := store.GetVariable("/hidden/dense/weights")
	m := cfg.MomentumVar(root, hiddenW)
	if m == nil || m.Trainable {
		t.Fatalf("momentum buffer of %s missing or trainable: %v", hiddenW.Path(), m)
	}

	// Momentum buffers are saved and restored by GoMLX checkpoints, with the model.
	dir := t.TempDir()
	handler := checkpoint.Build(store).Dir(dir).MustDone()
	if err := handler.Save(); err != nil {
		t.Fatal(err)
	}
	restored := model.NewStore()
	if _, err := checkpoint.Build(restored).Dir(dir).Immediate().Done(); err != nil {
		t.Fatal(err)
	}
	rm := restored.GetVariable(m.Path())
	if rm == nil {
		t.Fatalf("momentum buffer %s not restored from checkpoint", m.Path())
	}
	want, got := tensors.MustCopyFlatData[float32](m.MustValue()), tensors.MustCopyFlatData[float32](rm.MustValue())
	for i := range want {
		if want[i] != got[i] {
			t.Fatalf("restored momentum buffer differs at %d: %g != %g", i, got[i], want[i])
		}
	}
}

// TestScheduleDrivesAdam checks that ScheduleLearningRate, called from the model function, sets the
// learning rate GoMLX's Adam uses: Adam's first step moves each weight by lr·g/(|g|+ε) ≈ ±lr(0).
func TestScheduleDrivesAdam(t *testing.T) {
	schedule := SGDR(0.03, 0.001, 3, 2)
	store := model.NewStore()
	modelFn := func(scope *model.Scope, x *graph.Node) *graph.Node {
		g := x.Graph()
		ScheduleLearningRate(scope, g, schedule, dtypes.Float32)
		w := scope.At("lin").VariableWithValue("weights", []float32{0.1, -0.2, 0.3}).NodeValue(g)
		return graph.ReduceSum(graph.Mul(x, graph.ExpandAxes(w, 0)), 1)
	}
	// Adam's own learning rate (0.5) must be overridden by the schedule.
	trainer := train.NewTrainer(backend, store, modelFn, loss.MeanSquaredError,
		optimizer.Adam().LearningRate(0.5).Done(), nil, nil)
	x := [][]float32{{1, 2, -1}, {0.5, -1, 2}, {-1.5, 0.5, 1}, {2, 1, 0.5}}
	y := []float32{3, -2, 1, 5}
	lrVar := func() float64 {
		return float64(tensors.ToScalar[float32](optimizer.LearningRateVar(store.RootScope(), dtypes.Float32, 0).MustValue()))
	}
	for step := range 8 {
		if _, err := trainer.TrainStep(train.Batch{
			Inputs: []*tensors.Tensor{tensors.FromValue(x)}, Labels: []*tensors.Tensor{tensors.FromValue(y)}}); err != nil {
			t.Fatal(err)
		}
		want := schedule.LearningRateAt(int64(step))
		if got := lrVar(); math.Abs(got-want) > 1e-7 {
			t.Fatalf("step %d: learning-rate variable %g, want %g", step, got, want)
		}
		if step == 0 {
			after := tensors.MustCopyFlatData[float32](store.GetVariable("/lin/weights").MustValue())
			initial := []float32{0.1, -0.2, 0.3}
			for k := range after {
				if d := math.Abs(float64(after[k] - initial[k])); math.Abs(d-want) > 1e-5 {
					t.Errorf("Adam's first step moved weight %d by %g, want lr(0)=%g", k, d, want)
				}
			}
		}
	}
}
