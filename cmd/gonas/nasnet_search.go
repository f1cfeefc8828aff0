package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"

	"github.com/gonas/gonas/nas"
	"github.com/gonas/gonas/nas/checkpoint"
	"github.com/gonas/gonas/nas/multitrial"
	"github.com/gonas/gonas/nas/natsexec"
	"github.com/pkg/errors"
)

// nasnetConfigName is the file of an output directory that holds its search's
// configuration: a directory with one is a NASNet search, resumable as it is.
const nasnetConfigName = "config.json"

// runNASNetSearch runs a NASNet multi-trial search (package nas/multitrial): every
// child trained from scratch by local workers or NATS workers, REINFORCE on the LSTM
// controller, the rerank, the transfer and the random control.
//
//	gonas search --space nasnet --preset proxy --out runs/nasnet-proxy --workers 2
//	gonas search --space nasnet --preset proxy --executor nats://127.0.0.1:4222
//	gonas search --resume runs/nasnet-proxy
func runNASNetSearch(args []string) error {
	fs := flag.NewFlagSet("search", flag.ContinueOnError)
	fs.String("space", "nasnet", "search space: nasnet here (enas-micro, enas-macro, enas-rnn: the ENAS search)")
	preset := fs.String("preset", "proxy", "settings: "+strings.Join(multitrial.PresetNames(), ", ")+"; see --presets")
	out := fs.String("out", "", "output directory (default runs/nasnet-<preset>); a directory holding the same search resumes it")
	resume := fs.String("resume", "", "continue the search whose output directory is DIR, with its configuration")
	executor := fs.String("executor", "local", "where children train: local (this process) or nats://HOST:PORT (gonas worker processes)")
	workers := fs.Int("workers", 2, "local executor: children trained at once")
	seed := fs.Uint64("seed", 0, "random seed (default: the preset's)")
	updates := fs.Int("updates", 0, "controller updates (default: the preset's)")
	dataPath := fs.String("data-path", "", "where workers read the data set (default: its usual place)")
	listPresets := fs.Bool("presets", false, "print the presets as a Markdown table and exit")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return errors.Errorf("unexpected arguments %q", fs.Args())
	}
	if *listPresets {
		fmt.Print(multitrial.PresetTable())
		return nil
	}
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	if *workers < 1 {
		return errors.Errorf("--workers must be at least 1, got %d", *workers)
	}

	// flagged is the configuration the flags ask for, on top of from (the preset's
	// when from is nil or --preset is given).
	flagged := func(from *multitrial.Config) (multitrial.Config, error) {
		if from != nil && !set["preset"] {
			return withFlags(*from, set, *seed, *updates, *dataPath), nil
		}
		cfg, err := multitrial.Preset(*preset)
		return withFlags(cfg, set, *seed, *updates, *dataPath), err
	}
	dir := *out
	if *resume != "" {
		if *out != "" && *out != *resume {
			return errors.New("--resume DIR continues in DIR; leave --out out")
		}
		dir = *resume
	}
	var saved *multitrial.Config
	var err error
	if dir != "" {
		if saved, err = readNASNetConfig(dir); err != nil {
			return err
		}
	}
	if *resume != "" && saved == nil {
		return errors.Errorf("%s holds no NASNet search (no %s); start one with --out %s", dir, nasnetConfigName, dir)
	}
	cfg, err := flagged(saved)
	if err != nil {
		return err
	}
	if dir == "" {
		dir = "runs/nasnet-" + cfg.Preset
		if saved, err = readNASNetConfig(dir); err != nil {
			return err
		}
	}
	lock, err := lockDir(dir, "gonas search --space nasnet", false)
	if err != nil {
		return err
	}
	defer lock.Release()
	if saved, err = readNASNetConfig(dir); err != nil { // again, now that no other search writes it
		return err
	}
	if saved != nil {
		if err := sameNASNetConfig(dir, saved, &cfg); err != nil {
			return err
		}
		cfg = *saved
	}
	if err := cfg.Validate(); err != nil {
		return err
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	exec, err := newExecutor(ctx, *executor, *workers, cfg.SearchID())
	if err != nil {
		return err
	}
	rec, err := multitrial.Record(exec, filepath.Join(dir, "trials.jsonl"))
	if err != nil {
		exec.Close()
		return err
	}
	defer rec.Close()
	blob, _ := json.MarshalIndent(cfg, "", " ")
	if err := checkpoint.WriteFileAtomic(filepath.Join(dir, nasnetConfigName), append(blob, '\n')); err != nil {
		return err
	}
	fmt.Printf("space=nasnet preset=%s data=%s seed=%d children=%d executor=%s out=%s recorded_trials=%d\n",
		cfg.Preset, cfg.Data, cfg.Seed, cfg.Batch*cfg.Updates, *executor, dir, rec.Len())
	res, err := multitrial.Search(ctx, &cfg, rec, os.Stdout)
	if err != nil {
		if ctx.Err() != nil {
			return errors.Errorf("interrupted; the finished trials are recorded in %s/trials.jsonl; continue with: gonas search --resume %s", dir, dir)
		}
		return err
	}
	if err := res.Write(dir); err != nil {
		return err
	}
	if err := res.Err(); err != nil { // a failed transfer is a failed run, results written or not
		return errors.WithMessagef(err, "the search's results are in %s/result.json", dir)
	}
	fmt.Printf("result=%s/result.json report=%s/report.html history=%s/history.jsonl\n", dir, dir, dir)
	return nil
}

// newExecutor is the executor named by --executor.
func newExecutor(ctx context.Context, name string, workers int, search string) (nas.Executor, error) {
	switch {
	case name == "local":
		return nas.NewLocalExecutor(multitrial.NewRunner(nil), workers), nil
	case strings.HasPrefix(name, "nats://"), strings.HasPrefix(name, "tls://"):
		e, err := natsexec.New(ctx, name, search)
		if err != nil {
			return nil, err
		}
		e.Log = os.Stderr // says when no worker takes the trials
		return e, nil
	}
	return nil, errors.Errorf("--executor %q: want local or nats://HOST:PORT (tls://HOST:PORT for a TLS server)", name)
}

// readNASNetConfig reads the configuration saved in dir, or nil when there is none.
func readNASNetConfig(dir string) (*multitrial.Config, error) {
	blob, err := os.ReadFile(filepath.Join(dir, nasnetConfigName))
	if os.IsNotExist(err) {
		return nil, nil
	}
	if err != nil {
		return nil, errors.Wrap(err, "reading the search's configuration")
	}
	dec := json.NewDecoder(bytes.NewReader(blob))
	dec.DisallowUnknownFields()
	var cfg multitrial.Config
	if err := dec.Decode(&cfg); err != nil {
		return nil, errors.Wrapf(err, "%s/%s is not a NASNet search configuration", dir, nasnetConfigName)
	}
	return &cfg, nil
}

// sameNASNetConfig refuses to mix two searches in one directory.
func sameNASNetConfig(dir string, saved, want *multitrial.Config) error {
	if saved.SearchID() != want.SearchID() {
		return errors.Errorf("%s holds search %s (preset %s, seed %d), not the requested %s (preset %s, seed %d) or its settings differ; "+
			"resume it with --resume %s and no other flags, or choose another --out", dir, saved.SearchID(), saved.Preset, saved.Seed,
			want.SearchID(), want.Preset, want.Seed, dir)
	}
	return nil
}

// withFlags applies the flags that were given to cfg.
func withFlags(cfg multitrial.Config, set map[string]bool, seed uint64, updates int, dataPath string) multitrial.Config {
	if set["seed"] {
		cfg.Seed = seed
	}
	if set["updates"] {
		cfg.Updates = updates
	}
	if set["data-path"] {
		cfg.DataPath = dataPath
	}
	return cfg
}
