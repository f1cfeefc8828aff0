package natsexec

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gonas/gonas/nas"
	"github.com/gonas/gonas/nas/natsexec/natstest"
)

// queueRaw publishes a trial of search without a Nats-Msg-Id, so copies are not
// deduplicated (as when a controller republishes after the duplicate window).
func queueRaw(t *testing.T, url, search string, tr nas.Trial) {
	t.Helper()
	nc, js, err := connect(url, "test")
	if err != nil {
		t.Fatal(err)
	}
	defer nc.Close()
	if err := ensureStreams(context.Background(), js); err != nil {
		t.Fatal(err)
	}
	data, _ := encodeTrial(tr)
	if _, err := js.Publish(context.Background(), trialsSubject(search), data); err != nil {
		t.Fatal(err)
	}
}

// recordedCount is how many results the results stream holds on subject.
func recordedCount(t *testing.T, url, subject string) uint64 {
	return streamInfo(t, url, ResultsStream, subject).State.Subjects[subject]
}

func TestTrialRecordedOnceWhenTwoWorkersFinishIt(t *testing.T) {
	url := startTestServer(t)
	tr := toyTrials(4)[3]
	var started sync.WaitGroup
	started.Add(2)
	barrier := func(ctx context.Context, t nas.Trial) (map[string]float64, error) {
		started.Done()
		started.Wait() // both workers hold a copy of the trial before either finishes
		return toyMetrics(t.Seed)
	}
	var logs natstest.Log
	queueRaw(t, url, "twice", tr)
	queueRaw(t, url, "twice", tr)
	startWorker(t, url, &Worker{Runner: barrier, Name: "a", AckWait: 5 * time.Second, Log: &logs})
	startWorker(t, url, &Worker{Runner: barrier, Name: "b", AckWait: 5 * time.Second, Log: &logs})
	e := newExecutor(t, url, "twice")
	r := runWithin(t, e, []nas.Trial{tr}, 20*time.Second)[0]
	want, _ := toyMetrics(tr.Seed)
	if !sameMetrics(r.Metrics, want) {
		t.Errorf("got %+v, want metrics %v", r, want)
	}
	waitForLog(t, &logs, 2, "trial=t03", "status=done") // both workers finished it
	if n := recordedCount(t, url, resultSubject("twice", tr.ID)); n != 1 {
		t.Errorf("the trial is recorded %d times, want once", n)
	}
	again := newExecutor(t, url, "twice") // the record holds the first result
	if got, _ := again.Result(tr.ID); got.Worker != r.Worker {
		t.Errorf("recorded worker %q, first reported %q", got.Worker, r.Worker)
	}

	// Every copy queued so far (the executor's own included, which a worker may
	// take after the result is recorded, and skip) leaves the queue first.
	deadline := time.Now().Add(10 * time.Second)
	for streamInfo(t, url, TrialsStream, "").State.Msgs != 0 && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	skips := logs.Count("status=skip") // a worker logs a skip before it acknowledges the copy

	queueRaw(t, url, "twice", tr) // a late copy is acknowledged without running
	waitForLog(t, &logs, skips+1, "trial=t03", "status=skip reason=recorded")
	if logs.Count("status=skip") != skips+1 || logs.Count("status=start") != 2 {
		t.Errorf("a late copy of a recorded trial: want one skip and no new start:\n%s", logs.String())
	}
}

func TestDeadWorkersTrialGoesToAnotherAfterAckWait(t *testing.T) {
	url := startTestServer(t)
	var logs natstest.Log
	started, release := make(chan struct{}), make(chan struct{})
	hung := func(ctx context.Context, t nas.Trial) (map[string]float64, error) {
		close(started)
		<-release // dead: no heartbeats once its context is cancelled, no ack, no nak
		return nil, ctx.Err()
	}
	e := newExecutor(t, url, "dead")
	trials := toyTrials(2)[1:]
	done := make(chan []nas.TrialResult, 1)
	go func() { done <- runWithin(t, e, trials, 30*time.Second) }()
	kill := startWorker(t, url, &Worker{Runner: hung, Name: "dead", AckWait: time.Second, Log: &logs})
	t.Cleanup(func() { close(release) })
	<-started
	kill()
	killed := time.Now()
	startWorker(t, url, &Worker{Runner: (&toyRunner{}).run, Name: "alive", AckWait: time.Second, Log: &logs})
	r := (<-done)[0]
	if r.Worker != "alive" || r.Error != "" {
		t.Errorf("got %+v, want the trial run by the other worker", r)
	}
	if waited := time.Since(killed); waited < 500*time.Millisecond {
		t.Errorf("redelivered after %v, before AckWait (1 s)", waited)
	}
	if logs.Count("trial=t01", "worker=alive", "status=start delivery=2") != 1 {
		t.Errorf("want the second delivery started by the live worker:\n%s", logs.String())
	}
}

func TestHeartbeatsKeepASlowTrial(t *testing.T) {
	url := startTestServer(t)
	var logs natstest.Log
	// 2.5 × AckWait; an AckWait of 2 s leaves heartbeats (every 0.67 s) room for
	// the stalls of a loaded machine (a 1 s AckWait failed at load average 5-8).
	slow := &toyRunner{delay: 5 * time.Second}
	for _, name := range []string{"w1", "w2"} {
		startWorker(t, url, &Worker{Runner: slow.run, Name: name, AckWait: 2 * time.Second, Log: &logs})
	}
	e := newExecutor(t, url, "slow")
	r := runWithin(t, e, toyTrials(1), 30*time.Second)[0]
	if r.Error != "" || r.Seconds < 5 {
		t.Errorf("got %+v", r)
	}
	if n := slow.total(); n != 1 || logs.Count("status=start") != 1 {
		t.Errorf("the slow trial ran %d times, want once:\n%s", n, logs.String())
	}
}

func TestAbandonedTrialsAreNotRunForever(t *testing.T) {
	url := startTestServer(t)
	var logs natstest.Log
	started := make(chan struct{})
	quitter := func(ctx context.Context, t nas.Trial) (map[string]float64, error) {
		close(started)
		<-ctx.Done()
		return nil, ctx.Err()
	}
	e := newExecutor(t, url, "abandoned")
	done := make(chan []nas.TrialResult, 1)
	go func() { done <- runWithin(t, e, toyTrials(1), 20*time.Second) }()
	stop := startWorker(t, url, &Worker{Runner: quitter, Name: "quitter", AckWait: 5 * time.Second, MaxDeliver: 2, Log: &logs})
	<-started
	stop() // a clean stop hands the trial back at once (no AckWait)
	runner := &toyRunner{}
	startWorker(t, url, &Worker{Runner: runner.run, Name: "last", AckWait: 5 * time.Second, MaxDeliver: 2, Log: &logs})
	r := (<-done)[0]
	if !strings.Contains(r.Error, "delivered 2 times") || runner.total() != 0 || r.Worker != "last" {
		t.Errorf("the 2nd delivery with MaxDeliver 2: got %+v after %d runs, want a failure recorded without running", r, runner.total())
	}
	if logs.Count("worker=quitter", "status=abandoned") != 1 {
		t.Errorf("want the stopped worker to log the abandoned trial:\n%s", logs.String())
	}
}

func TestWorkerLogLines(t *testing.T) {
	got := resultLine(nas.TrialResult{ID: "x_1", Worker: "w", Seconds: 12.34, Metrics: map[string]float64{"valid_accuracy": 0.9123, "params": 1234}})
	if want := "trial=x_1 worker=w status=done params=1234 valid_accuracy=0.9123 seconds=12.3"; got != want {
		t.Errorf("got %q\nwant %q", got, want)
	}
	got = resultLine(nas.TrialResult{ID: "x_2", Worker: "w", Seconds: 1, Error: "loss is NaN"})
	if want := `trial=x_2 worker=w status=failed seconds=1.0 error="loss is NaN"`; got != want {
		t.Errorf("got %q\nwant %q", got, want)
	}
}

func TestWorkerRecreatesADeletedConsumer(t *testing.T) {
	url := startTestServer(t)
	var logs natstest.Log
	startWorker(t, url, &Worker{Runner: (&toyRunner{}).run, Name: "w", AckWait: 5 * time.Second, Log: &logs})
	e := newExecutor(t, url, "deleted")
	runWithin(t, e, toyTrials(1), 20*time.Second)
	waitForLog(t, &logs, 1, "trial=t00", "status=done") // recorded and acknowledged
	if err := e.js.DeleteConsumer(context.Background(), TrialsStream, WorkerConsumer); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	rs, err := e.Run(ctx, toyTrials(3))
	if err != nil {
		t.Fatalf("%v; worker log:\n%s", err, logs.String())
	}
	waitForLog(t, &logs, 3, "status=done")
	if rs[2].Worker != "w" || logs.Count("status=start") != 3 {
		t.Errorf("after the consumer was deleted: %+v\n%s", rs, logs.String())
	}
}

// waitForLog waits up to 10 s for n lines of logs holding every one of parts.
func waitForLog(t *testing.T, logs *natstest.Log, n int, parts ...string) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for logs.Count(parts...) < n {
		if time.Now().After(deadline) {
			t.Fatalf("want %d lines with %q in the log:\n%s", n, parts, logs.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
}
