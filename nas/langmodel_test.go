package nas

import (
	"math"
	"strings"
	"testing"

	"github.com/gomlx/compute/shapes"
	"github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/ml/model"
	"github.com/gonas/gonas/kernels"
)

// elmanCell is h_t = tanh(x·W + h·U), the simplest recurrent cell.
func elmanCell(hidden int) RNNCell {
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

func TestIntString(t *testing.T) {
	in := NewIntString("fmt", " 3\t1\n 12 x")
	if in.Len() != 4 {
		t.Fatalf("%d tokens, want 4", in.Len())
	}
	if v, err := in.Next(4, "the first"); v != 3 || err != nil {
		t.Fatalf("Next = %d, %v", v, err)
	}
	if err := in.End("the first"); err == nil || !strings.Contains(err.Error(), `fmt: token 2 "1" (byte 3): expected the end of the text after the first`) {
		t.Errorf("End: %v", err)
	}
	in.Next(2, "the second")
	if _, err := in.Next(10, "the third"); err == nil || !strings.Contains(err.Error(), `token 3 "12" (byte 6): expected the third, an integer in [0, 10)`) {
		t.Errorf("out of range: %v", err)
	}
	if _, err := in.Next(10, "the fourth"); err == nil || !strings.Contains(err.Error(), `token 4 "x" (byte 9)`) {
		t.Errorf("not a number: %v", err)
	}
	if _, err := in.Next(10, "the fifth"); err == nil || !strings.Contains(err.Error(), "token 5: expected the fifth, an integer in [0, 10), got the end of the text (4 tokens)") {
		t.Errorf("past the end: %v", err)
	}
	if got := FormatInts([]int{0, 12, 3}); got != "0 12 3" {
		t.Errorf("FormatInts = %q", got)
	}
}
