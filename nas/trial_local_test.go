package nas

import (
	"context"
	"errors"
	"fmt"
	"sync/atomic"
	"testing"
)

func TestLocalExecutorRunsInOrderOnceAndRecordsFailures(t *testing.T) {
	var calls atomic.Int32
	runner := func(_ context.Context, tr Trial) (map[string]float64, error) {
		calls.Add(1)
		if tr.Seed == 3 {
			return nil, errors.New("loss is NaN")
		}
		return map[string]float64{"valid_accuracy": float64(tr.Seed) / 10}, nil
	}
	e := NewLocalExecutor(runner, 3)
	var trials []Trial
	for i := range 7 {
		trials = append(trials, Trial{ID: fmt.Sprintf("t%d", i), Seed: uint64(i)})
	}
	rs, err := e.Run(context.Background(), trials)
	if err != nil {
		t.Fatal(err)
	}
	for i, r := range rs {
		if r.ID != trials[i].ID {
			t.Fatalf("result %d is %q, want %q", i, r.ID, trials[i].ID)
		}
		if i == 3 {
			if r.Error == "" || !isNaN(r.Metric("valid_accuracy")) {
				t.Errorf("failed trial: got %+v", r)
			}
			continue
		}
		if got, want := r.Metric("valid_accuracy"), float64(i)/10; got != want {
			t.Errorf("trial %d: valid_accuracy %v, want %v", i, got, want)
		}
	}
	if _, err := e.Run(context.Background(), trials[2:5]); err != nil {
		t.Fatal(err)
	}
	if n := calls.Load(); n != 7 {
		t.Errorf("runner called %d times, want 7 (repeated IDs come from the record)", n)
	}
}

func TestLocalExecutorStopsOnCancel(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	runner := func(ctx context.Context, tr Trial) (map[string]float64, error) {
		cancel()
		return nil, ctx.Err()
	}
	_, err := NewLocalExecutor(runner, 1).Run(ctx, []Trial{{ID: "a"}, {ID: "b"}})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("got %v, want context.Canceled", err)
	}
}

func isNaN(x float64) bool { return x != x }
