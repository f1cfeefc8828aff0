package natsexec

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/gonas/gonas/nas"
	"github.com/nats-io/nats-server/v2/server"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
)

func TestRunReturnsResultsInOrder(t *testing.T) {
	url := startTestServer(t)
	runner := &toyRunner{delay: 20 * time.Millisecond}
	for _, name := range []string{"w1", "w2"} {
		startWorker(t, url, &Worker{Runner: runner.run, Name: name, AckWait: 5 * time.Second})
	}
	e := newExecutor(t, url, "order")
	trials := toyTrials(15)
	rs := runWithin(t, e, trials, 30*time.Second)
	for i, r := range rs {
		if r.ID != trials[i].ID {
			t.Fatalf("result %d is %q, want %q", i, r.ID, trials[i].ID)
		}
		want, wantErr := toyMetrics(trials[i].Seed)
		if wantErr != nil {
			if r.Error != wantErr.Error() || r.Metrics != nil {
				t.Errorf("trial %s: got %+v, want error %q", r.ID, r, wantErr)
			}
			continue
		}
		if r.Error != "" || !sameMetrics(r.Metrics, want) {
			t.Errorf("trial %s: got %+v, want metrics %v", r.ID, r, want)
		}
		if r.Worker != "w1" && r.Worker != "w2" {
			t.Errorf("trial %s: worker %q", r.ID, r.Worker)
		}
	}
	if n := runner.total(); n != len(trials) {
		t.Errorf("runner called %d times for %d trials (a failure must not be retried)", n, len(trials))
	}
	if e.Published() != len(trials) || e.Recorded() != len(trials) {
		t.Errorf("published %d, recorded %d; want %d each", e.Published(), e.Recorded(), len(trials))
	}
}

func TestRunRejectsBadTrialIDsAndStopsOnCancel(t *testing.T) {
	url := startTestServer(t)
	e := newExecutor(t, url, "cancel")
	if _, err := e.Run(context.Background(), []nas.Trial{{ID: "ok"}, {ID: "b.ad"}}); err == nil || !strings.Contains(err.Error(), `"b.ad"`) {
		t.Errorf("trial ID with a '.': got %v", err)
	}
	if e.Published() != 0 {
		t.Errorf("published %d trials of a batch with a bad ID", e.Published())
	}
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	_, err := e.Run(ctx, toyTrials(2)) // no worker: only the context ends the wait
	if err == nil || ctx.Err() == nil || !strings.Contains(err.Error(), "deadline") {
		t.Errorf("Run without workers: got %v, want the context's deadline", err)
	}
}

func TestExecutorRestartAnswersFromRecord(t *testing.T) {
	url := startTestServer(t)
	runner := &toyRunner{}
	startWorker(t, url, &Worker{Runner: runner.run, Name: "w", AckWait: 5 * time.Second})
	trials := toyTrials(6)
	first := newExecutor(t, url, "restart")
	want := runWithin(t, first, trials[:4], 20*time.Second)
	first.Close()
	other := runWithin(t, newExecutor(t, url, "other-search"), trials[:2], 20*time.Second) // same IDs, another search
	if other[0].ID != "t00" || runner.total() != 6 {
		t.Fatalf("another search with the same trial IDs: got %+v after %d runs, want its own runs", other, runner.total())
	}
	lastSeq := func() uint64 { return streamInfo(t, url, TrialsStream, "").State.LastSeq }
	seq := lastSeq()

	again := newExecutor(t, url, "restart")
	if again.Recorded() != 4 {
		t.Errorf("restarted executor read %d recorded results, want 4", again.Recorded())
	}
	got := runWithin(t, again, trials[:4], 20*time.Second)
	if again.Published() != 0 || lastSeq() != seq || runner.total() != 6 {
		t.Errorf("recorded trials were queued again: published %d, trials stream seq %d→%d, runs %d", again.Published(), seq, lastSeq(), runner.total())
	}
	for i := range got {
		if got[i].ID != want[i].ID || got[i].Worker != want[i].Worker || !sameMetrics(got[i].Metrics, want[i].Metrics) || got[i].Error != want[i].Error {
			t.Errorf("trial %d from the record: %+v, want %+v", i, got[i], want[i])
		}
	}
	more := runWithin(t, again, trials, 20*time.Second) // the missing two are run
	if again.Published() != 2 || runner.total() != 8 || more[5].ID != "t05" {
		t.Errorf("published %d, runs %d, last %+v; want 2 new trials run", again.Published(), runner.total(), more[5])
	}
}

func TestBadURLsAndServersGiveClearErrors(t *testing.T) {
	ctx := context.Background()
	if _, err := New(ctx, "nats://127.0.0.1:1", "s"); err == nil || !strings.Contains(err.Error(), `connect to NATS at "nats://127.0.0.1:1"`) {
		t.Errorf("unreachable server: got %v", err)
	}
	if _, err := New(ctx, "", "s"); err == nil || !strings.Contains(err.Error(), "no NATS URL") {
		t.Errorf("empty URL: got %v", err)
	}
	url := startTestServer(t)
	if _, err := New(ctx, url, "a.b"); err == nil || !strings.Contains(err.Error(), `search name "a.b"`) {
		t.Errorf("search name with '.': got %v", err)
	}
	w := &Worker{Runner: (&toyRunner{}).run}
	if err := w.Run(ctx, "nats://127.0.0.1:1"); err == nil || !strings.Contains(err.Error(), "connect to NATS") {
		t.Errorf("worker on an unreachable server: got %v", err)
	}

	plain, err := server.NewServer(&server.Options{Host: "127.0.0.1", Port: server.RANDOM_PORT, NoLog: true, NoSigs: true})
	if err != nil {
		t.Fatal(err)
	}
	go plain.Start()
	defer plain.Shutdown()
	if !plain.ReadyForConnections(5 * time.Second) {
		t.Fatal("plain server not ready")
	}
	if _, err := New(ctx, plain.ClientURL(), "s"); err == nil || !strings.Contains(err.Error(), "JetStream is not enabled") {
		t.Errorf("server without JetStream: got %v", err)
	}

	nc, err := nats.Connect(url) // a stream named like ours but made by someone else
	if err != nil {
		t.Fatal(err)
	}
	defer nc.Close()
	js, _ := jetstream.New(nc)
	if _, err := js.CreateStream(ctx, jetstream.StreamConfig{Name: ResultsStream, Subjects: []string{"elsewhere.>"}}); err != nil {
		t.Fatal(err)
	}
	if _, err := New(ctx, url, "s"); err == nil || !strings.Contains(err.Error(), "exists with other settings") {
		t.Errorf("foreign stream %s: got %v", ResultsStream, err)
	}
}
