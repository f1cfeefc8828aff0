package enas

import (
	"context"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gonas/gonas/nas"
	"github.com/gonas/gonas/nas/backends"
	"github.com/gonas/gonas/nas/data"
	"github.com/gonas/gonas/nas/savedmodel"
)

// stripes are 8×8 grey images of two classes, raw pixels in [0, 1]: class 0 has
// bright rows, class 1 bright columns, with some noise.
func stripes(n int, seed uint64) *data.Dataset {
	ds := &data.Dataset{Name: "stripes", Height: 8, Width: 8, Channels: 1, NumClasses: 2, ClassNames: []string{"rows", "columns"}}
	r := streamRand(seed, "stripes", 0)
	for i := range n {
		c := int32(i % 2)
		k := r.IntN(8)
		for y := range 8 {
			for x := range 8 {
				v := 0.1 + 0.2*r.Float32()
				if (c == 0 && y == k) || (c == 1 && x == k) {
					v = 0.9
				}
				ds.Images = append(ds.Images, v)
			}
		}
		ds.Labels = append(ds.Labels, c)
	}
	return ds
}

// normalized is a copy of ds normalised as data.LoadNormalized does for set.
func normalized(t *testing.T, ds *data.Dataset, set string) *data.Dataset {
	mean, std, err := data.Normalization(set)
	if err != nil {
		t.Fatal(err)
	}
	c := *ds
	c.Images = append([]float32(nil), ds.Images...)
	if err := data.Normalize(&c, mean, std); err != nil {
		t.Fatal(err)
	}
	return &c
}

// TestRetrainedNetworkIsSavedAndLoadsBack: RetrainAndSave saves the network of each
// image space, and savedmodel.Load rebuilds it from the saved description alone:
// classifying the raw test images gives the retraining's test accuracy exactly.
func TestRetrainedNetworkIsSavedAndLoadsBack(t *testing.T) {
	backend, err := backends.New()
	if err != nil {
		t.Fatal(err)
	}
	raw := stripes(64, 1)
	for _, space := range []string{"enas-micro", "enas-macro"} {
		t.Run(space, func(t *testing.T) {
			cfg, err := Preset(space, "tiny")
			if err != nil {
				t.Fatal(err)
			}
			cfg.Data = "mnist" // how the images are normalised
			cfg.Retrain.BatchSize, cfg.Retrain.Epochs = 16, 2
			d := &Data{Train: normalized(t, raw, "mnist"), Valid: normalized(t, raw, "mnist"), Test: normalized(t, raw, "mnist")}
			sp, err := retrainSpace(&cfg, d, 0)
			if err != nil {
				t.Fatal(err)
			}
			a := nas.Arch{Space: sp.Name(), Choices: make([]int, len(sp.Decisions()))}
			for i, dec := range sp.Decisions() {
				a.Choices[i] = (i * 7) % dec.NumChoices
			}
			if err := sp.Validate(a); err != nil {
				a.Choices = make([]int, len(sp.Decisions())) // all-first is valid in every space
			}
			dir := filepath.Join(t.TempDir(), "model")
			res, err := RetrainAndSave(context.Background(), backend, &cfg, d, a, dir, nil)
			if err != nil {
				t.Fatal(err)
			}
			t.Logf("%s: test accuracy %.4f after %d steps", a, res.TestAccuracy, res.Steps)
			clf, err := savedmodel.Load(backend, dir)
			if err != nil {
				t.Fatal(err)
			}
			defer clf.Close()
			if clf.Meta.Kind != ModelKind || clf.Meta.Model != space || clf.Meta.Input != [3]int{8, 8, 1} ||
				strings.Join(clf.Meta.Classes, ",") != "rows,columns" || clf.Meta.TestAccuracy != res.TestAccuracy {
				t.Errorf("meta %+v", clf.Meta)
			}
			preds, err := clf.Classify(raw.Images)
			if err != nil {
				t.Fatal(err)
			}
			if got := savedmodel.Accuracy(preds, raw.Labels); math.Abs(got-res.TestAccuracy) > 1e-9 {
				t.Errorf("the loaded network scores %.4f on the raw test images, the retrained one %.4f", got, res.TestAccuracy)
			}
		})
	}
}

func TestSaveModelRefusesWhatItCannotSave(t *testing.T) {
	cfg, err := Preset("enas-rnn", "tiny")
	if err != nil {
		t.Fatal(err)
	}
	_, err = RetrainAndSave(context.Background(), nil, &cfg, &Data{}, nas.Arch{}, t.TempDir(), nil)
	if err == nil || !strings.Contains(err.Error(), "language model") {
		t.Errorf("saving an RNN cell: %v", err)
	}
	dir := filepath.Join(t.TempDir(), "model")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	// A description whose settings name another space than its model.
	meta := savedmodel.Meta{Format: savedmodel.Format, Kind: ModelKind, Model: "enas-micro", Arch: []byte(`{}`),
		Settings: []byte(`{"space":"enas-macro"}`), Input: [3]int{8, 8, 1}, Classes: []string{"a", "b"}, Mean: []float32{0}, Std: []float32{1}}
	if _, err := rebuildModel(meta); err == nil || !strings.Contains(err.Error(), `settings are of space "enas-macro"`) {
		t.Errorf("mismatched settings: %v", err)
	}
}
