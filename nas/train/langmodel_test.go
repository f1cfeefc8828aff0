package train

import (
	"math"
	"strings"
	"testing"

	"github.com/gomlx/compute/shapes"
	"github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/ml/model"
	"github.com/gonas/gonas/kernels"
	"github.com/gonas/gonas/nas"
)

// elmanCell is h_t = tanh(x·W + h·U), the simplest recurrent cell.
func elmanCell(hidden int) nas.RNNCell {
	return func(scope *model.Scope, x, h *graph.Node) *graph.Node {
		w := scope.At("w").VariableWithShape("weights", shapes.Make(x.DType(), x.Shape().Dimensions[1], hidden)).NodeValue(x.Graph())
		u := scope.At("u").VariableWithShape("weights", shapes.Make(x.DType(), hidden, hidden)).NodeValue(x.Graph())
		return graph.Tanh(graph.Add(graph.MatMul(x, w), graph.MatMul(h, u)))
	}
}

func TestNewLanguageModelRejectsBadConfig(t *testing.T) {
	for _, c := range []struct {
		cfg  LMConfig
		want string
	}{
		{LMConfig{Vocab: 0, Embed: 4, Hidden: 4}, "must be positive"},
		{LMConfig{Vocab: 9, Embed: 3, Hidden: 4, TieWeights: true}, "tied weights need embed (3) == hidden (4)"},
		{LMConfig{Vocab: 9, Embed: 4, Hidden: 4, InitRange: -1}, "negative InitRange"},
	} {
		if _, err := NewLanguageModel(elmanCell(4), c.cfg); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%+v: error %v, want %q", c.cfg, err, c.want)
		}
	}
}

// A model that must remember the previous token learns a deterministic cyclic text
// (0 1 2 ... 9 0 1 ...) almost perfectly, and its evaluation perplexity says so.
func TestTrainLanguageModelLearnsACycle(t *testing.T) {
	backend, err := kernels.New("")
	if err != nil {
		t.Fatal(err)
	}
	const vocab, hidden = 10, 16
	ids := make([]int32, 2000)
	for i := range ids {
		ids[i] = int32(i % vocab)
	}
	lm, err := NewLanguageModel(elmanCell(hidden), LMConfig{Vocab: vocab, Embed: 8, Hidden: hidden})
	if err != nil {
		t.Fatal(err)
	}
	store := model.NewStore()
	res, err := TrainLanguageModel(backend, store, lm, hidden, ids, LMTrainConfig{BatchSize: 4, BPTT: 8, Steps: 150, LearningRate: 1, ClipNorm: 5})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Losses) != 150 {
		t.Fatalf("%d steps, want 150", len(res.Losses))
	}
	if first, last := res.Perplexity(0, 5), res.Perplexity(140, 150); first < 8 || last > 1.5 {
		t.Errorf("training perplexity %.2f -> %.2f: want about 10 -> about 1", first, last)
	}
	ppl, err := LanguageModelPerplexity(backend, store, lm, hidden, ids[:500], 2, 7)
	if err != nil {
		t.Fatal(err)
	}
	if ppl > 1.5 || math.IsNaN(ppl) {
		t.Errorf("evaluation perplexity %.2f, want about 1", ppl)
	}
}
