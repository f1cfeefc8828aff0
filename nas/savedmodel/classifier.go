package savedmodel

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/gomlx/compute"
	. "github.com/gomlx/gomlx/core/graph" //nolint:staticcheck
	"github.com/gomlx/gomlx/core/tensors"
	"github.com/gomlx/gomlx/ml/model"
	"github.com/gomlx/gomlx/ml/model/checkpoint"
	"github.com/gonas/gonas/nas"
	"github.com/gonas/gonas/nas/data"
	"github.com/pkg/errors"
)

// Classifier is a saved model loaded for inference (batch norm uses its moving
// averages).
type Classifier struct {
	Meta   Meta
	store  *model.Store
	exec   *model.Exec
	loaded map[string]bool // variables read from the checkpoint
}

// Prediction is the class a classifier gives one input.
type Prediction struct {
	Class       int     // label id
	Label       string  // class name
	Probability float64 // softmax probability of the class
}

// Open reads the weights of the saved model in dir, described by meta, into the
// network m (the model function that trained them, rebuilt by the caller).
func Open(backend compute.Backend, dir string, meta Meta, m nas.ImageModel) (*Classifier, error) {
	ckpt := filepath.Join(dir, "checkpoint")
	if _, err := os.Stat(ckpt); err != nil {
		return nil, errors.Wrapf(err, "%s: no weights", dir)
	}
	c := &Classifier{Meta: meta, store: model.NewStore(), loaded: map[string]bool{}}
	if _, err := checkpoint.Load(c.store).Dir(ckpt).Immediate().Done(); err != nil {
		return nil, errors.WithMessagef(err, "%s: reading the weights", dir)
	}
	for v := range c.store.IterVariables() {
		c.loaded[v.Path()] = true
	}
	if len(c.loaded) == 0 {
		return nil, errors.Errorf("%s: the checkpoint holds no weights", ckpt)
	}
	var err error
	if c.exec, err = model.NewExec(backend, c.store, func(scope *model.Scope, x *Node) *Node {
		return Softmax(m(scope, x))
	}); err != nil {
		return nil, err
	}
	return c, nil
}

// Classify classifies n raw inputs given back to back (n×H×W×C values: [0,1] pixels,
// or a table's feature values), normalising them as the training data were.
func (c *Classifier) Classify(values []float32) ([]Prediction, error) {
	in := c.Meta.Input
	size := in[0] * in[1] * in[2]
	if len(values) == 0 || len(values)%size != 0 {
		return nil, errors.Errorf("Classify: %d values are not a whole number of %d×%d×%d inputs", len(values), in[0], in[1], in[2])
	}
	n := len(values) / size
	x := make([]float32, len(values))
	for i, v := range values {
		k := i % in[2]
		x[i] = (v - c.Meta.Mean[k]) / c.Meta.Std[k]
	}
	outs, err := c.exec.Call(tensors.FromFlatDataAndDimensions(x, n, in[0], in[1], in[2]))
	if err != nil {
		return nil, errors.WithMessage(err, "Classify")
	}
	for v := range c.store.IterVariables() {
		if !c.loaded[v.Path()] {
			return nil, errors.Errorf("Classify: the checkpoint has no weights for %s: the model code differs from the one saved", v.Path())
		}
	}
	probs := tensors.MustCopyFlatData[float32](outs[0])
	classes := len(c.Meta.Classes)
	if len(probs) != n*classes {
		return nil, errors.Errorf("Classify: the network gives %d outputs for %d inputs, the model has %d classes", len(probs), n, classes)
	}
	preds := make([]Prediction, n)
	for i := range preds {
		row := probs[i*classes : (i+1)*classes]
		best := 0
		for j, p := range row {
			if p > row[best] {
				best = j
			}
		}
		preds[i] = Prediction{Class: best, Label: c.Meta.Classes[best], Probability: float64(row[best])}
	}
	return preds, nil
}

// ClassifyFiles classifies image files (.png, .jpg, .jpeg; of the model's size) or
// CSV tables (.csv; one prediction per row, read from the model's feature columns).
func (c *Classifier) ClassifyFiles(paths ...string) ([]Prediction, error) {
	in := c.Meta.Input
	var values []float32
	for _, p := range paths {
		if strings.EqualFold(filepath.Ext(p), ".csv") {
			if len(c.Meta.Features) == 0 {
				return nil, errors.Errorf("%s: this model classifies %d×%d×%d images, not table rows", p, in[0], in[1], in[2])
			}
			rows, _, err := data.CSVFeatures(p, c.Meta.Features)
			if err != nil {
				return nil, err
			}
			values = append(values, rows...)
			continue
		}
		if len(c.Meta.Features) > 0 {
			return nil, errors.Errorf("%s: this model classifies table rows (columns %s), give a .csv file", p, strings.Join(c.Meta.Features, ", "))
		}
		px, h, w, err := data.LoadImageFile(p, in[2])
		if err != nil {
			return nil, err
		}
		if h != in[0] || w != in[1] {
			return nil, errors.Errorf("%s: image is %d×%d, the model reads %d×%d", p, w, h, in[1], in[0])
		}
		values = append(values, px...)
	}
	return c.Classify(values)
}

// Accuracy is the fraction of preds whose class is the label of the same index.
func Accuracy(preds []Prediction, labels []int32) float64 {
	if len(preds) == 0 || len(preds) != len(labels) {
		return 0
	}
	right := 0
	for i, p := range preds {
		if p.Class == int(labels[i]) {
			right++
		}
	}
	return float64(right) / float64(len(preds))
}

// Close frees the compiled graphs.
func (c *Classifier) Close() { c.exec.Finalize() }

// String is "label (87.5%)".
func (p Prediction) String() string {
	return fmt.Sprintf("%s (%.1f%%)", p.Label, 100*p.Probability)
}
