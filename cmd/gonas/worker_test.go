package main

import (
	"context"
	"math"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/gonas/gonas/nas"
	"github.com/gonas/gonas/nas/backends"
	"github.com/gonas/gonas/nas/multitrial"
	"github.com/gonas/gonas/nas/natsexec"
	"github.com/gonas/gonas/nas/natsexec/natstest"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"github.com/pkg/errors"
)

func TestWorkerNeedsAServer(t *testing.T) {
	for _, c := range []struct {
		args []string
		want string
	}{
		{nil, "--nats URL is required"},
		{[]string{"--nats", "nats://127.0.0.1:1"}, `connect to NATS at "nats://127.0.0.1:1"`},
		{[]string{"--nats", "nats://127.0.0.1:1", "--ack-wait", "0s"}, "--ack-wait 0s"},
		{[]string{"--nats", "x", "extra"}, "unexpected arguments"},
		{[]string{"--nats", "nats://127.0.0.1:1", "--max-memory", "lots"}, `--max-memory: memory size "lots"`},
		{[]string{"--nats", "nats://127.0.0.1:1", "--data-root", "/no/such/dir"}, "--data-root /no/such/dir: not a directory"},
	} {
		if err := runWorker(c.args); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("gonas worker %q: got %v, want %q", c.args, err, c.want)
		}
	}
}

// TestWorkersRunASearchDespiteAKill runs the tiny multi-trial search on three
// `gonas worker` processes through an embedded NATS server, SIGKILLs one worker in
// the middle of a trial, and checks that the search is the local one, bit for bit.
func TestWorkersRunASearchDespiteAKill(t *testing.T) {
	if testing.Short() {
		t.Skip("builds gonas and runs a search on three worker processes (about 2 minutes)")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 6*time.Minute)
	defer cancel()
	dir := t.TempDir()
	bin, err := natstest.BuildGonas(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	srv, url, err := natsexec.StartServer(filepath.Join(dir, "nats"), 0)
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Shutdown()
	var workers []*natstest.Worker
	for _, name := range []string{"w1", "w2", "w3"} {
		w, err := natstest.StartWorker(bin, url, name, 3*time.Second)
		if err != nil {
			t.Fatal(err)
		}
		defer w.Kill()
		workers = append(workers, w)
	}
	cfg, err := multitrial.Preset("tiny")
	if err != nil {
		t.Fatal(err)
	}
	search := cfg.SearchID()
	exec, err := natsexec.New(ctx, url, search)
	if err != nil {
		t.Fatal(err)
	}
	killed := make(chan killedTrial, 1)
	go func() { killed <- killOneMidTrial(ctx, workers) }()
	start := time.Now()
	got, err := multitrial.Search(ctx, &cfg, exec, nil)
	exec.Close()
	if err != nil {
		t.Fatal(err)
	}
	k := <-killed
	t.Logf("distributed search: %d trials in %v; killed %s running %s", len(got.Trials), time.Since(start).Round(time.Second), k.worker, k.trial)
	if k.err != nil {
		t.Fatal(k.err)
	}

	ids := make([]string, len(got.Trials))
	for i, r := range got.Trials {
		ids[i] = r.ID
		if r.Error != "" || r.Worker == "" {
			t.Errorf("trial %s: %+v", r.ID, r)
		}
		if r.ID == k.trial && (r.Worker == k.worker || !slices.Contains([]string{"w1", "w2", "w3"}, r.Worker)) {
			t.Errorf("the killed trial %s was recorded by %q, want another worker than %s", r.ID, r.Worker, k.worker)
		}
	}
	if !slices.Contains(ids, k.trial) {
		t.Errorf("the killed trial %s is not among the search's trials %v", k.trial, ids)
	}
	checkRecordedOnce(t, url, search, allTrialIDs(got))

	backend, err := backends.New()
	if err != nil {
		t.Fatal(err)
	}
	localCfg, _ := multitrial.Preset("tiny")
	start = time.Now()
	want, err := multitrial.Search(ctx, &localCfg, nas.NewLocalExecutor(multitrial.NewRunner(backend), 2), nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("local search: %v", time.Since(start).Round(time.Second))
	sameSearch(t, "distributed", got, want)

	// A restarted controller answers every trial from the record.
	startsBefore := countStarts(workers)
	again, err := natsexec.New(ctx, url, search)
	if err != nil {
		t.Fatal(err)
	}
	defer again.Close()
	if all := allTrialIDs(got); again.Recorded() != len(all) {
		t.Errorf("restarted executor read %d recorded results, want %d", again.Recorded(), len(all))
	}
	replayCfg, _ := multitrial.Preset("tiny")
	replay, err := multitrial.Search(ctx, &replayCfg, again, nil)
	if err != nil {
		t.Fatal(err)
	}
	sameSearch(t, "replayed", replay, want)
	time.Sleep(500 * time.Millisecond) // a trial wrongly queued would be started by now
	if again.Published() != 0 || countStarts(workers) != startsBefore {
		t.Errorf("the replay queued %d trials and the workers started %d more", again.Published(), countStarts(workers)-startsBefore)
	}
	for _, w := range workers {
		if w.Name == k.worker {
			continue
		}
		if err := w.Stop(30 * time.Second); err != nil {
			t.Errorf("SIGTERM: %v", err)
		}
	}
}

// killedTrial is the worker killed mid-trial and the trial it was running.
type killedTrial struct {
	worker, trial string
	err           error
}

// killOneMidTrial SIGKILLs the first worker seen running a trial that is still
// running 300 ms after it was seen to start (so not one refused at once).
func killOneMidTrial(ctx context.Context, workers []*natstest.Worker) killedTrial {
	for ctx.Err() == nil {
		for _, w := range workers {
			started := w.Started()
			if len(started) == 0 {
				continue
			}
			id := started[len(started)-1]
			if w.Finished(id) {
				continue
			}
			time.Sleep(300 * time.Millisecond) // into the training
			if w.Finished(id) {
				continue // a trial refused or done within the wait (a hostile recipe): look for another
			}
			if err := w.Kill(); err != nil {
				return killedTrial{w.Name, id, err}
			}
			if w.Finished(id) {
				return killedTrial{w.Name, id, errors.Errorf("worker %s finished %s before the kill; raise the trial's length", w.Name, id)}
			}
			return killedTrial{w.Name, id, nil}
		}
		time.Sleep(20 * time.Millisecond)
	}
	return killedTrial{err: errors.New("no worker started a trial")}
}

// allTrialIDs are the IDs of every trial of a search: search children, rerank,
// transfer and random control.
func allTrialIDs(r *multitrial.SearchResult) []string {
	var ids []string
	for _, t := range r.Trials {
		ids = append(ids, t.ID)
	}
	for _, c := range r.Rerank {
		ids = append(ids, c.Trial)
	}
	if r.Transfer != nil {
		ids = append(ids, r.Transfer.Trial)
	}
	if r.Control != nil {
		for _, c := range r.Control.Archs {
			ids = append(ids, c.Trial)
		}
	}
	return ids
}

// countStarts is how many trials the workers have started in all.
func countStarts(workers []*natstest.Worker) int {
	n := 0
	for _, w := range workers {
		n += len(w.Started())
	}
	return n
}

// checkRecordedOnce checks that the results stream holds one result for each trial
// of search and nothing else.
func checkRecordedOnce(t *testing.T, url, search string, ids []string) {
	t.Helper()
	nc, err := nats.Connect(url)
	if err != nil {
		t.Fatal(err)
	}
	defer nc.Close()
	js, _ := jetstream.New(nc)
	s, err := js.Stream(context.Background(), natsexec.ResultsStream)
	if err != nil {
		t.Fatal(err)
	}
	prefix := "gonas.results." + search + "."
	info, err := s.Info(context.Background(), jetstream.WithSubjectFilter(prefix+">"))
	if err != nil {
		t.Fatal(err)
	}
	if len(info.State.Subjects) != len(ids) {
		t.Errorf("the results stream holds %d trials of the search, want %d", len(info.State.Subjects), len(ids))
	}
	for _, id := range ids {
		if n := info.State.Subjects[prefix+id]; n != 1 {
			t.Errorf("trial %s is recorded %d times", id, n)
		}
	}
}

// sameSearch checks that two runs of one search are identical: trials (IDs, errors,
// metrics bit for bit), architectures and the controller's log-probabilities.
func sameSearch(t *testing.T, what string, got, want *multitrial.SearchResult) {
	t.Helper()
	if len(got.Trials) != len(want.Trials) || len(got.Archs) != len(want.Archs) || len(got.ControllerLogProbs) != len(want.ControllerLogProbs) {
		t.Fatalf("%s search: %d trials, %d archs, %d log-probs; local: %d, %d, %d", what,
			len(got.Trials), len(got.Archs), len(got.ControllerLogProbs), len(want.Trials), len(want.Archs), len(want.ControllerLogProbs))
	}
	for i, g := range got.Trials {
		w := want.Trials[i]
		if g.ID != w.ID || g.Error != w.Error || len(g.Metrics) != len(w.Metrics) {
			t.Errorf("%s trial %d: %+v, local %+v", what, i, g, w)
			continue
		}
		for name, v := range w.Metrics {
			if math.Float64bits(g.Metrics[name]) != math.Float64bits(v) {
				t.Errorf("%s trial %s: %s = %v, local %v", what, g.ID, name, g.Metrics[name], v)
			}
		}
	}
	for i := range got.Archs {
		if got.Archs[i].String() != want.Archs[i].String() {
			t.Errorf("%s arch %d: %v, local %v", what, i, got.Archs[i], want.Archs[i])
		}
	}
	if got.Best.String() != want.Best.String() || got.Transfer == nil || want.Transfer == nil ||
		math.Float64bits(got.Transfer.TestAccuracy) != math.Float64bits(want.Transfer.TestAccuracy) {
		t.Errorf("%s best cell %v transferred to %+v; local %v, %+v", what, got.Best, got.Transfer, want.Best, want.Transfer)
	}
	for i := range got.ControllerLogProbs {
		if math.Float64bits(got.ControllerLogProbs[i]) != math.Float64bits(want.ControllerLogProbs[i]) {
			t.Errorf("%s controller log-prob %d: %v, local %v", what, i, got.ControllerLogProbs[i], want.ControllerLogProbs[i])
		}
	}
}
