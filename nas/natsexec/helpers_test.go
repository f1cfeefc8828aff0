package natsexec

import (
	"context"
	"fmt"
	"math"
	"sync"
	"testing"
	"time"

	"github.com/gonas/gonas/nas"
	"github.com/nats-io/nats.go/jetstream"
)

// startTestServer starts an embedded server for one test and returns its URL.
func startTestServer(t *testing.T) string {
	t.Helper()
	s, url, err := StartServer(t.TempDir(), 0)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Shutdown(); s.WaitForShutdown() })
	return url
}

// toyMetrics is what toyRunner returns for seed: NaN for seed 7 (a metric that
// must survive JSON), an error for seed 13.
func toyMetrics(seed uint64) (map[string]float64, error) {
	switch seed {
	case 7:
		return map[string]float64{"valid_accuracy": math.NaN(), "params": 70}, nil
	case 13:
		return nil, fmt.Errorf("loss is NaN at step %d", seed)
	}
	return map[string]float64{"valid_accuracy": float64(seed) / 100, "params": float64(seed * 10)}, nil
}

// toyRunner is a deterministic nas.TrialRunner that counts its calls.
type toyRunner struct {
	mu    sync.Mutex
	calls map[string]int
	delay time.Duration
}

func (r *toyRunner) run(ctx context.Context, t nas.Trial) (map[string]float64, error) {
	r.mu.Lock()
	if r.calls == nil {
		r.calls = map[string]int{}
	}
	r.calls[t.ID]++
	r.mu.Unlock()
	select {
	case <-time.After(r.delay):
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	return toyMetrics(t.Seed)
}

func (r *toyRunner) total() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	n := 0
	for _, c := range r.calls {
		n += c
	}
	return n
}

// startWorker runs w until the test ends (or until the returned cancel).
func startWorker(t *testing.T, url string, w *Worker) context.CancelFunc {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- w.Run(ctx, url) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("worker %s: %v", w.Name, err)
		}
	})
	return cancel
}

// newExecutor opens an executor for search, closed when the test ends.
func newExecutor(t *testing.T, url, search string) *Executor {
	t.Helper()
	e, err := New(context.Background(), url, search)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { e.Close() })
	return e
}

// toyTrials are n trials with seeds 0..n-1.
func toyTrials(n int) []nas.Trial {
	trials := make([]nas.Trial, n)
	for i := range trials {
		trials[i] = nas.Trial{ID: fmt.Sprintf("t%02d", i), Seed: uint64(i),
			Arch: nas.Arch{Space: "toy", Choices: []int{i, 1}}, Recipe: []byte(`{"epochs":1}`)}
	}
	return trials
}

// runWithin runs trials on e, failing the test after timeout.
func runWithin(t *testing.T, e *Executor, trials []nas.Trial, timeout time.Duration) []nas.TrialResult {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	rs, err := e.Run(ctx, trials)
	if err != nil {
		t.Fatal(err)
	}
	return rs
}

// streamInfo reads the state of a stream, with the message count of each subject
// that matches filter (none when filter is "").
func streamInfo(t *testing.T, url, stream, filter string) *jetstream.StreamInfo {
	t.Helper()
	nc, js, err := connect(url, "test")
	if err != nil {
		t.Fatal(err)
	}
	defer nc.Close()
	s, err := js.Stream(context.Background(), stream)
	if err != nil {
		t.Fatal(err)
	}
	var opts []jetstream.StreamInfoOpt
	if filter != "" {
		opts = append(opts, jetstream.WithSubjectFilter(filter))
	}
	info, err := s.Info(context.Background(), opts...)
	if err != nil {
		t.Fatal(err)
	}
	return info
}
