package enas

import (
	"encoding/json"
	"strconv"

	"github.com/gomlx/gomlx/ml/model"
	"github.com/gonas/gonas/nas"
	"github.com/gonas/gonas/nas/data"
	"github.com/gonas/gonas/nas/savedmodel"
	"github.com/pkg/errors"
)

// ModelKind is the savedmodel kind of the retrained networks of the ENAS image
// spaces: Model is the space, Arch its canonical JSON, Settings the Config that
// sized the network.
const ModelKind = "enas"

// ModelDir is the sub-directory of a search's output holding the retrained
// derived network (image spaces).
const ModelDir = "model"

func init() { savedmodel.RegisterKind(ModelKind, rebuildModel) }

// SaveModel saves a network of architecture a retrained with cfg on d (its weights
// in store, its test accuracy testAccuracy) in dir, for savedmodel.Load and
// `gonas predict`: raw images are normalised as d's were (data.Normalization).
func SaveModel(dir string, cfg *Config, d *Data, a nas.Arch, store *model.Store, testAccuracy float64) error {
	if cfg.Space == "enas-rnn" || d.Train == nil {
		return errors.Errorf("enas.SaveModel: %s is not an image classifier", cfg.Space)
	}
	mean, std, err := data.Normalization(cfg.Data)
	if err != nil {
		return err
	}
	settings := *cfg
	if layers := archLayers(cfg, a); layers > 0 {
		settings.Retrain.Layers = layers // the depth the network was built with
	}
	blob, err := json.Marshal(settings)
	if err != nil {
		return err
	}
	classes := d.Train.ClassNames
	if classes == nil {
		for i := range d.Train.NumClasses {
			classes = append(classes, strconv.Itoa(i))
		}
	}
	return savedmodel.Save(dir, store, savedmodel.Meta{Kind: ModelKind, Model: cfg.Space, Arch: json.RawMessage(a.String()),
		Settings: blob, Input: [3]int{d.Train.Height, d.Train.Width, d.Train.Channels}, Classes: classes,
		Mean: mean, Std: std, TestAccuracy: testAccuracy})
}

// rebuildModel is the savedmodel.Rebuild of ModelKind: the retraining space of the
// saved Config, for images of the saved shape, and the saved architecture in it.
func rebuildModel(meta savedmodel.Meta) (nas.ImageModel, error) {
	var cfg Config
	if err := json.Unmarshal(meta.Settings, &cfg); err != nil {
		return nil, errors.Wrap(err, "its settings")
	}
	if cfg.Space != meta.Model {
		return nil, errors.Errorf("its settings are of space %q", cfg.Space)
	}
	shape := &Data{Train: &data.Dataset{Height: meta.Input[0], Width: meta.Input[1], Channels: meta.Input[2]}}
	sp, err := retrainSpace(&cfg, shape, cfg.Retrain.Layers)
	if err != nil {
		return nil, err
	}
	is, ok := sp.(nas.ImageSpace)
	if !ok {
		return nil, errors.Errorf("%s is not an image space", cfg.Space)
	}
	a, err := nas.ParseArchJSON(string(meta.Arch))
	if err != nil {
		return nil, err
	}
	if err := sp.Validate(a); err != nil {
		return nil, err
	}
	return is.ImageModel(a, len(meta.Classes))
}
