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
	dataName := fs.String("data", "", "data set: cifar10, mnist, fashion-mnist (default: the preset's)")
	out := fs.String("out", "", "output directory (default runs/nasnet-<preset>)")
	resume := fs.String("resume", "", "continue the search whose output directory is DIR, with its configuration (a finished one: print its verdict)")
	force := fs.Bool("force", false, "start over in an output directory that holds a search (its results and recorded trials are deleted)")
	executor := fs.String("executor", "local", "where children train: local (this process) or nats://HOST:PORT (gonas worker processes)")
	workers := fs.Int("workers", 2, "local executor: children trained at once")
	seed := fs.Uint64("seed", 0, "random seed (default: the preset's)")
	updates := fs.Int("updates", 0, "controller updates (default: the preset's)")
	dataDir := fs.String("data-dir", "", "where workers read the data set: a CIFAR-10 tarball or folder, an MNIST IDX directory (default: its usual place)")
	dataPath := fs.String("data-path", "", "old name of --data-dir")
	hideFlags(fs, "data-path")
	if stop, err := parseSearchFlags(fs, args, multitrial.PresetTable); stop || err != nil {
		return err
	}
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	if set["data-path"] && !set["data-dir"] {
		*dataDir, set["data-dir"] = *dataPath, true
	}
	if *workers < 1 {
		return errors.Errorf("--workers must be at least 1, got %d", *workers)
	}

	given := flagSettings{set: set, seed: *seed, updates: *updates, data: *dataName, dataDir: *dataDir}
	// flagged is the configuration the flags ask for, on top of from (the preset's
	// when from is nil or --preset is given).
	flagged := func(from *multitrial.Config) (multitrial.Config, error) {
		if from != nil && !set["preset"] {
			return given.apply(*from), nil
		}
		cfg, err := multitrial.Preset(*preset)
		return given.apply(cfg), err
	}
	var cfg multitrial.Config
	var dir string
	var err error
	if *resume != "" {
		// --resume: the directory's own search, which the flags given must describe.
		if dir, err = resumeDir(*resume, *out, *force); err != nil {
			return err
		}
		if res, err := multitrial.ReadResult(dir); err == nil {
			printFinished(os.Stdout, dir, res.Verdict) // finished: nothing to write, so no lock taken
			return nil
		}
		lock, err := lockDir(dir, "gonas search --space nasnet", true)
		if err != nil {
			return err
		}
		defer lock.Release()
		saved, err := readNASNetConfig(dir) // read under the lock: no other search writes it now
		if err != nil {
			return err
		}
		if saved == nil {
			return errors.Errorf("%s holds no NASNet search (no %s); start one with --out %s", dir, nasnetConfigName, dir)
		}
		if cfg, err = flagged(saved); err != nil {
			return err
		}
		if err := sameNASNetConfig(dir, saved, &cfg); err != nil {
			return err
		}
		cfg = *saved
	} else {
		// A new search, never silently continued from a directory that holds one.
		if cfg, err = flagged(nil); err != nil {
			return err
		}
		if dir = *out; dir == "" {
			dir = filepath.Join("runs", "nasnet-"+cfg.Preset)
		}
		lock, err := lockDir(dir, "gonas search --space nasnet", false)
		if err != nil {
			return err
		}
		defer lock.Release()
		if err := startOutDir(dir, *force); err != nil {
			return err
		}
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
		printOutputs(os.Stdout, dir, res.Verdict)
		return errors.WithMessagef(err, "the search's results are in %s/result.json", dir)
	}
	printOutputs(os.Stdout, dir, res.Verdict)
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

// flagSettings are the settings flags of a NASNet search and which were given.
type flagSettings struct {
	set           map[string]bool
	seed          uint64
	updates       int
	data, dataDir string
}

// apply sets the settings that were given in cfg.
func (f flagSettings) apply(cfg multitrial.Config) multitrial.Config {
	if f.set["seed"] {
		cfg.Seed = f.seed
	}
	if f.set["updates"] {
		cfg.Updates = f.updates
	}
	if f.set["data"] {
		cfg.Data = f.data
	}
	if f.set["data-dir"] {
		cfg.DataPath = f.dataDir
	}
	return cfg
}
