package enas

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/gonas/gonas/cells"
	"github.com/gonas/gonas/nas"
)

// The macro paper preset retrains the reference's 24-layer arc
// (cifar10_macro_final.sh); without a preset depth, an arc's length sets it.
func TestMacroRetrainLayersFromPresetOrArc(t *testing.T) {
	blob, err := os.ReadFile(filepath.Join("..", "..", "cells", "testdata", "enas_macro_final.txt"))
	if err != nil {
		t.Fatal(err)
	}
	arc24 := string(blob)
	paper, err := Preset("enas-macro", "paper")
	if err != nil {
		t.Fatal(err)
	}
	if paper.Retrain.Layers != 24 {
		t.Errorf("paper preset retrains %d layers, the reference 24", paper.Retrain.Layers)
	}
	a, err := ParseArch(&paper, nil, arc24)
	if err != nil {
		t.Fatalf("paper preset cannot read the reference's 24-layer arc: %v", err)
	}
	if len(a.Choices) != 300 {
		t.Errorf("24-layer arc read as %d choices, want 300", len(a.Choices))
	}
	arc6 := "0 1 0 2 0 1 3 1 1 0 4 0 0 1 0 5 1 0 0 0 1" // 6 layers: 6·7/2 = 21 integers
	if _, err := ParseArch(&paper, nil, arc6); err == nil {
		t.Error("the paper preset read a 6-layer arc as its 24-layer final network")
	}
	scaled, err := Preset("enas-macro", "scaled")
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		arc    string
		length int
	}{{arc24, 300}, {arc6, 21}} {
		a, err := ParseArch(&scaled, nil, c.arc)
		if err != nil || len(a.Choices) != c.length {
			t.Errorf("scaled preset read a %d-integer arc as %d choices (%v)", c.length, len(a.Choices), err)
		}
	}
}

// Retrain builds an arc at its own depth: the reference's 24-layer arc and a
// 12-layer arc the paper preset's search derives both fit the retraining space.
func TestMacroRetrainSpaceFitsTheArc(t *testing.T) {
	paper, err := Preset("enas-macro", "paper")
	if err != nil {
		t.Fatal(err)
	}
	for _, layers := range []int{24, paper.Child.Layers} {
		a := nas.Arch{Space: "enas-macro", Choices: make([]int, layers*(layers+1)/2)}
		sp, err := retrainSpace(&paper, nil, archLayers(&paper, a))
		if err != nil {
			t.Fatal(err)
		}
		if err := sp.Validate(a); err != nil {
			t.Errorf("a %d-layer arc does not fit its retraining space: %v", layers, err)
		}
		if got := sp.(*cells.ENASMacro).Layers; got != layers || !sp.(*cells.ENASMacro).Fixed {
			t.Errorf("a %d-layer arc is retrained with %d layers (fixed child %v)", layers, got, sp.(*cells.ENASMacro).Fixed)
		}
	}
}
