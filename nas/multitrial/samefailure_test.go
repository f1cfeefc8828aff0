package multitrial

import (
	"bytes"
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/gonas/gonas/nas"
)

// TestSearchStopsWhenABatchFailsAlike: a data set that cannot be read fails every
// child the same way; the search stops after the first batch with that message
// (not after its whole budget with "see the warnings"), and the failed trials
// stay in the record.
func TestSearchStopsWhenABatchFailsAlike(t *testing.T) {
	var calls atomic.Int32
	runner := func(_ context.Context, tr nas.Trial) (map[string]float64, error) {
		calls.Add(1)
		return nil, fmt.Errorf("loading cifar10 for %s: data: no such file /nowhere/cifar10", tr.ID)
	}
	cfg := fastTiny()
	dir := t.TempDir()
	rec, err := Record(nas.NewLocalExecutor(runner, 2), filepath.Join(dir, "trials.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	defer rec.Close()
	_, err = Search(context.Background(), &cfg, rec, &bytes.Buffer{})
	if err == nil || !strings.Contains(err.Error(), "no such file /nowhere/cifar10") || !strings.Contains(err.Error(), "batch 1") {
		t.Fatalf("want the children's common error naming batch 1, got %v", err)
	}
	if got := int(calls.Load()); got != cfg.Batch {
		t.Errorf("%d trials ran, want only the first batch's %d", got, cfg.Batch)
	}
	if n := rec.Len(); n != cfg.Batch {
		t.Errorf("%d trials recorded, want %d", n, cfg.Batch)
	}
}

// TestSameFailureNeedsEveryChildAlike: one child that trains, or children
// failing for different reasons, keep the search going.
func TestSameFailureNeedsEveryChildAlike(t *testing.T) {
	fail := func(id, msg string) nas.TrialResult { return nas.TrialResult{ID: id, Error: msg + " in " + id} }
	cases := []struct {
		name    string
		results []nas.TrialResult
		stop    bool
	}{
		{"all alike", []nas.TrialResult{fail("x_b0000_s00", "no data"), fail("x_b0000_s01", "no data")}, true},
		{"one trained", []nas.TrialResult{fail("x_b0000_s00", "no data"), {ID: "x_b0000_s01", Metrics: map[string]float64{MetricValidAccuracy: 0.5}}}, false},
		{"different errors", []nas.TrialResult{fail("x_b0000_s00", "no data"), fail("x_b0000_s01", "loss is NaN")}, false},
		{"empty", nil, false},
	}
	for _, c := range cases {
		err := sameFailure(c.results)
		if (err != nil) != c.stop {
			t.Errorf("%s: stop=%v, got %v", c.name, c.stop, err)
		}
	}
}
