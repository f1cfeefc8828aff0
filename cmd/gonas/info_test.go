package main

import (
	"bytes"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gonas/gonas/cells"
)

// infoOutput runs gonas info and returns its params= and madds= values.
func infoOutput(t *testing.T, args ...string) (params, madds int64) {
	t.Helper()
	var out bytes.Buffer
	if err := info(args, &out); err != nil {
		t.Fatalf("gonas info %s: %v", strings.Join(args, " "), err)
	}
	if _, err := fmt.Sscanf(out.String(), "params=%d\nmadds=%d\n", &params, &madds); err != nil {
		t.Fatalf("gonas info %s printed %q: %v", strings.Join(args, " "), out.String(), err)
	}
	return params, madds
}

// The goal: DARTS V2's genotype as DARTS prints it, at C=36 and 20 cells,
// has DARTS's 3,349,342 parameters (within 0.5%; auxiliary head excluded).
func TestInfoDARTSV2(t *testing.T) {
	genotype := cells.PublishedGenotypes["darts-v2"]
	params, madds := infoOutput(t, "--space", "nasnet", "--arch", genotype, "--filters", "36", "--cells-per-stage", "6")
	if rel := float64(params)/3349342 - 1; math.Abs(rel) > 0.005 {
		t.Errorf("DARTS V2: params=%d, %+.2f%% from DARTS's 3,349,342", params, 100*rel)
	}
	if madds <= 0 {
		t.Errorf("DARTS V2: madds=%d", madds)
	}
	// The name reads the same text.
	if p, _ := infoOutput(t, "--space", "nasnet", "--arch", "darts-v2", "--filters", "36", "--cells-per-stage", "6"); p != params {
		t.Errorf("darts-v2 by name: params=%d, by text %d", p, params)
	}
}

// --concat tf builds TensorFlow's NASNet-A 6@768 (the paper's 3.3M); the default
// is DARTS's PyTorch build.
func TestInfoNASNetConcat(t *testing.T) {
	tf, _ := infoOutput(t, "--space", "nasnet", "--arch", "nasnet-a", "--concat", "tf")
	unused, _ := infoOutput(t, "--space", "nasnet", "--arch", "nasnet-a")
	if tf != 3346538 || unused != 3061738 {
		t.Errorf("NASNet-A 6@768: params=%d with --concat tf, %d without; want 3,346,538 and 3,061,738", tf, unused)
	}
	var out bytes.Buffer
	if err := info([]string{"--space", "nasnet", "--arch", "nasnet-a", "--concat", "keras"}, &out); err == nil {
		t.Error("an unknown --concat rule was accepted")
	}
}

// The reference's 24-layer ENAS macro arc (300 integers) is read by info and draw;
// --layers forces a depth, and a wrong one is refused.
func TestInfoMacroArcLayers(t *testing.T) {
	arc := "@" + filepath.Join("..", "..", "cells", "testdata", "enas_macro_final.txt")
	p24, _ := infoOutput(t, "--space", "enas-macro", "--arch", arc)
	if p, _ := infoOutput(t, "--space", "enas-macro", "--arch", arc, "--layers", "24"); p != p24 {
		t.Errorf("--layers 24: params=%d, from the arc %d", p, p24)
	}
	if err := info([]string{"--space", "enas-macro", "--arch", arc, "--layers", "12"}, &bytes.Buffer{}); err == nil {
		t.Error("a 24-layer arc was read with --layers 12")
	}
	out := filepath.Join(t.TempDir(), "macro.svg")
	if err := runDraw([]string{"--space", "enas-macro", "--arch", arc, "-o", out}); err != nil {
		t.Fatalf("gonas draw of the 24-layer arc: %v", err)
	}
	blob, err := os.ReadFile(out)
	if err != nil || !strings.Contains(string(blob), "23: ") {
		t.Errorf("the drawing lacks layer 23 (%v)", err)
	}
}

// Every space counts: NB201's all-conv3x3 cell has the benchmark's 1,531,546
// parameters, and --filters changes the count.
func TestInfoEverySpace(t *testing.T) {
	allConv := "|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|nor_conv_3x3~0|nor_conv_3x3~1|nor_conv_3x3~2|"
	if p, _ := infoOutput(t, "--space", "nb201", "--arch", allConv); p != 1531546 {
		t.Errorf("NB201 all conv3x3: params=%d, want 1,531,546", p)
	}
	small, _ := infoOutput(t, "--space", "enas-micro", "--arch", "enas", "--filters", "8", "--cells-per-stage", "1")
	big, _ := infoOutput(t, "--space", "enas-micro", "--arch", "enas")
	if small <= 0 || small >= big {
		t.Errorf("ENAS micro: params=%d at C=8, N=1 and %d at the default size", small, big)
	}
	if err := info([]string{"--space", "nasnet"}, &bytes.Buffer{}); err == nil {
		t.Error("info without --arch succeeded")
	}
}
