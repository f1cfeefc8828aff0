package enas

import (
	"encoding/json"
	"slices"

	"github.com/gonas/gonas/controllers"
	"github.com/pkg/errors"
)

// Config is everything that decides the result of one ENAS run: the search space
// and data, the child network trained with shared weights, the controller, the
// derivation of the final architecture, and its retraining. Named presets (see
// Preset) fill it; a checkpoint stores it, and a resume refuses a different one.
type Config struct {
	Preset string `json:"preset"` // the preset's name, for reports
	Space  string `json:"space"`  // enas-micro, enas-macro or enas-rnn
	Data   string `json:"data"`   // cifar10, mnist, fashion-mnist (image spaces) or ptb (enas-rnn)
	Seed   uint64 `json:"seed"`   // seeds everything: data order, weights, controller
	// DataPath is where the data set is read (a CIFAR-10 tarball or folder, an IDX
	// directory, ptb.zip); empty: its usual place (see package nas/data).
	DataPath string `json:"data_path,omitempty"`

	// Sizes of the splits (0: all). Images: ValidSize images are carved out of the
	// training set (ENAS: 5,000 of CIFAR-10's 50,000), then TrainSize of the rest
	// are kept. PTB: the first TrainSize, ValidSize, TestSize tokens of each split.
	TrainSize int `json:"train_size"`
	ValidSize int `json:"valid_size"`
	TestSize  int `json:"test_size"`

	Child      ChildConfig      `json:"child"`
	Controller ControllerConfig `json:"controller"`
	Derive     DeriveConfig     `json:"derive"`
	Retrain    RetrainConfig    `json:"retrain"`

	// GraphCache is how many compiled graphs (one per architecture and use) are kept;
	// the least recently used one is freed beyond it (0 means 4; one graph of
	// a small child holds 11–16 MB on the embedded backend).
	GraphCache int `json:"graph_cache"`
}

// ChildConfig is the shared-weights network and how it is trained: one SGD step
// per sampled architecture (Nesterov momentum, L2, SGDR cosine learning rate with
// warm restarts [2]), as the reference code does [3].
type ChildConfig struct {
	// Size of the network. enas-micro: Filters C, CellsPerStage N (3N+2 cells), Nodes
	// B. enas-macro: Filters C and Layers L. enas-rnn: Nodes N and Hidden units.
	Filters       int `json:"filters,omitempty"`
	CellsPerStage int `json:"cells_per_stage,omitempty"`
	Nodes         int `json:"nodes,omitempty"`
	Layers        int `json:"layers,omitempty"`
	Hidden        int `json:"hidden,omitempty"`
	BPTT          int `json:"bptt,omitempty"` // enas-rnn: steps of a truncated-BPTT window

	// AuxWeight > 0 adds the auxiliary head's loss with that weight (ENAS micro: 0.4).
	AuxWeight float64 `json:"aux_weight,omitempty"`
	Augment   bool    `json:"augment"` // pad-4 crop and flip (CIFAR-10 only)
	// DropPathKeep is the final keep probability of scheduled drop-path in the
	// cells (enas-micro; the reference's --child_drop_path_keep_prob), DropoutKeep
	// that of dropout before the dense layer (image spaces; --child_keep_prob).
	// 0 or 1: off. They act in the training steps only: rewards score whole
	// networks. See cells' common_droppath.go.
	DropPathKeep float64 `json:"drop_path_keep,omitempty"`
	DropoutKeep  float64 `json:"dropout_keep,omitempty"`

	Epochs        int `json:"epochs"`
	BatchSize     int `json:"batch_size"`
	StepsPerEpoch int `json:"steps_per_epoch,omitempty"` // 0: one pass over the training split

	LRMax       float64 `json:"lr_max"`
	LRMin       float64 `json:"lr_min"`
	T0          int     `json:"t0,omitempty"`   // SGDR: first period in epochs (0: constant LRMax)
	TMul        int     `json:"tmul,omitempty"` // SGDR: period growth
	Momentum    float64 `json:"momentum"`       // Nesterov; 0 for plain SGD
	WeightDecay float64 `json:"weight_decay"`   // coupled L2 (2 × the reference's l2_reg)
	ClipNorm    float64 `json:"clip_norm"`      // global-norm clipping; 0: none
}

// ControllerConfig is the LSTM controller [1] and its training phase: at the end
// of every epoch, TrainSteps REINFORCE updates, each on Aggregate sampled
// architectures rewarded on one validation minibatch each.
type ControllerConfig struct {
	LSTM          string  `json:"lstm"`                     // a controllers.LSTMPresets name
	LearningRate  float64 `json:"learning_rate,omitempty"`  // overrides the preset's when > 0
	EntropyWeight float64 `json:"entropy_weight,omitempty"` // overrides the preset's when > 0
	TanhConstant  float64 `json:"tanh_constant,omitempty"`  // overrides the preset's when > 0
	Temperature   float64 `json:"temperature,omitempty"`    // overrides the preset's when > 0
	TrainSteps    int     `json:"train_steps"`
	Aggregate     int     `json:"aggregate"`
	// RewardConstant c: enas-rnn rewards c / valid perplexity (ENAS: 80).
	RewardConstant float64 `json:"reward_constant,omitempty"`
}

// DeriveConfig is how the final architecture is picked: Samples architectures
// drawn from the trained controller, each scored with the shared weights on
// Batches validation minibatches; the best one is kept [1].
type DeriveConfig struct {
	Samples int `json:"samples"`
	Batches int `json:"batches"`
}

// RetrainConfig trains the derived architecture from scratch, larger than during
// the search, and ControlArchs random architectures of the same space with the
// same budget (the honest control). Zero sizes keep the search's.
type RetrainConfig struct {
	Filters int `json:"filters,omitempty"`
	// Layers (enas-macro) is the depth of the arcs gonas retrain reads (ParseArch;
	// 0: whatever the arc's length says). Retrain builds every arc at its own
	// depth, so the search retrains its derived arc and the random controls at
	// the search's.
	Layers        int     `json:"layers,omitempty"`
	CellsPerStage int     `json:"cells_per_stage,omitempty"`
	Hidden        int     `json:"hidden,omitempty"`
	AuxWeight     float64 `json:"aux_weight,omitempty"`
	Cutout        bool    `json:"cutout"`
	DropPathKeep  float64 `json:"drop_path_keep,omitempty"` // as ChildConfig's, for the retraining
	DropoutKeep   float64 `json:"dropout_keep,omitempty"`   // as ChildConfig's, for the retraining
	Epochs        int     `json:"epochs"`                   // images: passes over the training split
	Steps         int     `json:"steps,omitempty"`          // enas-rnn: BPTT windows
	BatchSize     int     `json:"batch_size"`
	LRMax         float64 `json:"lr_max"`
	LRMin         float64 `json:"lr_min"`
	Momentum      float64 `json:"momentum"`
	WeightDecay   float64 `json:"weight_decay"`
	ClipNorm      float64 `json:"clip_norm"`
	ControlArchs  int     `json:"control_archs"` // K random architectures; 0: no control
}

// spaceData lists the data sets each space searches on.
var spaceData = map[string][]string{
	"enas-micro": {"cifar10", "mnist", "fashion-mnist"},
	"enas-macro": {"cifar10", "mnist", "fashion-mnist"},
	"enas-rnn":   {"ptb"},
}

// Validate reports the first unusable setting.
func (c *Config) Validate() error {
	datas, ok := spaceData[c.Space]
	if !ok {
		return errors.Errorf("enas: space %q is not searchable here; expected enas-micro, enas-macro or enas-rnn", c.Space)
	}
	if !slices.Contains(datas, c.Data) {
		return errors.Errorf("enas: space %q searches on %v, not %q", c.Space, datas, c.Data)
	}
	ch, ct := c.Child, c.Controller
	switch {
	case ch.Epochs < 1 || ch.BatchSize < 1:
		return errors.Errorf("enas: child epochs (%d) and batch size (%d) must be positive", ch.Epochs, ch.BatchSize)
	case ch.LRMax <= 0 || ch.LRMin < 0 || ch.LRMin > ch.LRMax:
		return errors.Errorf("enas: child learning rate needs 0 <= min (%g) <= max (%g), max > 0", ch.LRMin, ch.LRMax)
	case ch.T0 < 0 || (ch.T0 > 0 && ch.TMul < 1):
		return errors.Errorf("enas: SGDR needs T0 >= 0 and, when T0 > 0, TMul >= 1 (got %d, %d)", ch.T0, ch.TMul)
	case ct.TrainSteps < 1 || ct.Aggregate < 1:
		return errors.Errorf("enas: controller train steps (%d) and aggregate (%d) must be positive", ct.TrainSteps, ct.Aggregate)
	case c.Derive.Samples < 1 || c.Derive.Batches < 1:
		return errors.Errorf("enas: derive samples (%d) and batches (%d) must be positive", c.Derive.Samples, c.Derive.Batches)
	case c.Retrain.BatchSize < 1 || c.Retrain.LRMax <= 0 || c.Retrain.ControlArchs < 0:
		return errors.Errorf("enas: retrain batch size (%d) and learning rate (%g) must be positive, control archs (%d) not negative",
			c.Retrain.BatchSize, c.Retrain.LRMax, c.Retrain.ControlArchs)
	}
	if err := c.checkRegularizers(); err != nil {
		return err
	}
	if _, ok := controllers.LSTMPresets[ct.LSTM]; !ok {
		return errors.Errorf("enas: unknown controller preset %q", ct.LSTM)
	}
	if c.Space == "enas-rnn" {
		if ch.Hidden < 1 || ch.Nodes < 1 || ch.BPTT < 1 || c.Retrain.Steps < 1 || ct.RewardConstant <= 0 {
			return errors.Errorf("enas: enas-rnn needs positive hidden (%d), nodes (%d), BPTT (%d), retrain steps (%d) and reward constant (%g)",
				ch.Hidden, ch.Nodes, ch.BPTT, c.Retrain.Steps, ct.RewardConstant)
		}
	} else if ch.Filters < 2 || c.Retrain.Epochs < 1 {
		return errors.Errorf("enas: image spaces need filters >= 2 (%d) and retrain epochs >= 1 (%d)", ch.Filters, c.Retrain.Epochs)
	}
	return nil
}

// checkRegularizers reports a keep probability outside [0, 1], or one set where
// the space has no such regularizer (drop-path: enas-micro only; dropout: image
// spaces only).
func (c *Config) checkRegularizers() error {
	keeps := []struct {
		name  string
		v     float64
		where []string
	}{
		{"child drop-path keep", c.Child.DropPathKeep, []string{"enas-micro"}},
		{"child dropout keep", c.Child.DropoutKeep, []string{"enas-micro", "enas-macro"}},
		{"retrain drop-path keep", c.Retrain.DropPathKeep, []string{"enas-micro"}},
		{"retrain dropout keep", c.Retrain.DropoutKeep, []string{"enas-micro", "enas-macro"}},
	}
	for _, k := range keeps {
		switch {
		case !(k.v >= 0 && k.v <= 1):
			return errors.Errorf("enas: %s must be in [0, 1] (0 or 1: off), got %g", k.name, k.v)
		case k.v > 0 && k.v < 1 && !slices.Contains(k.where, c.Space):
			return errors.Errorf("enas: %s is %g, but %s has no such regularizer (only %v): set it to 0", k.name, k.v, c.Space, k.where)
		}
	}
	return nil
}

// lstmConfig is the controller preset with the configured overrides.
func (c *Config) lstmConfig() controllers.LSTMConfig {
	cfg := controllers.LSTMPresets[c.Controller.LSTM]()
	if c.Controller.LearningRate > 0 {
		cfg.LearningRate = c.Controller.LearningRate
	}
	if c.Controller.EntropyWeight > 0 {
		cfg.EntropyWeight = c.Controller.EntropyWeight
	}
	if c.Controller.TanhConstant > 0 {
		cfg.TanhConstant = c.Controller.TanhConstant
	}
	if c.Controller.Temperature > 0 {
		cfg.Temperature = c.Controller.Temperature
	}
	return cfg
}

// canonical is the configuration's JSON, the identity a checkpoint is checked against.
func (c *Config) canonical() string {
	blob, _ := json.Marshal(c)
	return string(blob)
}
