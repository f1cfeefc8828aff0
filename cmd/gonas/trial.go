package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"github.com/gonas/gonas/cells"
	"github.com/gonas/gonas/nas"
	"github.com/gonas/gonas/nas/multitrial"
	"github.com/pkg/errors"
)

// runTrial trains one NASNet child from scratch with a multi-trial preset's recipe
// and prints its metrics as Katib's StdOut metrics collector reads them
// (Validation-Accuracy=0.412, ...): the trial contract of docker/katib-experiment.yaml.
//
//	gonas trial --space nasnet --preset tiny --arch nasnet-a
//	gonas trial --space nasnet --preset proxy --transfer --arch '{"space":"nasnet","choices":[...]}'
func runTrial(args []string) error {
	fs := flag.NewFlagSet("trial", flag.ContinueOnError)
	space := fs.String("space", "nasnet", "search space (nasnet)")
	arch := fs.String("arch", "", "the cells: a name (nasnet-a), canonical JSON or a genotype; @file reads a file")
	preset := fs.String("preset", "proxy", "multi-trial preset whose recipe trains the child: "+strings.Join(multitrial.PresetNames(), ", "))
	epochs := fs.Int("epochs", 0, "training epochs (default: the recipe's)")
	seed := fs.Uint64("seed", 0, "the trial's seed: weights and data order (default: the preset's seed)")
	transfer := fs.Bool("transfer", false, "train the preset's transfer network on its training images and report the test accuracy")
	dataPath := fs.String("data-path", "", "where to read the data set (default: its usual place)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *arch == "" || fs.NArg() > 0 {
		return errors.New("--arch is required, and no arguments besides the flags")
	}
	if *space != "nasnet" {
		return errors.Errorf("--space %q: gonas trial trains NASNet children only (--space nasnet)", *space)
	}
	if *epochs < 0 {
		return errors.Errorf("--epochs must not be negative, got %d", *epochs)
	}
	cfg, err := multitrial.Preset(*preset)
	if err != nil {
		return err
	}
	if *dataPath != "" {
		cfg.DataPath = *dataPath
	}
	recipe := cfg.SearchRecipe()
	if *transfer {
		recipe = cfg.TransferRecipe()
	}
	if *epochs > 0 {
		recipe.Train.Epochs = *epochs
	}
	if err := recipe.Validate(); err != nil {
		return err
	}
	sp, err := recipe.Space()
	if err != nil {
		return err
	}
	text, err := archArg(*arch)
	if err != nil {
		return err
	}
	a, err := cells.ParseArch(sp, text)
	if err != nil {
		return errors.WithMessage(err, "--arch")
	}
	trialSeed := cfg.Seed
	if *seed != 0 {
		trialSeed = *seed
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	fmt.Printf("space=nasnet preset=%s kind=%s data=%s arch=%s\n", cfg.Preset, recipe.Kind, recipe.Data, a)
	m, err := multitrial.NewRunner(nil)(ctx, nas.Trial{ID: "cli", Arch: a, Recipe: recipe.JSON(), Seed: trialSeed})
	if err != nil {
		return err
	}
	for _, line := range []struct {
		name, metric, format string
	}{
		{"Validation-Accuracy", multitrial.MetricValidAccuracy, "%.4f"},
		{"Test-Accuracy", multitrial.MetricTestAccuracy, "%.4f"},
		{"Train-Loss", multitrial.MetricTrainLoss, "%.4f"},
		{"Params", multitrial.MetricParams, "%.0f"},
		{"FLOPs", multitrial.MetricFLOPs, "%.0f"},
	} {
		if v, ok := m[line.metric]; ok {
			fmt.Printf("%s="+line.format+"\n", line.name, v)
		}
	}
	return nil
}
