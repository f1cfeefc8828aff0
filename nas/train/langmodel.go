package train

import (
	"github.com/gomlx/compute/shapes"
	"github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/ml/model"
	"github.com/gomlx/gomlx/ml/model/initializer"
	"github.com/gomlx/gomlx/support/exceptions"
	"github.com/gonas/gonas/nas"
	"github.com/pkg/errors"
)

// LanguageModel maps token ids [batch, steps] (int32) and the initial state h0
// [batch, hidden] to next-token logits [batch, steps, vocab] and the state after the
// last step, which the next BPTT window starts from (truncated backpropagation
// through time).
type LanguageModel func(scope *model.Scope, tokens, h0 *graph.Node) (logits, hT *graph.Node)

// LMConfig sizes a language model.
type LMConfig struct {
	Vocab, Embed, Hidden int
	// TieWeights uses the embedding matrix as the softmax weights (logits = h·Eᵀ,
	// no bias), as the ENAS reference code does; it needs Embed == Hidden.
	TieWeights bool
	// InitRange: every weight starts uniform in [-InitRange, InitRange] (ENAS uses
	// 0.1 up to 300 hidden units); 0 means 0.1.
	InitRange float64
}

// NewLanguageModel builds a recurrent language model around cell: an embedding
// ("embedding/weights" [Vocab, Embed]), the cell unrolled over the window's steps
// (variables under "cell"), and a softmax over the vocabulary ("softmax/weights"
// [Hidden, Vocab] and "softmax/biases", or the tied embedding).
func NewLanguageModel(cell nas.RNNCell, cfg LMConfig) (LanguageModel, error) {
	if cell == nil {
		return nil, errors.New("NewLanguageModel: nil cell")
	}
	if cfg.Vocab < 1 || cfg.Embed < 1 || cfg.Hidden < 1 {
		return nil, errors.Errorf("NewLanguageModel: vocab (%d), embed (%d) and hidden (%d) must be positive", cfg.Vocab, cfg.Embed, cfg.Hidden)
	}
	if cfg.TieWeights && cfg.Embed != cfg.Hidden {
		return nil, errors.Errorf("NewLanguageModel: tied weights need embed (%d) == hidden (%d)", cfg.Embed, cfg.Hidden)
	}
	if cfg.InitRange < 0 {
		return nil, errors.Errorf("NewLanguageModel: negative InitRange %g", cfg.InitRange)
	}
	if cfg.InitRange == 0 {
		cfg.InitRange = 0.1
	}
	return func(scope *model.Scope, tokens, h0 *graph.Node) (logits, hT *graph.Node) {
		if tokens.Rank() != 2 || !tokens.DType().IsInt() {
			exceptions.Panicf("LanguageModel: tokens must be integer ids [batch, steps], got %s", tokens.Shape())
		}
		batch, steps := tokens.Shape().Dimensions[0], tokens.Shape().Dimensions[1]
		if !h0.Shape().Equal(shapes.Make(h0.DType(), batch, cfg.Hidden)) {
			exceptions.Panicf("LanguageModel: h0 must be [%d, %d], got %s", batch, cfg.Hidden, h0.Shape())
		}
		dtype := h0.DType()
		scope = scope.WithInitializer(initializer.RandomUniformFn(scope, -cfg.InitRange, cfg.InitRange))
		emb := scope.At("embedding").VariableWithShape("weights", shapes.Make(dtype, cfg.Vocab, cfg.Embed)).NodeValue(tokens.Graph())
		x := graph.Gather(emb, graph.ExpandAxes(tokens, -1)) // [batch, steps, embed]
		cellScope := scope.At("cell")
		h := h0
		outs := make([]*graph.Node, steps)
		for t := range steps {
			xt := graph.Reshape(graph.Slice(x, graph.AxisRange(), graph.AxisElem(t)), batch, cfg.Embed)
			h = cell(cellScope, xt, h)
			if !h.Shape().Equal(h0.Shape()) {
				exceptions.Panicf("LanguageModel: the cell returned a state of shape %s, want %s", h.Shape(), h0.Shape())
			}
			outs[t] = h
		}
		all := graph.Stack(outs, 1) // [batch, steps, hidden]
		if cfg.TieWeights {
			return graph.Einsum("bth,vh->btv", all, emb), h
		}
		sm := scope.At("softmax")
		w := sm.VariableWithShape("weights", shapes.Make(dtype, cfg.Hidden, cfg.Vocab)).NodeValue(tokens.Graph())
		b := sm.WithInitializer(initializer.Zero).VariableWithShape("biases", shapes.Make(dtype, cfg.Vocab)).NodeValue(tokens.Graph())
		return graph.Add(graph.Einsum("bth,hv->btv", all, w), graph.Reshape(b, 1, 1, cfg.Vocab)), h
	}, nil
}

// LanguageModelLoss is the mean negative log-likelihood per token of targets
// [batch, steps] under logits [batch, steps, vocab]; its exponential is the
// perplexity.
func LanguageModelLoss(logits, targets *graph.Node) *graph.Node {
	vocab := logits.Shape().Dimensions[logits.Rank()-1]
	logp := graph.LogSoftmax(logits, -1)
	picked := graph.ReduceSum(graph.Mul(logp, graph.OneHot(targets, vocab, logp.DType())), -1)
	return graph.Neg(graph.ReduceAllMean(picked))
}
