package enas

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/pkg/errors"
)

// PresetColumns keeps the space's columns of PresetTable, in order, with the values
// of the presets themselves.
func TestPresetColumns(t *testing.T) {
	header, rows, err := PresetColumns("enas-micro")
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"setting", "paper", "scaled", "short", "tiny"}; !slices.Equal(header, want) {
		t.Fatalf("header %q, want %q", header, want)
	}
	tiny, _ := Preset("enas-micro", "tiny")
	paper, _ := Preset("enas-micro", "paper")
	found := 0
	for _, r := range rows {
		if len(r) != len(header) {
			t.Fatalf("row %q has %d cells", r, len(r))
		}
		switch r[0] {
		case "epochs":
			found++
			if r[1] != fmt.Sprint(paper.Child.Epochs) || r[4] != fmt.Sprint(tiny.Child.Epochs) {
				t.Errorf("epochs row %q", r)
			}
		case "data":
			found++
			if r[1] != "cifar10" || r[4] != tiny.Data {
				t.Errorf("data row %q", r)
			}
		}
	}
	if found != 2 || len(rows) != strings.Count(PresetTable(), "\n")-2 {
		t.Errorf("%d rows (%d checked)", len(rows), found)
	}
	if h, _, err := PresetColumns("enas-rnn"); err != nil || len(h) != 4 {
		t.Errorf("enas-rnn header %q, %v", h, err)
	}
	if _, _, err := PresetColumns("nasnet"); err == nil || !strings.Contains(err.Error(), `"nasnet"`) {
		t.Errorf("unknown space: %v", err)
	}
}

// Curves places every update at its fraction of its epoch, and copies the epochs.
func TestHistoryCurves(t *testing.T) {
	h := History{
		Updates: []UpdateRecord{
			{Epoch: 1, Update: 1, RewardMean: 0.1, Baseline: 0.05, Entropy: 3},
			{Epoch: 1, Update: 2, RewardMean: 0.2, Baseline: 0.06, Entropy: 2.9},
			{Epoch: 2, Update: 0, RewardMean: 0, Baseline: 0.05, Entropy: 2.8}, // a skipped step's penalty
			{Epoch: 2, Update: 1, RewardMean: 0.3, Baseline: 0.07, Entropy: 2.7},
			{Epoch: 2, Update: 2, RewardMean: 0.4, Baseline: 0.08, Entropy: 2.6},
		},
		Epochs: []EpochRecord{{Epoch: 1, ValidAcc: 0.15, TrainLoss: 2.2}, {Epoch: 2, ValidAcc: 0.35, TrainLoss: 2.0, ValidPPL: 7}},
	}
	c := h.Curves()
	if want := []float64{0.5, 1, 1, 1.5, 2}; !slices.Equal(c.UpdateX, want) {
		t.Errorf("UpdateX %v, want %v", c.UpdateX, want)
	}
	if !slices.Equal(c.Reward, []float64{0.1, 0.2, 0, 0.3, 0.4}) || c.Entropy[4] != 2.6 || c.Baseline[1] != 0.06 {
		t.Errorf("reward %v entropy %v baseline %v", c.Reward, c.Entropy, c.Baseline)
	}
	if !slices.Equal(c.EpochX, []float64{1, 2}) || !slices.Equal(c.ValidAcc, []float64{0.15, 0.35}) ||
		!slices.Equal(c.TrainLoss, []float64{2.2, 2.0}) || c.ValidPPL[1] != 7 {
		t.Errorf("epochs %+v", c)
	}
}

// ResultTable lists the retrained pick, each control, their spread and the paper.
func TestResultTable(t *testing.T) {
	res := &Result{Config: Config{Space: "enas-micro", Data: "mnist"},
		Retrained: &RetrainResult{TestAccuracy: 0.9, Parameters: 100, FLOPs: 2000, Seconds: 1.5},
		Control:   &ControlResult{Archs: []*RetrainResult{{TestAccuracy: 0.8}, {TestAccuracy: 0.6}}, Mean: 0.7, Std: 0.1414}}
	header, rows := ResultTable(res)
	if len(header) != 6 || header[2] != "test accuracy" || len(rows) != 5 {
		t.Fatalf("header %q, %d rows", header, len(rows))
	}
	if rows[0][2] != "90.00 %" || rows[0][3] != "100" || rows[2][2] != "60.00 %" || rows[3][2] != "70.00 ± 14.14 %" {
		t.Errorf("rows %q", rows)
	}
	if !strings.Contains(rows[4][0], "2.89% error") || rows[4][1] != "cifar10" || rows[4][2] != "97.11 %" {
		t.Errorf("paper row %q", rows[4])
	}
	res = &Result{Config: Config{Space: "enas-rnn", Data: "ptb"}, Retrained: &RetrainResult{TestPerplexity: 812.34}}
	header, rows = ResultTable(res)
	if header[2] != "test perplexity" || rows[0][2] != "812.3" || rows[1][2] != "55.8" || len(rows) != 2 {
		t.Errorf("enas-rnn: header %q rows %q", header, rows)
	}
	if _, _, err := PaperNumberOf("nasnet"); err == nil {
		t.Error("a paper number for nasnet")
	}
}

// Open starts a new search, resumes one that has a checkpoint, and refuses to
// resume a checkpoint of another configuration.
func TestOpenResumesOrStarts(t *testing.T) {
	if testing.Short() {
		t.Skip("loads PTB and builds three searches")
	}
	cfg, err := Preset("enas-rnn", "tiny")
	if err != nil {
		t.Fatal(err)
	}
	opts := Options{Out: t.TempDir()}
	s, err := Open(cfg, opts)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel() // Run saves a checkpoint of the start and stops
	if err := s.Run(ctx); !errors.Is(err, ErrInterrupted) {
		t.Fatalf("Run with a cancelled context: %v", err)
	}
	s.Close()
	s, err = Open(cfg, opts)
	if err != nil {
		t.Fatalf("reopening: %v", err)
	}
	if got := s.Config(); s.Done() || got.canonical() != cfg.canonical() {
		t.Errorf("reopened search: done %v, config %s", s.Done(), got.canonical())
	}
	s.Close()
	other := cfg
	other.Seed++
	if _, err := Open(other, opts); err == nil || !strings.Contains(err.Error(), "holds a search") {
		t.Errorf("reopening with another seed: %v", err)
	}
}
