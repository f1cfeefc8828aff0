package nb201search

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// measuredRun is a valid run: the short preset's oneshot seed 5 of BENCHMARKS.md.
const measuredRun = `{"table": "short", "source": "BENCHMARKS.md", "setting": "short", "strategy": "oneshot", "seed": 5,
  "tau_test_by_epoch": [-0.08, -0.03, 0.01, 0.04], "rank_cells": 100, "final_tau_val": 0.10, "final_tau_test": 0.04, "final_rho_test": 0.05,
  "pick": "|nor_conv_1x1~0|+|skip_connect~0|nor_conv_3x3~1|+|skip_connect~0|none~1|nor_conv_3x3~2|",
  "pick_cifar10_val": 83.54, "pick_cifar10_test": 87.87, "rank": 272,
  "control_k": 3, "control_mean_test": 85.55, "control_std_test": 2.98, "wall_seconds": 738}`

func TestReadMeasured(t *testing.T) {
	write := func(run string) string {
		path := filepath.Join(t.TempDir(), "runs.json")
		doc := `{"about": "test", "runs": [` + run + `], "agreements": [
		  {"evaluator": "naswot", "cells": 200, "tau_val": 0.333, "rho_val": 0.458, "tau_test": 0.408, "rho_test": 0.556, "source": "BENCHMARKS.md"}]}`
		if err := os.WriteFile(path, []byte(doc), 0o644); err != nil {
			t.Fatal(err)
		}
		return path
	}
	m, err := ReadMeasured(write(measuredRun))
	if err != nil {
		t.Fatal(err)
	}
	r := m.Runs[0]
	if len(m.Runs) != 1 || r.Seed != 5 || r.Rank != 272 || *r.PickVal != 83.54 || *r.FinalRhoTest != 0.05 || len(r.TauTestByEpoch) != 4 || r.TauValByEpoch != nil {
		t.Errorf("read %+v", r)
	}
	if a := m.Agreements; len(a) != 1 || a[0].Evaluator != "naswot" || a[0].TauTest != 0.408 {
		t.Errorf("agreements %+v", a)
	}
	bad := []struct{ from, to, want string }{
		{`"final_tau_test": 0.04`, `"final_tau_test": 0.14`, "is not the final τ(test)"},
		{`"rank": 272`, `"rank": 0`, "rank 0 is outside"},
		{`"rank": 272`, `"rank": 15626`, "rank 15626 is outside"},
		{`"pick_cifar10_test": 87.87`, `"pick_cifar10_test": 878.7`, "out of range"},
		{`"pick_cifar10_val": 83.54`, `"pick_cifar10_val": -1`, "cifar10-val -1%"},
		{`"final_rho_test": 0.05`, `"final_rho_test": 1.5`, "outside [-1, 1]"},
		{`|nor_conv_1x1~0|+`, `|nor_conv_5x5~0|+`, "pick:"},
		{`"source": "BENCHMARKS.md", "setting"`, `"source": "", "setting"`, "source"},
		{`"seed": 5`, `"seed": 0`, "seed 0"},
	}
	for _, b := range bad {
		run := strings.Replace(measuredRun, b.from, b.to, 1)
		if run == measuredRun {
			t.Fatalf("%q is not in the run", b.from)
		}
		if _, err := ReadMeasured(write(run)); err == nil || !strings.Contains(err.Error(), b.want) {
			t.Errorf("%s → %s: error %v, want one containing %q", b.from, b.to, err, b.want)
		}
	}
	if _, err := ReadMeasured(filepath.Join(t.TempDir(), "missing.json")); err == nil {
		t.Error("a missing file: no error")
	}
}
