package multitrial

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"regexp"

	"github.com/gonas/gonas/controllers"
	"github.com/gonas/gonas/nas/data"
	"github.com/pkg/errors"
)

// Config is everything that decides the result of one multi-trial NASNet search:
// the data, the search children and their training, the controller and its
// budget, the rerank, and the transfer with its random control. It is
// JSON-serialisable; Preset fills it.
type Config struct {
	Preset string `json:"preset"` // the preset's name, for reports and trial IDs
	Seed   uint64 `json:"seed"`   // seeds the controller, the validation split and every trial
	Data   string `json:"data"`   // cifar10, mnist or fashion-mnist
	// DataPath is where workers read Data (see data.LoadNormalized); empty: the
	// usual place on each worker.
	DataPath string `json:"data_path,omitempty"`

	// The search split: ValidSize images held out of the training split (NASNet:
	// 5,000 of CIFAR-10's 50,000), then the first TrainSize of the rest (0: all).
	// The test split is never read by the search.
	TrainSize int `json:"train_size"`
	ValidSize int `json:"valid_size"`

	Child ChildConfig `json:"child"` // the search child network
	Train TrainRecipe `json:"train"` // how a search child is trained

	Batch   int `json:"batch"`   // m: children per controller update
	Updates int `json:"updates"` // controller updates (Batch × Updates children)
	// Controller is the LSTM controller (controllers.NASNet() with the preset's
	// changes); REINFORCE with its moving-average baseline, the entropy term as
	// its EntropyWeight and EntropyInLoss say.
	Controller controllers.LSTMConfig `json:"controller"`
	// Probes is how many fixed architectures (drawn with a fixed seed) the result
	// reports the final controller's log-probability of.
	Probes int `json:"probes"`

	Rerank   RerankConfig   `json:"rerank"`
	Transfer TransferConfig `json:"transfer"`
}

// ChildConfig sizes a NASNet network (cells.NASNetConfig): B blocks per cell,
// C filters in the first stage, N normal cells per stage, a stem of
// StemMultiplier·C filters.
type ChildConfig struct {
	Blocks         int `json:"blocks"`
	Filters        int `json:"filters"`
	CellsPerStage  int `json:"cells_per_stage"`
	StemMultiplier int `json:"stem_multiplier"`
	// DropPathKeep is the final keep probability of ScheduledDropPath in training
	// (cells.NASNetConfig; 0 or 1: off).
	DropPathKeep float64 `json:"drop_path_keep,omitempty"`
}

// TrainRecipe is how a child is trained (train.Classifier): SGD with
// Nesterov momentum, L2 weight decay and a cosine learning rate from LRMax to
// LRMin over the run.
type TrainRecipe struct {
	Epochs      int     `json:"epochs"`
	BatchSize   int     `json:"batch_size"`
	LRMax       float64 `json:"lr_max"`
	LRMin       float64 `json:"lr_min"`
	Momentum    float64 `json:"momentum"`
	WeightDecay float64 `json:"weight_decay"`
	ClipNorm    float64 `json:"clip_norm"` // 0: no clipping
	Augment     bool    `json:"augment"`   // pad-4 crop and flip (CIFAR-10)
}

// RerankConfig retrains the TopK distinct best cells of the search with the
// search's recipe for Epochs epochs and keeps the best by validation accuracy
// (NASNet [1] retrained its top 250 cells to convergence).
type RerankConfig struct {
	TopK   int `json:"top_k"`
	Epochs int `json:"epochs"`
}

// TransferConfig is the final network: the winning cells in a larger Child,
// trained with Train on the first TrainSize images of the whole training split
// (0: all; no validation hold-out) and tested on the first TestSize test images
// (0: all); ControlArchs random cells of the space get the same budget.
type TransferConfig struct {
	Child        ChildConfig `json:"child"`
	Train        TrainRecipe `json:"train"`
	TrainSize    int         `json:"train_size"`
	TestSize     int         `json:"test_size"`
	ControlArchs int         `json:"control_archs"`
}

// presetName is what a preset's name may hold: it goes into trial IDs.
var presetName = regexp.MustCompile(`^[A-Za-z0-9-]+$`)

// Validate reports the first unusable setting.
func (c *Config) Validate() error {
	switch {
	case !presetName.MatchString(c.Preset):
		return errors.Errorf("multitrial: preset name %q must be letters, digits and '-' (it names the trials)", c.Preset)
	case !validData(c.Data):
		return errors.Errorf("multitrial: unknown data set %q (have %v)", c.Data, data.ImageSets)
	case c.ValidSize < 1:
		return errors.Errorf("multitrial: the search needs validation images (valid size %d)", c.ValidSize)
	case c.Batch < 1 || c.Batch > MaxBatch || c.Updates < 1 || c.Updates > MaxUpdates:
		return errors.Errorf("multitrial: batch m (%d) and updates (%d) must be in 1..%d and 1..%d", c.Batch, c.Updates, MaxBatch, MaxUpdates)
	case c.Probes < 1 || c.Probes > MaxProbes:
		return errors.Errorf("multitrial: probes %d: want 1..%d", c.Probes, MaxProbes)
	case c.Rerank.TopK < 1 || c.Rerank.TopK > MaxTopK || c.Rerank.Epochs < 1 || c.Rerank.Epochs > MaxEpochs:
		return errors.Errorf("multitrial: rerank top K (%d) and epochs (%d) must be in 1..%d and 1..%d", c.Rerank.TopK, c.Rerank.Epochs, MaxTopK, MaxEpochs)
	case c.Transfer.ControlArchs < 0 || c.Transfer.ControlArchs > MaxControlArchs:
		return errors.Errorf("multitrial: transfer control archs %d: want 0..%d", c.Transfer.ControlArchs, MaxControlArchs)
	case len(c.DataPath) > MaxDataPath:
		return errors.Errorf("multitrial: data path of %d bytes, at most %d", len(c.DataPath), MaxDataPath)
	}
	if err := checkImages([]string{"train size", "valid size", "transfer train size", "transfer test size"},
		c.TrainSize, c.ValidSize, c.Transfer.TrainSize, c.Transfer.TestSize); err != nil {
		return errors.WithMessage(err, "multitrial")
	}
	for _, r := range []struct {
		what  string
		child ChildConfig
		train TrainRecipe
	}{{"search", c.Child, c.Train}, {"transfer", c.Transfer.Child, c.Transfer.Train}} {
		if err := r.child.check(); err != nil {
			return errors.WithMessagef(err, "multitrial: %s child", r.what)
		}
		if err := r.train.check(); err != nil {
			return errors.WithMessagef(err, "multitrial: %s training", r.what)
		}
	}
	return nil // the controller's settings are checked by controllers.NewLSTM
}

// canonical is the configuration's JSON.
func (c *Config) canonical() []byte {
	blob, _ := json.Marshal(c)
	return blob
}

// SearchID names the search in trial IDs: "nasnet-<preset>-s<seed>-<hash>", where
// hash is 8 hex digits of the configuration's SHA-256, so two searches whose
// settings differ in anything never share a trial ID (and never answer each
// other's trials from a record). Only letters, digits and '-'.
func (c *Config) SearchID() string {
	sum := sha256.Sum256(c.canonical())
	return fmt.Sprintf("nasnet-%s-s%d-%s", c.Preset, c.Seed, hex.EncodeToString(sum[:4]))
}
