package choice_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	. "github.com/gomlx/gomlx/core/graph" //nolint:staticcheck
	"github.com/gomlx/gomlx/core/tensors"
	"github.com/gomlx/gomlx/ml/layers"
	"github.com/gomlx/gomlx/ml/model"
	"github.com/gonas/gonas/nas"
	"github.com/gonas/gonas/nas/backends"
	"github.com/gonas/gonas/nas/choice"
	"github.com/gonas/gonas/nas/choice/models"
	"github.com/gonas/gonas/nas/data"
	"github.com/gonas/gonas/nas/savedmodel"
	"github.com/gonas/gonas/nas/train"
)

// blobs is a table of two features with two well separated classes.
func blobs(t *testing.T, n int) *data.Dataset {
	t.Helper()
	rows := make([][]float32, n)
	labels := make([]int, n)
	for i := range rows {
		c := i % 2
		rows[i] = []float32{float32(2*c-1) + float32(i%5)*0.1, float32(i%3) * 0.1}
		labels[i] = c
	}
	ds, err := data.FromRows("blobs", rows, labels, 2)
	if err != nil {
		t.Fatal(err)
	}
	return ds
}

func variables(store *model.Store) map[string][]float32 {
	out := map[string][]float32{}
	for v := range store.IterVariables() {
		if t, err := v.Value(); err == nil && v.Trainable && strings.Contains(v.Path(), "dense") {
			out[v.Path()] = append([]float32(nil), tensors.MustCopyFlatData[float32](t)...)
		}
	}
	return out
}

func TestSharedKeepsOneSetOfWeightsPerCandidate(t *testing.T) {
	s, err := choice.New("mlp", models.MLP(2), 1, 1, 2)
	if err != nil {
		t.Fatal(err)
	}
	backend, err := backends.Default()
	if err != nil {
		t.Fatal(err)
	}
	ds := blobs(t, 64)
	sh, err := choice.NewShared(backend, s, ds, ds, choice.SharedConfig{BatchSize: 16, StepsPerArch: 5, LearningRate: 0.1})
	if err != nil {
		t.Fatal(err)
	}
	defer sh.Close()
	parse := func(text string) nas.Arch {
		a, err := s.Parse(text)
		if err != nil {
			t.Fatal(err)
		}
		return a
	}
	a16 := parse(`{"layers":"1","layers/0/units":16,"layers/0/act":"relu","layers/1/units":16,"layers/1/act":"relu","layers/2/units":16,"layers/2/act":"relu"}`)
	a32 := parse(`{"layers":"1","layers/0/units":32,"layers/0/act":"tanh","layers/1/units":16,"layers/1/act":"relu","layers/2/units":16,"layers/2/act":"relu"}`)
	if _, err := sh.Evaluate(a16); err != nil {
		t.Fatal(err)
	}
	before := variables(sh.Store())
	if _, err := sh.Evaluate(a32); err != nil {
		t.Fatal(err)
	}
	after := variables(sh.Store())
	if _, ok := after["/layers/0/dense2x32/dense/weights"]; !ok || len(after) <= len(before) {
		t.Fatalf("the 32-unit layer got no weights of its own: %d variables before, %d after", len(before), len(after))
	}
	for path, v := range before { // a32 uses none of a16's dense layers
		if strings.Contains(path, "dense2x16") && !equal(v, after[path]) {
			t.Errorf("training a32 changed %s, a weight of a16 only", path)
		}
	}
	var acc float64
	for range 10 {
		if acc, err = sh.Evaluate(a16); err != nil {
			t.Fatal(err)
		}
	}
	if acc < 0.9 || sh.Steps() != 60 {
		t.Errorf("after %d shared steps a16 scores %.2f on separable blobs", sh.Steps(), acc)
	}
}

func archEqual(s *choice.Space, text string, a nas.Arch) bool {
	b, err := s.Parse(text)
	return err == nil && b.String() == a.String()
}

func equal(a, b []float32) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestSavedModelPredictsAsTheTrainedOneAndRefusesOtherCode(t *testing.T) {
	backend, err := backends.Default()
	if err != nil {
		t.Fatal(err)
	}
	ds := blobs(t, 64)
	s, err := choice.NewRegistered("mlp", 2, 1, 1, 2)
	if err != nil {
		t.Fatal(err)
	}
	a := nas.Arch{Space: "mlp", Choices: make([]int, len(s.Decisions()))}
	dir := filepath.Join(t.TempDir(), "model")
	cfg := train.Config{Epochs: 5, BatchSize: 16, LearningRate: 0.1, Momentum: 0.9, Seed: 3}
	res, err := choice.Retrain(backend, s, a, ds, ds, cfg, choice.Preprocessing{}, dir)
	if err != nil {
		t.Fatal(err)
	}
	clf, err := choice.Load(backend, dir)
	if err != nil {
		t.Fatal(err)
	}
	defer clf.Close()
	preds, err := clf.Classify(ds.Images)
	if err != nil {
		t.Fatal(err)
	}
	if got := savedmodel.Accuracy(preds, ds.Labels); got != res.TestAccuracy {
		t.Errorf("the loaded model scores %.4f, the trained one %.4f", got, res.TestAccuracy)
	}
	meta, err := savedmodel.ReadMeta(dir)
	if err != nil || meta.Model != "mlp" || meta.Input != [3]int{1, 1, 2} || !archEqual(s, string(meta.Arch), a) {
		t.Errorf("meta %+v, %v", meta, err)
	}

	// A model saved by some code and rebuilt by other code: the checkpoint lacks its weights.
	tiny := func(hidden string) nas.ImageModel {
		return func(scope *model.Scope, x *Node) *Node {
			w := choice.Value(scope, "w", 4, 8)
			x = layers.DenseWithBias(scope.In("%s%d", hidden, w), Reshape(x, x.Shape().Dimensions[0], -1), w)
			return layers.DenseWithBias(scope.In("out%d", w), x, 2)
		}
	}
	saved, _ := choice.New("tiny", tiny("a"), 1, 1, 2)
	other, _ := choice.New("tiny", tiny("b"), 1, 1, 2)
	tinyDir := filepath.Join(t.TempDir(), "tiny")
	cfg.Epochs = 1
	if _, err := choice.Retrain(backend, saved, nas.Arch{Space: "tiny", Choices: []int{1}}, ds, ds, cfg, choice.Preprocessing{}, tinyDir); err != nil {
		t.Fatal(err)
	}
	clf2, err := choice.LoadSpace(backend, tinyDir, other)
	if err == nil {
		_, err = clf2.Classify(ds.Images)
		clf2.Close()
	}
	if err == nil || !strings.Contains(err.Error(), "no weights for /b8/dense/weights") {
		t.Errorf("a model of other code loaded: %v", err)
	}
	if err := os.RemoveAll(filepath.Join(dir, "checkpoint")); err != nil {
		t.Fatal(err)
	}
	if _, err := choice.Load(backend, dir); err == nil || !strings.Contains(err.Error(), "no weights") {
		t.Errorf("a model without its checkpoint loaded: %v", err)
	}
}

func TestSharedExplainsAWeightShapeThatDependsOnAChoice(t *testing.T) {
	s, err := choice.New("bad", func(scope *model.Scope, x *Node) *Node {
		w := choice.Value(scope, "w", 4, 8)
		x = layers.DenseWithBias(scope.In("hidden"), Reshape(x, x.Shape().Dimensions[0], -1), w) // not named after w
		return layers.DenseWithBias(scope.In("out%d", w), x, 2)
	}, 1, 1, 2)
	if err != nil {
		t.Fatal(err)
	}
	backend, err := backends.Default()
	if err != nil {
		t.Fatal(err)
	}
	ds := blobs(t, 32)
	sh, err := choice.NewShared(backend, s, ds, ds, choice.SharedConfig{BatchSize: 16, StepsPerArch: 1})
	if err != nil {
		t.Fatal(err)
	}
	defer sh.Close()
	if _, err := sh.Evaluate(nas.Arch{Space: "bad", Choices: []int{0}}); err != nil {
		t.Fatal(err)
	}
	_, err = sh.Evaluate(nas.Arch{Space: "bad", Choices: []int{1}})
	if err == nil || !strings.Contains(err.Error(), "build it in a scope named after the values that set its shape") {
		t.Fatalf("Evaluate = %v, want the weight-sharing hint", err)
	}
}

func TestSearchRunsEveryStrategyOnTheSpace(t *testing.T) {
	s, err := choice.New("mlp", models.MLP(2), 1, 1, 2)
	if err != nil {
		t.Fatal(err)
	}
	backend, err := backends.Default()
	if err != nil {
		t.Fatal(err)
	}
	ds := blobs(t, 64)
	for _, strategy := range []string{"random", "reinforce", "evolution"} {
		for _, shared := range []*choice.SharedConfig{{BatchSize: 16, StepsPerArch: 2}, nil} {
			cfg := choice.SearchConfig{Strategy: strategy, Queries: 6, Seed: 1, Shared: shared,
				Train: train.Config{Epochs: 1, BatchSize: 16, LearningRate: 0.1, Seed: 1}}
			h, err := choice.Search(backend, s, ds, ds, cfg)
			if err != nil {
				t.Fatalf("%s (shared %v): %v", strategy, shared != nil, err)
			}
			if len(h.Curve) != 6 || s.Validate(h.Best) != nil || h.BestReward < 0.5 {
				t.Errorf("%s (shared %v): %d queries, best %v scoring %.2f", strategy, shared != nil, len(h.Curve), h.Best, h.BestReward)
			}
		}
	}
	if _, err := choice.Search(backend, s, ds, ds, choice.SearchConfig{Strategy: "grid", Queries: 1}); err == nil {
		t.Error("an unknown strategy was accepted")
	}
}
