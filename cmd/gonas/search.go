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

	"github.com/gonas/gonas/nas/enas"
	"github.com/gonas/gonas/nas/savedmodel"
	"github.com/pkg/errors"
)

// runSearch runs an ENAS search (package nas/enas): the weight-sharing search, the
// derived architecture, its retraining from scratch and the random control; it
// ends with a one-line verdict.
//
//	gonas search --space enas-micro --data mnist --preset short --out runs/enas-short
//	gonas search --resume runs/enas-short
//	gonas search --presets
//
// --space nasnet (or --resume of a NASNet search's directory) runs the NASNet
// multi-trial search instead (runNASNetSearch). Every search shares the flags
// --data, --data-dir, --seed, --out, --resume, --force, --preset and --presets.
func runSearch(args []string) error {
	if flagValue(args, "space") == "nb201" {
		return runNB201Search(args)
	}
	if flagValue(args, "space") == "nasnet" || isNASNetRun(flagValue(args, "resume")) {
		return runNASNetSearch(args)
	}
	fs := flag.NewFlagSet("search", flag.ContinueOnError)
	space := fs.String("space", "enas-micro", "search space: "+strings.Join(enas.PresetSpaces(), ", ")+", or nasnet (multi-trial; see --space nasnet -h)")
	dataName := fs.String("data", "", "data set: cifar10, mnist, fashion-mnist (image spaces), ptb (enas-rnn); default: the preset's")
	dataDir := fs.String("data-dir", "", "where to read the data set: a CIFAR-10 tarball or folder, an MNIST IDX directory, ptb.zip (default: its usual place)")
	preset := fs.String("preset", "short", "settings: paper, scaled, short (enas-micro), tiny; see --presets")
	out := fs.String("out", "", "output directory (default runs/<space>-<preset>)")
	resume := fs.String("resume", "", "continue the search whose output directory is DIR from its last checkpoint (a finished one: print its verdict)")
	force := fs.Bool("force", false, "start over in an output directory that holds a search (its results are deleted)")
	seed := fs.Uint64("seed", 0, "random seed (default: the preset's)")
	epochs := fs.Int("epochs", 0, "search epochs (default: the preset's)")
	noRetrain := fs.Bool("no-retrain", false, "stop after deriving the architecture (no retraining, no random control)")
	dataPath := fs.String("data-path", "", "old name of --data-dir")
	hideFlags(fs, "data-path")
	if stop, err := parseSearchFlags(fs, args, enas.PresetTable); stop || err != nil {
		return err
	}
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	if set["data-path"] && !set["data-dir"] {
		*dataDir, set["data-dir"] = *dataPath, true
	}

	cfg, err := enas.Preset(*space, *preset)
	if err != nil {
		return err
	}
	applyFlags := func(c *enas.Config) {
		if *dataName != "" {
			c.Data = *dataName
		}
		if set["data-dir"] {
			c.DataPath = *dataDir
		}
		if set["seed"] {
			c.Seed = *seed
		}
		if *epochs > 0 {
			c.Child.Epochs = *epochs
		}
	}
	applyFlags(&cfg)
	opts := enas.Options{Out: *out, Progress: os.Stderr, Metrics: os.Stdout, Log: os.Stderr}
	var s *enas.Search
	var want *enas.Config
	if *resume != "" {
		if opts.Out, err = resumeDir(*resume, *out, *force); err != nil {
			return err
		}
		if saved, err := enas.SavedConfig(opts.Out); err == nil && !set["space"] && !set["preset"] {
			cfg = saved // the flags given are checked against the saved search, not the default preset
			applyFlags(&cfg)
		}
		for _, name := range []string{"space", "data", "data-dir", "preset", "seed", "epochs"} {
			if set[name] {
				want = &cfg // the flags given must describe the checkpoint's search
			}
		}
		if res, err := enas.ReadResult(opts.Out); err == nil && res.Finished(!*noRetrain) {
			if want != nil {
				if err := enas.SameSearch(opts.Out, res.Config, *want); err != nil {
					return err
				}
			}
			printFinished(os.Stdout, opts.Out, verdictOf(res, !*noRetrain))
			return nil
		}
	} else if opts.Out == "" {
		opts.Out = filepath.Join("runs", cfg.Space+"-"+cfg.Preset)
	}
	lock, err := lockDir(opts.Out, "gonas search", *resume != "")
	if err != nil {
		return err
	}
	defer lock.Release()
	if *resume != "" {
		s, err = enas.Resume(opts, want)
	} else {
		if err := startOutDir(opts.Out, *force); err != nil {
			return err
		}
		s, err = enas.New(cfg, opts)
	}
	if err != nil {
		return err
	}
	defer s.Close()
	c := s.Config()
	fmt.Printf("space=%s preset=%s data=%s seed=%d epochs=%d out=%s\n", c.Space, c.Preset, c.Data, c.Seed, c.Child.Epochs, opts.Out)

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	res, err := s.Complete(ctx, !*noRetrain)
	if err != nil {
		if errors.Is(err, enas.ErrInterrupted) {
			return errors.Errorf("%v; continue with: gonas search --resume %s", err, opts.Out)
		}
		return err
	}
	if dir := filepath.Join(opts.Out, enas.ModelDir); fileExists(filepath.Join(dir, savedmodel.MetaFile)) {
		fmt.Printf("model=%s (gonas predict --model %s IMAGE...)\n", dir, dir)
	}
	printOutputs(os.Stdout, opts.Out, verdictOf(res, !*noRetrain))
	return nil
}

// verdictOf is a finished ENAS run's verdict line.
func verdictOf(res *enas.Result, retrained bool) string {
	if !retrained || res.Retrained == nil {
		return "verdict: none, the derived architecture was not retrained (--no-retrain), so it was not compared with random ones"
	}
	if res.Verdict != "" {
		return res.Verdict
	}
	return res.Comparison().Verdict()
}

// flagValue is the value given to flag name in args ("-name v", "--name=v"...), or "".
func flagValue(args []string, name string) string {
	for i, a := range args {
		for _, p := range []string{"-" + name, "--" + name} {
			if a == p && i+1 < len(args) {
				return args[i+1]
			}
			if v, ok := strings.CutPrefix(a, p+"="); ok {
				return v
			}
		}
	}
	return ""
}

// isNASNetRun reports whether dir holds a NASNet search.
func isNASNetRun(dir string) bool {
	if dir == "" {
		return false
	}
	_, err := os.Stat(filepath.Join(dir, nasnetConfigName))
	return err == nil
}
