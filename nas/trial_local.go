package nas

import (
	"context"
	"os"
	"sync"
	"time"

	"github.com/pkg/errors"
)

// LocalExecutor runs trials on a pool of goroutines in this process, remembering
// every result by trial ID (a repeated ID is answered from memory).
type LocalExecutor struct {
	runner   TrialRunner
	parallel int
	worker   string

	mu   sync.Mutex
	done map[string]TrialResult
}

// NewLocalExecutor returns an executor running up to parallel trials at once with
// runner (parallel < 1 means 1).
func NewLocalExecutor(runner TrialRunner, parallel int) *LocalExecutor {
	host, _ := os.Hostname()
	return &LocalExecutor{runner: runner, parallel: max(parallel, 1), worker: "local@" + host, done: map[string]TrialResult{}}
}

// Run implements Executor.
func (e *LocalExecutor) Run(ctx context.Context, trials []Trial) ([]TrialResult, error) {
	results := make([]TrialResult, len(trials))
	todo := make(chan int)
	var wg sync.WaitGroup
	for range min(e.parallel, len(trials)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range todo {
				results[i] = e.runOne(ctx, trials[i])
			}
		}()
	}
	var err error
feed:
	for i, t := range trials {
		if t.ID == "" {
			err = errors.Errorf("LocalExecutor: trial %d has no ID", i)
			break
		}
		select {
		case todo <- i:
		case <-ctx.Done():
			err = ctx.Err()
			break feed
		}
	}
	close(todo)
	wg.Wait()
	if err == nil {
		err = ctx.Err()
	}
	if err != nil {
		return nil, errors.WithMessage(err, "LocalExecutor.Run")
	}
	return results, nil
}

// runOne answers t from memory or runs it.
func (e *LocalExecutor) runOne(ctx context.Context, t Trial) TrialResult {
	e.mu.Lock()
	r, ok := e.done[t.ID]
	e.mu.Unlock()
	if ok {
		return r
	}
	start := time.Now()
	metrics, err := e.runner(ctx, t)
	r = TrialResult{ID: t.ID, Metrics: metrics, Worker: e.worker, Seconds: time.Since(start).Seconds()}
	if err != nil {
		if ctx.Err() != nil {
			return r // cancelled: not recorded, Run reports the cancellation
		}
		r.Error, r.Retry = err.Error(), IsEnvironmental(err)
	}
	e.mu.Lock()
	e.done[t.ID] = r
	e.mu.Unlock()
	return r
}

// Close implements Executor.
func (e *LocalExecutor) Close() error { return nil }
