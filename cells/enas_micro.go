package cells

import (
	"fmt"
	"strconv"
	"strings"

	. "github.com/gomlx/gomlx/core/graph" //nolint:staticcheck
	"github.com/gomlx/gomlx/ml/model"
	"github.com/gonas/gonas/nas"
	"github.com/gonas/gonas/nas/draw"
	"github.com/pkg/errors"
)

// ENASMicroOps are the five operations of the ENAS micro space [2], numbered as in
// the reference code (micro_child.py): 0 sep3x3, 1 sep5x5, 2 avg3x3, 3 max3x3,
// 4 identity. Separable convolutions are applied twice (ReLU, sep, BN each).
var ENASMicroOps = []opDef{
	{"sep3x3", "sep 3x3", "sep_conv_3x3", opSep, 3},
	{"sep5x5", "sep 5x5", "sep_conv_5x5", opSep, 5},
	{"avg3x3", "avg 3x3", "avg_pool_3x3", opAvg, 3},
	{"max3x3", "max 3x3", "max_pool_3x3", opMax, 3},
	{"identity", "identity", "skip_connect", opIdentity, 1},
}

// ENASMicroConfig sizes an ENAS micro network. Its fields map to the reference
// code's flags: Filters = --child_out_filters, CellsPerStage = --child_num_layers/3,
// Nodes = --child_num_cells.
type ENASMicroConfig struct {
	Nodes         int // B, computed nodes per cell (5)
	Filters       int // C, width of the first stage's cells (even)
	CellsPerStage int // N: 3N+2 cells, reductions after N and 2N+1 cells
	ImageSize     int // input height and width, for Cost (32)
	ImageChannels int // input channels, for Cost (3)
	// OutputConv ends each cell with ReLU, a 1x1 convolution to C channels and BN
	// of the concatenated unused nodes, and fits h(i-1) only when its width
	// differs, as the reference code's search-time child (_enas_layer) does. Off,
	// cells are those of its fixed-architecture child (_fixed_layer).
	OutputConv bool
	// AuxHead adds the auxiliary classifier after the first cell that follows the
	// second reduction (ImageModelWithAux); ImageModel ignores it.
	AuxHead bool
	// DropPathKeep is the keep probability of scheduled drop-path in training,
	// reached by the last cell at the last step (see common_droppath.go;
	// --child_drop_path_keep_prob, 0.60 in cifar10_micro_final.sh). DropoutKeep is
	// that of dropout before the dense layer (--child_keep_prob: 0.90 in the
	// search, 0.80 in the final training). 0 or 1 turns each off.
	DropPathKeep, DropoutKeep float64
}

// DefaultENASMicroConfig is the final network of the reference code
// (scripts/cifar10_micro_final.sh): C=36, 15 normal cells (N=5), auxiliary head;
// its regularizers are left off (set DropPathKeep 0.6, DropoutKeep 0.8 for the
// script's training).
func DefaultENASMicroConfig() ENASMicroConfig {
	return ENASMicroConfig{Nodes: 5, Filters: 36, CellsPerStage: 5, ImageSize: 32, ImageChannels: 3, AuxHead: true}
}

// ENASMicroSearchConfig is the search-time child of the reference code
// (scripts/cifar10_micro_search.sh): C=20, 6 normal cells (N=2), output 1x1 convolutions.
func ENASMicroSearchConfig() ENASMicroConfig {
	return ENASMicroConfig{Nodes: 5, Filters: 20, CellsPerStage: 2, ImageSize: 32, ImageChannels: 3, OutputConv: true}
}

// ENASMicro is the ENAS micro (convolutional cell) search space [2]: a normal and a
// reduction cell of B nodes. Node k (k ≥ 2; nodes 0 and 1 are the outputs h(i-2)
// and h(i-1) of the two previous cells) picks two earlier nodes and one op
// (ENASMicroOps) for each, and adds the results. The cell output concatenates the
// nodes no node reads. In a reduction cell the ops reading nodes 0 and 1 have
// stride 2. Every choice is allowed, so Validate checks ranges only.
//
// Decisions, per cell ("normal" then "reduce") and node, in the order of ENAS's
// integer strings: <cell>/node<k>/x_input, x_op, y_input, y_op.
//
// The space is also its ENAS integer-string format (FormatName "enas").
type ENASMicro struct {
	cfg       ENASMicroConfig
	decisions []nas.Decision
}

// NewENASMicro returns the space for cfg, or an error naming the bad field.
func NewENASMicro(cfg ENASMicroConfig) (*ENASMicro, error) {
	switch {
	case cfg.Nodes < 1:
		return nil, errors.Errorf("ENAS micro: Nodes must be at least 1, got %d", cfg.Nodes)
	case cfg.Filters < 2 || cfg.Filters%2 != 0:
		return nil, errors.Errorf("ENAS micro: Filters must be even and positive (factorized reductions halve it), got %d", cfg.Filters)
	case cfg.CellsPerStage < 1:
		return nil, errors.Errorf("ENAS micro: CellsPerStage must be positive, got %d", cfg.CellsPerStage)
	case cfg.ImageSize < 1 || cfg.ImageChannels < 1:
		return nil, errors.Errorf("ENAS micro: ImageSize (%d) and ImageChannels (%d) must be positive", cfg.ImageSize, cfg.ImageChannels)
	}
	if err := checkKeep("ENAS micro", "DropPathKeep", cfg.DropPathKeep); err != nil {
		return nil, err
	}
	if err := checkKeep("ENAS micro", "DropoutKeep", cfg.DropoutKeep); err != nil {
		return nil, err
	}
	s := &ENASMicro{cfg: cfg}
	opLabels := make([]string, len(ENASMicroOps))
	for i, d := range ENASMicroOps {
		opLabels[i] = d.key
	}
	for _, group := range []string{"normal", "reduce"} {
		for b := range cfg.Nodes {
			k := b + 2
			inputs := inputLabels(k, "h[i-2]", "h[i-1]")
			for _, slot := range slotNames {
				name := fmt.Sprintf("%s/node%d/%s_", group, k, slot)
				s.decisions = append(s.decisions,
					nas.Decision{Name: name + "input", Kind: nas.Input, NumChoices: k, Labels: inputs, Node: k, Group: group},
					nas.Decision{Name: name + "op", Kind: nas.Op, NumChoices: len(ENASMicroOps), Labels: opLabels, Node: -1, Group: group})
			}
		}
	}
	return s, nil
}

// Config returns the space's configuration.
func (s *ENASMicro) Config() ENASMicroConfig { return s.cfg }

// Name is "enas-micro".
func (s *ENASMicro) Name() string { return "enas-micro" }

// Decisions lists the 8·B decisions (see ENASMicro).
func (s *ENASMicro) Decisions() []nas.Decision { return s.decisions }

// Validate checks the space, the number of choices and their ranges; every
// in-range choice is a valid ENAS micro architecture.
func (s *ENASMicro) Validate(a nas.Arch) error { return nas.ValidateChoices(s, a) }

// decode turns a into its two cells; the choices are ENAS's integers in order.
func (s *ENASMicro) decode(a nas.Arch) (normal, reduce cellSpec, err error) {
	if err := s.Validate(a); err != nil {
		return nil, nil, err
	}
	cells := [2]cellSpec{}
	for c := range 2 {
		cells[c] = make(cellSpec, s.cfg.Nodes)
		for b := range s.cfg.Nodes {
			ch := a.Choices[(c*s.cfg.Nodes+b)*4:]
			cells[c][b] = nodeSpec{in: [2]int{ch[0], ch[2]}, op: [2]int{ch[1], ch[3]}}
		}
	}
	return cells[0], cells[1], nil
}

// encode is decode's inverse (nodes always add).
func (s *ENASMicro) encode(normal, reduce cellSpec) nas.Arch {
	a := nas.Arch{Space: s.Name()}
	for _, spec := range []cellSpec{normal, reduce} {
		for _, nd := range spec {
			a.Choices = append(a.Choices, nd.in[0], nd.op[0], nd.in[1], nd.op[1])
		}
	}
	return a
}

// FormatName is "enas": the integer strings of ENAS's --child_fixed_arc.
func (s *ENASMicro) FormatName() string { return "enas" }

// Parse reads an ENAS micro string: per node "x_id x_op y_id y_op", the normal
// cell's nodes then the reduction cell's, separated by white space.
func (s *ENASMicro) Parse(text string) (nas.Arch, error) {
	t, err := tokenize("enas", text)
	if err != nil {
		return nas.Arch{}, err
	}
	want := 8 * s.cfg.Nodes
	a := nas.Arch{Space: s.Name()}
	for i := 0; ; i++ {
		tok := t.next()
		if tok.kind == tokEOF {
			if i < want {
				return nas.Arch{}, errors.Errorf("enas: %d integers, expected %d (x_id x_op y_id y_op for each of %d nodes, normal then reduction cell)", i, want, s.cfg.Nodes)
			}
			return a, nil
		}
		if i >= want {
			return nas.Arch{}, t.errAt(tok, "one token too many", fmt.Sprintf("end of text after %d integers", want))
		}
		d := s.decisions[i]
		if tok.kind != tokInt {
			return nas.Arch{}, t.errAt(tok, "not an integer", fmt.Sprintf("%s, an integer", d.Name))
		}
		if tok.value >= d.NumChoices {
			return nas.Arch{}, t.errAt(tok, d.Name+" out of range", fmt.Sprintf("0 to %d (%s)", d.NumChoices-1, choiceList(d)))
		}
		a.Choices = append(a.Choices, tok.value)
	}
}

// choiceList is "0 sep3x3, 1 sep5x5, ..." for error messages.
func choiceList(d nas.Decision) string {
	parts := make([]string, d.NumChoices)
	for c := range d.NumChoices {
		parts[c] = strconv.Itoa(c) + " " + d.Label(c)
	}
	return strings.Join(parts, ", ")
}

// Format writes a as an ENAS micro string.
func (s *ENASMicro) Format(a nas.Arch) (string, error) {
	if err := s.Validate(a); err != nil {
		return "", err
	}
	parts := make([]string, len(a.Choices))
	for i, c := range a.Choices {
		parts[i] = strconv.Itoa(c)
	}
	return strings.Join(parts, " "), nil
}

// Genotype returns the DARTS genotype format of the space.
func (s *ENASMicro) Genotype() nas.Format {
	return genotypeFormat{ops: ENASMicroOps, blocks: s.cfg.Nodes, encode: s.encode, decode: s.decode,
		concat: func(spec cellSpec, _ bool) []int { return spec.unused() }}
}

// Formats lists the text formats of the space besides JSON: ENAS strings and genotypes.
func (s *ENASMicro) Formats() []nas.Format { return []nas.Format{s, s.Genotype()} }

// ENASPaperGenotype is the best micro cell of the ENAS paper [2] (its Figure 7
// normal and reduction cells), as the genotype collections of later papers write it.
const ENASPaperGenotype = "Genotype(normal=[('sep_conv_3x3', 1), ('skip_connect', 1), ('sep_conv_5x5', 1), ('skip_connect', 0), " +
	"('avg_pool_3x3', 0), ('sep_conv_3x3', 1), ('sep_conv_3x3', 0), ('avg_pool_3x3', 1), ('sep_conv_5x5', 1), ('avg_pool_3x3', 0)], " +
	"normal_concat=[2, 3, 4, 5, 6], " +
	"reduce=[('sep_conv_5x5', 0), ('avg_pool_3x3', 1), ('sep_conv_3x3', 1), ('avg_pool_3x3', 1), ('avg_pool_3x3', 1), " +
	"('sep_conv_3x3', 1), ('avg_pool_3x3', 1), ('sep_conv_5x5', 4), ('sep_conv_5x5', 0), ('sep_conv_3x3', 5)], reduce_concat=[2, 3, 6])"

// ENASFixedArc is the micro architecture the reference code trains from scratch
// (scripts/cifar10_micro_final.sh, --child_fixed_arc), normal then reduction cell.
const ENASFixedArc = "0 2 0 0 0 4 0 1 0 4 1 1 1 0 0 1 0 2 1 1 " +
	"1 0 1 0 0 3 0 2 1 1 3 1 1 0 0 4 0 3 1 1"

// Architectures returns the named architectures (when B = 5): "enas" (the paper's
// best cell, ENASPaperGenotype) and "enas-fixed-arc" (ENASFixedArc).
func (s *ENASMicro) Architectures() map[string]nas.Arch {
	out := map[string]nas.Arch{}
	if s.cfg.Nodes == 5 {
		paper, err1 := s.Genotype().Parse(ENASPaperGenotype)
		fixed, err2 := s.Parse(ENASFixedArc)
		if err1 != nil || err2 != nil {
			panic(errors.Errorf("ENAS micro named architectures: %v, %v", err1, err2)) // the constants are tested
		}
		out["enas"], out["enas-fixed-arc"] = paper, fixed
	}
	return out
}

// UnavailableArchitectures names the named architectures this configuration
// cannot hold and why: "enas" and "enas-fixed-arc" when B is not 5.
func (s *ENASMicro) UnavailableArchitectures() map[string]string {
	if s.cfg.Nodes == 5 {
		return nil
	}
	why := fmt.Sprintf("needs cells of B=5 nodes; this ENAS micro space has B=%d", s.cfg.Nodes)
	return map[string]string{"enas": "enas " + why, "enas-fixed-arc": "enas-fixed-arc " + why}
}

func (s *ENASMicro) stack() stackConfig {
	sty := cellStyle{identityFR: true, inputs: inputsENASFixed}
	if s.cfg.OutputConv {
		sty.inputs, sty.outputConv = inputsENASSearch, true
	}
	return stackConfig{
		filters: s.cfg.Filters, cellsPerStage: s.cfg.CellsPerStage, stemMultiplier: 3,
		aux: s.cfg.AuxHead, auxAfter: 2*s.cfg.CellsPerStage + 2, auxSame: true,
		style: sty, ops: ENASMicroOps, dropPathKeep: s.cfg.DropPathKeep, dropoutKeep: s.cfg.DropoutKeep,
	}
}

// ImageModel builds the network of a as the reference code does: a 3x3
// convolution to 3·C channels and BN, 3N+2 cells (see stackConfig), ReLU, global
// average pooling and a dense layer without bias; in training, drop-path and
// dropout as configured (common_droppath.go). Weights are keyed as the package
// comment says, so architectures built in one store share their common ops' weights.
func (s *ENASMicro) ImageModel(a nas.Arch, numClasses int) (nas.ImageModel, error) {
	return imageModelOf(s, a, numClasses)
}

// ImageModelWithAux is ImageModel that also returns the auxiliary head's logits
// (nil when Config().AuxHead is false); ENAS weighs their loss by 0.4.
func (s *ENASMicro) ImageModelWithAux(a nas.Arch, numClasses int) (func(scope *model.Scope, images *Node) (logits, aux *Node), error) {
	return imageModelWithAuxOf(s, a, numClasses)
}

// Cost returns the trainable parameters and multiply-adds (convolutions and dense
// layers) of one forward pass of a Config().ImageSize image, auxiliary head excluded.
func (s *ENASMicro) Cost(a nas.Arch, numClasses int) (int, int64, error) {
	return costOf(s, a, numClasses)
}

// imageShape is the input size and channels of the configured network.
func (s *ENASMicro) imageShape() (int, int) { return s.cfg.ImageSize, s.cfg.ImageChannels }

// CellGraph draws cell "normal" or "reduce" of a as in the paper's figures: inputs,
// op boxes, the numbered nodes (which add), and the concatenated output.
func (s *ENASMicro) CellGraph(a nas.Arch, cell string) (*draw.Graph, error) {
	normal, reduce, err := s.decode(a)
	if err != nil {
		return nil, err
	}
	lb := cellLabels{inputs: [2]string{"h_{i-2}", "h_{i-1}"}, output: "h_{i}", nodeNames: true}
	switch cell {
	case "normal":
		return cellGraph("ENAS convolutional cell", normal, ENASMicroOps, normal.unused(), lb), nil
	case "reduce", "reduction":
		return cellGraph("ENAS reduction cell", reduce, ENASMicroOps, reduce.unused(), lb), nil
	}
	return nil, errors.Errorf("ENAS micro: unknown cell %q, expected normal or reduce", cell)
}

// SVG draws both cells of a, normal above reduction.
func (s *ENASMicro) SVG(a nas.Arch) (string, error) { return drawBoth(s, a, true) }

// DOT writes both cells of a as two graphviz digraphs.
func (s *ENASMicro) DOT(a nas.Arch) (string, error) { return drawBoth(s, a, false) }
