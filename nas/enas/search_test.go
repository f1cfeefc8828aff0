package enas

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gonas/gonas/nas"
	"github.com/gonas/gonas/nas/savedmodel"
)

// The tiny preset end to end: search, derive, retrain, random control, and the
// files of the output directory.
func TestTinySearch(t *testing.T) {
	if testing.Short() {
		t.Skip("a one-minute search")
	}
	cfg, err := Preset("enas-micro", "tiny")
	if err != nil {
		t.Fatal(err)
	}
	out := t.TempDir()
	var metrics bytes.Buffer
	s, err := New(cfg, Options{Out: out, Metrics: &metrics})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	res, err := s.Complete(context.Background(), true)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("metrics:\n%s", metrics.String())
	if err := s.Space().Validate(res.Derived.Arch); err != nil {
		t.Errorf("derived architecture: %v", err)
	}
	if len(res.Derived.Candidates) != cfg.Derive.Samples || res.Best["enas"] == "" || res.Best["genotype"] == "" {
		t.Errorf("derived %d candidates, formats %v", len(res.Derived.Candidates), res.Best)
	}
	r := res.Retrained
	if r == nil || !(r.TestAccuracy > 0 && r.TestAccuracy <= 1) || !(r.ValidAccuracy > 0 && r.ValidAccuracy <= 1) ||
		r.Parameters <= 0 || r.FLOPs <= 0 {
		t.Fatalf("retrained: %+v", r)
	}
	if res.Control == nil || len(res.Control.Archs) != cfg.Retrain.ControlArchs || !(res.Control.Mean > 0) {
		t.Fatalf("control: %+v", res.Control)
	}
	var valid []float64
	for _, c := range res.Control.Archs {
		valid = append(valid, c.ValidAccuracy)
	}
	if m, sd := nas.MeanStd(valid); !(m > 0) || m != res.Control.ValidMean || sd != res.Control.ValidStd {
		t.Errorf("control validation accuracy %g ± %g, want the mean of %v (%g ± %g)", res.Control.ValidMean, res.Control.ValidStd, valid, m, sd)
	}
	h := s.History()
	if len(h.Epochs) != cfg.Child.Epochs || len(h.Updates) != cfg.Child.Epochs*cfg.Controller.TrainSteps+len(h.Skips) {
		t.Errorf("history: %d epochs, %d updates", len(h.Epochs), len(h.Updates))
	}
	for _, want := range []string{"epoch=1 ", "valid_acc=", "best_arch=", "valid_accuracy=", "test_accuracy=", "control_valid_mean=", "control_mean="} {
		if !strings.Contains(metrics.String(), want) {
			t.Errorf("metrics lack %q", want)
		}
	}
	var saved Result
	if err := readJSON(filepath.Join(out, "result.json"), &saved); err != nil || saved.Derived == nil || saved.Derived.Arch.String() != res.Derived.Arch.String() {
		t.Errorf("result.json: %v, derived %+v, want %s", err, saved.Derived, res.Derived.Arch)
	}
	lines, err := os.ReadFile(filepath.Join(out, "history.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, line := range bytes.Split(bytes.TrimSpace(lines), []byte("\n")) {
		var m map[string]any
		if err := json.Unmarshal(line, &m); err != nil || m["kind"] == nil {
			t.Fatalf("history line %q: %v", line, err)
		}
		n++
	}
	if n != len(h.Epochs)+len(h.Updates)+len(h.Skips) {
		t.Errorf("history.jsonl has %d lines", n)
	}
	page, err := os.ReadFile(filepath.Join(out, "report.html"))
	if err != nil {
		t.Fatal(err)
	}
	if c := strings.Count(string(page), "<svg"); c < 5 {
		t.Errorf("report.html has %d SVG drawings, want 4 charts and the cells", c)
	}
	meta, err := savedmodel.ReadMeta(filepath.Join(out, ModelDir))
	if err != nil {
		t.Fatal(err)
	}
	if arch, err := nas.ArchText(meta.Arch); err != nil || meta.Kind != ModelKind || meta.TestAccuracy != r.TestAccuracy || arch != res.Derived.Arch.String() {
		t.Errorf("the retrained network is not saved as the derived one: kind %q, accuracy %v, arch %s (%v)", meta.Kind, meta.TestAccuracy, arch, err)
	}
}
