package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestArchArgReadsSmallFilesOnly(t *testing.T) {
	dir := t.TempDir()
	small, big := filepath.Join(dir, "small.json"), filepath.Join(dir, "big.json")
	if err := os.WriteFile(small, []byte(`{"space":"nb201","choices":[0,0,0,0,0,0]}`), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(big, []byte(strings.Repeat(" ", 10<<20)), 0o644); err != nil {
		t.Fatal(err)
	}
	if got, err := archArg("nasnet-a"); got != "nasnet-a" || err != nil {
		t.Errorf("archArg(nasnet-a) = %q, %v", got, err)
	}
	if got, err := archArg("@" + small); err != nil || !strings.Contains(got, `"nb201"`) {
		t.Errorf("archArg(@small) = %q, %v", got, err)
	}
	if _, err := archArg("@" + big); err == nil || !strings.Contains(err.Error(), "too large for an architecture") {
		t.Errorf("archArg(@10 MB file): %v", err)
	}
	if _, err := archArg("@" + filepath.Join(dir, "missing")); err == nil {
		t.Error("archArg of a missing file succeeded")
	}
}
