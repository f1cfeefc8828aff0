package nb201search

import (
	"context"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"time"

	"github.com/gomlx/compute"
	"github.com/gomlx/gomlx/core/tensors"
	"github.com/gonas/gonas/cells"
	"github.com/gonas/gonas/nas"
	"github.com/gonas/gonas/nas/backends"
	"github.com/gonas/gonas/nas/checkpoint"
	"github.com/gonas/gonas/nas/progress"
	"github.com/pkg/errors"
)

// Options are where a search reads and writes, not what it computes.
type Options struct {
	Out      string            // output directory: result.json, history.jsonl, report.html
	Backend  compute.Backend   // nil: backends.New()
	Data     *Data             // nil: LoadData(cfg, DataPath); zero-cost: only its proxies' minibatch
	DataPath string            // CIFAR-10 archive or directory; empty: the shared data dir
	Table    *cells.NB201Table // nil: cells.DefaultNB201TablePath()
	Progress io.Writer         // progress bars; nil: none
	Metrics  io.Writer         // one name=value line per epoch; nil: none
}

// Search is one weight-sharing search of the NB201 space with its supernet, its
// strategy, the table that judges it, and the fixed cells its rank agreement is
// measured on.
type Search struct {
	cfg      Config
	opts     Options
	data     *Data
	table    *cells.NB201Table
	space    *cells.NB201
	net      *Supernet
	strategy Strategy

	rankSet            []nas.Arch         // RankCells random cells, fixed by the seed
	rankVal, rankTest  []float64          // their table accuracies (cifar10-val, -test)
	measures           map[string]measure // of the architectures scored since the weights last changed
	prior              *zeroCostStrategy  // score_by loss+zero-cost: the proxies' half of the score
	refLoss            []float64          // score_by loss+zero-cost: the rank cells' losses now, sorted
	rankScores         []float64          // the rank set's scores after the last epoch
	rankMeasures       []measure          // with shared weights: the rank set's measures after the last epoch
	history            []EpochRecord
	seconds            float64
	trainLoss, trainOK float64
	trainSteps         int
	trained            []nas.Arch
}

// New builds the search of cfg: the data, the table, the supernet, the strategy.
func New(cfg Config, opts Options) (*Search, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	var err error
	if opts.Backend == nil {
		if opts.Backend, err = backends.New(); err != nil {
			return nil, err
		}
	}
	s := &Search{cfg: cfg, opts: opts, data: opts.Data, table: opts.Table, space: cells.NewNB201(), measures: map[string]measure{}}
	if s.table == nil {
		path, err := cells.DefaultNB201TablePath()
		if err != nil {
			return nil, err
		}
		if s.table, err = cells.LoadNB201Table(path); err != nil {
			return nil, err
		}
	}
	if s.data == nil {
		load := LoadData
		if cfg.Strategy == zeroCost { // it reads no image but the proxies' minibatch
			load = loadProxyData
		}
		if s.data, err = load(&cfg, opts.DataPath); err != nil {
			return nil, err
		}
	}
	if err := s.buildRankSet(); err != nil {
		return nil, err
	}
	tc := TrainConfig{LRMax: cfg.LRMax, LRMin: cfg.LRMin, Momentum: cfg.Momentum, WeightDecay: cfg.WeightDecay,
		ClipNorm: cfg.ClipNorm, TotalSteps: cfg.TotalSteps()}
	if s.net, err = NewSupernet(opts.Backend, cfg.Network(), s.data.NumClasses(), cfg.Seed, tc); err != nil {
		return nil, err
	}
	if cfg.ScoreBy == ScoreByLossAndZeroCost {
		if s.prior, err = newZeroCostScorer(s); err != nil {
			s.Close()
			return nil, err
		}
	}
	if s.strategy, err = strategies[cfg.Strategy](s); err != nil {
		s.Close()
		return nil, err
	}
	return s, nil
}

// buildRankSet draws the fixed cells of the rank agreement (FixedCells) and
// looks up their accuracies.
func (s *Search) buildRankSet() error {
	archs, err := FixedCells(s.cfg.RankCells, s.cfg.Seed)
	if err != nil {
		return err
	}
	for _, a := range archs {
		res, err := s.table.Lookup(a, "cifar10")
		if err != nil {
			return err
		}
		s.rankSet = append(s.rankSet, a)
		s.rankVal = append(s.rankVal, res.Val)
		s.rankTest = append(s.rankTest, res.Test)
	}
	return nil
}

// Config is the search's configuration.
func (s *Search) Config() Config { return s.cfg }

// Space is the NB201 space.
func (s *Search) Space() *cells.NB201 { return s.space }

// Supernet is the shared-weights network.
func (s *Search) Supernet() *Supernet { return s.net }

// Data are the search's images.
func (s *Search) Data() *Data { return s.data }

// Table is the NB201 table that judges the search.
func (s *Search) Table() *cells.NB201Table { return s.table }

// History is one record per finished epoch.
func (s *Search) History() []EpochRecord { return s.history }

// Close frees the compiled graphs.
func (s *Search) Close() {
	s.net.Close()
	if c, ok := s.strategy.(interface{ Close() }); ok {
		c.Close()
	}
}

// Evaluate is the score of a: the strategy's own (Scorer) or, by default, a
// measure with the shared weights on the fixed validation subset, in minibatches
// of ScoreBatch with their own batch-norm statistics: by Config.ScoreBy, the
// negative mean loss, the accuracy with ties broken by the lower mean loss
// (1e-4 × loss, clipped at 10, never reorders different accuracies on fewer than
// 1,000 images), or the loss's rank among the rank cells plus the zero-cost
// proxies' (hybridScore). A non-finite loss counts as 10. Scores are cached until
// the weights next change.
func (s *Search) Evaluate(a nas.Arch) (float64, error) {
	if sc, ok := s.strategy.(Scorer); ok {
		return sc.Score(a)
	}
	m, err := s.measure(a)
	if err != nil {
		return 0, err
	}
	if s.prior != nil {
		return s.hybridScore(a, m)
	}
	return s.score(m), nil
}

// measure is a's accuracy and mean loss with the shared weights on the scoring
// subset, cached until the weights next change.
func (s *Search) measure(a nas.Arch) (measure, error) {
	key := a.String()
	if m, ok := s.measures[key]; ok {
		return m, nil
	}
	correct, lossSum := 0, 0.0
	b := s.cfg.ScoreBatch
	for start := 0; start < s.cfg.ScoreImages; start += b {
		idx := make([]int, b)
		for j := range idx {
			idx[j] = start + j
		}
		x, y, err := batch(s.data.Score, idx, false, nil)
		if err != nil {
			return measure{}, err
		}
		c, l, err := s.net.Score(a, x, y)
		if err != nil {
			return measure{}, err
		}
		correct += c
		lossSum += l
	}
	m := measure{accuracy: float64(correct) / float64(s.cfg.ScoreImages), loss: lossSum / float64(s.cfg.ScoreImages/b)}
	if !finite(m.loss) {
		m.loss = 10
	}
	s.measures[key] = m
	return m, nil
}

// measure is what Evaluate measures of an architecture with the shared weights.
type measure struct{ accuracy, loss float64 }

// score is m's score by Config.ScoreBy.
func (s *Search) score(m measure) float64 {
	if s.cfg.ScoreBy == ScoreByLoss {
		return -m.loss
	}
	return m.accuracy - 1e-4*math.Min(m.loss, 10)
}

// Reward is ENAS's reward of a on validation minibatch number k of the epoch
// (BatchSize images of the valid half drawn by the run's seed), with the shared
// weights: by Config.RewardBy, its accuracy there, or the search's score (ScoreBy)
// of what it measures there.
func (s *Search) Reward(a nas.Arch, epoch, k int) (float64, error) {
	x, y, err := s.rewardBatch(epoch, k)
	if err != nil {
		return 0, err
	}
	c, l, err := s.net.Score(a, x, y)
	if err != nil || s.cfg.RewardBy != RewardByScore {
		return float64(c) / float64(s.cfg.BatchSize), err
	}
	m := measure{accuracy: float64(c) / float64(s.cfg.BatchSize), loss: l}
	if !finite(m.loss) {
		m.loss = 10
	}
	if s.prior != nil {
		return s.hybridScore(a, m)
	}
	return s.score(m), nil
}

// rewardBatch is validation minibatch number k of the epoch: BatchSize images of
// the valid half drawn by the run's seed.
func (s *Search) rewardBatch(epoch, k int) (x, y *tensors.Tensor, err error) {
	rng := streamRand(s.cfg.Seed, "reward", epoch, k)
	idx := make([]int, s.cfg.BatchSize)
	for j := range idx {
		idx[j] = rng.IntN(s.data.Valid.Len())
	}
	return batch(s.data.Valid, idx, false, nil)
}

// Run trains the supernet for every epoch (with the strategy's paths and epoch
// end), measures the rank agreement after each, then picks the architecture,
// runs the random control and writes the outputs. ctx cancels between steps.
func (s *Search) Run(ctx context.Context) (*Result, error) {
	if err := os.MkdirAll(s.opts.Out, 0o755); err != nil {
		return nil, errors.Wrap(err, "nb201search")
	}
	start := time.Now()
	for epoch := range s.cfg.Epochs {
		if err := s.epoch(ctx, epoch); err != nil {
			return nil, err
		}
		if err := s.writeHistory(); err != nil {
			return nil, err
		}
	}
	res, err := s.finish(ctx, start)
	if err != nil {
		return nil, err
	}
	return res, s.writeOutputs(res)
}

// epoch runs one epoch: the training steps, the strategy's epoch end, the rank
// agreement.
func (s *Search) epoch(ctx context.Context, epoch int) error {
	t0 := time.Now()
	rec := EpochRecord{Epoch: epoch + 1}
	s.trainLoss, s.trainOK, s.trainSteps, s.trained = 0, 0, 0, s.trained[:0]
	bar := progress.New(s.opts.Progress, fmt.Sprintf("epoch %d/%d %s", epoch+1, s.cfg.Epochs, s.cfg.Strategy), s.cfg.StepsPerEpoch)
	var order []int // the epoch's order of Train, drawn once a step trains
	for step := range s.cfg.StepsPerEpoch {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		a, ok, err := s.strategy.TrainArch(s, epoch, step)
		if err != nil {
			return err
		}
		if ok {
			if order == nil {
				order = streamRand(s.cfg.Seed, "order", epoch).Perm(s.data.Train.Len())
			}
			if err := s.trainStep(a, epoch, step, order); err != nil {
				return err
			}
		}
		bar.Update(step+1, fmt.Sprintf("loss=%.3f", s.trainLoss/float64(max(s.trainSteps, 1))))
	}
	bar.Done()
	clear(s.measures) // the weights changed
	s.refLoss = nil
	rec.Steps = s.trainSteps
	if s.trainSteps > 0 {
		rec.TrainLoss = s.trainLoss / float64(s.trainSteps)
		rec.TrainAcc = s.trainOK / float64(s.trainSteps*s.cfg.BatchSize)
	}
	rec.LR = s.net.LearningRate()
	rec.OpShares = opShares(s.trained)
	if err := s.strategy.EndEpoch(s, epoch, &rec); err != nil {
		return err
	}
	if err := s.rankAgreement(&rec); err != nil {
		return err
	}
	rec.Seconds = time.Since(t0).Seconds()
	s.seconds += rec.Seconds
	s.history = append(s.history, rec)
	if s.opts.Metrics != nil {
		fmt.Fprintf(s.opts.Metrics, "epoch=%d train_loss=%.4f train_acc=%.4f tau_val=%.3f tau_test=%.3f rho_test=%.3f score_mean=%.4f entropy=%.3f seconds=%.1f\n",
			rec.Epoch, rec.TrainLoss, rec.TrainAcc, rec.TauVal, rec.TauTest, rec.RhoTest, rec.ScoreMean, rec.Entropy, rec.Seconds)
	}
	return nil
}

// trainStep trains a on minibatch step of the epoch's order.
func (s *Search) trainStep(a nas.Arch, epoch, step int, order []int) error {
	b := s.cfg.BatchSize
	idx := make([]int, b)
	for j := range idx {
		idx[j] = order[(step*b+j)%len(order)]
	}
	x, y, err := batch(s.data.Train, idx, s.cfg.Augment, streamRand(s.cfg.Seed, "augment", epoch, step))
	if err != nil {
		return err
	}
	l, c, err := s.net.TrainStep(a, x, y)
	if err != nil {
		return err
	}
	if finite(l) {
		s.trainLoss += l
		s.trainOK += float64(c)
		s.trainSteps++
	}
	s.trained = append(s.trained, a)
	return nil
}

// rankAgreement scores the rank set and compares the scores with the table.
func (s *Search) rankAgreement(rec *EpochRecord) error {
	bar := progress.New(s.opts.Progress, fmt.Sprintf("epoch %d/%d rank set", rec.Epoch, s.cfg.Epochs), len(s.rankSet))
	scores := make([]float64, len(s.rankSet))
	_, scorer := s.strategy.(Scorer)
	for i, a := range s.rankSet {
		// With shared weights, the time goes into measuring each cell; a hybrid
		// score needs every rank cell measured before the first score.
		var err error
		if scorer {
			scores[i], err = s.Evaluate(a)
		} else {
			_, err = s.measure(a)
		}
		if err != nil {
			return err
		}
		bar.Update(i+1, "")
	}
	bar.Done()
	for i, a := range s.rankSet {
		if !scorer { // measured above: no more network runs
			var err error
			if scores[i], err = s.Evaluate(a); err != nil {
				return err
			}
		}
	}
	val, err := nas.CompareRanks(scores, s.rankVal)
	if err != nil {
		return err
	}
	test, err := nas.CompareRanks(scores, s.rankTest)
	if err != nil {
		return err
	}
	rec.TauVal, rec.RhoVal, rec.TauTest, rec.RhoTest = nanToZero(val.KendallTau), nanToZero(val.SpearmanRho),
		nanToZero(test.KendallTau), nanToZero(test.SpearmanRho)
	if !scorer {
		negLoss, acc := make([]float64, len(s.rankSet)), make([]float64, len(s.rankSet))
		for i, a := range s.rankSet {
			m := s.measures[a.String()]
			negLoss[i], acc[i] = -m.loss, m.accuracy
		}
		if byLoss, err := nas.CompareRanks(negLoss, s.rankVal); err == nil {
			rec.TauValByLoss = nanToZero(byLoss.KendallTau)
		}
		if byAcc, err := nas.CompareRanks(acc, s.rankVal); err == nil {
			rec.TauValByAccuracy = nanToZero(byAcc.KendallTau)
		}
	}
	s.rankScores, s.rankMeasures = scores, nil
	if !scorer {
		for _, a := range s.rankSet {
			s.rankMeasures = append(s.rankMeasures, s.measures[a.String()])
		}
	}
	rec.RankCells = len(scores)
	for _, v := range scores {
		rec.ScoreMean += v / float64(len(scores))
	}
	return nil
}

// finish picks the architecture, runs the control and assembles the result.
func (s *Search) finish(ctx context.Context, start time.Time) (*Result, error) {
	if ctx.Err() != nil {
		return nil, ctx.Err()
	}
	t0 := time.Now()
	pick, err := s.strategy.Pick(s)
	if err != nil {
		return nil, err
	}
	res := &Result{Space: "nb201", Strategy: s.cfg.Strategy, Preset: s.cfg.Preset, Seed: s.cfg.Seed, Config: s.cfg}
	if res.Pick, err = s.judge(pick); err != nil {
		return nil, err
	}
	res.Arch = res.Pick.Arch
	res.PickSeconds = time.Since(t0).Seconds()
	t0 = time.Now()
	bar := s.newScoreBar("control: random cells", s.cfg.Controls*s.controlCandidates())
	defer bar.Done()
	for k := range s.cfg.Controls {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		p, err := s.controlSearch(k, bar)
		if err != nil {
			return nil, err
		}
		j, err := s.judge(p)
		if err != nil {
			return nil, err
		}
		res.Control.Picks = append(res.Control.Picks, j)
	}
	res.Control.summarize(s.controlCandidates())
	res.ControlSeconds = time.Since(t0).Seconds()
	if n := len(s.history); n > 0 {
		last := s.history[n-1]
		res.Final = FinalAgreement{RankCells: last.RankCells, TauVal: last.TauVal, RhoVal: last.RhoVal, TauTest: last.TauTest, RhoTest: last.RhoTest}
		for i, v := range s.rankScores {
			text, err := s.space.Format(s.rankSet[i])
			if err != nil {
				return nil, err
			}
			c := ScoredCell{Arch: text, Score: v, Val: s.rankVal[i], Test: s.rankTest[i], Proxies: s.rankProxies(i)}
			if i < len(s.rankMeasures) {
				m := s.rankMeasures[i]
				c.Loss, c.Accuracy = &m.loss, &m.accuracy
			}
			res.Final.Cells = append(res.Final.Cells, c)
		}
	}
	res.SearchSeconds = s.seconds
	res.Seconds = time.Since(start).Seconds()
	res.Date = time.Now().UTC().Format(time.RFC3339)
	res.Verdict = res.verdictLine()
	return res, nil
}

// writeHistory rewrites history.jsonl.
func (s *Search) writeHistory() error {
	return checkpoint.WriteFileAtomic(filepath.Join(s.opts.Out, "history.jsonl"), historyJSONL(s.history))
}

func finite(x float64) bool { return !math.IsNaN(x) && !math.IsInf(x, 0) }

// nanToZero keeps JSON valid: a rank correlation is NaN when every score ties.
func nanToZero(x float64) float64 {
	if math.IsNaN(x) {
		return 0
	}
	return x
}
