package choice

import (
	"encoding/json"
	"path/filepath"
	"strconv"

	"github.com/gomlx/compute"
	"github.com/gomlx/gomlx/ml/model"
	"github.com/gonas/gonas/nas"
	"github.com/gonas/gonas/nas/data"
	"github.com/gonas/gonas/nas/savedmodel"
	"github.com/gonas/gonas/nas/train"
	"github.com/pkg/errors"
)

// A saved model is a directory of package savedmodel: a GoMLX checkpoint beside
// gonas-model.json (Meta), of kind savedmodel.KindChoice for the models written
// with choices.

// MetaFile is the name of the description of a saved model.
const MetaFile = savedmodel.MetaFile

// Meta describes a saved model (savedmodel.Meta): for a model written with
// choices, Model is the space's name and Arch the architecture as choice name →
// label.
type Meta = savedmodel.Meta

// Classifier is a saved model loaded for inference (savedmodel.Classifier).
type Classifier = savedmodel.Classifier

// Prediction is the class a classifier gives one input (savedmodel.Prediction).
type Prediction = savedmodel.Prediction

// Preprocessing is how the training data were prepared: the normalisation applied
// (nil for none) and, for tables, the feature columns.
type Preprocessing struct {
	Mean, Std []float32
	Features  []string
}

func init() { savedmodel.RegisterKind(savedmodel.KindChoice, rebuildRegistered) }

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

// Save writes a trained model of architecture a of s to dir (savedmodel.Save), its
// meta completed with the kind, the model name, the architecture and the input
// shape. Normalisation defaults to none (mean 0, std 1).
func Save(dir string, s *Space, a nas.Arch, store *model.Store, meta Meta) error {
	arch, err := s.Format(a)
	if err != nil {
		return err
	}
	if len(meta.Classes) != s.NumClasses() {
		return errors.Errorf("choice.Save: %d class names for a model of %d classes", len(meta.Classes), s.NumClasses())
	}
	meta.Kind, meta.Model, meta.Arch = savedmodel.KindChoice, s.Name(), json.RawMessage(arch)
	meta.Input = [3]int{s.height, s.width, s.channels}
	return savedmodel.Save(dir, store, meta)
}

// Load reads the saved model in dir (savedmodel.Load); a model written with
// choices must be registered (Register).
func Load(backend compute.Backend, dir string) (*Classifier, error) {
	return savedmodel.Load(backend, dir)
}

// LoadSpace reads the saved model in dir, built from space s (for models not
// registered).
func LoadSpace(backend compute.Backend, dir string, s *Space) (*Classifier, error) {
	meta, err := savedmodel.ReadMeta(dir)
	if err != nil {
		return nil, err
	}
	if k := meta.KindOrDefault(); k != savedmodel.KindChoice {
		return nil, errors.Errorf("%s: a model of kind %q, not one written with choices", dir, k)
	}
	m, err := spaceModel(s, meta)
	if err != nil {
		return nil, errors.WithMessagef(err, "%s", dir)
	}
	return savedmodel.Open(backend, dir, meta, m)
}

// rebuildRegistered is the savedmodel.Rebuild of the models written with choices:
// the registered model of meta.Model.
func rebuildRegistered(meta Meta) (nas.ImageModel, error) {
	s, err := NewRegistered(meta.Model, len(meta.Classes), meta.Input[0], meta.Input[1], meta.Input[2])
	if err != nil {
		return nil, err
	}
	return spaceModel(s, meta)
}

// spaceModel is the network of s for the saved architecture of meta, after
// checking that s reads the saved inputs and has the saved classes.
func spaceModel(s *Space, meta Meta) (nas.ImageModel, error) {
	if h, w, c := s.InputShape(); meta.Input != [3]int{h, w, c} || len(meta.Classes) != s.NumClasses() {
		return nil, errors.Errorf("a model of %v inputs and %d classes, the space %q reads %d×%d×%d and has %d",
			meta.Input, len(meta.Classes), s.Name(), h, w, c, s.NumClasses())
	}
	a, err := s.Parse(string(meta.Arch))
	if err != nil {
		return nil, errors.WithMessagef(err, "%s", filepath.Base(MetaFile))
	}
	return s.ImageModel(a, s.NumClasses())
}
