package savedmodel

import (
	"encoding/json"
	"os"
	"path/filepath"

	"github.com/gomlx/gomlx/ml/model"
	"github.com/gomlx/gomlx/ml/model/checkpoint"
	nascheckpoint "github.com/gonas/gonas/nas/checkpoint"
	"github.com/pkg/errors"
)

// A saved model is a directory:
//
//	DIR/gonas-model.json   what the model is (Meta)
//	DIR/checkpoint/        its weights, a GoMLX checkpoint (ml/model/checkpoint)

// MetaFile is the name of the description of a saved model.
const MetaFile = "gonas-model.json"

// Format versions the description.
const Format = "gonas-model/1"

// KindChoice is the kind of the models written with choices (package choice), and
// the kind of a description that names none.
const KindChoice = "choice"

// Meta describes a saved model: everything needed, besides its weights and the code
// of its kind, to classify raw inputs.
type Meta struct {
	Format string `json:"format"`         // Format
	Kind   string `json:"kind,omitempty"` // who rebuilds it (RegisterKind); "" is KindChoice
	Model  string `json:"model"`          // the space's or registered model's name
	// Arch is the architecture: for choice models an object choice name → label,
	// for the built-in spaces their canonical JSON.
	Arch json.RawMessage `json:"arch"`
	// Settings are what else the kind needs to rebuild the network (for enas, the
	// search's configuration, which sizes the retrained network).
	Settings     json.RawMessage `json:"settings,omitempty"`
	Input        [3]int          `json:"input"`              // height, width, channels
	Classes      []string        `json:"classes"`            // class names, by label id
	Features     []string        `json:"features,omitempty"` // for tables: the feature columns, in order
	Mean         []float32       `json:"mean"`               // per-channel (per-feature) normalisation:
	Std          []float32       `json:"std"`                // x ← (x − mean) / std
	TestAccuracy float64         `json:"test_accuracy"`      // measured after retraining
}

// KindOrDefault is m.Kind, or KindChoice when it is empty.
func (m Meta) KindOrDefault() string {
	if m.Kind == "" {
		return KindChoice
	}
	return m.Kind
}

// check refuses a description that cannot classify: no classes, an input of no
// size, or normalisation of the wrong length (nil Mean and Std mean none).
func (m *Meta) check() error {
	if len(m.Classes) == 0 {
		return errors.New("no class names")
	}
	if m.Input[0] <= 0 || m.Input[1] <= 0 || m.Input[2] <= 0 {
		return errors.Errorf("input shape %v", m.Input)
	}
	if len(m.Mean) != m.Input[2] || len(m.Std) != m.Input[2] {
		return errors.Errorf("normalisation of %d/%d channels for inputs of %d", len(m.Mean), len(m.Std), m.Input[2])
	}
	for k, s := range m.Std {
		if !(s > 0) {
			return errors.Errorf("std[%d] = %v", k, s)
		}
	}
	return nil
}

// Save writes a trained model to dir: its weights (store) as a GoMLX checkpoint in
// dir/checkpoint and meta as dir/gonas-model.json (written last, atomically, so a
// directory with a description has its weights). Format is filled in; nil Mean
// and Std are filled with no normalisation (mean 0, std 1).
func Save(dir string, store *model.Store, meta Meta) error {
	meta.Format = Format
	if meta.Mean == nil && meta.Std == nil && meta.Input[2] > 0 {
		meta.Mean, meta.Std = make([]float32, meta.Input[2]), make([]float32, meta.Input[2])
		for k := range meta.Std {
			meta.Std[k] = 1
		}
	}
	if err := meta.check(); err != nil {
		return errors.WithMessagef(err, "savedmodel.Save %s", dir)
	}
	blob, err := json.MarshalIndent(meta, "", "  ")
	if err != nil {
		return err
	}
	// The weights go to a new directory first (a GoMLX checkpoint directory that
	// holds weights would be read back into store), which then replaces the old
	// ones; the description is removed meanwhile, so a crash leaves a directory that
	// is not a saved model rather than weights of another model under it.
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return errors.Wrap(err, "savedmodel.Save")
	}
	fresh, err := os.MkdirTemp(dir, ".checkpoint-")
	if err != nil {
		return errors.Wrap(err, "savedmodel.Save")
	}
	defer os.RemoveAll(fresh) // after a failure; renamed away on success
	h, err := checkpoint.Build(store).Dir(fresh).Done()
	if err == nil {
		err = h.Save()
	}
	if err != nil {
		return errors.WithMessagef(err, "savedmodel.Save: writing the checkpoint in %s", dir)
	}
	ckpt := filepath.Join(dir, "checkpoint")
	for _, old := range []string{filepath.Join(dir, MetaFile), ckpt} {
		if err := os.RemoveAll(old); err != nil {
			return errors.Wrap(err, "savedmodel.Save: replacing the saved model")
		}
	}
	if err := os.Rename(fresh, ckpt); err != nil {
		return errors.Wrap(err, "savedmodel.Save")
	}
	return nascheckpoint.WriteFileAtomic(filepath.Join(dir, MetaFile), append(blob, '\n'))
}

// ReadMeta reads and checks dir/gonas-model.json.
func ReadMeta(dir string) (Meta, error) {
	var m Meta
	path := filepath.Join(dir, MetaFile)
	blob, err := os.ReadFile(path)
	if err != nil {
		return m, errors.Wrapf(err, "%s is not a saved GoNAS model", dir)
	}
	if err := json.Unmarshal(blob, &m); err != nil {
		return m, errors.Wrapf(err, "%s", path)
	}
	if m.Format != Format {
		return m, errors.Errorf("%s: format %q, want %q", path, m.Format, Format)
	}
	if err := m.check(); err != nil {
		return m, errors.WithMessage(err, path)
	}
	return m, nil
}
