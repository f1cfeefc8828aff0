package multitrial

import (
	"math"

	"github.com/pkg/errors"
)

// The bounds of a recipe's and a configuration's fields. A trial's recipe comes
// from whoever can publish to the queue, so a worker checks every field against
// these before it allocates anything: a recipe within them builds a network whose
// size MemoryEstimate bounds, and nothing in it can make a worker loop or run out
// of memory before that check. They are far above every preset (the paper's
// NASNet-A 6@768 is B=5, C=32, N=6).
const (
	MaxBlocks         = 10         // B, blocks per cell (NASNet: 5)
	MaxFilters        = 1024       // C, the first stage's filters (even)
	MaxCellsPerStage  = 32         // N, normal cells between reductions
	MaxStemMultiplier = 16         // stem width = StemMultiplier·C
	MaxEpochs         = 10_000     // epochs of one trial
	MaxBatchSize      = 8192       // images per training step
	MaxImages         = 10_000_000 // train, validation and test sizes
	MaxLearningRate   = 10.0       // lr_max (and so lr_min)
	MaxWeightDecay    = 1.0        // L2 coefficient
	MaxClipNorm       = 1e6        // global gradient norm
	MaxDataPath       = 4096       // bytes of data_path

	// Of a search's configuration.
	MaxBatch        = 10_000    // m, children per controller update
	MaxUpdates      = 1_000_000 // controller updates
	MaxProbes       = 10_000    // probe architectures
	MaxTopK         = 100_000   // reranked cells
	MaxControlArchs = 10_000    // random control cells
)

// inRange reports whether lo <= v <= hi for a finite v.
func inRange(v, lo, hi float64) bool {
	return !math.IsNaN(v) && v >= lo && v <= hi
}

func (c ChildConfig) check() error {
	switch {
	case c.Blocks < 1 || c.Blocks > MaxBlocks:
		return errors.Errorf("blocks %d: want 1..%d", c.Blocks, MaxBlocks)
	case c.Filters < 2 || c.Filters > MaxFilters || c.Filters%2 != 0:
		return errors.Errorf("filters %d: want an even number in 2..%d", c.Filters, MaxFilters)
	case c.CellsPerStage < 1 || c.CellsPerStage > MaxCellsPerStage:
		return errors.Errorf("cells per stage %d: want 1..%d", c.CellsPerStage, MaxCellsPerStage)
	case c.StemMultiplier < 1 || c.StemMultiplier > MaxStemMultiplier:
		return errors.Errorf("stem multiplier %d: want 1..%d", c.StemMultiplier, MaxStemMultiplier)
	case !inRange(c.DropPathKeep, 0, 1):
		return errors.Errorf("drop-path keep %g: want 0..1 (0 or 1: off)", c.DropPathKeep)
	}
	return nil
}

func (t TrainRecipe) check() error {
	switch {
	case t.Epochs < 1 || t.Epochs > MaxEpochs:
		return errors.Errorf("epochs %d: want 1..%d", t.Epochs, MaxEpochs)
	case t.BatchSize < 1 || t.BatchSize > MaxBatchSize:
		return errors.Errorf("batch size %d: want 1..%d", t.BatchSize, MaxBatchSize)
	case !inRange(t.LRMax, 0, MaxLearningRate) || t.LRMax == 0 || !inRange(t.LRMin, 0, t.LRMax):
		return errors.Errorf("learning rate needs 0 <= min (%g) <= max (%g) <= %g, max > 0", t.LRMin, t.LRMax, MaxLearningRate)
	case !inRange(t.Momentum, 0, 1) || t.Momentum == 1:
		return errors.Errorf("momentum %g: want [0, 1)", t.Momentum)
	case !inRange(t.WeightDecay, 0, MaxWeightDecay):
		return errors.Errorf("weight decay %g: want 0..%g", t.WeightDecay, MaxWeightDecay)
	case !inRange(t.ClipNorm, 0, MaxClipNorm):
		return errors.Errorf("clip norm %g: want 0..%g (0: no clipping)", t.ClipNorm, MaxClipNorm)
	}
	return nil
}

// checkImages checks image counts (0 means "all" or "none", as each field says).
func checkImages(names []string, counts ...int) error {
	for i, n := range counts {
		if n < 0 || n > MaxImages {
			return errors.Errorf("%s %d: want 0..%d", names[i], n, MaxImages)
		}
	}
	return nil
}
