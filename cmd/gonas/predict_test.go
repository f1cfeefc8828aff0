package main

import (
	"bytes"
	"fmt"
	"image"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gonas/gonas/nas/backends"
	"github.com/gonas/gonas/nas/choice"
	"github.com/gonas/gonas/nas/data"
	"github.com/gonas/gonas/nas/train"
)

// writeCSV writes a table of two features whose class is the sign of a.
func writeCSV(t *testing.T, path string, rows int, withLabel bool) {
	var b strings.Builder
	b.WriteString("a,b")
	if withLabel {
		b.WriteString(",kind")
	}
	b.WriteString("\n")
	for i := range rows {
		a := float64(i%8+1) * 0.5
		kind := "pos"
		if i%2 == 1 {
			a, kind = -a, "neg"
		}
		fmt.Fprintf(&b, "%g,%g", a, float64(i%3))
		if withLabel {
			b.WriteString("," + kind)
		}
		b.WriteString("\n")
	}
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestPredictClassifiesCSVRowsWithASavedModel(t *testing.T) {
	dir := t.TempDir()
	trainCSV := filepath.Join(dir, "train.csv")
	writeCSV(t, trainCSV, 64, true)
	trainSet, features, err := data.LoadCSV(trainCSV, "kind")
	if err != nil {
		t.Fatal(err)
	}
	mean, std, err := data.Standardize(trainSet)
	if err != nil {
		t.Fatal(err)
	}
	space, err := choice.NewRegistered("mlp", trainSet.NumClasses, 1, 1, len(features))
	if err != nil {
		t.Fatal(err)
	}
	arch, err := space.Parse(`{"layers":"1","layers/0/units":"16","layers/0/act":"tanh","layers/1/units":"16","layers/1/act":"relu","layers/2/units":"16","layers/2/act":"relu"}`)
	if err != nil {
		t.Fatal(err)
	}
	backend, err := backends.Default()
	if err != nil {
		t.Fatal(err)
	}
	modelDir := filepath.Join(dir, "model")
	cfg := train.Config{Epochs: 20, BatchSize: 16, LearningRate: 0.1, Momentum: 0.9, Seed: 1}
	res, err := choice.Retrain(backend, space, arch, trainSet, trainSet, cfg, choice.Preprocessing{Mean: mean, Std: std, Features: features}, modelDir)
	if err != nil {
		t.Fatal(err)
	}
	if res.TestAccuracy < 0.9 {
		t.Fatalf("a separable table trained to %.2f accuracy", res.TestAccuracy)
	}
	rows := filepath.Join(dir, "rows.csv")
	writeCSV(t, rows, 6, false)
	var out bytes.Buffer
	if err := predict([]string{"--model", modelDir, rows}, &out); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	if len(lines) != 6 {
		t.Fatalf("%d lines for 6 rows:\n%s", len(lines), out.String())
	}
	for i, l := range lines {
		f := strings.Split(l, "\t")
		want := []string{"pos", "neg"}[i%2]
		if len(f) != 3 || f[0] != fmt.Sprintf("%s:%d", rows, i+1) || f[1] != want {
			t.Errorf("line %d = %q, want %s:%d<TAB>%s<TAB>probability", i, l, rows, i+1, want)
		}
	}
	png := filepath.Join(dir, "x.png")
	writePNG(t, png, 1, 1, 0)
	if err := predict([]string{"--model", modelDir, png}, &out); err == nil || !strings.Contains(err.Error(), "give a .csv file") {
		t.Errorf("an image given to a table model: %v", err)
	}
}

func writePNG(t *testing.T, path string, w, h int, v uint8) {
	img := image.NewGray(image.Rect(0, 0, w, h))
	for i := range img.Pix {
		img.Pix[i] = v
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestPredictClassifiesImagesWithASavedModel(t *testing.T) {
	dir := t.TempDir()
	folder := filepath.Join(dir, "images")
	for i := range 24 {
		for c, v := range map[string]uint8{"dark": 20, "light": 230} {
			if err := os.MkdirAll(filepath.Join(folder, c), 0o755); err != nil {
				t.Fatal(err)
			}
			writePNG(t, filepath.Join(folder, c, fmt.Sprintf("%02d.png", i)), 8, 8, v+uint8(i))
		}
	}
	trainSet, err := data.LoadClassFolder(folder, 1)
	if err != nil {
		t.Fatal(err)
	}
	space, err := choice.NewRegistered("cnn", 2, 8, 8, 1)
	if err != nil {
		t.Fatal(err)
	}
	arch, err := space.Parse(`{"width":"8","stem":"conv3x3","depth":"1","depth/0/op":"conv3x3","depth/1/op":"conv3x3","features":"1"}`)
	if err != nil {
		t.Fatal(err)
	}
	backend, err := backends.Default()
	if err != nil {
		t.Fatal(err)
	}
	modelDir := filepath.Join(dir, "model")
	cfg := train.Config{Epochs: 10, BatchSize: 16, LearningRate: 0.05, Momentum: 0.9, Seed: 2}
	if _, err := choice.Retrain(backend, space, arch, trainSet, trainSet, cfg, choice.Preprocessing{}, modelDir); err != nil {
		t.Fatal(err)
	}
	dark, light := filepath.Join(dir, "dark.png"), filepath.Join(dir, "light.png")
	writePNG(t, dark, 8, 8, 10)
	writePNG(t, light, 8, 8, 250)
	var out bytes.Buffer
	if err := predict([]string{"--model", modelDir, dark, light}, &out); err != nil {
		t.Fatal(err)
	}
	got := strings.Split(strings.TrimSpace(out.String()), "\n")
	if len(got) != 2 || !strings.HasPrefix(got[0], dark+"\tdark\t") || !strings.HasPrefix(got[1], light+"\tlight\t") {
		t.Fatalf("predictions:\n%s", out.String())
	}
	small := filepath.Join(dir, "small.png")
	writePNG(t, small, 4, 4, 0)
	if err := predict([]string{"--model", modelDir, small}, &out); err == nil || !strings.Contains(err.Error(), "image is 4×4, the model reads 8×8") {
		t.Errorf("a 4×4 image: %v", err)
	}
	if err := predict([]string{dark}, &out); err == nil {
		t.Error("no --model accepted")
	}
	if err := predict([]string{"--model", dir, dark}, &out); err == nil || !strings.Contains(err.Error(), "not a saved GoNAS model") {
		t.Errorf("a directory without a model: %v", err)
	}
}
