package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestDrawCreatesTheDirectoryOfItsOutput(t *testing.T) {
	out := filepath.Join(t.TempDir(), "runs", "cells", "normal.svg")
	captureStderr(t, func() {
		if err := runDraw([]string{"--space", "nasnet", "--arch", "nasnet-a", "--cell", "normal", "-o", out}); err != nil {
			t.Error(err)
		}
	})
	if blob, err := os.ReadFile(out); err != nil || !strings.Contains(string(blob), "<svg") {
		t.Errorf("draw -o %s: %v", out, err)
	}
}
