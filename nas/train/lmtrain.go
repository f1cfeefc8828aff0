package train

import (
	"fmt"
	"io"
	"math"
	"slices"
	"time"

	"github.com/gomlx/compute"
	"github.com/gomlx/compute/dtypes"
	"github.com/gomlx/compute/shapes"
	"github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"
	"github.com/gomlx/gomlx/ml/model"
	"github.com/gonas/gonas/nas/data"
	"github.com/gonas/gonas/nas/optim"
	"github.com/gonas/gonas/nas/progress"
	"github.com/pkg/errors"
)

// LMTrainConfig is how TrainLanguageModel trains: plain SGD on the mean next-token
// loss with global-norm gradient clipping, over truncated-BPTT windows whose state
// carries over from one window to the next (ENAS trains its RNN children so, with
// learning rate 20 and clipping at 0.25).
type LMTrainConfig struct {
	BatchSize, BPTT int
	Steps           int     // windows to train on; the text is restarted (state reset) as needed
	LearningRate    float64 // SGD learning rate
	ClipNorm        float64 // clip gradients to this global norm; 0 to disable
	Progress        io.Writer
}

// LMTrainResult is what TrainLanguageModel measured: the mean loss (log-perplexity)
// of each step's window.
type LMTrainResult struct {
	Losses   []float64
	Duration time.Duration
}

// Perplexity is exp of the mean loss of the steps from..to-1 (clamped to the steps run).
func (r *LMTrainResult) Perplexity(from, to int) float64 {
	from, to = max(from, 0), min(to, len(r.Losses))
	if from >= to {
		return math.NaN()
	}
	var sum float64
	for _, l := range r.Losses[from:to] {
		sum += l
	}
	return math.Exp(sum / float64(to-from))
}

// TrainLanguageModel trains lm (state size hidden) on the token stream ids, with its
// variables in store: a store shared by several architectures trains their shared
// weights (ENAS). A NaN or infinite loss stops training with an error naming the step.
func TrainLanguageModel(backend compute.Backend, store *model.Store, lm LanguageModel, hidden int, ids []int32, cfg LMTrainConfig) (*LMTrainResult, error) {
	if cfg.BatchSize < 1 || cfg.BPTT < 1 || cfg.Steps < 1 || cfg.LearningRate <= 0 {
		return nil, errors.Errorf("TrainLanguageModel: batch size (%d), BPTT (%d), steps (%d) and learning rate (%g) must be positive",
			cfg.BatchSize, cfg.BPTT, cfg.Steps, cfg.LearningRate)
	}
	rows, err := data.Batchify(ids, cfg.BatchSize)
	if err != nil {
		return nil, err
	}
	if len(rows[0]) <= cfg.BPTT {
		return nil, errors.Errorf("TrainLanguageModel: rows of %d tokens are too short for one BPTT window of %d", len(rows[0]), cfg.BPTT)
	}
	sgd := optim.SGD().LearningRate(cfg.LearningRate)
	if cfg.ClipNorm > 0 {
		sgd = sgd.ClipByGlobalNorm(cfg.ClipNorm)
	}
	opt := sgd.Done()
	exec, err := model.NewExec(backend, store, func(scope *model.Scope, tokens, targets, h0 *graph.Node) []*graph.Node {
		store.SetTraining(tokens.Graph(), true)
		logits, hT := lm(scope, tokens, h0)
		loss := LanguageModelLoss(logits, targets)
		opt.UpdateGraph(scope, tokens.Graph(), loss)
		return []*graph.Node{loss, graph.StopGradient(hT)}
	})
	if err != nil {
		return nil, err
	}
	defer exec.Finalize()
	res := &LMTrainResult{}
	bar := progress.New(cfg.Progress, "language model", cfg.Steps)
	start := time.Now()
	var x, y []int32
	for len(res.Losses) < cfg.Steps {
		h := tensors.FromShape(shapes.Make(dtypes.Float32, cfg.BatchSize, hidden))
		for begin, n := range data.BPTTWindows(len(rows[0]), cfg.BPTT) {
			if n < cfg.BPTT || len(res.Losses) == cfg.Steps {
				break // one window shape, one compiled graph
			}
			if x, y, err = data.Window(rows, begin, n, x, y); err != nil {
				return nil, err
			}
			outs, err := exec.Call(tensors.FromFlatDataAndDimensions(slices.Clone(x), cfg.BatchSize, n),
				tensors.FromFlatDataAndDimensions(slices.Clone(y), cfg.BatchSize, n), h)
			if err != nil {
				return nil, errors.WithMessagef(err, "language model step %d", len(res.Losses))
			}
			l := float64(tensors.ToScalar[float32](outs[0]))
			if math.IsNaN(l) || math.IsInf(l, 0) {
				return nil, errors.Errorf("language model loss is %g at step %d: lower the learning rate or clip gradients", l, len(res.Losses))
			}
			res.Losses = append(res.Losses, l)
			h = outs[1]
			bar.Update(len(res.Losses), fmt.Sprintf("ppl=%.1f", math.Exp(l)))
		}
	}
	bar.Done()
	res.Duration = time.Since(start)
	return res, nil
}

// LanguageModelPerplexity evaluates lm (in inference mode) on the token stream ids:
// exp of the mean next-token loss over every window of bptt steps of batchSize
// rows, the state carried from window to window.
func LanguageModelPerplexity(backend compute.Backend, store *model.Store, lm LanguageModel, hidden int, ids []int32, batchSize, bptt int) (float64, error) {
	if batchSize < 1 || bptt < 1 {
		return 0, errors.Errorf("LanguageModelPerplexity: batch size (%d) and BPTT (%d) must be positive", batchSize, bptt)
	}
	rows, err := data.Batchify(ids, batchSize)
	if err != nil {
		return 0, err
	}
	exec, err := model.NewExec(backend, store, func(scope *model.Scope, tokens, targets, h0 *graph.Node) []*graph.Node {
		logits, hT := lm(scope, tokens, h0)
		return []*graph.Node{LanguageModelLoss(logits, targets), hT}
	})
	if err != nil {
		return 0, err
	}
	defer exec.Finalize()
	h := tensors.FromShape(shapes.Make(dtypes.Float32, batchSize, hidden))
	var x, y []int32
	var sum float64
	tokens := 0
	for begin, n := range data.BPTTWindows(len(rows[0]), bptt) {
		if x, y, err = data.Window(rows, begin, n, x, y); err != nil {
			return 0, err
		}
		outs, err := exec.Call(tensors.FromFlatDataAndDimensions(slices.Clone(x), batchSize, n),
			tensors.FromFlatDataAndDimensions(slices.Clone(y), batchSize, n), h)
		if err != nil {
			return 0, errors.WithMessagef(err, "evaluating the window at %d", begin)
		}
		sum += float64(tensors.ToScalar[float32](outs[0])) * float64(n)
		tokens += n
		h = outs[1]
	}
	return math.Exp(sum / float64(tokens)), nil
}
