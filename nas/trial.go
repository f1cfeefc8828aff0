package nas

import (
	"context"
	"encoding/json"
	"math"
)

// Multi-trial search (NASNet's way) trains every sampled child from scratch: one
// child is one Trial, run by an Executor — a pool of goroutines in this process
// (LocalExecutor), or workers elsewhere (package nas/natsexec runs them on NATS
// JetStream). A trial carries all a worker needs: the architecture, the training
// recipe and the seed; its result carries metrics, never model weights.

// Trial is one child to train: an architecture, a recipe and a seed.
type Trial struct {
	// ID names the trial uniquely within a search and is stable across restarts of
	// the search (e.g. "nasnet-proxy-s1/b0003/s01"): an executor answers a trial whose
	// ID it has already recorded from its record.
	ID     string          `json:"id"`
	Arch   Arch            `json:"arch"`
	Recipe json.RawMessage `json:"recipe"` // how to train it; opaque to executors, read by the TrialRunner
	Seed   uint64          `json:"seed"`
}

// TrialResult is what a trial produced.
type TrialResult struct {
	ID      string             `json:"id"`
	Metrics map[string]float64 `json:"metrics,omitempty"` // e.g. "valid_accuracy", "train_loss", "params"
	// Error is set when the trial itself failed (a NaN loss, a recipe the runner
	// rejects): the trial is done all the same and is not run again.
	Error string `json:"error,omitempty"`
	// Retry is set when the failure came from the worker's environment (see
	// Environmental), not from the trial: a record replays the trial's result only
	// when Retry is false, so a resumed search runs such a trial again.
	Retry   bool    `json:"retry,omitempty"`
	Worker  string  `json:"worker,omitempty"` // who ran it
	Seconds float64 `json:"seconds"`          // the runner's wall time
}

// Metric returns the named metric, or NaN when the trial failed or lacks it.
func (r TrialResult) Metric(name string) float64 {
	v, ok := r.Metrics[name]
	if !ok || r.Error != "" {
		return math.NaN()
	}
	return v
}

// TrialRunner trains one trial and returns its metrics. An error is the trial's
// failure, recorded in TrialResult.Error; a runner must be deterministic given the
// trial (same metrics wherever it runs), which is what makes a distributed search
// reproduce a local one.
type TrialRunner func(ctx context.Context, t Trial) (map[string]float64, error)

// Executor runs batches of trials.
type Executor interface {
	// Run runs the trials, concurrently as the executor allows, and returns their
	// results in the order of trials. A trial that fails is a result with Error set;
	// Run's own error means the executor could not run the batch (context cancelled,
	// connection lost). Trials whose IDs the executor has already recorded are not
	// run again.
	Run(ctx context.Context, trials []Trial) ([]TrialResult, error)
	// Close releases the executor's resources.
	Close() error
}
