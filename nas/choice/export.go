package choice

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"

	"github.com/gomlx/compute"
	"github.com/gomlx/gomlx/ml/model"
	"github.com/gomlx/gomlx/ml/model/checkpoint"
	"github.com/gonas/gonas/nas"
	nascheckpoint "github.com/gonas/gonas/nas/checkpoint"
	"github.com/gonas/gonas/nas/data"
	"github.com/gonas/gonas/nas/train"
	"github.com/pkg/errors"
)

// A saved model is a directory:
//
//	DIR/gonas-model.json   what the model is (Meta): its model name, architecture,
//	                       input shape, classes, normalisation, feature columns
//	DIR/checkpoint/        its weights, a GoMLX checkpoint (ml/model/checkpoint)

// MetaFile is the name of the description of a saved model.
const MetaFile = "gonas-model.json"

// metaFormat versions the description.
const metaFormat = "gonas-model/1"

// Meta describes a saved model: everything needed, besides its weights and its
// model function, to classify raw inputs.
type Meta struct {
	Format       string          `json:"format"`             // "gonas-model/1"
	Model        string          `json:"model"`              // the space's name: a registered model (Register)
	Arch         json.RawMessage `json:"arch"`               // the architecture, choice name → label
	Input        [3]int          `json:"input"`              // height, width, channels
	Classes      []string        `json:"classes"`            // class names, by label id
	Features     []string        `json:"features,omitempty"` // for tables: the feature columns, in order
	Mean         []float32       `json:"mean"`               // per-channel (per-feature) normalisation:
	Std          []float32       `json:"std"`                // x ← (x − mean) / std
	TestAccuracy float64         `json:"test_accuracy"`      // measured after retraining
}

// Preprocessing is how the training data were prepared: the normalisation applied
// (nil for none) and, for tables, the feature columns.
type Preprocessing struct {
	Mean, Std []float32
	Features  []string
}

// Retrain trains architecture a of s from scratch on trainSet (train.Classifier),
// measures it on test and saves it in dir (see Save).
func Retrain(backend compute.Backend, s *Space, a nas.Arch, trainSet, test *data.Dataset, cfg train.Config, prep Preprocessing, dir string) (*train.Result, error) {
	m, err := s.ImageModel(a, trainSet.NumClasses)
	if err != nil {
		return nil, err
	}
	res, store, err := train.Classifier(backend, m, trainSet, test, cfg)
	if err != nil {
		return nil, errors.WithMessagef(err, "retraining %s", s.Name())
	}
	classes := trainSet.ClassNames
	if classes == nil {
		for i := range trainSet.NumClasses {
			classes = append(classes, strconv.Itoa(i))
		}
	}
	meta := Meta{Classes: classes, Features: prep.Features, Mean: prep.Mean, Std: prep.Std, TestAccuracy: res.TestAccuracy}
	return res, Save(dir, s, a, store, meta)
}

// Save writes a trained model of architecture a of s to dir: its weights (store) as a
// GoMLX checkpoint in dir/checkpoint and meta, completed with the model name, the
// architecture and the input shape, as dir/gonas-model.json. Normalisation defaults
// to none (mean 0, std 1).
func Save(dir string, s *Space, a nas.Arch, store *model.Store, meta Meta) error {
	arch, err := s.Format(a)
	if err != nil {
		return err
	}
	if len(meta.Classes) != s.NumClasses() {
		return errors.Errorf("choice.Save: %d class names for a model of %d classes", len(meta.Classes), s.NumClasses())
	}
	meta.Format, meta.Model, meta.Arch = metaFormat, s.Name(), json.RawMessage(arch)
	meta.Input = [3]int{s.height, s.width, s.channels}
	if meta.Mean == nil {
		meta.Mean, meta.Std = make([]float32, s.channels), make([]float32, s.channels)
		for k := range meta.Std {
			meta.Std[k] = 1
		}
	}
	if len(meta.Mean) != s.channels || len(meta.Std) != s.channels {
		return errors.Errorf("choice.Save: normalisation of %d/%d channels for inputs of %d", len(meta.Mean), len(meta.Std), s.channels)
	}
	ckpt := filepath.Join(dir, "checkpoint")
	if err := os.MkdirAll(ckpt, 0o755); err != nil {
		return errors.Wrap(err, "choice.Save")
	}
	h, err := checkpoint.Build(store).Dir(ckpt).Done()
	if err == nil {
		err = h.Save()
	}
	if err != nil {
		return errors.WithMessagef(err, "choice.Save: writing the checkpoint in %s", ckpt)
	}
	blob, err := json.MarshalIndent(meta, "", "  ")
	if err != nil {
		return err
	}
	return nascheckpoint.WriteFileAtomic(filepath.Join(dir, MetaFile), append(blob, '\n'))
}

// ReadMeta reads dir/gonas-model.json.
func ReadMeta(dir string) (Meta, error) {
	var m Meta
	blob, err := os.ReadFile(filepath.Join(dir, MetaFile))
	if err != nil {
		return m, errors.Wrapf(err, "%s is not a saved GoNAS model", dir)
	}
	if err := json.Unmarshal(blob, &m); err != nil {
		return m, errors.Wrapf(err, "%s", filepath.Join(dir, MetaFile))
	}
	if m.Format != metaFormat {
		return m, errors.Errorf("%s: format %q, want %q", filepath.Join(dir, MetaFile), m.Format, metaFormat)
	}
	return m, nil
}
