package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestENASResumeOfAFinishedSearchDoesNothing: --resume of a directory whose
// result.json is retrained beside its control prints the verdict and returns, an
// old result.json (architectures as JSON strings) included.
func TestENASResumeOfAFinishedSearchDoesNothing(t *testing.T) {
	dir := t.TempDir()
	old := `{"config":{"space":"enas-micro","data":"mnist","retrain":{"epochs":1,"control_archs":2}},
 "derived":{"reward":0.5,"candidates":[]}, "best":{"json":"{\"space\":\"enas-micro\",\"choices\":[1,2]}"},
 "retrained":{"arch":"{\"space\":\"enas-micro\",\"choices\":[1,2]}","test_accuracy":0.7465},
 "control":{"archs":[{"arch":"","test_accuracy":0.87},{"arch":"","test_accuracy":0.91},{"arch":"","test_accuracy":0.933}]}}`
	if err := os.WriteFile(filepath.Join(dir, "result.json"), []byte(old), 0o644); err != nil {
		t.Fatal(err)
	}
	out := captureStdout(t, func() {
		if err := runSearch([]string{"--resume", dir}); err != nil {
			t.Errorf("--resume of a finished search: %v", err)
		}
	})
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if !strings.Contains(out, "holds a finished search; nothing to do") ||
		!strings.HasPrefix(lines[len(lines)-1], "verdict: derived cell 74.65% test accuracy vs random control 90.43 ± 3.19% (K=3): 15.8 points below") {
		t.Errorf("output %q", out)
	}
	if _, err := os.Stat(filepath.Join(dir, "checkpoints")); err == nil {
		t.Error("the finished search was started again")
	}
}
