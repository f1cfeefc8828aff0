package multitrial

import (
	"context"
	"sync"

	"github.com/gomlx/compute"
	"github.com/gonas/gonas/kernels"
	"github.com/gonas/gonas/nas"
	"github.com/gonas/gonas/nas/backends"
	"github.com/gonas/gonas/nas/data"
	"github.com/gonas/gonas/nas/train"
	"github.com/pkg/errors"
)

// The metrics a trial reports.
const (
	MetricValidAccuracy = "valid_accuracy" // on the recipe's hold-out (search and rerank trials)
	MetricTestAccuracy  = "test_accuracy"  // on the test split (transfer trials)
	MetricTrainLoss     = "train_loss"     // mean training loss of the last epoch
	MetricParams        = "params"         // trainable parameters
	MetricFLOPs         = "flops"          // multiply-adds of one forward pass of one image
)

// NewRunner returns the TrialRunner of NASNet children: it reads the trial's
// Recipe, builds the architecture in the recipe's NASNet network, trains it from
// scratch on backend (nil: backends.New(), chosen once) with the trial's seed,
// and returns valid_accuracy (when the recipe holds images out), test_accuracy
// (when it tests), train_loss, params and flops. The data are loaded once per
// process (again after a failed load). The result depends on the trial only, so
// any worker reproduces it; a non-finite training loss is the trial's error. It is
// NewLimitedRunner with the zero Limits: the machine's memory, any data path.
func NewRunner(backend compute.Backend) nas.TrialRunner {
	return NewLimitedRunner(backend, Limits{})
}

// Limits are what a runner accepts of a trial, checked before it allocates
// anything; a trial beyond them is refused (nas.Refused), so a queue drops it on
// its first failure.
type Limits struct {
	// MaxMemory bounds a trial's Recipe.MemoryEstimate in bytes (0: the machine's
	// memory, kernels.PhysicalMemory, where it is known; negative: no bound).
	MaxMemory int64
	// DataRoots, when not empty, confine a recipe's data_path: it must name a file
	// or directory inside one of them (after symbolic links are followed). A worker
	// takes trials from anyone who can publish to its queue, so it sets them;
	// nil lets a process trust its own recipes.
	DataRoots []string
}

// NewLimitedRunner is NewRunner with limits. A trial that fails its recipe's
// checks, needs more memory than the limit or reads data outside the roots is
// refused (nas.Refused); a failure to get a backend or to load the data is
// nas.Environmental, since another worker, or this one later, may succeed.
func NewLimitedRunner(backend compute.Backend, limits Limits) nas.TrialRunner {
	pick := sync.OnceValues(func() (compute.Backend, error) {
		if backend != nil {
			return backend, nil
		}
		return backends.New()
	})
	maxMemory := sync.OnceValue(func() int64 {
		if limits.MaxMemory != 0 {
			return limits.MaxMemory
		}
		if m := kernels.PhysicalMemory(); m > 0 {
			return m
		}
		return -1 // the machine's memory is unknown here (not Linux): no bound
	})
	return func(ctx context.Context, t nas.Trial) (map[string]float64, error) {
		r, err := ParseRecipe(t.Recipe)
		if err != nil {
			return nil, nas.Refused(errors.WithMessagef(err, "trial %s", t.ID))
		}
		if limit, need := maxMemory(), r.MemoryEstimate(); limit > 0 && need > limit {
			return nil, nas.Refused(errors.Errorf("trial %s: its child needs about %s to train (B=%d C=%d N=%d, batch %d), "+
				"over this worker's limit of %s", t.ID, kernels.FormatMemory(need), r.Child.Blocks, r.Child.Filters, r.Child.CellsPerStage,
				r.Train.BatchSize, kernels.FormatMemory(limit)))
		}
		if err := confine(r.DataPath, limits.DataRoots); err != nil {
			return nil, nas.Refused(errors.WithMessagef(err, "trial %s", t.ID))
		}
		b, err := pick()
		if err != nil {
			return nil, nas.Environmental(err)
		}
		release, err := processGate().admit(ctx, r.MemoryEstimate())
		if err != nil {
			return nil, err
		}
		defer release()
		return runTrial(ctx, b, r, t.Arch, t.Seed)
	}
}

// runTrial trains a in the recipe's network and measures it. When it returns, the
// backend's idle kernel outputs are released (train.ReleaseIdleMemory): the next
// trial has another architecture, whose shapes would not reuse them, and a child
// training beside it on the same backend refills the pool in one step.
func runTrial(ctx context.Context, backend compute.Backend, r *Recipe, a nas.Arch, seed uint64) (map[string]float64, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	defer train.ReleaseIdleMemory(backend)
	sp, err := r.Space()
	if err != nil {
		return nil, nas.Refused(err)
	}
	if err := sp.Validate(a); err != nil {
		return nil, nas.Refused(err)
	}
	d, err := loadSplits(r)
	if err != nil {
		return nil, nas.Environmental(err)
	}
	if d.train.Len() < r.Train.BatchSize {
		return nil, errors.Errorf("%s: %d training images are fewer than a batch of %d", r.Data, d.train.Len(), r.Train.BatchSize)
	}
	if h, c := imageShape(r.Data); d.train.Height != h || d.train.Width != h || d.train.Channels != c {
		return nil, errors.Errorf("%s: images are %d×%d×%d, want %d×%d×%d", r.Data, d.train.Height, d.train.Width, d.train.Channels, h, h, c)
	}
	m, err := sp.ImageModel(a, d.train.NumClasses)
	if err != nil {
		return nil, err
	}
	eval := d.valid
	if eval == nil {
		eval = d.test
	}
	tc := r.Train
	cfg := train.Config{Epochs: tc.Epochs, BatchSize: tc.BatchSize, LearningRate: tc.LRMax, MinLR: tc.LRMin,
		Momentum: tc.Momentum, WeightDecay: tc.WeightDecay, ClipNorm: tc.ClipNorm, Seed: seed}
	if tc.Augment {
		aug := data.CIFARAugmentation
		cfg.Augment = &aug
	}
	res, store, err := train.ClassifierContext(ctx, backend, m, d.train, eval, cfg)
	if err != nil {
		return nil, err
	}
	params, flops, err := sp.Cost(a, d.train.NumClasses)
	if err != nil {
		return nil, err
	}
	metrics := map[string]float64{MetricTrainLoss: res.FinalLoss, MetricParams: float64(params), MetricFLOPs: float64(flops)}
	if d.valid != nil {
		metrics[MetricValidAccuracy] = res.TestAccuracy
	}
	if d.test != nil {
		if d.valid == nil {
			metrics[MetricTestAccuracy] = res.TestAccuracy
		} else if metrics[MetricTestAccuracy], err = train.AccuracyContext(ctx, backend, store, m, d.test, 250); err != nil {
			return nil, err
		}
	}
	return metrics, nil
}
