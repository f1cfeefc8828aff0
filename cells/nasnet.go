package cells

import (
	"fmt"

	. "github.com/gomlx/gomlx/core/graph" //nolint:staticcheck
	"github.com/gomlx/gomlx/ml/model"
	"github.com/gonas/gonas/nas"
	"github.com/gonas/gonas/nas/draw"
	"github.com/pkg/errors"
)

// NASNetOps are the 13 operations of the NASNet search space [1], in the paper's
// order; Key is the name in decisions and weight scopes, the genotype name follows
// DARTS [3] where DARTS has the op.
var NASNetOps = []opDef{
	{"identity", "identity", "skip_connect", opIdentity, 1},
	{"conv1x3_3x1", "1x3 then 3x1", "conv_3x1_1x3", opConvPair, 3},
	{"conv1x7_7x1", "1x7 then 7x1", "conv_7x1_1x7", opConvPair, 7},
	{"dil3x3", "dil 3x3", "dil_conv_3x3", opDilated, 3},
	{"avg3x3", "avg 3x3", "avg_pool_3x3", opAvg, 3},
	{"max3x3", "max 3x3", "max_pool_3x3", opMax, 3},
	{"max5x5", "max 5x5", "max_pool_5x5", opMax, 5},
	{"max7x7", "max 7x7", "max_pool_7x7", opMax, 7},
	{"conv1x1", "conv 1x1", "conv_1x1", opConv, 1},
	{"conv3x3", "conv 3x3", "conv_3x3", opConv, 3},
	{"sep3x3", "sep 3x3", "sep_conv_3x3", opSep, 3},
	{"sep5x5", "sep 5x5", "sep_conv_5x5", opSep, 5},
	{"sep7x7", "sep 7x7", "sep_conv_7x7", opSep, 7},
}

// NASNetCombines are the ways a NASNet block combines its two hidden states.
var NASNetCombines = []string{"add", "concat"}

// NASNetConfig sizes a NASNet network. The default (DefaultNASNetConfig) is the
// paper's CIFAR-10 NASNet-A 6@768: N=6, C=32, stem of 3·C. The paper names a
// network N@P, P being the width of the penultimate layer: 768 = 6 states of
// 4·C = 128 filters, as TensorFlow's code concatenates them (Concat ConcatTF).
// Under the default ConcatUnused the same network is 640 wide (5 states): see
// ConcatRule.
type NASNetConfig struct {
	Blocks         int  // B, blocks per cell (5)
	Filters        int  // C, width of the first stage's cells (even)
	CellsPerStage  int  // N, normal cells between reductions
	StemMultiplier int  // CIFAR stem width = StemMultiplier·C (3); ImageNet stem 32·StemMultiplier
	ImageNetStem   bool // the ImageNet stem (stride-2 conv and two reduction cells) instead of CIFAR's
	ImageSize      int  // input height and width, for Cost (32 for CIFAR, 224 for NASNet Mobile)
	ImageChannels  int  // input channels, for Cost (3)
	// Concat is which states a cell's output concatenates (ConcatUnused, the
	// default, or ConcatTF); NormalConcat and ReduceConcat, when set, list them
	// explicitly, as a DARTS genotype's normal_concat and reduce_concat do (DARTS's
	// own cells concatenate every block, read or not).
	Concat                     ConcatRule
	NormalConcat, ReduceConcat []int
	// AuxHead adds the auxiliary classifier after the last normal cell before the
	// second reduction (ImageModelWithAux); ImageModel ignores it.
	AuxHead bool
	// DropPathKeep is the keep probability of ScheduledDropPath in training,
	// reached by the last cell at the last step (see common_droppath.go).
	// DropoutKeep is that of dropout before the dense layer. 0 or 1 turns each
	// off. TensorFlow's nasnet.py uses drop_path_keep_prob 0.6 and
	// dense_dropout_keep_prob 1.0 on CIFAR-10 (cifar_config), 1.0 and 0.5 for
	// NASNet Mobile (mobile_imagenet_config).
	DropPathKeep, DropoutKeep float64
}

// DefaultNASNetConfig is CIFAR-10 NASNet-A 6@768's size (N=6, C=32), its
// regularizers left off (set DropPathKeep 0.6 for the paper's training), its
// cells' outputs concatenating the unused states (ConcatUnused), as DARTS's
// PyTorch NASNet-A does: 640 wide at the penultimate layer, 3,061,738
// parameters. NASNetTFConfig is the network TensorFlow builds, 768 wide.
func DefaultNASNetConfig() NASNetConfig {
	return NASNetConfig{Blocks: 5, Filters: 32, CellsPerStage: 6, StemMultiplier: 3, ImageSize: 32, ImageChannels: 3, AuxHead: true}
}

// NASNetTFConfig is DefaultNASNetConfig with TensorFlow's concatenation
// (ConcatTF): NASNet-A 6@768 as TensorFlow's code and the paper build it, 768
// wide at the penultimate layer.
func NASNetTFConfig() NASNetConfig {
	cfg := DefaultNASNetConfig()
	cfg.Concat = ConcatTF
	return cfg
}

// NASNetMobileConfig is NASNet-A Mobile's size for 224x224 ImageNet images [1]:
// N=4, C=44, under ConcatUnused (880 wide at the penultimate layer); with
// Concat = ConcatTF it is the paper's 4@1056.
func NASNetMobileConfig() NASNetConfig {
	return NASNetConfig{Blocks: 5, Filters: 44, CellsPerStage: 4, StemMultiplier: 1, ImageNetStem: true, ImageSize: 224, ImageChannels: 3, AuxHead: true}
}

// NASNet is the NASNet search space [1]: a normal and a reduction cell of B blocks.
// Block b (node b+2; nodes 0 and 1 are the cell inputs h_{i-1} and h_i) picks two
// hidden states among the cell inputs and earlier blocks, an op for each
// (NASNetOps) and a combine (add or concat). The cell output concatenates the
// hidden states no block reads. In a reduction cell the ops reading the cell
// inputs have stride 2. Every choice is allowed, so Validate checks ranges only.
//
// Decisions, per cell ("normal" then "reduce") and block, in the paper's order:
// <cell>/node<k>/x_input, y_input, x_op, y_op, combine.
type NASNet struct {
	cfg       NASNetConfig
	decisions []nas.Decision
}

// NewNASNet returns the space for cfg, or an error naming the bad field.
func NewNASNet(cfg NASNetConfig) (*NASNet, error) {
	switch {
	case cfg.Blocks < 1:
		return nil, errors.Errorf("NASNet: Blocks must be at least 1, got %d", cfg.Blocks)
	case cfg.Filters < 2 || cfg.Filters%2 != 0:
		return nil, errors.Errorf("NASNet: Filters must be even and positive (factorized reductions halve it), got %d", cfg.Filters)
	case cfg.ImageNetStem && cfg.Filters%4 != 0:
		return nil, errors.Errorf("NASNet: the ImageNet stem needs Filters divisible by 4, got %d", cfg.Filters)
	case cfg.CellsPerStage < 1 || cfg.StemMultiplier < 1:
		return nil, errors.Errorf("NASNet: CellsPerStage (%d) and StemMultiplier (%d) must be positive", cfg.CellsPerStage, cfg.StemMultiplier)
	case cfg.ImageSize < 1 || cfg.ImageChannels < 1:
		return nil, errors.Errorf("NASNet: ImageSize (%d) and ImageChannels (%d) must be positive", cfg.ImageSize, cfg.ImageChannels)
	}
	if cfg.Concat != ConcatUnused && cfg.Concat != ConcatTF {
		return nil, errors.Errorf("NASNet: unknown Concat rule %d", int(cfg.Concat))
	}
	for _, c := range []struct {
		name string
		list []int
	}{{"normal", cfg.NormalConcat}, {"reduce", cfg.ReduceConcat}} {
		if c.list != nil {
			if err := checkConcatList(c.name, c.list, cfg.Blocks); err != nil {
				return nil, errors.Wrap(err, "NASNet")
			}
		}
	}
	if err := checkKeep("NASNet", "DropPathKeep", cfg.DropPathKeep); err != nil {
		return nil, err
	}
	if err := checkKeep("NASNet", "DropoutKeep", cfg.DropoutKeep); err != nil {
		return nil, err
	}
	s := &NASNet{cfg: cfg}
	opLabels := make([]string, len(NASNetOps))
	for i, d := range NASNetOps {
		opLabels[i] = d.key
	}
	for _, group := range []string{"normal", "reduce"} {
		for b := range cfg.Blocks {
			k := b + 2
			inputs := inputLabels(k, "h[i-1]", "h[i]")
			name := fmt.Sprintf("%s/node%d/", group, k)
			s.decisions = append(s.decisions,
				nas.Decision{Name: name + "x_input", Kind: nas.Input, NumChoices: k, Labels: inputs, Node: k, Group: group},
				nas.Decision{Name: name + "y_input", Kind: nas.Input, NumChoices: k, Labels: inputs, Node: k, Group: group},
				nas.Decision{Name: name + "x_op", Kind: nas.Op, NumChoices: len(NASNetOps), Labels: opLabels, Node: -1, Group: group},
				nas.Decision{Name: name + "y_op", Kind: nas.Op, NumChoices: len(NASNetOps), Labels: opLabels, Node: -1, Group: group},
				nas.Decision{Name: name + "combine", Kind: nas.Combine, NumChoices: len(NASNetCombines), Labels: NASNetCombines, Node: -1, Group: group})
		}
	}
	return s, nil
}

// inputLabels names the k candidate inputs of node k.
func inputLabels(k int, in0, in1 string) []string {
	labels := []string{in0, in1}
	for j := 2; j < k; j++ {
		labels = append(labels, fmt.Sprintf("node%d", j))
	}
	return labels
}

// Config returns the space's configuration.
func (s *NASNet) Config() NASNetConfig { return s.cfg }

// Name is "nasnet".
func (s *NASNet) Name() string { return "nasnet" }

// Decisions lists the 10·B decisions (see NASNet).
func (s *NASNet) Decisions() []nas.Decision { return s.decisions }

// Validate checks the space, the number of choices and their ranges; every
// in-range choice is a valid NASNet architecture.
func (s *NASNet) Validate(a nas.Arch) error { return nas.ValidateChoices(s, a) }

// decode turns a into its two cells.
func (s *NASNet) decode(a nas.Arch) (normal, reduce cellSpec, err error) {
	if err := s.Validate(a); err != nil {
		return nil, nil, err
	}
	cells := [2]cellSpec{}
	for c := range 2 {
		cells[c] = make(cellSpec, s.cfg.Blocks)
		for b := range s.cfg.Blocks {
			ch := a.Choices[(c*s.cfg.Blocks+b)*5:]
			cells[c][b] = nodeSpec{in: [2]int{ch[0], ch[1]}, op: [2]int{ch[2], ch[3]}, concat: ch[4] == 1}
		}
	}
	return cells[0], cells[1], nil
}

// encode is decode's inverse.
func (s *NASNet) encode(normal, reduce cellSpec) nas.Arch {
	a := nas.Arch{Space: s.Name()}
	for _, spec := range []cellSpec{normal, reduce} {
		for _, nd := range spec {
			combine := 0
			if nd.concat {
				combine = 1
			}
			a.Choices = append(a.Choices, nd.in[0], nd.in[1], nd.op[0], nd.op[1], combine)
		}
	}
	return a
}

// NASNetAGenotype is the NASNet-A architecture [1] (Figure 4), as TensorFlow's
// nasnet_utils.py (NasNetANormalCell, NasNetAReductionCell) and DARTS's genotypes.py
// write it: (op, input) pairs of blocks 0-4, x then y, with input 0 = h_{i-1} and
// 1 = h_i (TensorFlow numbers the inputs the other way round); all blocks add.
// TensorFlow's hard-coded used_hiddenstates also concatenate h_{i-1} into the normal
// cell's output and block 1 into the reduction cell's (ConcatTF builds that); the
// paper's text and DARTS concatenate the unused states only (ConcatUnused, the
// default).
const (
	NASNetAGenotype = "Genotype(normal=[('sep_conv_5x5', 1), ('sep_conv_3x3', 0), ('sep_conv_5x5', 0), ('sep_conv_3x3', 0), " +
		"('avg_pool_3x3', 1), ('skip_connect', 0), ('avg_pool_3x3', 0), ('avg_pool_3x3', 0), ('sep_conv_3x3', 1), ('skip_connect', 1)], " +
		"normal_concat=[2, 3, 4, 5, 6], " +
		"reduce=[('sep_conv_5x5', 1), ('sep_conv_7x7', 0), ('max_pool_3x3', 1), ('sep_conv_7x7', 0), ('avg_pool_3x3', 1), " +
		"('sep_conv_5x5', 0), ('skip_connect', 3), ('avg_pool_3x3', 2), ('sep_conv_3x3', 2), ('max_pool_3x3', 1)], reduce_concat=[4, 5, 6])"
)

// Architectures returns the named architectures of the space: "nasnet-a" (when
// B = 5).
func (s *NASNet) Architectures() map[string]nas.Arch {
	out := map[string]nas.Arch{}
	if s.cfg.Blocks == 5 {
		// The cells only: the space's concat rule decides the outputs.
		a, err := genotypeFormat{ops: NASNetOps, blocks: s.cfg.Blocks, encode: s.encode, decode: s.decode}.Parse(NASNetAGenotype)
		if err != nil {
			panic(err) // the constant is tested
		}
		out["nasnet-a"] = a
	}
	return out
}

// UnavailableArchitectures names the named architectures this configuration
// cannot hold and why: "nasnet-a" when B is not 5.
func (s *NASNet) UnavailableArchitectures() map[string]string {
	if s.cfg.Blocks == 5 {
		return nil
	}
	return map[string]string{"nasnet-a": fmt.Sprintf("nasnet-a needs B=5 blocks per cell; this NASNet space has B=%d", s.cfg.Blocks)}
}

// Genotype returns the DARTS genotype format of the space (nodes that concatenate
// cannot be written).
func (s *NASNet) Genotype() nas.Format {
	return genotypeFormat{ops: NASNetOps, blocks: s.cfg.Blocks, encode: s.encode, decode: s.decode, concat: s.concat().outputs}
}

// Formats lists the text formats of the space besides JSON: the genotype.
func (s *NASNet) Formats() []nas.Format { return []nas.Format{s.Genotype()} }

// concat is how the space's cells pick their output states.
func (s *NASNet) concat() cellConcat {
	return cellConcat{rule: s.cfg.Concat, normal: s.cfg.NormalConcat, reduce: s.cfg.ReduceConcat}
}

func (s *NASNet) stack() stackConfig {
	return stackConfig{
		filters: s.cfg.Filters, cellsPerStage: s.cfg.CellsPerStage, stemMultiplier: s.cfg.StemMultiplier,
		imagenetStem: s.cfg.ImageNetStem, headBias: true, aux: s.cfg.AuxHead, auxAfter: 2 * s.cfg.CellsPerStage,
		ops: NASNetOps, concat: s.concat(), style: cellStyle{rawFirstInput: s.cfg.Concat == ConcatTF}, dropPathKeep: s.cfg.DropPathKeep, dropoutKeep: s.cfg.DropoutKeep,
	}
}

// ImageModel builds the network of a: the stem, 3N+2 cells (see stackConfig),
// ReLU, global average pooling and a dense layer to numClasses logits; in
// training, drop-path and dropout as configured (common_droppath.go). Weights are
// keyed as the package comment says, so architectures built in one store share the
// weights of their common ops.
func (s *NASNet) ImageModel(a nas.Arch, numClasses int) (nas.ImageModel, error) {
	return imageModelOf(s, a, numClasses)
}

// ImageModelWithAux is ImageModel that also returns the auxiliary head's logits
// (nil when Config().AuxHead is false); NASNet weighs their loss by 0.4.
func (s *NASNet) ImageModelWithAux(a nas.Arch, numClasses int) (func(scope *model.Scope, images *Node) (logits, aux *Node), error) {
	return imageModelWithAuxOf(s, a, numClasses)
}

// Cost returns the trainable parameters and the multiply-adds (convolutions and
// dense layers) of one forward pass of a Config().ImageSize image, the auxiliary
// head excluded.
func (s *NASNet) Cost(a nas.Arch, numClasses int) (int, int64, error) {
	return costOf(s, a, numClasses)
}

// imageShape is the input size and channels of the configured network.
func (s *NASNet) imageShape() (int, int) { return s.cfg.ImageSize, s.cfg.ImageChannels }

// CellGraph draws cell "normal" or "reduce" of a as in the paper's Figure 4.
func (s *NASNet) CellGraph(a nas.Arch, cell string) (*draw.Graph, error) {
	normal, reduce, err := s.decode(a)
	if err != nil {
		return nil, err
	}
	lb := cellLabels{inputs: [2]string{"h_{i-1}", "h_{i}"}, output: "h_{i+1}"}
	switch cell {
	case "normal":
		return cellGraph("NASNet normal cell", normal, NASNetOps, s.concat().outputs(normal, false), lb), nil
	case "reduce", "reduction":
		return cellGraph("NASNet reduction cell", reduce, NASNetOps, s.concat().outputs(reduce, true), lb), nil
	}
	return nil, errors.Errorf("NASNet: unknown cell %q, expected normal or reduce", cell)
}

// SVG draws both cells of a, normal above reduction.
func (s *NASNet) SVG(a nas.Arch) (string, error) { return drawBoth(s, a, true) }

// DOT writes both cells of a as two graphviz digraphs.
func (s *NASNet) DOT(a nas.Arch) (string, error) { return drawBoth(s, a, false) }
