package choice_test

import (
	"strings"
	"testing"

	"github.com/gonas/gonas/nas/backends"
	"github.com/gonas/gonas/nas/choice"
	"github.com/gonas/gonas/nas/choice/models"
	"github.com/gonas/gonas/nas/train"
)

// ScratchEvaluator trains from scratch: the same architecture and seed give the same
// accuracy, a learnable problem is learnt, and a model of the wrong size is refused.
func TestScratchEvaluator(t *testing.T) {
	backend, err := backends.Default()
	if err != nil {
		t.Fatal(err)
	}
	ds := blobs(t, 64)
	s, err := choice.New("mlp", models.MLP(2), 1, 1, 2)
	if err != nil {
		t.Fatal(err)
	}
	a, err := s.Parse(`{"layers":1,"layers/0/units":16,"layers/0/act":"tanh","layers/1/units":16,"layers/1/act":"relu","layers/2/units":16,"layers/2/act":"relu"}`)
	if err != nil {
		t.Fatal(err)
	}
	cfg := train.Config{Epochs: 10, BatchSize: 16, LearningRate: 0.1, Momentum: 0.9, Seed: 3}
	eval := choice.ScratchEvaluator(backend, s, ds, ds, cfg)
	first, err := eval(a)
	if err != nil {
		t.Fatal(err)
	}
	again, err := eval(a)
	if err != nil {
		t.Fatal(err)
	}
	if first != again {
		t.Errorf("the same architecture and seed scored %g, then %g", first, again)
	}
	if first < 0.9 {
		t.Errorf("accuracy %g on two well separated blobs, want ≥ 0.9", first)
	}

	three, err := choice.New("mlp3", models.MLP(3), 1, 1, 2) // 3 logits, data of 2 classes
	if err != nil {
		t.Fatal(err)
	}
	a.Space = "mlp3"
	if _, err := choice.ScratchEvaluator(backend, three, ds, ds, cfg)(a); err == nil || !strings.Contains(err.Error(), "logits") {
		t.Errorf("a model of 3 logits on data of 2 classes: err = %v", err)
	}
}
