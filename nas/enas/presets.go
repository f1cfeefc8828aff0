package enas

import (
	"fmt"
	"sort"
	"strings"

	"github.com/pkg/errors"
)

// Presets side by side, per space: "paper" is the reference code's setting [3]
// (scripts/cifar10_{micro,macro}_{search,final}.sh, scripts/ptb_{search,final}.sh);
// "scaled" is a CIFAR-10 (or PTB) run that fits a 2-core machine in hours; "short"
// is the README's few-minute search on MNIST; "tiny" is a one-minute smoke run for
// tests. PresetTable prints them as one Markdown table.
//
// Unit conversions from the reference: WeightDecay is 2 × its l2_reg (it adds
// l2_reg·‖w‖² to the loss); the PTB child's loss is summed over the BPTT window
// there and averaged here, so its learning rate is multiplied by BPTT (0.25·35 =
// 8.75) and its clipping norm divided by it (10/35).
//
// Drop-path and dropout (DropPathKeep, DropoutKeep): "paper" has the scripts'
// --child_drop_path_keep_prob and --child_keep_prob where the reference code
// applies them. The micro search script passes drop_path_keep_prob 0.60 too, but
// micro_child.py applies drop-path only in the fixed-architecture child
// (_fixed_layer), never in the search child (_enas_layer), so the search's is off.
// "scaled" and "short" leave both off: they train for a few epochs, far from
// fitting their training images, where regularization only slows learning (the
// reference's values regularize 150- to 630-epoch runs). "tiny" turns on every
// regularizer its space has, at the paper's values, so the tests that run it
// cover them (search steps, resume, retraining).
var presets = map[string]map[string]func() Config{
	"enas-micro": {
		"paper":  microPaper,
		"scaled": microScaled,
		"short":  microShort,
		"tiny":   microTiny,
	},
	"enas-macro": {
		"paper":  macroPaper,
		"scaled": macroScaled,
		"tiny":   macroTiny,
	},
	"enas-rnn": {
		"paper":  rnnPaper,
		"scaled": rnnScaled,
		"tiny":   rnnTiny,
	},
}

// Preset returns the named preset of a space.
func Preset(space, name string) (Config, error) {
	byName, ok := presets[space]
	if !ok {
		return Config{}, errors.Errorf("enas: no presets for space %q (have %s)", space, strings.Join(PresetSpaces(), ", "))
	}
	mk, ok := byName[name]
	if !ok {
		return Config{}, errors.Errorf("enas: space %q has no preset %q (have %s)", space, name, strings.Join(PresetNames(space), ", "))
	}
	cfg := mk()
	cfg.Preset, cfg.Space = name, space
	return cfg, nil
}

// PresetSpaces lists the spaces that have presets, sorted.
func PresetSpaces() []string {
	var out []string
	for s := range presets {
		out = append(out, s)
	}
	sort.Strings(out)
	return out
}

// PresetNames lists a space's presets in the order paper, scaled, short, tiny.
func PresetNames(space string) []string {
	var out []string
	for _, n := range []string{"paper", "scaled", "short", "tiny"} {
		if _, ok := presets[space][n]; ok {
			out = append(out, n)
		}
	}
	return out
}

func microPaper() Config {
	return Config{
		Data: "cifar10", Seed: 1, ValidSize: 5000,
		// cifar10_micro_search.sh: --child_keep_prob=0.90 (drop-path: see above).
		Child: ChildConfig{Filters: 20, CellsPerStage: 2, Nodes: 5, AuxWeight: 0.4, Augment: true, DropoutKeep: 0.9,
			Epochs: 150, BatchSize: 160, LRMax: 0.05, LRMin: 0.0005, T0: 10, TMul: 2,
			Momentum: 0.9, WeightDecay: 2e-4, ClipNorm: 5},
		Controller: ControllerConfig{LSTM: "enas-micro", LearningRate: 0.0035, TrainSteps: 30, Aggregate: 10},
		Derive:     DeriveConfig{Samples: 100, Batches: 1},
		// cifar10_micro_final.sh: --child_drop_path_keep_prob=0.60, --child_keep_prob=0.80.
		Retrain: RetrainConfig{Filters: 36, CellsPerStage: 5, AuxWeight: 0.4, Cutout: true, DropPathKeep: 0.6, DropoutKeep: 0.8,
			Epochs: 630, BatchSize: 144, LRMax: 0.05, LRMin: 0.0001, Momentum: 0.9, WeightDecay: 4e-4, ClipNorm: 5, ControlArchs: 3},
	}
}

func microScaled() Config {
	return Config{
		Data: "cifar10", Seed: 1, ValidSize: 5000,
		Child: ChildConfig{Filters: 8, CellsPerStage: 1, Nodes: 5, Augment: true,
			Epochs: 10, BatchSize: 64, StepsPerEpoch: 200, LRMax: 0.05, LRMin: 0.0005, T0: 10, TMul: 2,
			Momentum: 0.9, WeightDecay: 2e-4, ClipNorm: 5},
		Controller: ControllerConfig{LSTM: "enas-micro", LearningRate: 0.0035, TrainSteps: 10, Aggregate: 5},
		Derive:     DeriveConfig{Samples: 20, Batches: 2},
		Retrain: RetrainConfig{Filters: 12, CellsPerStage: 1, Epochs: 3, BatchSize: 64,
			LRMax: 0.05, LRMin: 0.0005, Momentum: 0.9, WeightDecay: 4e-4, ClipNorm: 5, ControlArchs: 3},
	}
}

// microShort is the README's few-minute search, with the paper's controller. In its
// 240 child steps the shared weights stay near chance; the controller settings
// tried that make its entropy fall (faster Adam, no temperature, more updates,
// with or without a longer-trained child) did not make the derived cell better on
// validation on most seeds (BENCHMARKS.md, "Short preset: a controller that
// learns"), so none replaced it.
func microShort() Config {
	return Config{
		Data: "mnist", Seed: 1, TrainSize: 4000, ValidSize: 1000, TestSize: 2000,
		Child: ChildConfig{Filters: 6, CellsPerStage: 1, Nodes: 4,
			Epochs: 4, BatchSize: 32, StepsPerEpoch: 60, LRMax: 0.05, LRMin: 0.0005,
			Momentum: 0.9, WeightDecay: 2e-4, ClipNorm: 5},
		Controller: ControllerConfig{LSTM: "enas-micro", LearningRate: 0.0035, TrainSteps: 5, Aggregate: 5},
		Derive:     DeriveConfig{Samples: 10, Batches: 2},
		Retrain: RetrainConfig{Filters: 8, CellsPerStage: 1, Epochs: 1, BatchSize: 32,
			LRMax: 0.05, LRMin: 0.0005, Momentum: 0.9, WeightDecay: 4e-4, ClipNorm: 5, ControlArchs: 3},
	}
}

func microTiny() Config {
	return Config{
		Data: "mnist", Seed: 1, TrainSize: 1024, ValidSize: 256, TestSize: 1000,
		// Every regularizer on, search drop-path included, so the tests cover them.
		Child: ChildConfig{Filters: 4, CellsPerStage: 1, Nodes: 3, DropPathKeep: 0.6, DropoutKeep: 0.9,
			Epochs: 2, BatchSize: 32, StepsPerEpoch: 12, LRMax: 0.05, LRMin: 0.0005,
			Momentum: 0.9, WeightDecay: 2e-4, ClipNorm: 5},
		Controller: ControllerConfig{LSTM: "enas-micro", LearningRate: 0.0035, TrainSteps: 3, Aggregate: 3},
		Derive:     DeriveConfig{Samples: 4, Batches: 1},
		Retrain: RetrainConfig{Filters: 4, CellsPerStage: 1, DropPathKeep: 0.6, DropoutKeep: 0.8, Epochs: 1, BatchSize: 64,
			LRMax: 0.05, LRMin: 0.0005, Momentum: 0.9, WeightDecay: 4e-4, ClipNorm: 5, ControlArchs: 2},
	}
}

func macroPaper() Config {
	return Config{
		Data: "cifar10", Seed: 1, ValidSize: 5000,
		// cifar10_macro_search.sh: --child_keep_prob=0.90 (general_child.py has no drop-path).
		Child: ChildConfig{Filters: 36, Layers: 12, Augment: true, DropoutKeep: 0.9,
			Epochs: 310, BatchSize: 128, LRMax: 0.05, LRMin: 0.0005, T0: 10, TMul: 2,
			Momentum: 0.9, WeightDecay: 5e-4, ClipNorm: 5},
		Controller: ControllerConfig{LSTM: "enas-macro", LearningRate: 0.001, TanhConstant: 1.5, TrainSteps: 50, Aggregate: 20},
		Derive:     DeriveConfig{Samples: 100, Batches: 1},
		// cifar10_macro_final.sh: --child_num_layers=24, --child_out_filters=96,
		// --child_keep_prob=0.50 (its arc: cells/testdata/enas_macro_final.txt).
		Retrain: RetrainConfig{Filters: 96, Layers: 24, DropoutKeep: 0.5, Epochs: 310, BatchSize: 100,
			LRMax: 0.05, LRMin: 0.001, Momentum: 0.9, WeightDecay: 4e-4, ClipNorm: 5, ControlArchs: 3},
	}
}

func macroScaled() Config {
	return Config{
		Data: "cifar10", Seed: 1, ValidSize: 5000,
		Child: ChildConfig{Filters: 12, Layers: 6, Augment: true,
			Epochs: 10, BatchSize: 64, StepsPerEpoch: 200, LRMax: 0.05, LRMin: 0.0005, T0: 10, TMul: 2,
			Momentum: 0.9, WeightDecay: 5e-4, ClipNorm: 5},
		Controller: ControllerConfig{LSTM: "enas-macro", LearningRate: 0.001, TanhConstant: 1.5, TrainSteps: 10, Aggregate: 5},
		Derive:     DeriveConfig{Samples: 20, Batches: 2},
		Retrain: RetrainConfig{Filters: 24, Epochs: 3, BatchSize: 64,
			LRMax: 0.05, LRMin: 0.001, Momentum: 0.9, WeightDecay: 4e-4, ClipNorm: 5, ControlArchs: 3},
	}
}

func macroTiny() Config {
	return Config{
		Data: "mnist", Seed: 1, TrainSize: 1024, ValidSize: 256, TestSize: 1000,
		// Dropout on, so the tests cover it.
		Child: ChildConfig{Filters: 8, Layers: 4, DropoutKeep: 0.9,
			Epochs: 2, BatchSize: 32, StepsPerEpoch: 12, LRMax: 0.05, LRMin: 0.0005,
			Momentum: 0.9, WeightDecay: 5e-4, ClipNorm: 5},
		Controller: ControllerConfig{LSTM: "enas-macro", LearningRate: 0.001, TanhConstant: 1.5, TrainSteps: 3, Aggregate: 3},
		Derive:     DeriveConfig{Samples: 4, Batches: 1},
		Retrain: RetrainConfig{Filters: 8, DropoutKeep: 0.5, Epochs: 1, BatchSize: 32,
			LRMax: 0.05, LRMin: 0.001, Momentum: 0.9, WeightDecay: 4e-4, ClipNorm: 5, ControlArchs: 2},
	}
}

// The PTB controller of [3] (scripts/ptb_search.sh): tanh constant 2.5, temperature
// 5, entropy weight 1e-3, Adam at 1e-3, 100 updates of 10 architectures per epoch.
func rnnController(steps, aggregate int) ControllerConfig {
	return ControllerConfig{LSTM: "enas-macro", LearningRate: 0.001, EntropyWeight: 1e-3, TanhConstant: 2.5,
		Temperature: 5, TrainSteps: steps, Aggregate: aggregate, RewardConstant: 80}
}

func rnnPaper() Config {
	return Config{
		Data: "ptb", Seed: 1,
		Child: ChildConfig{Nodes: 12, Hidden: 720, BPTT: 35,
			Epochs: 100, BatchSize: 20, LRMax: 8.75, LRMin: 8.75, WeightDecay: 2e-7, ClipNorm: 10.0 / 35},
		Controller: rnnController(100, 10),
		Derive:     DeriveConfig{Samples: 100, Batches: 1},
		Retrain: RetrainConfig{Hidden: 748, Steps: 830000, BatchSize: 64, LRMax: 20, LRMin: 20, ClipNorm: 0.25,
			ControlArchs: 3},
	}
}

func rnnScaled() Config {
	return Config{
		Data: "ptb", Seed: 1, TrainSize: 200000, ValidSize: 20000,
		Child: ChildConfig{Nodes: 8, Hidden: 128, BPTT: 20,
			Epochs: 10, BatchSize: 20, StepsPerEpoch: 200, LRMax: 2, LRMin: 2, WeightDecay: 2e-7, ClipNorm: 0.25},
		Controller: rnnController(10, 5),
		Derive:     DeriveConfig{Samples: 20, Batches: 4},
		Retrain: RetrainConfig{Hidden: 200, Steps: 2000, BatchSize: 20, LRMax: 20, LRMin: 20, ClipNorm: 0.25,
			ControlArchs: 3},
	}
}

func rnnTiny() Config {
	return Config{
		Data: "ptb", Seed: 1, TrainSize: 20000, ValidSize: 4000, TestSize: 4000,
		Child: ChildConfig{Nodes: 4, Hidden: 32, BPTT: 10,
			Epochs: 2, BatchSize: 16, StepsPerEpoch: 12, LRMax: 2, LRMin: 2, ClipNorm: 0.25},
		Controller: rnnController(3, 3),
		Derive:     DeriveConfig{Samples: 4, Batches: 1},
		Retrain:    RetrainConfig{Hidden: 32, Steps: 40, BatchSize: 16, LRMax: 20, LRMin: 20, ClipNorm: 0.25, ControlArchs: 2},
	}
}

// PresetTable returns every preset as one Markdown table, one column per preset.
func PresetTable() string {
	type col struct {
		name string
		cfg  Config
	}
	var cols []col
	for _, s := range PresetSpaces() {
		for _, n := range PresetNames(s) {
			cfg, _ := Preset(s, n)
			cols = append(cols, col{s + " " + n, cfg})
		}
	}
	orDash := func(v any) string {
		switch x := v.(type) {
		case int:
			if x == 0 {
				return "–"
			}
		case float64:
			if x == 0 {
				return "–"
			}
		case bool:
			if !x {
				return "–"
			}
			return "yes"
		}
		return fmt.Sprint(v)
	}
	rows := []struct {
		label string
		get   func(c Config) any
	}{
		{"data", func(c Config) any { return c.Data }},
		{"train / valid / test size (0: all)", func(c Config) any { return fmt.Sprintf("%d / %d / %d", c.TrainSize, c.ValidSize, c.TestSize) }},
		{"child C (filters) or hidden", func(c Config) any { return max(c.Child.Filters, c.Child.Hidden) }},
		{"child N (cells/stage) or L (layers)", func(c Config) any { return max(c.Child.CellsPerStage, c.Child.Layers) }},
		{"child B / RNN nodes", func(c Config) any { return c.Child.Nodes }},
		{"BPTT", func(c Config) any { return c.Child.BPTT }},
		{"aux head weight", func(c Config) any { return c.Child.AuxWeight }},
		{"augment", func(c Config) any { return c.Child.Augment }},
		{"drop-path keep", func(c Config) any { return c.Child.DropPathKeep }},
		{"dropout keep", func(c Config) any { return c.Child.DropoutKeep }},
		{"epochs", func(c Config) any { return c.Child.Epochs }},
		{"batch", func(c Config) any { return c.Child.BatchSize }},
		{"steps/epoch (–: full pass)", func(c Config) any { return c.Child.StepsPerEpoch }},
		{"lr max → min", func(c Config) any { return fmt.Sprintf("%g → %g", c.Child.LRMax, c.Child.LRMin) }},
		{"SGDR T0, Tmul", func(c Config) any {
			if c.Child.T0 == 0 {
				return "–"
			}
			return fmt.Sprintf("%d, %d", c.Child.T0, c.Child.TMul)
		}},
		{"Nesterov momentum", func(c Config) any { return c.Child.Momentum }},
		{"weight decay (2·l2)", func(c Config) any { return c.Child.WeightDecay }},
		{"clip norm", func(c Config) any { return fmt.Sprintf("%.3g", c.Child.ClipNorm) }},
		{"controller preset", func(c Config) any { return c.Controller.LSTM }},
		{"controller lr", func(c Config) any { return c.lstmConfig().LearningRate }},
		{"tanh c / temperature", func(c Config) any {
			l := c.lstmConfig()
			return fmt.Sprintf("%g / %g", l.TanhConstant, l.Temperature)
		}},
		{"entropy weight", func(c Config) any { return c.lstmConfig().EntropyWeight }},
		{"train steps × aggregate", func(c Config) any {
			return fmt.Sprintf("%d × %d", c.Controller.TrainSteps, c.Controller.Aggregate)
		}},
		{"reward", func(c Config) any {
			if c.Controller.RewardConstant > 0 {
				return fmt.Sprintf("%g / valid ppl", c.Controller.RewardConstant)
			}
			return "valid acc"
		}},
		{"derive: samples × batches", func(c Config) any { return fmt.Sprintf("%d × %d", c.Derive.Samples, c.Derive.Batches) }},
		{"retrain C or hidden", func(c Config) any { return max(c.Retrain.Filters, c.Retrain.Hidden) }},
		{"retrain N", func(c Config) any { return c.Retrain.CellsPerStage }},
		{"retrain aux / cutout", func(c Config) any {
			return fmt.Sprintf("%s / %s", orDash(c.Retrain.AuxWeight), orDash(c.Retrain.Cutout))
		}},
		{"retrain drop-path / dropout keep", func(c Config) any {
			return fmt.Sprintf("%s / %s", orDash(c.Retrain.DropPathKeep), orDash(c.Retrain.DropoutKeep))
		}},
		{"retrain epochs (or BPTT steps)", func(c Config) any { return max(c.Retrain.Epochs, c.Retrain.Steps) }},
		{"retrain batch", func(c Config) any { return c.Retrain.BatchSize }},
		{"retrain lr max → min", func(c Config) any { return fmt.Sprintf("%g → %g", c.Retrain.LRMax, c.Retrain.LRMin) }},
		{"random control K", func(c Config) any { return c.Retrain.ControlArchs }},
	}
	var b strings.Builder
	b.WriteString("| setting |")
	for _, c := range cols {
		fmt.Fprintf(&b, " %s |", c.name)
	}
	b.WriteString("\n|---|")
	for range cols {
		b.WriteString("---|")
	}
	b.WriteString("\n")
	for _, r := range rows {
		fmt.Fprintf(&b, "| %s |", r.label)
		for _, c := range cols {
			fmt.Fprintf(&b, " %s |", orDash(r.get(c.cfg)))
		}
		b.WriteString("\n")
	}
	return b.String()
}
