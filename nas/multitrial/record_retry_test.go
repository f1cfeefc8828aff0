package multitrial

import (
	"context"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/gonas/gonas/nas"
	"github.com/pkg/errors"
)

// A trial that failed because of the worker's environment (its data missing) is
// kept in the log but not replayed: the resumed search runs it again, and once the
// environment is fixed it gets a real result. A trial's own failure is replayed.
func TestRecordRetriesEnvironmentalFailures(t *testing.T) {
	path := filepath.Join(t.TempDir(), "trials.jsonl")
	var dataMissing atomic.Bool
	dataMissing.Store(true)
	var calls atomic.Int32
	runner := func(_ context.Context, tr nas.Trial) (map[string]float64, error) {
		calls.Add(1)
		switch {
		case tr.ID == "own":
			return nil, errors.New("training loss is NaN")
		case dataMissing.Load():
			return nil, nas.Environmental(errors.New("data: cifar10-jpg.tar.gz: no such file"))
		}
		return map[string]float64{MetricValidAccuracy: 0.5}, nil
	}
	trials := []nas.Trial{{ID: "env", Recipe: []byte(`{}`)}, {ID: "own", Recipe: []byte(`{}`)}}
	rec, err := Record(nas.NewLocalExecutor(runner, 1), path)
	if err != nil {
		t.Fatal(err)
	}
	res, err := rec.Run(context.Background(), trials)
	if err != nil {
		t.Fatal(err)
	}
	if !res[0].Retry || res[0].Error == "" || res[1].Retry || res[1].Error == "" {
		t.Fatalf("first run: %+v", res)
	}
	rec.Close()

	dataMissing.Store(false) // the data appear
	rec, err = Record(nas.NewLocalExecutor(runner, 1), path)
	if err != nil {
		t.Fatal(err)
	}
	defer rec.Close()
	if rec.Len() != 1 {
		t.Errorf("the reopened log replays %d trials, want 1 (the trial's own failure)", rec.Len())
	}
	calls.Store(0)
	res, err = rec.Run(context.Background(), trials)
	if err != nil {
		t.Fatal(err)
	}
	if calls.Load() != 1 || res[0].Error != "" || res[0].Metrics[MetricValidAccuracy] != 0.5 || res[1].Error == "" {
		t.Fatalf("resumed run: %d runner calls, results %+v; want the environmental failure run again and the NaN replayed", calls.Load(), res)
	}
}

func TestSearchResultErrNamesTheFailedPhase(t *testing.T) {
	cfg, _ := Preset("tiny")
	ok := &SearchResult{Config: cfg, Transfer: &TransferResult{Trial: "t"}, Control: &ControlResult{N: 1}}
	if err := ok.Err(); err != nil {
		t.Errorf("a complete search: %v", err)
	}
	failed := &SearchResult{Config: cfg, Transfer: &TransferResult{Trial: "t", Error: "out of memory"}}
	if err := failed.Err(); err == nil || !strings.Contains(err.Error(), "transfer of the winner (trial t) failed: out of memory") {
		t.Errorf("a failed transfer: %v", err)
	}
	noControl := &SearchResult{Config: cfg, Transfer: &TransferResult{Trial: "t"}, Control: &ControlResult{}}
	if err := noControl.Err(); err == nil || !strings.Contains(err.Error(), "random control failed") {
		t.Errorf("a control of which every cell failed: %v", err)
	}
}
