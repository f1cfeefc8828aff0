package natsexec

import (
	"context"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gonas/gonas/nas"
	"github.com/gonas/gonas/nas/natsexec/natstest"
	"github.com/pkg/errors"
)

// A trial the runner refuses (too big, an invalid recipe) is recorded with its
// reason and terminated on its first failure: no other worker gets it.
func TestRefusedTrialIsTerminatedOnItsFirstFailure(t *testing.T) {
	url := startTestServer(t)
	var calls atomic.Int32
	refuse := func(context.Context, nas.Trial) (map[string]float64, error) {
		calls.Add(1)
		return nil, nas.Refused(errors.New("its child needs about 2.0 TiB to train"))
	}
	var logs natstest.Log
	for _, name := range []string{"w1", "w2"} {
		startWorker(t, url, &Worker{Runner: refuse, Name: name, AckWait: time.Second, Log: &logs})
	}
	e := newExecutor(t, url, "refused")
	r := runWithin(t, e, toyTrials(1), 20*time.Second)[0]
	if !strings.Contains(r.Error, "2.0 TiB") || r.Retry {
		t.Errorf("result %+v: want the refusal's reason, not to be retried", r)
	}
	if n := calls.Load(); n != 1 {
		t.Errorf("the refused trial ran %d times, want once", n)
	}
	// The worker records the refusal first and terminates the message after (so a
	// crash in between loses nothing): the queue empties just after the result.
	deadline := time.Now().Add(5 * time.Second)
	n := streamInfo(t, url, TrialsStream, "").State.Msgs
	for n != 0 && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
		n = streamInfo(t, url, TrialsStream, "").State.Msgs
	}
	if n != 0 {
		t.Errorf("%d trials left in the queue 5 s after the refusal, want none", n)
	}
}

// A trial the worker's environment fails (its data missing) is not recorded but
// handed back; once the cause is fixed it runs and its real result is recorded.
func TestEnvironmentFailureIsRetriedNotRecorded(t *testing.T) {
	url := startTestServer(t)
	var calls atomic.Int32
	flaky := func(_ context.Context, tr nas.Trial) (map[string]float64, error) {
		if calls.Add(1) <= 2 {
			return nil, nas.Environmental(errors.New("data: cifar10-jpg.tar.gz: no such file"))
		}
		return toyMetrics(tr.Seed)
	}
	var logs natstest.Log
	startWorker(t, url, &Worker{Runner: flaky, Name: "w", AckWait: 5 * time.Second, RetryDelay: 10 * time.Millisecond, Log: &logs})
	e := newExecutor(t, url, "flaky")
	r := runWithin(t, e, toyTrials(3)[2:], 20*time.Second)[0]
	want, _ := toyMetrics(2)
	if r.Error != "" || !sameMetrics(r.Metrics, want) || calls.Load() != 3 {
		t.Errorf("result %+v after %d runs: want the metrics of the third run", r, calls.Load())
	}
	if logs.Count("status=retry") != 2 {
		t.Errorf("want two retry lines:\n%s", logs.String())
	}
}

// An environment failure recorded by an earlier run of the search (every delivery
// failed) is not an answer for the next executor: it queues the trial again.
func TestRecordedEnvironmentFailureRunsAgainAfterARestart(t *testing.T) {
	url := startTestServer(t)
	var broken atomic.Bool
	broken.Store(true)
	runner := func(_ context.Context, tr nas.Trial) (map[string]float64, error) {
		if broken.Load() {
			return nil, nas.Environmental(errors.New("data missing"))
		}
		return toyMetrics(tr.Seed)
	}
	var logs natstest.Log
	startWorker(t, url, &Worker{Runner: runner, Name: "w", AckWait: 5 * time.Second, MaxDeliver: 2, RetryDelay: 10 * time.Millisecond, Log: &logs})
	trials := toyTrials(2)
	e := newExecutor(t, url, "restart-env")
	first := runWithin(t, e, trials, 20*time.Second)
	for _, r := range first {
		if !r.Retry || !strings.Contains(r.Error, "not run") {
			t.Fatalf("first run: %+v, want environment failures marked Retry", r)
		}
	}
	e.Close()
	broken.Store(false) // the data are restored
	e2 := newExecutor(t, url, "restart-env")
	if e2.Recorded() != 0 {
		t.Errorf("the new executor answers %d trials from stale environment failures", e2.Recorded())
	}
	second := runWithin(t, e2, trials, 20*time.Second)
	for i, r := range second {
		want, _ := toyMetrics(uint64(i))
		if r.Error != "" || r.Retry || !sameMetrics(r.Metrics, want) {
			t.Errorf("after the restart trial %d: %+v, want its metrics", i, r)
		}
		if n := recordedCount(t, url, resultSubject("restart-env", r.ID)); n != 1 {
			t.Errorf("trial %s has %d recorded results, want 1", r.ID, n)
		}
	}
}

// A search whose trials nobody takes says so.
func TestExecutorSaysWhenNoWorkerTakesTrials(t *testing.T) {
	url := startTestServer(t)
	e := newExecutor(t, url, "lonely")
	var logs natstest.Log
	e.Log, e.WaitNotice = &logs, 50*time.Millisecond
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		_, err := e.Run(ctx, toyTrials(1))
		done <- err
	}()
	waitForLog(t, &logs, 1, "waiting for workers", "no worker")
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Errorf("Run after cancel: %v", err)
	}
}
