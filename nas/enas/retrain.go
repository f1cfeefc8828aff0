package enas

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/gomlx/compute"
	"github.com/gomlx/gomlx/core/tensors"
	"github.com/gomlx/gomlx/ml/model"
	"github.com/gonas/gonas/nas"
	"github.com/gonas/gonas/nas/data"
	"github.com/gonas/gonas/nas/optim"
	"github.com/gonas/gonas/nas/progress"
	"github.com/gonas/gonas/nas/train"
	"github.com/pkg/errors"
)

// RetrainResult is one architecture trained from scratch, then measured on the
// validation split, which the retraining does not train on (the split to choose
// a search's settings on), and on the test split.
type RetrainResult struct {
	Arch            string  `json:"arch"`                       // canonical JSON
	ValidAccuracy   float64 `json:"valid_accuracy,omitempty"`   // image spaces
	ValidPerplexity float64 `json:"valid_perplexity,omitempty"` // enas-rnn
	TestAccuracy    float64 `json:"test_accuracy,omitempty"`    // image spaces
	TestPerplexity  float64 `json:"test_perplexity,omitempty"`  // enas-rnn
	Parameters      int     `json:"parameters"`
	// FLOPs counts the multiply-adds of one forward pass of one image (of one token
	// for enas-rnn: the cell's matrices and the softmax).
	FLOPs          int64   `json:"flops"`
	FinalTrainLoss float64 `json:"final_train_loss"`
	Steps          int     `json:"steps"`
	Seconds        float64 `json:"seconds"`
}

// Retrain builds architecture a from scratch in the retraining space of cfg
// (larger than the search's, see RetrainConfig) and trains it on d's training
// split, then measures it on the validation split and the test split: image
// classifiers with SGD (Nesterov momentum, L2, a cosine learning rate over the
// run [2], the auxiliary head, Cutout, scheduled drop-path and dropout as
// configured), and their accuracy with batch norm in inference mode; RNN cells as
// train.TrainLanguageModel trains them, and their perplexity.
func Retrain(ctx context.Context, backend compute.Backend, cfg *Config, d *Data, a nas.Arch, progressOut io.Writer) (*RetrainResult, error) {
	return RetrainAndSave(ctx, backend, cfg, d, a, "", progressOut)
}

// RetrainAndSave is Retrain, and when dir is not empty it saves the trained image
// classifier there (SaveModel), for savedmodel.Load and `gonas predict`. The
// language models of enas-rnn are not saved: asking to is an error, before any
// training.
func RetrainAndSave(ctx context.Context, backend compute.Backend, cfg *Config, d *Data, a nas.Arch, dir string, progressOut io.Writer) (*RetrainResult, error) {
	if dir != "" && cfg.Space == "enas-rnn" {
		return nil, errors.Errorf("enas-rnn trains a language model, and a saved model classifies images: nothing to save in %s", dir)
	}
	sp, err := retrainSpace(cfg, d, archLayers(cfg, a))
	if err != nil {
		return nil, err
	}
	if err := sp.Validate(a); err != nil {
		return nil, err
	}
	start := time.Now()
	var res *RetrainResult
	if cfg.Space == "enas-rnn" {
		res, err = retrainRNN(backend, cfg, d, sp.(nas.RNNSpace), a, progressOut)
	} else {
		var store *model.Store
		res, store, err = retrainImage(ctx, backend, cfg, d, sp.(nas.ImageSpace), a, progressOut)
		if err == nil && dir != "" {
			err = SaveModel(dir, cfg, d, a, store, res.TestAccuracy)
		}
	}
	if err != nil {
		return nil, errors.WithMessagef(err, "retraining %s", a)
	}
	res.Arch, res.Seconds = a.String(), time.Since(start).Seconds()
	return res, nil
}

func retrainImage(ctx context.Context, backend compute.Backend, cfg *Config, d *Data, sp nas.ImageSpace, a nas.Arch, progressOut io.Writer) (*RetrainResult, *model.Store, error) {
	// The kernel outputs the phase before kept idle (the search's child, another
	// retraining's evaluation), and those this one leaves, are of other shapes than
	// the next phase's: freed, they are not live memory the heap doubles over.
	train.ReleaseIdleMemory(backend)
	defer train.ReleaseIdleMemory(backend)
	rt := cfg.Retrain
	store := model.NewStore()
	if err := store.SetRNGStateFromSeed(int64(cfg.Seed)); err != nil {
		return nil, nil, err
	}
	build, err := modelWithAux(sp, a, d.Train.NumClasses)
	if err != nil {
		return nil, nil, err
	}
	steps := data.NumBatches(d.Train.Len(), rt.BatchSize, true)
	if steps == 0 {
		return nil, nil, errors.Errorf("%d training images are fewer than a batch of %d", d.Train.Len(), rt.BatchSize)
	}
	sgd := optim.SGD().Schedule(optim.SGDR(rt.LRMax, rt.LRMin, rt.Epochs, 1).StepsPerEpoch(steps).PerStep()).
		WeightDecay(rt.WeightDecay).ExcludeFromWeightDecay(optim.ExcludeBiasesAndNorms)
	if rt.Momentum > 0 {
		sgd = sgd.Momentum(rt.Momentum).Nesterov()
	}
	if rt.ClipNorm > 0 {
		sgd = sgd.ClipByGlobalNorm(rt.ClipNorm).ClipAfterWeightDecay()
	}
	exec, err := trainStepExec(backend, store, build, sgd, sgd.Done(), rt.AuxWeight, rt.Epochs*steps)
	if err != nil {
		return nil, nil, err
	}
	defer exec.Finalize()
	var aug *data.Augmentation
	if cfg.Child.Augment {
		pick := data.CIFARAugmentation
		if rt.Cutout {
			pick = data.CIFARCutoutAugmentation
		}
		aug = &pick
	}
	batch := d.Train.NewBatch(rt.BatchSize)
	res := &RetrainResult{}
	for epoch := range rt.Epochs {
		rng := streamRand(cfg.Seed, "retrain", epoch)
		bar := progress.New(progressOut, fmt.Sprintf("retrain epoch %d/%d", epoch+1, rt.Epochs), steps)
		var sum float64
		n := 0
		for idx := range data.Minibatches(d.Train.Len(), rt.BatchSize, true, rng) {
			if ctx.Err() != nil {
				return nil, nil, ctx.Err()
			}
			if aug != nil {
				err = aug.Batch(d.Train, idx, batch, rng)
			} else {
				err = d.Train.Batch(idx, batch)
			}
			if err != nil {
				return nil, nil, err
			}
			outs, err := exec.Call(batchTensors(d.Train, batch))
			if err != nil {
				return nil, nil, err
			}
			l := float64(tensors.ToScalar[float32](outs[0]))
			if !finite(l) {
				return nil, nil, errors.Errorf("training loss is %v at epoch %d step %d: lower the learning rate", l, epoch+1, n)
			}
			sum += l
			n++
			res.Steps++
			bar.Update(n, fmt.Sprintf("loss=%.4f", sum/float64(n)))
		}
		bar.Done()
		res.FinalTrainLoss = sum / float64(max(n, 1))
	}
	train.ReleaseIdleMemory(backend) // the training step's buffers; the evaluation's batches are larger
	eval, err := sp.ImageModel(a, d.Test.NumClasses)
	if err != nil {
		return nil, nil, err
	}
	if res.ValidAccuracy, err = train.Accuracy(backend, store, eval, d.Valid, 250); err != nil {
		return nil, nil, errors.WithMessage(err, "validation accuracy")
	}
	if res.TestAccuracy, err = train.Accuracy(backend, store, eval, d.Test, 250); err != nil {
		return nil, nil, err
	}
	if c, ok := sp.(nas.Counter); ok {
		if res.Parameters, res.FLOPs, err = c.Cost(a, d.Test.NumClasses); err != nil {
			return nil, nil, err
		}
	} else {
		res.Parameters = train.CountParameters(store)
	}
	return res, store, nil
}

func retrainRNN(backend compute.Backend, cfg *Config, d *Data, sp nas.RNNSpace, a nas.Arch, progressOut io.Writer) (*RetrainResult, error) {
	rt := cfg.Retrain
	hidden := rt.Hidden
	if hidden <= 0 {
		hidden = cfg.Child.Hidden
	}
	cell, err := sp.Cell(a, hidden)
	if err != nil {
		return nil, err
	}
	lm, err := train.NewLanguageModel(cell, train.LMConfig{Vocab: d.Vocab, Embed: hidden, Hidden: hidden, TieWeights: true})
	if err != nil {
		return nil, err
	}
	store := model.NewStore()
	if err := store.SetRNGStateFromSeed(int64(cfg.Seed)); err != nil {
		return nil, err
	}
	tr, err := train.TrainLanguageModel(backend, store, lm, hidden, d.TrainIDs, train.LMTrainConfig{
		BatchSize: rt.BatchSize, BPTT: cfg.Child.BPTT, Steps: rt.Steps, LearningRate: rt.LRMax, ClipNorm: rt.ClipNorm, Progress: progressOut})
	if err != nil {
		return nil, err
	}
	res := &RetrainResult{Steps: len(tr.Losses), FinalTrainLoss: tr.Losses[len(tr.Losses)-1]}
	const testBatch = 10
	if res.ValidPerplexity, err = train.LanguageModelPerplexity(backend, store, lm, hidden, d.ValidIDs, testBatch, cfg.Child.BPTT); err != nil {
		return nil, errors.WithMessage(err, "validation perplexity")
	}
	if res.TestPerplexity, err = train.LanguageModelPerplexity(backend, store, lm, hidden, d.TestIDs, testBatch, cfg.Child.BPTT); err != nil {
		return nil, err
	}
	res.Parameters = train.CountParameters(store)
	res.FLOPs = rnnTokenMACs(cfg.Child.Nodes, hidden, d.Vocab)
	return res, nil
}

// rnnTokenMACs counts the multiply-adds per token of the ENAS RNN language model
// with tied weights: node 1 reads [x_t, h_{t-1}] (2H inputs) into 2H outputs, every
// other node H into 2H, and the softmax H into V.
func rnnTokenMACs(nodes, hidden, vocab int) int64 {
	h := int64(hidden)
	return 2*h*2*h + int64(nodes-1)*h*2*h + h*int64(vocab)
}
