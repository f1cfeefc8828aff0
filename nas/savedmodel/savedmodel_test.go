package savedmodel_test

import (
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gomlx/compute"
	. "github.com/gomlx/gomlx/core/graph" //nolint:staticcheck
	"github.com/gomlx/gomlx/core/tensors"
	"github.com/gomlx/gomlx/ml/layers"
	"github.com/gomlx/gomlx/ml/model"
	"github.com/gonas/gonas/nas"
	"github.com/gonas/gonas/nas/backends"
	"github.com/gonas/gonas/nas/savedmodel"
)

// dense is a one-layer network of 2×1×1 inputs; settings {"hidden": name} names
// its scope, so a description can ask for code that differs from the saved one.
func dense(hidden string) nas.ImageModel {
	return func(scope *model.Scope, x *Node) *Node {
		return layers.DenseWithBias(scope.In("%s", hidden), Reshape(x, x.Shape().Dimensions[0], -1), 3)
	}
}

func init() {
	savedmodel.RegisterKind("test-dense", func(meta savedmodel.Meta) (nas.ImageModel, error) {
		var s struct{ Hidden string }
		if err := json.Unmarshal(meta.Settings, &s); err != nil {
			return nil, err
		}
		return dense(s.Hidden), nil
	})
}

var inputs = []float32{0.5, -1, 2, 0.25, -0.5, -3}

// weights initialises dense("a")'s weights with seed and returns them and the
// probabilities they give for inputs, normalised by meta.
func weights(t *testing.T, backend compute.Backend, seed int64, meta savedmodel.Meta) (*model.Store, []float32) {
	store := model.NewStore()
	if err := store.SetRNGStateFromSeed(seed); err != nil {
		t.Fatal(err)
	}
	m := dense("a")
	exec, err := model.NewExec(backend, store, func(scope *model.Scope, x *Node) *Node { return Softmax(m(scope, x)) })
	if err != nil {
		t.Fatal(err)
	}
	defer exec.Finalize()
	x := make([]float32, len(inputs))
	for i, v := range inputs {
		x[i] = (v - meta.Mean[i%2]) / meta.Std[i%2]
	}
	outs, err := exec.Call(tensors.FromFlatDataAndDimensions(x, 3, 1, 1, 2))
	if err != nil {
		t.Fatal(err)
	}
	return store, tensors.MustCopyFlatData[float32](outs[0])
}

func testMeta() savedmodel.Meta {
	return savedmodel.Meta{Kind: "test-dense", Model: "dense", Arch: json.RawMessage(`{}`), Settings: json.RawMessage(`{"hidden":"a"}`),
		Input: [3]int{1, 1, 2}, Classes: []string{"x", "y", "z"}, Features: []string{"f", "g"},
		Mean: []float32{0.5, -1}, Std: []float32{2, 0.5}}
}

// TestSaveLoadClassify: a saved model loads back by its kind and classifies as the
// network that was saved, normalising its inputs; saving again over it replaces
// the weights (the checkpoint written before is not read back into the new ones).
func TestSaveLoadClassify(t *testing.T) {
	backend, err := backends.New()
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(t.TempDir(), "model")
	meta := testMeta()
	for _, seed := range []int64{1, 2} {
		store, want := weights(t, backend, seed, meta)
		if err := savedmodel.Save(dir, store, meta); err != nil {
			t.Fatal(err)
		}
		clf, err := savedmodel.Load(backend, dir)
		if err != nil {
			t.Fatal(err)
		}
		preds, err := clf.Classify(inputs)
		clf.Close()
		if err != nil {
			t.Fatal(err)
		}
		for i, p := range preds {
			row := want[3*i : 3*i+3]
			best := 0
			for j := range row {
				if row[j] > row[best] {
					best = j
				}
			}
			if p.Class != best || p.Label != meta.Classes[best] || math.Abs(p.Probability-float64(row[best])) > 1e-6 {
				t.Errorf("seed %d, input %d: %+v, want class %d with %.6f", seed, i, p, best, row[best])
			}
		}
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 2 {
		t.Errorf("the saved model's directory holds %d entries, want checkpoint and %s", len(entries), savedmodel.MetaFile)
	}
}

// TestLoadNamesWhatIsWrong: each broken saved model is refused with an error
// naming the problem.
func TestLoadNamesWhatIsWrong(t *testing.T) {
	backend, err := backends.New()
	if err != nil {
		t.Fatal(err)
	}
	base := t.TempDir()
	saved := filepath.Join(base, "good")
	store, _ := weights(t, backend, 1, testMeta())
	if err := savedmodel.Save(saved, store, testMeta()); err != nil {
		t.Fatal(err)
	}
	good, err := os.ReadFile(filepath.Join(saved, savedmodel.MetaFile))
	if err != nil {
		t.Fatal(err)
	}
	edit := func(name string, f func(m map[string]any)) string {
		var m map[string]any
		if err := json.Unmarshal(good, &m); err != nil {
			t.Fatal(err)
		}
		f(m)
		dir := filepath.Join(base, name)
		if err := os.CopyFS(dir, os.DirFS(saved)); err != nil {
			t.Fatal(err)
		}
		blob, _ := json.Marshal(m)
		if err := os.WriteFile(filepath.Join(dir, savedmodel.MetaFile), blob, 0o644); err != nil {
			t.Fatal(err)
		}
		return dir
	}
	noCheckpoint := edit("no-checkpoint", func(map[string]any) {})
	if err := os.RemoveAll(filepath.Join(noCheckpoint, "checkpoint")); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ dir, want string }{
		{base, "is not a saved GoNAS model"},
		{edit("format", func(m map[string]any) { m["format"] = "gonas-model/0" }), `format "gonas-model/0"`},
		{edit("kind", func(m map[string]any) { m["kind"] = "martian" }), `kind "martian"`},
		{edit("classes", func(m map[string]any) { delete(m, "classes") }), "no class names"},
		{edit("std", func(m map[string]any) { m["std"] = []float32{1, 0} }), "std[1] = 0"},
		{edit("mean", func(m map[string]any) { m["mean"] = []float32{1} }), "normalisation of 1/2 channels"},
		{edit("settings", func(m map[string]any) { m["settings"] = "oops" }), "rebuilding test-dense model"},
		{noCheckpoint, "no weights"},
	} {
		clf, err := savedmodel.Load(backend, c.dir)
		if err == nil {
			clf.Close()
		}
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v, want an error with %q", filepath.Base(c.dir), err, c.want)
		}
	}
	// Other code under the same kind: the checkpoint lacks its weights.
	clf, err := savedmodel.Load(backend, edit("code", func(m map[string]any) { m["settings"] = map[string]string{"hidden": "b"} }))
	if err != nil {
		t.Fatal(err)
	}
	defer clf.Close()
	if _, err := clf.Classify(inputs); err == nil || !strings.Contains(err.Error(), "no weights for /b/dense/weights") {
		t.Errorf("other code: %v", err)
	}
	if _, err := clf.Classify(inputs[:3]); err == nil || !strings.Contains(err.Error(), "not a whole number") {
		t.Errorf("a partial input: %v", err)
	}
}

func TestAccuracy(t *testing.T) {
	preds := []savedmodel.Prediction{{Class: 1}, {Class: 0}, {Class: 2}, {Class: 2}}
	if got := savedmodel.Accuracy(preds, []int32{1, 1, 2, 0}); got != 0.5 {
		t.Errorf("Accuracy = %v, want 0.5", got)
	}
	if got := savedmodel.Accuracy(preds, []int32{1}); got != 0 {
		t.Errorf("Accuracy of mismatched lengths = %v, want 0", got)
	}
}
