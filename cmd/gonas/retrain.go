package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"

	"github.com/gonas/gonas/nas/backends"
	"github.com/gonas/gonas/nas/checkpoint"
	"github.com/gonas/gonas/nas/enas"
	"github.com/pkg/errors"
)

// runRetrain trains an architecture from scratch with the retraining settings of
// an ENAS preset and reports its test result, optionally beside K random
// architectures trained the same way.
//
//	gonas retrain --space enas-micro --preset short --arch enas --control 3
func runRetrain(args []string) error {
	fs := flag.NewFlagSet("retrain", flag.ContinueOnError)
	space := fs.String("space", "enas-micro", "search space: "+strings.Join(enas.PresetSpaces(), ", "))
	arch := fs.String("arch", "", "the architecture: a name (enas, enas-fixed-arc), canonical JSON, an ENAS string or a genotype; @file reads a file")
	dataName := fs.String("data", "", "data set (default: the preset's)")
	preset := fs.String("preset", "short", "settings whose retraining part is used: paper, scaled, short, tiny")
	control := fs.Int("control", 0, "also retrain K random architectures (default: the preset's K)")
	seed := fs.Uint64("seed", 0, "random seed (default: the preset's)")
	out := fs.String("out", "", "write retrain.json, and the trained network (image spaces) in model/ for gonas predict, into this directory")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *arch == "" || fs.NArg() > 0 {
		fs.Usage()
		return errors.New("--arch is required, and nothing else")
	}
	cfg, err := enas.Preset(*space, *preset)
	if err != nil {
		return err
	}
	if *dataName != "" {
		cfg.Data = *dataName
	}
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	if set["seed"] {
		cfg.Seed = *seed
	}
	if set["control"] {
		if *control < 0 {
			return errors.Errorf("--control %d: want 0 or more random architectures", *control)
		}
		cfg.Retrain.ControlArchs = *control
	}
	if err := cfg.Validate(); err != nil {
		return err
	}
	text, err := archArg(*arch)
	if err != nil {
		return err
	}
	d, err := enas.LoadData(&cfg)
	if err != nil {
		return err
	}
	a, err := enas.ParseArch(&cfg, d, text)
	if err != nil {
		return err
	}
	backend, err := backends.New()
	if err != nil {
		return err
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	fmt.Printf("space=%s preset=%s data=%s arch=%s\n", cfg.Space, cfg.Preset, cfg.Data, a)
	rep := struct {
		Config    enas.Config         `json:"config"`
		Retrained *enas.RetrainResult `json:"retrained"`
		Control   *enas.ControlResult `json:"control,omitempty"`
	}{Config: cfg}
	modelDir := "" // the trained image classifier, for gonas predict
	if *out != "" && cfg.Space != "enas-rnn" {
		modelDir = filepath.Join(*out, enas.ModelDir)
	}
	if rep.Retrained, err = enas.RetrainAndSave(ctx, backend, &cfg, d, a, modelDir, os.Stderr); err != nil {
		return err
	}
	if modelDir != "" {
		fmt.Printf("model=%s (gonas predict --model %s IMAGE...)\n", modelDir, modelDir)
	}
	r := rep.Retrained
	test := fmt.Sprintf("test_accuracy=%.4f", r.TestAccuracy)
	if cfg.Space == "enas-rnn" {
		test = fmt.Sprintf("test_perplexity=%.2f", r.TestPerplexity)
	}
	fmt.Printf("%s params=%d flops=%d seconds=%.1f\n", test, r.Parameters, r.FLOPs, r.Seconds)
	if cfg.Retrain.ControlArchs > 0 {
		if rep.Control, err = enas.RandomControl(ctx, backend, &cfg, d, os.Stderr, os.Stderr); err != nil {
			return err
		}
		fmt.Printf("control_k=%d control_mean=%.4f control_std=%.4f\n", len(rep.Control.Archs), rep.Control.Mean, rep.Control.Std)
	}
	defer func() { // the last line: the architecture beside the random ones
		c := (&enas.Result{Config: cfg, Retrained: rep.Retrained, Control: rep.Control}).Comparison()
		c.Pick = "architecture"
		fmt.Println(c.Verdict())
	}()
	if *out != "" {
		if err := os.MkdirAll(*out, 0o755); err != nil {
			return err
		}
		blob, _ := json.MarshalIndent(rep, "", "  ")
		path := filepath.Join(*out, "retrain.json")
		if err := checkpoint.WriteFileAtomic(path, append(blob, '\n')); err != nil {
			return err
		}
		fmt.Printf("report=%s\n", path)
	}
	return nil
}
