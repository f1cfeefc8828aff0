package main

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/gonas/gonas/controllers"
	"github.com/gonas/gonas/nas"
	"github.com/gonas/gonas/nas/multitrial"
	"github.com/gonas/gonas/nas/natsexec"
	"github.com/gonas/gonas/nas/natsexec/natstest"
)

// TestSIGTERMCancelsTheRunningTrial starts a `gonas worker` on a trial that would
// train for minutes, sends SIGTERM once it trains, and checks that the worker stops
// well before the trial could end, hands the trial back (Nak: a second worker gets
// it at once) and records nothing.
func TestSIGTERMCancelsTheRunningTrial(t *testing.T) {
	if testing.Short() {
		t.Skip("builds gonas and starts a worker process")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 4*time.Minute)
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
	cfg, _ := multitrial.Preset("tiny")
	recipe := cfg.SearchRecipe()
	recipe.Train.Epochs = 500 // minutes of training
	space, err := recipe.Space()
	if err != nil {
		t.Fatal(err)
	}
	s, _ := controllers.NewRandom(space, 3).Sample(1)
	exec, err := natsexec.New(ctx, url, "sigterm")
	if err != nil {
		t.Fatal(err)
	}
	defer exec.Close()
	rctx, stopRun := context.WithCancel(ctx)
	defer stopRun()
	go func() {
		_, _ = exec.Run(rctx, []nas.Trial{{ID: "long", Arch: s[0].Arch, Recipe: recipe.JSON(), Seed: 1}})
	}()

	w, err := natstest.StartWorker(bin, url, "w1", 2*time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	defer w.Kill()
	for len(w.Started()) == 0 {
		if ctx.Err() != nil {
			t.Fatalf("the worker never started the trial:\n%s", w.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
	time.Sleep(6 * time.Second) // past the data load, into the training
	start := time.Now()
	if err := w.Stop(30 * time.Second); err != nil {
		t.Fatal(err)
	}
	t.Logf("the worker stopped %v after SIGTERM; it wrote:\n%s", time.Since(start).Round(10*time.Millisecond), w.String())
	if w.Count("trial=long", "status=abandoned") != 1 || w.Finished("long") {
		t.Errorf("want the trial abandoned, not finished:\n%s", w.String())
	}
	if exec.Recorded() != 0 {
		t.Errorf("%d results recorded for an abandoned trial", exec.Recorded())
	}
	// Handed back: another worker gets it now, not after the AckWait of two
	// minutes that a lost trial would wait.
	w2, err := natstest.StartWorker(bin, url, "w2", 2*time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	defer w2.Kill()
	for w2.Count("trial=long", "status=start", "delivery=2") == 0 {
		if time.Since(start) > time.Minute {
			t.Fatalf("the trial was not handed back (no second delivery):\n%s", w2.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
}
