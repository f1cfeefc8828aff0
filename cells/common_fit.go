package cells

import (
	"math"
	"slices"
	"strings"

	"github.com/gonas/gonas/nas"
)

// PublishedGenotypes are published cells in DARTS's genotype text [3], as
// quark0/darts's cnn/genotypes.py prints them, by name: FitSpace reads these
// names as their text. nasnet-a is also a named architecture of the NASNet space.
var PublishedGenotypes = map[string]string{
	"darts-v1": "Genotype(normal=[('sep_conv_3x3', 1), ('sep_conv_3x3', 0), ('skip_connect', 0), ('sep_conv_3x3', 1), " +
		"('skip_connect', 0), ('sep_conv_3x3', 1), ('sep_conv_3x3', 0), ('skip_connect', 2)], normal_concat=[2, 3, 4, 5], " +
		"reduce=[('max_pool_3x3', 0), ('max_pool_3x3', 1), ('skip_connect', 2), ('max_pool_3x3', 0), ('max_pool_3x3', 0), " +
		"('skip_connect', 2), ('skip_connect', 2), ('avg_pool_3x3', 0)], reduce_concat=[2, 3, 4, 5])",
	"darts-v2": "Genotype(normal=[('sep_conv_3x3', 0), ('sep_conv_3x3', 1), ('sep_conv_3x3', 0), ('sep_conv_3x3', 1), " +
		"('sep_conv_3x3', 1), ('skip_connect', 0), ('skip_connect', 0), ('dil_conv_3x3', 2)], normal_concat=[2, 3, 4, 5], " +
		"reduce=[('max_pool_3x3', 0), ('max_pool_3x3', 1), ('skip_connect', 2), ('max_pool_3x3', 1), ('max_pool_3x3', 0), " +
		"('skip_connect', 2), ('skip_connect', 2), ('max_pool_3x3', 1)], reduce_concat=[2, 3, 4, 5])",
	"amoebanet-a": "Genotype(normal=[('avg_pool_3x3', 0), ('max_pool_3x3', 1), ('sep_conv_3x3', 0), ('sep_conv_5x5', 2), " +
		"('sep_conv_3x3', 0), ('avg_pool_3x3', 3), ('sep_conv_3x3', 1), ('skip_connect', 1), ('skip_connect', 0), " +
		"('avg_pool_3x3', 1)], normal_concat=[4, 5, 6], reduce=[('avg_pool_3x3', 0), ('sep_conv_3x3', 1), " +
		"('max_pool_3x3', 0), ('sep_conv_7x7', 2), ('sep_conv_7x7', 0), ('avg_pool_3x3', 1), ('max_pool_3x3', 0), " +
		"('max_pool_3x3', 1), ('conv_7x1_1x7', 0), ('sep_conv_3x3', 5)], reduce_concat=[3, 4, 6])",
}

// Sizes changes a space's default size for FitSpace; zero values keep the default.
type Sizes struct {
	Filters       int    // C: nasnet, enas-micro, enas-macro; nb201's first-stage channels
	CellsPerStage int    // N: nasnet, enas-micro, nb201
	Layers        int    // enas-macro's L (default: read from the arc)
	Fixed         bool   // enas-macro: the reference's final (fixed-architecture) child, ENASMacro.Fixed
	Concat        string // nasnet's ConcatRule: "unused" or "tf"
	ImageNet      bool   // nasnet: NASNet Mobile's ImageNet stem and size (NASNetMobileConfig) instead of CIFAR's
}

// FitSpace returns the space called name at its default configuration, changed by
// sz and fitted to the architecture text, and the architecture read from text
// (any format ParseArch reads, or a PublishedGenotypes name). Fitting reads what
// the text fixes: a genotype's number of blocks (nasnet, enas-micro) and concat
// lists (nasnet: lists other than the concat rule's become
// NASNetConfig.NormalConcat and ReduceConcat), an ENAS string's number of nodes
// (enas-micro, 8 integers a node) or layers (enas-macro, L(L+1)/2 integers). It
// is how gonas draw and info read an architecture.
func FitSpace(name, text string, sz Sizes) (nas.Space, nas.Arch, error) {
	text = strings.TrimSpace(text)
	if g, ok := PublishedGenotypes[text]; ok {
		text = g
	}
	var s nas.Space
	var err error
	switch name {
	case "nasnet":
		s, err = fitNASNet(text, sz)
	case "enas-micro":
		s, err = fitENASMicro(text, sz)
	case "enas-macro":
		s, err = fitENASMacro(text, sz)
	case "nb201":
		net := NB201BenchmarkNetwork()
		net.Channels = pick(sz.Filters, net.Channels)
		net.CellsPerStage = pick(sz.CellsPerStage, net.CellsPerStage)
		s = NewNB201().WithNetwork(net)
	default:
		s, err = NewSpace(name)
	}
	if err != nil {
		return nil, nas.Arch{}, err
	}
	a, err := ParseArch(s, text)
	if err != nil {
		return nil, nas.Arch{}, err
	}
	return s, a, nil
}

func pick(v, dflt int) int {
	if v > 0 {
		return v
	}
	return dflt
}

// genotypeBlocks is the number of blocks of a genotype text's normal cell (0 when
// the text is not a genotype or the cell lists an odd number of pairs).
func genotypeBlocks(text string) (*genotypeText, int) {
	g, err := parseGenotypeText(text)
	if err != nil || len(g.cells["normal"])%2 != 0 {
		return nil, 0
	}
	return g, len(g.cells["normal"]) / 2
}

func fitNASNet(text string, sz Sizes) (nas.Space, error) {
	cfg := DefaultNASNetConfig()
	if sz.ImageNet {
		cfg = NASNetMobileConfig()
	}
	cfg.Filters = pick(sz.Filters, cfg.Filters)
	cfg.CellsPerStage = pick(sz.CellsPerStage, cfg.CellsPerStage)
	if sz.Concat != "" {
		rule, err := ParseConcatRule(sz.Concat)
		if err != nil {
			return nil, err
		}
		cfg.Concat = rule
	}
	if g, blocks := genotypeBlocks(text); blocks > 0 {
		cfg.Blocks = blocks
		normal, reduce, err := genotypeFormat{ops: NASNetOps, blocks: blocks}.parseCells(text)
		if err == nil {
			for i, spec := range []cellSpec{normal, reduce} {
				name := []string{"normal", "reduce"}[i]
				list, ok := g.concats[name]
				if !ok || slices.Equal(list, cfg.Concat.outputs(spec)) {
					continue
				}
				if i == 0 {
					cfg.NormalConcat = list
				} else {
					cfg.ReduceConcat = list
				}
			}
		}
	}
	return NewNASNet(cfg)
}

func fitENASMicro(text string, sz Sizes) (nas.Space, error) {
	cfg := DefaultENASMicroConfig()
	cfg.Filters = pick(sz.Filters, cfg.Filters)
	cfg.CellsPerStage = pick(sz.CellsPerStage, cfg.CellsPerStage)
	if _, blocks := genotypeBlocks(text); blocks > 0 {
		cfg.Nodes = blocks
	} else if n, ok := countInts(text); ok && n > 0 && n%8 == 0 {
		cfg.Nodes = n / 8
	}
	return NewENASMicro(cfg)
}

func fitENASMacro(text string, sz Sizes) (nas.Space, error) {
	s := NewENASMacro()
	s.Filters = pick(sz.Filters, s.Filters)
	s.Fixed = sz.Fixed
	switch {
	case sz.Layers > 0:
		s.Layers = sz.Layers
	default:
		if n, ok := countInts(text); ok {
			if l := MacroLayersOf(n); l > 0 {
				s.Layers = l
			}
		}
	}
	return s, s.checkConfig()
}

// MacroLayersOf is the number of layers L of an ENAS macro arc of n integers (one
// op and j skip bits for layer j: n = L(L+1)/2), or 0 when no L fits.
func MacroLayersOf(n int) int {
	l := int(math.Round((math.Sqrt(8*float64(n)+1) - 1) / 2))
	if l > 0 && l*(l+1)/2 == n {
		return l
	}
	return 0
}

// countInts counts the whitespace-separated fields of text when all are integers.
func countInts(text string) (int, bool) {
	fields := strings.Fields(text)
	for _, f := range fields {
		for _, r := range f {
			if r < '0' || r > '9' {
				return 0, false
			}
		}
	}
	return len(fields), true
}
