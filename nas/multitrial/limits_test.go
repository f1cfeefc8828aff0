package multitrial

import (
	"context"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gonas/gonas/controllers"
	"github.com/gonas/gonas/kernels"
	"github.com/gonas/gonas/nas"
	"github.com/gonas/gonas/nas/data"
)

// goodTrial is a trial of smallRecipe with a valid architecture, its recipe edited
// by edit (on the JSON, as a hostile publisher would write it).
func goodTrial(t *testing.T, edit func(map[string]any)) nas.Trial {
	t.Helper()
	r := smallRecipe()
	sp, err := r.Space()
	if err != nil {
		t.Fatal(err)
	}
	s, _ := controllers.NewRandom(sp, 1).Sample(1)
	var m map[string]any
	if err := json.Unmarshal(r.JSON(), &m); err != nil {
		t.Fatal(err)
	}
	if edit != nil {
		edit(m)
	}
	blob, _ := json.Marshal(m)
	return nas.Trial{ID: "hostile", Arch: s[0].Arch, Recipe: blob, Seed: 1}
}

// The probe's oversized and out-of-range recipes: each is refused (nas.Refused)
// before anything is allocated, with the field named.
func TestRunnerRefusesOutOfBoundsRecipes(t *testing.T) {
	child := func(k string, v any) func(map[string]any) {
		return func(m map[string]any) { m["child"].(map[string]any)[k] = v }
	}
	train := func(k string, v any) func(map[string]any) {
		return func(m map[string]any) { m["train"].(map[string]any)[k] = v }
	}
	top := func(k string, v any) func(map[string]any) { return func(m map[string]any) { m[k] = v } }
	run := NewLimitedRunner(nil, Limits{MaxMemory: -1}) // the bounds alone, not the memory limit
	for _, tc := range []struct {
		name string
		edit func(map[string]any)
		want string
	}{
		{"blocks 1e8", child("blocks", 100000000), "blocks 100000000"},
		{"filters 1e5", child("filters", 100000), "filters 100000"},
		{"odd filters", child("filters", 7), "filters 7"},
		{"cells per stage 1e6", child("cells_per_stage", 1000000), "cells per stage 1000000"},
		{"stem multiplier 0", child("stem_multiplier", 0), "stem multiplier 0"},
		{"drop-path keep 2", child("drop_path_keep", 2), "drop-path keep 2"},
		{"epochs 0", train("epochs", 0), "epochs 0"},
		{"epochs 1e9", train("epochs", 1000000000), "epochs 1000000000"},
		{"batch 1e9", train("batch_size", 1000000000), "batch size 1000000000"},
		{"lr max 1e9", train("lr_max", 1e9), "learning rate"},
		{"lr min negative", train("lr_min", -1), "learning rate"},
		{"momentum 1", train("momentum", 1), "momentum 1"},
		{"weight decay 5", train("weight_decay", 5), "weight decay 5"},
		{"clip norm negative", train("clip_norm", -1), "clip norm -1"},
		{"valid size 1e12", top("valid_size", 1e12), "valid size 1000000000000"},
		{"train size negative", top("train_size", -5), "train size -5"},
		{"data path 5 kB", top("data_path", strings.Repeat("a", 5000)), "data path of 5000 bytes"},
		{"unknown data", top("data", "imagenet"), `unknown data set "imagenet"`},
		{"unknown field", top("blocks", 5), `unknown field "blocks"`},
		{"trailing data", nil, "after the recipe"},
	} {
		trial := goodTrial(t, tc.edit)
		if tc.edit == nil {
			trial.Recipe = append(trial.Recipe, []byte(` {"kind":"search"}`)...)
		}
		_, err := run(context.Background(), trial)
		if err == nil || !strings.Contains(err.Error(), tc.want) || !nas.IsRefused(err) {
			t.Errorf("%s: got %v (refused %v), want a refusal containing %q", tc.name, err, nas.IsRefused(err), tc.want)
		}
	}
}

// A child whose estimated memory exceeds the worker's limit is refused, naming both.
func TestRunnerRefusesAChildOverTheMemoryLimit(t *testing.T) {
	run := NewLimitedRunner(nil, Limits{MaxMemory: 64 << 20})
	_, err := run(context.Background(), goodTrial(t, nil))
	if err == nil || !nas.IsRefused(err) || !strings.Contains(err.Error(), "over this worker's limit of 64 MiB") {
		t.Fatalf("a trial over a 64 MiB limit: %v", err)
	}
}

func TestMemoryEstimateGrowsWithTheChildAndFitsThePresets(t *testing.T) {
	r := smallRecipe()
	base := r.MemoryEstimate()
	for _, grow := range []func(*Recipe){
		func(r *Recipe) { r.Child.Filters *= 2 }, func(r *Recipe) { r.Child.Blocks++ },
		func(r *Recipe) { r.Child.CellsPerStage++ }, func(r *Recipe) { r.Train.BatchSize *= 2 },
	} {
		g := smallRecipe()
		grow(&g)
		if g.MemoryEstimate() <= base {
			t.Errorf("%+v: estimate %d not above the smaller child's %d", g.Child, g.MemoryEstimate(), base)
		}
	}
	big := smallRecipe()
	big.Child = ChildConfig{Blocks: MaxBlocks, Filters: MaxFilters, CellsPerStage: MaxCellsPerStage, StemMultiplier: MaxStemMultiplier}
	big.Train.BatchSize = MaxBatchSize
	if e := big.MemoryEstimate(); e < 1<<40 || e <= 0 {
		t.Errorf("the largest child within bounds is estimated at %d bytes: want over a TiB, and no overflow", e)
	}
	for _, name := range PresetNames() {
		cfg, _ := Preset(name)
		for _, rec := range []Recipe{cfg.SearchRecipe(), cfg.TransferRecipe()} {
			if e := rec.MemoryEstimate(); e > 16<<30 {
				t.Errorf("preset %s %s child estimated at %s: a 16 GiB worker would refuse it", name, rec.Kind, kernels.FormatMemory(e))
			}
		}
	}
}

// data_path must lie inside the worker's data roots, symbolic links followed; the
// refusal says nothing about what is at the path.
func TestRunnerConfinesDataPathToTheRoots(t *testing.T) {
	root, outside := t.TempDir(), t.TempDir()
	secret := filepath.Join(outside, "secret")
	if err := os.WriteFile(secret, []byte("TOP-SECRET-CONTENT"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(outside, filepath.Join(root, "escape")); err != nil {
		t.Fatal(err)
	}
	run := NewLimitedRunner(nil, Limits{DataRoots: []string{root}})
	for _, path := range []string{secret, filepath.Join(root, "..", filepath.Base(outside), "secret"),
		filepath.Join(root, "escape", "secret"), "/etc/passwd", filepath.Join(outside, "missing")} {
		_, err := run(context.Background(), goodTrial(t, func(m map[string]any) { m["data_path"] = path }))
		if err == nil || !nas.IsRefused(err) || !strings.Contains(err.Error(), "not inside this worker's data roots") {
			t.Errorf("data_path %s: %v, want a refusal", path, err)
		}
		if err != nil && (strings.Contains(err.Error(), "TOP-SECRET") || strings.Contains(err.Error(), "root:")) {
			t.Errorf("data_path %s: the error echoes the file: %v", path, err)
		}
	}
	// Inside the roots, a path is read; an empty directory is the environment's
	// failure (retried elsewhere), not the trial's.
	empty := filepath.Join(root, "mnist")
	if err := os.Mkdir(empty, 0o755); err != nil {
		t.Fatal(err)
	}
	_, err := run(context.Background(), goodTrial(t, func(m map[string]any) { m["data_path"] = empty }))
	if err == nil || nas.IsRefused(err) || !nas.IsEnvironmental(err) {
		t.Errorf("data_path inside the roots with no data: %v (refused %v), want an environmental failure", err, nas.IsRefused(err))
	}
}

// A worker whose data were missing reads them again on the next trial: once the
// files are in place, the trial trains.
func TestRunnerReadsTheDataAgainAfterAFailedLoad(t *testing.T) {
	src, err := data.MNISTDir()
	if err != nil {
		t.Skipf("MNIST not found: %v", err)
	}
	dir := t.TempDir()
	run := NewRunner(nil)
	trial := goodTrial(t, func(m map[string]any) { m["data_path"] = dir })
	if _, err := run(context.Background(), trial); err == nil || !nas.IsEnvironmental(err) {
		t.Fatalf("trial on an empty data directory: %v, want an environmental failure", err)
	}
	entries, err := os.ReadDir(src)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if !strings.Contains(e.Name(), "idx") {
			continue
		}
		copyFile(t, filepath.Join(src, e.Name()), filepath.Join(dir, e.Name()))
	}
	m, err := run(context.Background(), trial)
	if err != nil {
		t.Fatalf("the same trial once the data are there: %v", err)
	}
	if m[MetricValidAccuracy] <= 0 {
		t.Errorf("metrics %v", m)
	}
}

func copyFile(t *testing.T, from, to string) {
	t.Helper()
	in, err := os.Open(from)
	if err != nil {
		t.Fatal(err)
	}
	defer in.Close()
	out, err := os.Create(to)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.Copy(out, in); err != nil {
		t.Fatal(err)
	}
	if err := out.Close(); err != nil {
		t.Fatal(err)
	}
}

// The proxy preset's children, each trained alone, peaked at these resident sizes
// (BENCHMARKS.md, "Memory": 1,127,140 KB and 1,542,252 KB with /usr/bin/time -v).
// The estimate must not be below them (the gate would let too many train at once)
// nor more than a quarter above (it would serialise children that fit together).
func TestMemoryEstimateIsJustAboveTheMeasuredPeaks(t *testing.T) {
	cfg, err := Preset("proxy")
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		rec     Recipe
		peakKiB int64
		kind    string
	}{{cfg.SearchRecipe(), 1_127_140, "search"}, {cfg.TransferRecipe(), 1_542_252, "transfer"}} {
		peak, est := c.peakKiB<<10, c.rec.MemoryEstimate()
		if ratio := float64(est) / float64(peak); ratio < 1 || ratio > 1.25 {
			t.Errorf("%s child: estimate %s is %.2f× its measured peak %s; want 1 to 1.25×", c.kind,
				kernels.FormatMemory(est), ratio, kernels.FormatMemory(peak))
		} else {
			t.Logf("%s child: estimate %s, %.2f× the measured %s", c.kind, kernels.FormatMemory(est), ratio, kernels.FormatMemory(peak))
		}
	}
}
