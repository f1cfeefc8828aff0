package enas

import (
	"strings"

	"github.com/gonas/gonas/cells"
	"github.com/gonas/gonas/nas"
	"github.com/pkg/errors"
)

// searchSpace is the space the search builds its child networks from, sized by
// cfg.Child for d's images. training builds the networks of the child's training
// steps: with the micro auxiliary head when AuxWeight > 0, and drop-path and
// dropout as configured. Without it, the networks that score architectures
// (rewards, derive) measure them whole.
func searchSpace(cfg *Config, d *Data, training bool) (nas.Space, error) {
	ch := cfg.Child
	var pathKeep, dropKeep float64
	if training {
		pathKeep, dropKeep = ch.DropPathKeep, ch.DropoutKeep
	}
	switch cfg.Space {
	case "enas-micro":
		return cells.NewENASMicro(cells.ENASMicroConfig{Nodes: ch.Nodes, Filters: ch.Filters, CellsPerStage: ch.CellsPerStage,
			ImageSize: imageSize(d), ImageChannels: imageChannels(d), OutputConv: true, AuxHead: training && ch.AuxWeight > 0,
			DropPathKeep: pathKeep, DropoutKeep: dropKeep})
	case "enas-macro":
		s := &cells.ENASMacro{Layers: ch.Layers, Filters: ch.Filters, ImageSize: imageSize(d), Channels: imageChannels(d),
			DropoutKeep: dropKeep}
		return s, s.Validate(nas.Arch{Space: s.Name(), Choices: make([]int, len(s.Decisions()))})
	case "enas-rnn":
		return &cells.ENASRNN{Nodes: ch.Nodes}, nil
	}
	return nil, errors.Errorf("enas: unknown space %q", cfg.Space)
}

// retrainSpace is the space the derived architecture is retrained in: the final
// network of the reference code [3] (micro: cells without the search-time output
// convolution; macro: the fixed child that concatenates skips), sized and
// regularized by cfg.Retrain (drop-path and dropout act in training only, so the
// test accuracy measures the whole network).
//
// layers is enas-macro's depth (0: cfg.Child's).
func retrainSpace(cfg *Config, d *Data, layers int) (nas.Space, error) {
	ch, rt := cfg.Child, cfg.Retrain
	pick := func(v, dflt int) int {
		if v > 0 {
			return v
		}
		return dflt
	}
	switch cfg.Space {
	case "enas-micro":
		return cells.NewENASMicro(cells.ENASMicroConfig{Nodes: ch.Nodes, Filters: pick(rt.Filters, ch.Filters),
			CellsPerStage: pick(rt.CellsPerStage, ch.CellsPerStage), ImageSize: imageSize(d), ImageChannels: imageChannels(d),
			AuxHead: rt.AuxWeight > 0, DropPathKeep: rt.DropPathKeep, DropoutKeep: rt.DropoutKeep})
	case "enas-macro":
		return &cells.ENASMacro{Layers: pick(layers, ch.Layers), Filters: pick(rt.Filters, ch.Filters), Fixed: true,
			ImageSize: imageSize(d), Channels: imageChannels(d), DropoutKeep: rt.DropoutKeep}, nil
	case "enas-rnn":
		return &cells.ENASRNN{Nodes: ch.Nodes}, nil
	}
	return nil, errors.Errorf("enas: unknown space %q", cfg.Space)
}

func imageSize(d *Data) int {
	if d == nil || d.Train == nil {
		return 32
	}
	return d.Train.Height
}

func imageChannels(d *Data) int {
	if d == nil || d.Train == nil {
		return 3
	}
	return d.Train.Channels
}

// ParseArch reads an architecture of cfg's space in any of its formats (a name
// such as "enas", canonical JSON, an ENAS integer string, a genotype), checked
// against the retraining space. An enas-macro arc has cfg.Retrain.Layers layers
// when that is set, else as many as its length says (L(L+1)/2 integers).
func ParseArch(cfg *Config, d *Data, text string) (nas.Arch, error) {
	layers := cfg.Retrain.Layers
	if cfg.Space == "enas-macro" && layers == 0 {
		if fields := strings.Fields(text); !strings.HasPrefix(strings.TrimSpace(text), "{") {
			layers = cells.MacroLayersOf(len(fields))
		}
	}
	sp, err := retrainSpace(cfg, d, layers)
	if err != nil {
		return nas.Arch{}, err
	}
	return cells.ParseArch(sp, text)
}

// archLayers is the depth of an enas-macro architecture (0 for other spaces).
func archLayers(cfg *Config, a nas.Arch) int {
	if cfg.Space != "enas-macro" {
		return 0
	}
	return cells.MacroLayersOf(len(a.Choices))
}
