package enas

import (
	"context"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"time"

	"github.com/gonas/gonas/nas/checkpoint"
	"github.com/gonas/gonas/nas/progress"
	"github.com/gonas/gonas/nas/rss"
	"github.com/gonas/gonas/nas/train"
	"github.com/pkg/errors"
)

// Run runs the search to its last epoch, saving a checkpoint after every epoch: the
// loop of steps.go (ChildStep, ControllerStep, EndEpoch) with progress bars. When
// ctx is cancelled it saves a checkpoint where it stands and returns
// ErrInterrupted.
func (s *Search) Run(ctx context.Context) error {
	if err := os.MkdirAll(s.opts.Out, 0o755); err != nil {
		return errors.Wrap(err, "enas")
	}
	steps, updates := s.child.stepsPerEpoch(), s.cfg.Controller.TrainSteps
	for !s.st.Pos.Done {
		p := &s.st.Pos
		label := fmt.Sprintf("epoch %d/%d", p.Epoch+1, s.cfg.Child.Epochs)
		bar := progress.New(s.opts.Progress, label+" child", steps)
		for !s.ChildPhaseDone() {
			if ctx.Err() != nil {
				return s.interrupt()
			}
			if err := s.ChildStep(); err != nil {
				return err
			}
			bar.Update(p.Step, fmt.Sprintf("loss=%.4f skipped=%d", s.st.Acc.LossSum/float64(max(s.st.Acc.Steps, 1)), s.st.Acc.Skipped))
		}
		bar.Done()
		train.ReleaseIdleMemory(s.opts.Backend) // the training steps' buffers: the controller's graphs only infer
		bar = progress.New(s.opts.Progress, label+" controller", updates)
		for !s.ControllerPhaseDone() {
			if ctx.Err() != nil {
				return s.interrupt()
			}
			if err := s.ControllerStep(); err != nil {
				return err
			}
			u := s.st.History.Updates[len(s.st.History.Updates)-1]
			bar.Update(p.Update, fmt.Sprintf("reward=%.4f baseline=%.4f", u.RewardMean, u.Baseline))
		}
		bar.Done()
		train.ReleaseIdleMemory(s.opts.Backend) // the inference buffers: next come training steps, or derive
		if err := s.EndEpoch(); err != nil {
			return err
		}
	}
	return nil
}

// timed runs one unit of work and adds its time to the epoch and the search.
func (s *Search) timed(f func() error) error {
	start := time.Now()
	err := f()
	dt := time.Since(start).Seconds()
	s.st.Acc.Seconds += dt
	s.st.Seconds += dt
	return err
}

// interrupt saves a checkpoint of the current position.
func (s *Search) interrupt() error {
	dir, err := s.saveCheckpoint()
	if err != nil {
		return errors.WithMessage(err, "enas: interrupted, and saving the checkpoint failed")
	}
	if err := s.writeHistory(); err != nil {
		return err
	}
	s.logf("interrupted at epoch %d, step %d, update %d; checkpoint %s\n", s.st.Pos.Epoch+1, s.st.Pos.Step, s.st.Pos.Update, dir)
	return ErrInterrupted
}

// worstReward is the reward of an architecture whose loss is not finite: no accuracy,
// or an infinite perplexity.
const worstReward = 0.0

// childStep samples one architecture and trains it on one minibatch. A non-finite
// loss skips the step (the weights are untouched) and gives the architecture the
// worst reward in an update of its own.
func (s *Search) childStep() error {
	p := &s.st.Pos
	samples, err := s.rec.sample(1)
	if err != nil {
		return err
	}
	a := samples[0].Arch
	loss, err := s.child.trainStep(a, p.Epoch, p.Step)
	if err != nil {
		return err
	}
	if finite(loss) {
		s.st.Acc.LossSum += loss
		s.st.Acc.Steps++
		return nil
	}
	s.st.Acc.Skipped++
	s.logf("\nwarning: epoch %d step %d: child loss is %v for %s; step skipped, the architecture gets reward %g\n",
		p.Epoch+1, p.Step, loss, a, worstReward)
	s.st.History.Skips = append(s.st.History.Skips, SkipRecord{Epoch: p.Epoch + 1, Step: p.Step, Arch: a.String(), Loss: fmt.Sprint(loss)})
	stats, err := s.rec.update(samples, []float64{worstReward})
	if err != nil {
		return err
	}
	s.st.History.Updates = append(s.st.History.Updates, UpdateRecord{Epoch: p.Epoch + 1, RewardMean: worstReward,
		RewardMax: worstReward, Baseline: stats.Baseline, Entropy: stats.Entropy, Loss: stats.Loss, GradNorm: stats.GradNorm})
	return nil
}

// controllerUpdate samples Aggregate architectures, rewards each on its own
// validation minibatch with the shared weights, and updates the controller.
func (s *Search) controllerUpdate() error {
	p := &s.st.Pos
	agg := s.cfg.Controller.Aggregate
	samples, err := s.rec.sample(agg)
	if err != nil {
		return err
	}
	rewards := make([]float64, agg)
	rec := UpdateRecord{Epoch: p.Epoch + 1, Update: p.Update + 1, RewardMax: math.Inf(-1)}
	for k, smp := range samples {
		r, l, err := s.child.reward(smp.Arch, p.Epoch, p.Update*agg+k)
		if err != nil {
			return err
		}
		if !finite(l) || !finite(r) {
			s.logf("\nwarning: epoch %d update %d: validation loss is %v for %s; reward %g\n", p.Epoch+1, p.Update+1, l, smp.Arch, worstReward)
			r, l = worstReward, maxLogPPL
		}
		rewards[k] = r
		l = math.Min(l, maxLogPPL) // for enas-rnn's valid perplexity, clipped as the reference does
		rec.RewardMean += r / float64(agg)
		rec.RewardMax = math.Max(rec.RewardMax, r)
		s.st.Acc.RewardSum += r
		s.st.Acc.ValidLoss += l
		s.st.Acc.Rewards++
		if s.st.Acc.BestArch == "" || r > s.st.Acc.BestReward {
			s.st.Acc.BestArch, s.st.Acc.BestReward = smp.Arch.String(), r
		}
	}
	stats, err := s.rec.update(samples, rewards)
	if err != nil {
		return err
	}
	rec.Baseline, rec.Entropy, rec.Loss, rec.GradNorm = stats.Baseline, stats.Entropy, stats.Loss, stats.GradNorm
	s.st.Acc.EntropySum += stats.Entropy
	s.st.History.Updates = append(s.st.History.Updates, rec)
	return nil
}

// endEpoch records the epoch, prints its metrics and moves to the next.
func (s *Search) endEpoch() {
	p, acc := &s.st.Pos, s.st.Acc
	held, _, _, _ := s.child.cacheStats()
	e := EpochRecord{Epoch: p.Epoch + 1, Steps: acc.Steps, Skipped: acc.Skipped, LR: s.child.learningRate(),
		BestArch: acc.BestArch, BestReward: acc.BestReward, Seconds: acc.Seconds, GraphsHeld: held,
		RSSMB: float64(rss.Bytes()) / (1 << 20)}
	if acc.Steps > 0 {
		e.TrainLoss = acc.LossSum / float64(acc.Steps)
	}
	if acc.Rewards > 0 {
		e.RewardMean = acc.RewardSum / float64(acc.Rewards)
		if s.cfg.Space == "enas-rnn" {
			e.ValidPPL = math.Exp(acc.ValidLoss / float64(acc.Rewards))
		} else {
			e.ValidAcc = e.RewardMean
		}
	}
	if n := s.cfg.Controller.TrainSteps; n > 0 {
		e.Entropy = acc.EntropySum / float64(n)
	}
	e.Baseline = s.ctrl.Baseline().Value
	s.st.History.Epochs = append(s.st.History.Epochs, e)
	valid := fmt.Sprintf("valid_acc=%.4f", e.ValidAcc)
	if s.cfg.Space == "enas-rnn" {
		valid = fmt.Sprintf("valid_ppl=%.2f", e.ValidPPL)
	}
	s.metricf("epoch=%d train_loss=%.4f %s reward=%.4f baseline=%.4f entropy=%.3f lr=%.5f skipped=%d epoch_seconds=%.1f graphs_held=%d rss_mb=%.0f\n",
		e.Epoch, e.TrainLoss, valid, e.RewardMean, e.Baseline, e.Entropy, e.LR, e.Skipped, e.Seconds, e.GraphsHeld, e.RSSMB)
	p.Epoch++
	p.Step, p.Update = 0, 0
	p.Done = p.Epoch >= s.cfg.Child.Epochs
	s.st.Acc = epochAcc{}
}

// writeHistory rewrites history.jsonl from the history.
func (s *Search) writeHistory() error {
	return checkpoint.WriteFileAtomic(filepath.Join(s.opts.Out, "history.jsonl"), s.st.History.JSONL())
}

func (s *Search) logf(format string, args ...any) {
	if s.opts.Log != nil {
		fmt.Fprintf(s.opts.Log, format, args...)
	}
}

func (s *Search) metricf(format string, args ...any) {
	if s.opts.Metrics != nil {
		fmt.Fprintf(s.opts.Metrics, format, args...)
	}
}

func finite(x float64) bool { return !math.IsNaN(x) && !math.IsInf(x, 0) }
