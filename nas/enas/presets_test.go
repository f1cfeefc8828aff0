package enas

import (
	"os"
	"strings"
	"testing"
)

func TestPresetsAreValid(t *testing.T) {
	for _, space := range PresetSpaces() {
		for _, name := range PresetNames(space) {
			cfg, err := Preset(space, name)
			if err != nil {
				t.Fatal(err)
			}
			if err := cfg.Validate(); err != nil {
				t.Errorf("%s/%s: %v", space, name, err)
			}
		}
	}
	if _, err := Preset("enas-micro", "huge"); err == nil || !strings.Contains(err.Error(), "paper, scaled, short, tiny") {
		t.Errorf("unknown preset: %v", err)
	}
	cfg, _ := Preset("enas-rnn", "tiny")
	cfg.Data = "cifar10"
	if err := cfg.Validate(); err == nil {
		t.Error("enas-rnn on cifar10 validated")
	}
}

// BENCHMARKS.md documents the presets with the table PresetTable prints; keep them equal.
func TestPresetTableIsDocumented(t *testing.T) {
	doc, err := os.ReadFile("../../BENCHMARKS.md")
	if err != nil {
		t.Fatal("BENCHMARKS.md not found:", err)
	}
	if !strings.Contains(string(doc), PresetTable()) {
		t.Error("BENCHMARKS.md does not contain the current PresetTable(); regenerate it with `go run ./cmd/gonas search --presets`")
	}
}
