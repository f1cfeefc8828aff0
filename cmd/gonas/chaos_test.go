package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gonas/gonas/nas"
	"github.com/gonas/gonas/nas/backends"
	"github.com/gonas/gonas/nas/multitrial"
	"github.com/gonas/gonas/nas/natsexec"
	"github.com/gonas/gonas/nas/natsexec/natstest"
	"github.com/nats-io/nats-server/v2/server"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"github.com/pkg/errors"
)

// hostileSearch is the search name the hostile publisher sends its trials under.
const hostileSearch = "hostile"

// TestChaosSearch runs the tiny multi-trial search on three `gonas worker`
// processes while a hostile publisher queues oversized recipes and malformed
// messages beside it, one worker is SIGKILLed and one SIGTERMed mid-trial (a fresh
// one replaces it), and the NATS server is restarted once. The search must finish
// with every trial recorded exactly once and the results of a local run; the
// hostile trials are refused with their reasons, and no worker dies of them.
func TestChaosSearch(t *testing.T) {
	if testing.Short() {
		t.Skip("builds gonas and runs a search on worker processes under faults (minutes)")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 12*time.Minute)
	defer cancel()
	dir := t.TempDir()
	bin, err := natstest.BuildGonas(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	store := filepath.Join(dir, "nats")
	srv, natsURL, err := natsexec.StartServer(store, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { srv.Shutdown() }()
	u, _ := url.Parse(natsURL)
	port, _ := strconv.Atoi(u.Port())

	var workers []*natstest.Worker
	startWorker := func(name string) *natstest.Worker {
		w, err := natstest.StartWorker(bin, natsURL, name, 3*time.Second)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = w.Kill() })
		workers = append(workers, w)
		return w
	}
	for _, name := range []string{"w1", "w2", "w3"} {
		startWorker(name)
	}
	cfg, _ := multitrial.Preset("tiny")
	search := cfg.SearchID()
	exec, err := natsexec.New(ctx, natsURL, search) // creates the streams
	if err != nil {
		t.Fatal(err)
	}
	hostile := publishHostile(t, natsURL)
	type chaosReport struct {
		done string
		err  error
	}
	chaos := make(chan chaosReport, 1)
	go func() {
		done, err := runChaos(ctx, workers[:3], startWorker, func() error { return restartServer(&srv, store, port) })
		chaos <- chaosReport{done, err}
	}()
	start := time.Now()
	got, err := multitrial.Search(ctx, &cfg, exec, nil)
	exec.Close()
	if err != nil {
		t.Fatal(err)
	}
	report := <-chaos
	t.Logf("search under faults: %d trials in %v; %s", len(got.Trials), time.Since(start).Round(time.Second), report.done)
	if report.err != nil {
		t.Errorf("the faults were not all injected: %v", report.err)
	}
	for _, r := range got.Trials {
		if r.Error != "" {
			t.Errorf("trial %s failed: %s", r.ID, r.Error)
		}
	}
	checkRecordedOnce(t, natsURL, search, allTrialIDs(got))
	checkHostileRefused(t, natsURL, hostile)
	for _, w := range workers {
		if w.Count("panic") > 0 || w.Count("fatal error") > 0 {
			t.Errorf("worker %s crashed:\n%s", w.Name, w.String())
		}
	}

	backend, err := backends.New()
	if err != nil {
		t.Fatal(err)
	}
	localCfg, _ := multitrial.Preset("tiny")
	want, err := multitrial.Search(ctx, &localCfg, nas.NewLocalExecutor(multitrial.NewRunner(backend), 2), nil)
	if err != nil {
		t.Fatal(err)
	}
	sameSearch(t, "under faults", got, want)
}

// runChaos SIGKILLs one worker mid-trial, SIGTERMs another mid-trial and starts a
// replacement, then restarts the server; it returns what it did, and why it could
// not do the rest.
func runChaos(ctx context.Context, workers []*natstest.Worker, start func(string) *natstest.Worker, restart func() error) (string, error) {
	k := killOneMidTrial(ctx, workers)
	if k.err != nil {
		return "", errors.WithMessage(k.err, "SIGKILL")
	}
	report := "SIGKILLed " + k.worker + " running " + k.trial
	for ctx.Err() == nil {
		for _, w := range workers {
			if w.Name == k.worker {
				continue
			}
			started := w.Started()
			if len(started) == 0 || w.Finished(started[len(started)-1]) {
				continue
			}
			time.Sleep(300 * time.Millisecond)
			if err := w.Stop(30 * time.Second); err != nil {
				return report, errors.WithMessage(err, "SIGTERM")
			}
			report += "; SIGTERMed " + w.Name + " running " + started[len(started)-1]
			start("w4")
			time.Sleep(time.Second)
			if err := restart(); err != nil {
				return report, err
			}
			return report + "; restarted the server", nil
		}
		time.Sleep(20 * time.Millisecond)
	}
	return report, errors.New("no second trial to stop")
}

// restartServer stops the server and starts it again on the same store and port.
func restartServer(srv **server.Server, store string, port int) error {
	(*srv).Shutdown()
	(*srv).WaitForShutdown()
	s, _, err := natsexec.StartServer(store, port)
	if err != nil {
		return errors.WithMessage(err, "restart the NATS server")
	}
	*srv = s
	return nil
}

// hostileTrial is one trial the hostile publisher queues and the bound it breaks.
type hostileTrial struct {
	id, want string
}

// publishHostile queues oversized and out-of-bounds recipes and malformed messages
// on the hostile search's subject, and returns the trials that must be refused.
func publishHostile(t *testing.T, natsURL string) []hostileTrial {
	t.Helper()
	nc, err := nats.Connect(natsURL)
	if err != nil {
		t.Fatal(err)
	}
	defer nc.Close()
	js, _ := jetstream.New(nc)
	ctx := context.Background()
	cfg, _ := multitrial.Preset("tiny")
	subject := "gonas.trials." + hostileSearch
	var refused []hostileTrial
	for _, h := range []struct {
		id, want string
		edit     func(*multitrial.Recipe)
	}{
		{"blocks", "blocks 100000000", func(r *multitrial.Recipe) { r.Child.Blocks = 100000000 }},
		{"filters", "filters 100000", func(r *multitrial.Recipe) { r.Child.Filters = 100000 }},
		{"cells", "cells per stage 1000000", func(r *multitrial.Recipe) { r.Child.CellsPerStage = 1000000 }},
		{"memory", "over this worker's limit", func(r *multitrial.Recipe) { r.Child.Filters, r.Train.BatchSize = 1024, 8192 }},
		{"passwd", "not inside this worker's data roots", func(r *multitrial.Recipe) { r.DataPath = "/etc/passwd" }},
	} {
		r := cfg.SearchRecipe()
		h.edit(&r)
		blob, _ := json.Marshal(nas.Trial{ID: h.id, Arch: nas.Arch{Space: "nasnet", Choices: []int{0}}, Recipe: r.JSON(), Seed: 1})
		if _, err := js.Publish(ctx, subject, blob); err != nil {
			t.Fatal(err)
		}
		refused = append(refused, hostileTrial{h.id, h.want})
	}
	for _, raw := range []string{"not json", `{"id":"a b","arch":{"space":"nasnet","choices":[0]}}`, `{"id":"x","recipe":{"kind":`, ""} {
		if _, err := js.Publish(ctx, subject, []byte(raw)); err != nil {
			t.Fatal(err)
		}
	}
	return refused
}

// checkHostileRefused checks that each hostile trial is recorded once, refused with
// the reason it breaks.
func checkHostileRefused(t *testing.T, natsURL string, hostile []hostileTrial) {
	t.Helper()
	nc, err := nats.Connect(natsURL)
	if err != nil {
		t.Fatal(err)
	}
	defer nc.Close()
	js, _ := jetstream.New(nc)
	s, err := js.Stream(context.Background(), natsexec.ResultsStream)
	if err != nil {
		t.Fatal(err)
	}
	for _, h := range hostile {
		msg, err := s.GetLastMsgForSubject(context.Background(), "gonas.results."+hostileSearch+"."+h.id)
		if err != nil {
			t.Errorf("hostile trial %s: no result recorded (%v)", h.id, err)
			continue
		}
		var r nas.TrialResult
		if err := json.Unmarshal(msg.Data, &r); err != nil || r.Retry || !strings.Contains(r.Error, h.want) {
			t.Errorf("hostile trial %s: recorded %s, want a refusal saying %q", h.id, msg.Data, h.want)
		}
	}
	checkQueueDrains(t, js)
}

// checkQueueDrains checks that the trials queue empties once the search is done.
// Delivery is at least once: a copy whose acknowledgement was lost (its worker
// recorded the result just before the server restart, or was killed between the
// two) is handed out again after the consumer's AckWait, and the worker that gets it
// skips it as recorded. So a copy may still be queued when the search returns; it
// must be gone within a few AckWaits, while the workers still run.
func checkQueueDrains(t *testing.T, js jetstream.JetStream) {
	t.Helper()
	ctx := context.Background()
	trials, err := js.Stream(ctx, natsexec.TrialsStream)
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	deadline := start.Add(30 * time.Second) // 10 AckWaits of the test's workers
	for {
		info, err := trials.Info(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if info.State.Msgs == 0 {
			if waited := time.Since(start); waited > time.Second {
				t.Logf("the trials queue drained %v after the search (a redelivered copy skipped as recorded)", waited.Round(100*time.Millisecond))
			}
			return
		}
		if time.Now().After(deadline) {
			var left []string
			for seq := info.State.FirstSeq; seq <= info.State.LastSeq; seq++ {
				if m, err := trials.GetMsg(ctx, seq); err == nil {
					left = append(left, fmt.Sprintf("#%d %s %.80s", seq, m.Subject, m.Data))
				}
			}
			t.Errorf("trials left in the queue %v after the search: %d\n%s", time.Since(start).Round(time.Second), info.State.Msgs, strings.Join(left, "\n"))
			return
		}
		time.Sleep(200 * time.Millisecond)
	}
}
