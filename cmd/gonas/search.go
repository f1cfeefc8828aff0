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
	"github.com/pkg/errors"
)

// runSearch runs an ENAS search (package nas/enas): the weight-sharing search, the
// derived architecture, its retraining from scratch and the random control.
//
//	gonas search --space enas-micro --data mnist --preset short --out runs/enas-short
//	gonas search --resume runs/enas-short
//	gonas search --presets
//
// --space nasnet (or --resume of a NASNet search's directory) runs the NASNet
// multi-trial search instead (runNASNetSearch).
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
	preset := fs.String("preset", "short", "settings: paper, scaled, short (enas-micro), tiny; see --presets")
	out := fs.String("out", "", "output directory (default runs/<space>-<preset>)")
	resume := fs.String("resume", "", "continue the search whose output directory is DIR from its last checkpoint")
	seed := fs.Uint64("seed", 0, "random seed (default: the preset's)")
	epochs := fs.Int("epochs", 0, "search epochs (default: the preset's)")
	noRetrain := fs.Bool("no-retrain", false, "stop after deriving the architecture (no retraining, no random control)")
	listPresets := fs.Bool("presets", false, "print the presets as a Markdown table and exit")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return errors.Errorf("unexpected arguments %q", fs.Args())
	}
	if *listPresets {
		fmt.Print(enas.PresetTable())
		return nil
	}
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })

	cfg, err := enas.Preset(*space, *preset)
	if err != nil {
		return err
	}
	if *dataName != "" {
		cfg.Data = *dataName
	}
	if set["seed"] {
		cfg.Seed = *seed
	}
	if *epochs > 0 {
		cfg.Child.Epochs = *epochs
	}
	opts := enas.Options{Out: *out, Progress: os.Stderr, Metrics: os.Stdout, Log: os.Stderr}
	var s *enas.Search
	if *resume != "" {
		if *out != "" && *out != *resume {
			return errors.New("--resume DIR continues in DIR; leave --out out")
		}
		opts.Out = *resume
		var want *enas.Config
		for _, name := range []string{"space", "data", "preset", "seed", "epochs"} {
			if set[name] {
				want = &cfg // the flags given must describe the checkpoint's search
			}
		}
		s, err = enas.Resume(opts, want)
	} else {
		if opts.Out == "" {
			opts.Out = "runs/" + cfg.Space + "-" + cfg.Preset
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
	if _, err := s.Complete(ctx, !*noRetrain); err != nil {
		if errors.Is(err, enas.ErrInterrupted) {
			return errors.Errorf("%v; continue with: gonas search --resume %s", err, opts.Out)
		}
		return err
	}
	fmt.Printf("result=%s/result.json report=%s/report.html history=%s/history.jsonl\n", opts.Out, opts.Out, opts.Out)
	return nil
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
