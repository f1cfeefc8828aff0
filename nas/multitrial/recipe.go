package multitrial

import (
	"bytes"
	"encoding/json"
	"io"

	"github.com/gonas/gonas/cells"
	"github.com/gonas/gonas/nas/data"
	"github.com/pkg/errors"
)

// Recipe is what a trial's worker needs besides the architecture and the seed:
// the data, the split, the child's size and its training. It travels as the
// trial's JSON (nas.Trial.Recipe), so it names everything and depends on nothing
// in the searching process.
type Recipe struct {
	Kind     string `json:"kind"` // "search", "rerank" or "transfer", for reports
	Data     string `json:"data"`
	DataPath string `json:"data_path,omitempty"` // empty: the usual place on the worker
	// DataSeed seeds the validation split, the same for every trial of a search.
	DataSeed uint64 `json:"data_seed"`
	// ValidSize images are held out of the training split and the child is
	// rewarded on them (0: no hold-out); the first TrainSize of the rest are
	// trained on (0: all).
	ValidSize int `json:"valid_size"`
	TrainSize int `json:"train_size"`
	// Test evaluates the trained child on the first TestSize test images (0: all).
	Test     bool        `json:"test"`
	TestSize int         `json:"test_size,omitempty"`
	Child    ChildConfig `json:"child"`
	Train    TrainRecipe `json:"train"`
}

// SearchRecipe is the recipe of the search's children.
func (c *Config) SearchRecipe() Recipe {
	return Recipe{Kind: "search", Data: c.Data, DataPath: c.DataPath, DataSeed: c.Seed, ValidSize: c.ValidSize,
		TrainSize: c.TrainSize, Child: c.Child, Train: c.Train}
}

// RerankRecipe is SearchRecipe trained for Rerank.Epochs.
func (c *Config) RerankRecipe() Recipe {
	r := c.SearchRecipe()
	r.Kind, r.Train.Epochs = "rerank", c.Rerank.Epochs
	return r
}

// TransferRecipe is the recipe of the transferred winner and the random control.
func (c *Config) TransferRecipe() Recipe {
	t := c.Transfer
	return Recipe{Kind: "transfer", Data: c.Data, DataPath: c.DataPath, DataSeed: c.Seed, TrainSize: t.TrainSize,
		Test: true, TestSize: t.TestSize, Child: t.Child, Train: t.Train}
}

// Validate reports the first unusable field: every field has the bounds of
// bounds.go (MaxBlocks, MaxImages...), checked before anything is allocated.
func (r *Recipe) Validate() error {
	switch {
	case r.Kind != "search" && r.Kind != "rerank" && r.Kind != "transfer":
		return errors.Errorf("recipe: kind %q, want search, rerank or transfer", r.Kind)
	case r.ValidSize == 0 && !r.Test:
		return errors.New("recipe: no validation hold-out and no test: the trial would measure nothing")
	case len(r.DataPath) > MaxDataPath:
		return errors.Errorf("recipe: data path of %d bytes, at most %d", len(r.DataPath), MaxDataPath)
	}
	if err := checkImages([]string{"valid size", "train size", "test size"}, r.ValidSize, r.TrainSize, r.TestSize); err != nil {
		return errors.WithMessage(err, "recipe")
	}
	if !validData(r.Data) {
		return errors.Errorf("recipe: unknown data set %q (have %v)", r.Data, data.ImageSets)
	}
	if err := r.Child.check(); err != nil {
		return errors.WithMessage(err, "recipe: child")
	}
	return errors.WithMessage(r.Train.check(), "recipe: training")
}

// JSON is the recipe as a trial carries it.
func (r Recipe) JSON() json.RawMessage {
	blob, _ := json.Marshal(r)
	return blob
}

// ParseRecipe reads a trial's recipe strictly (an unknown field is an error, so a
// worker of another version does not silently train something else) and checks it.
func ParseRecipe(blob []byte) (*Recipe, error) {
	dec := json.NewDecoder(bytes.NewReader(blob))
	dec.DisallowUnknownFields()
	var r Recipe
	if err := dec.Decode(&r); err != nil {
		return nil, errors.Wrap(err, "recipe")
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, errors.New("recipe: more JSON after the recipe")
	}
	if err := r.Validate(); err != nil {
		return nil, err
	}
	return &r, nil
}

// Space is the NASNet space of the recipe's child, for its data's images.
func (r *Recipe) Space() (*cells.NASNet, error) {
	imageSize, channels := imageShape(r.Data)
	return cells.NewNASNet(cells.NASNetConfig{Blocks: r.Child.Blocks, Filters: r.Child.Filters, CellsPerStage: r.Child.CellsPerStage,
		StemMultiplier: r.Child.StemMultiplier, DropPathKeep: r.Child.DropPathKeep, ImageSize: imageSize, ImageChannels: channels})
}

func validData(name string) bool {
	for _, n := range data.ImageSets {
		if n == name {
			return true
		}
	}
	return false
}

// imageShape is the height (= width) and channels of a data set's images.
func imageShape(name string) (int, int) {
	if name == "cifar10" {
		return 32, 3
	}
	return 28, 1
}
