package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"

	"github.com/gonas/gonas/cells"
	"github.com/gonas/gonas/nas/nb201search"
	"github.com/pkg/errors"
)

// runNB201Search runs a weight-sharing search of the NAS-Bench-201 space on CIFAR-10
// (package nas/nb201search) and judges its pick on the benchmark's table:
//
//	gonas search --space nb201 --data cifar10 --preset short --strategy enas --seed 1 --out runs/nb201-enas
//	gonas search --space nb201 --presets
func runNB201Search(args []string) error {
	fs := flag.NewFlagSet("search --space nb201", flag.ContinueOnError)
	fs.String("space", "nb201", "search space (nb201 here)")
	dataName := fs.String("data", "cifar10", "data set (cifar10: the table's)")
	dataDir := fs.String("data-dir", "", "directory holding cifar10-jpg.tar.gz (or CIFAR-10's binary files) and nb201/nb201_12epoch.csv (default: the shared data dir)")
	preset := fs.String("preset", "short", "settings: "+strings.Join(nb201search.PresetNames(), ", ")+"; see --presets")
	strategy := fs.String("strategy", "enas", "search strategy: "+strings.Join(nb201search.StrategyNames(), ", "))
	seed := fs.Uint64("seed", 1, "random seed (data order, weights, controller, the fixed rank cells)")
	out := fs.String("out", "", "output directory (default runs/nb201-<strategy>-<preset>-s<seed>)")
	resume := fs.String("resume", "", "print a finished search's verdict (nb201 searches keep no checkpoints: an interrupted one starts again with --force)")
	force := fs.Bool("force", false, "start over in an output directory that holds a search (its results are deleted)")
	var set settingsFlag
	fs.Var(&set, "set", "override preset settings by their result.json names, e.g. lr_max=0.1,epochs=8 (may be repeated)")
	if stop, err := parseSearchFlags(fs, args, nb201search.PresetTable); stop || err != nil {
		return err
	}
	if *resume != "" {
		dir, err := resumeDir(*resume, *out, *force)
		if err != nil {
			return err
		}
		res, err := nb201search.ReadResult(dir)
		if err != nil {
			return errors.Errorf("%s holds an unfinished nb201 search, and nb201 searches keep no checkpoints: start it again with --out %s --force", dir, dir)
		}
		printFinished(os.Stdout, dir, res.Verdict)
		return nil
	}
	cfg, err := nb201search.Preset(*preset, *strategy, *seed)
	if err != nil {
		return err
	}
	cfg.Data = *dataName
	if err := cfg.Override(set.String()); err != nil {
		return err
	}
	if *out == "" {
		*out = fmt.Sprintf("runs/nb201-%s-%s-s%d", cfg.Strategy, cfg.Preset, cfg.Seed)
	}
	lock, err := lockDir(*out, "gonas search --space nb201", false)
	if err != nil {
		return err
	}
	defer lock.Release()
	if err := startOutDir(*out, *force); err != nil {
		return err
	}
	opts := nb201search.Options{Out: *out, Progress: os.Stderr, Metrics: os.Stdout}
	if *dataDir != "" {
		if opts.Table, err = cells.LoadNB201Table(filepath.Join(*dataDir, cells.NB201TableFile)); err != nil {
			return err
		}
		opts.DataPath = *dataDir
		if tgz := filepath.Join(*dataDir, "cifar10-jpg.tar.gz"); fileExists(tgz) {
			opts.DataPath = tgz
		}
	}
	fmt.Printf("space=nb201 strategy=%s preset=%s data=%s seed=%d out=%s\n", cfg.Strategy, cfg.Preset, cfg.Data, cfg.Seed, *out)
	s, err := nb201search.New(cfg, opts)
	if err != nil {
		return err
	}
	defer s.Close()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	res, err := s.Run(ctx)
	if err != nil {
		return err
	}
	fmt.Printf("seconds=%.0f\n", res.Seconds)
	printOutputs(os.Stdout, *out, res.Verdict)
	return nil
}

func fileExists(p string) bool {
	st, err := os.Stat(p)
	return err == nil && !st.IsDir()
}
