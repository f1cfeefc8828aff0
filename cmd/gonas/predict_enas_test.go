package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"image"
	"image/png"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gonas/gonas/nas/backends"
	"github.com/gonas/gonas/nas/data"
	"github.com/gonas/gonas/nas/savedmodel"
)

// TestRetrainSavesANetworkThatPredicts: `gonas retrain --out DIR` saves the trained
// ENAS cell in DIR/model; loaded back, it scores the retraining's test accuracy on
// the raw MNIST test images, and `gonas predict` classifies PNG files of them as the
// library does.
func TestRetrainSavesANetworkThatPredicts(t *testing.T) {
	if testing.Short() {
		t.Skip("retrains the tiny preset's network on MNIST (~15 s)")
	}
	out := t.TempDir()
	arch := `{"space":"enas-micro","choices":[0,2,0,1,1,0,0,4,0,3,2,2,0,1,0,0,1,4,0,3,0,2,2,1]}`
	printed := captureStdout(t, func() {
		if err := runRetrain([]string{"--space", "enas-micro", "--preset", "tiny", "--arch", arch, "--control", "0", "--out", out}); err != nil {
			t.Error(err)
		}
	})
	modelDir := filepath.Join(out, "model")
	if !strings.Contains(printed, "model="+modelDir) {
		t.Errorf("retrain does not say where the model is:\n%s", printed)
	}
	var rep struct {
		Retrained struct {
			TestAccuracy float64 `json:"test_accuracy"`
		}
	}
	blob, err := os.ReadFile(filepath.Join(out, "retrain.json"))
	if err == nil {
		err = json.Unmarshal(blob, &rep)
	}
	if err != nil {
		t.Fatal(err)
	}

	mnist, err := data.MNISTDir()
	if err != nil {
		t.Fatal(err)
	}
	_, test, err := data.LoadMNIST(mnist) // raw pixels in [0, 1]
	if err != nil {
		t.Fatal(err)
	}
	if test, err = data.First(test, 1000); err != nil { // the tiny preset's test images
		t.Fatal(err)
	}
	backend, err := backends.Default()
	if err != nil {
		t.Fatal(err)
	}
	clf, err := savedmodel.Load(backend, modelDir)
	if err != nil {
		t.Fatal(err)
	}
	defer clf.Close()
	preds, err := clf.Classify(test.Images)
	if err != nil {
		t.Fatal(err)
	}
	if got := savedmodel.Accuracy(preds, test.Labels); math.Abs(got-rep.Retrained.TestAccuracy) > 1e-9 {
		t.Errorf("the saved network scores %.4f on the raw test images, the retraining said %.4f", got, rep.Retrained.TestAccuracy)
	}

	var files []string
	var want strings.Builder
	for i := range 3 {
		img := image.NewGray(image.Rect(0, 0, 28, 28))
		for k, v := range test.Image(i) {
			img.Pix[k] = uint8(math.Round(float64(v) * 255))
		}
		var b bytes.Buffer
		if err := png.Encode(&b, img); err != nil {
			t.Fatal(err)
		}
		path := filepath.Join(out, fmt.Sprintf("digit%d.png", i))
		if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
		files = append(files, path)
		fmt.Fprintf(&want, "%s\t%s\t%.3f\n", path, preds[i].Label, preds[i].Probability)
	}
	var got bytes.Buffer
	if err := predict(append([]string{"--model", modelDir}, files...), &got); err != nil {
		t.Fatal(err)
	}
	if got.String() != want.String() {
		t.Errorf("gonas predict:\n%s\nthe library on the same pixels:\n%s", got.String(), want.String())
	}
}
