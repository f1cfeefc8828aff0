package cells

import (
	"os"
	"slices"
	"strings"
	"testing"
)

// A DARTS genotype fits the NASNet space: its 4 blocks, its concat lists (every
// block, read or not), its separable dilated op; the genotype writes back as read.
func TestFitSpaceDARTSGenotype(t *testing.T) {
	s, a, err := FitSpace("nasnet", PublishedGenotypes["darts-v2"], Sizes{Filters: 36, CellsPerStage: 6})
	if err != nil {
		t.Fatal(err)
	}
	cfg := s.(*NASNet).Config()
	if cfg.Blocks != 4 || cfg.Filters != 36 || cfg.CellsPerStage != 6 {
		t.Errorf("fitted config %+v, want 4 blocks, C=36, N=6", cfg)
	}
	if !slices.Equal(cfg.NormalConcat, []int{2, 3, 4, 5}) || !slices.Equal(cfg.ReduceConcat, []int{2, 3, 4, 5}) {
		t.Errorf("concat lists %v, %v; want DARTS's [2 3 4 5] twice", cfg.NormalConcat, cfg.ReduceConcat)
	}
	text, err := s.(*NASNet).Genotype().Format(a)
	if err != nil || text != PublishedGenotypes["darts-v2"] {
		t.Errorf("DARTS V2 round trip:\n got %s (%v)\nwant %s", text, err, PublishedGenotypes["darts-v2"])
	}
	// The space at its default configuration rejects the lists it does not build.
	def, _ := NewSpace("nasnet")
	if _, err := ParseArch(def, PublishedGenotypes["darts-v2"]); err == nil {
		t.Error("the default NASNet space (5 blocks) read DARTS V2's 4-block genotype")
	}
	// NASNet-A's lists are the unused states: no explicit lists.
	s, _, err = FitSpace("nasnet", NASNetAGenotype, Sizes{})
	if err != nil {
		t.Fatal(err)
	}
	if cfg := s.(*NASNet).Config(); cfg.NormalConcat != nil || cfg.ReduceConcat != nil || cfg.Blocks != 5 {
		t.Errorf("NASNet-A fitted to %+v, want 5 blocks and the rule's lists", cfg)
	}
}

// Lists naming a state twice or out of range are refused with the field named.
func TestFitSpaceBadConcatLists(t *testing.T) {
	for _, bad := range []string{"[2, 2, 3]", "[2, 9]", "[]"} {
		text := strings.Replace(PublishedGenotypes["darts-v2"], "normal_concat=[2, 3, 4, 5]", "normal_concat="+bad, 1)
		if _, _, err := FitSpace("nasnet", text, Sizes{}); err == nil || !strings.Contains(err.Error(), "normal_concat") {
			t.Errorf("normal_concat=%s: error %v, want one naming normal_concat", bad, err)
		}
	}
}

// DARTS's dil_conv_3x3 is separable: depthwise 3x3 weights and a pointwise 1x1,
// not a full 3x3 kernel.
func TestDilatedConvIsSeparable(t *testing.T) {
	s, a, err := FitSpace("nasnet", PublishedGenotypes["darts-v2"], Sizes{Filters: 8, CellsPerStage: 1})
	if err != nil {
		t.Fatal(err)
	}
	n, err := s.(*NASNet).counted(a, 32, 10)
	if err != nil {
		t.Fatal(err)
	}
	// Normal cell 0, node 5's second op: dil_conv_3x3 on node 2, at C=8.
	want := map[string]int{
		"/cell0/node5/y/dil3x3/depthwise/weights": 3 * 3 * 8,
		"/cell0/node5/y/dil3x3/pointwise/weights": 8 * 8,
	}
	for path, size := range want {
		if got := n.params[path]; got != size {
			t.Errorf("%s: %d weights, want %d", path, got, size)
		}
	}
	cfg := s.(*NASNet).Config()
	cfg.AuxHead, cfg.ImageSize = false, 16
	small, err := NewNASNet(cfg)
	if err != nil {
		t.Fatal(err)
	}
	checkBuilds(t, small, a, 16)
}

// TensorFlow's NASNet build (ConcatTF) builds and runs, counted as built, with
// NASNet-A's hard-coded lists and the generic rule for other cells.
func TestNASNetTFBuilds(t *testing.T) {
	cfg := DefaultNASNetConfig()
	cfg.Filters, cfg.CellsPerStage, cfg.ImageSize, cfg.AuxHead, cfg.Concat = 8, 1, 16, false, ConcatTF
	s, err := NewNASNet(cfg)
	if err != nil {
		t.Fatal(err)
	}
	a := s.Architectures()["nasnet-a"]
	normal, reduce, _ := s.decode(a)
	if got := s.concat().outputs(normal, false); !slices.Equal(got, []int{0, 2, 3, 4, 5, 6}) {
		t.Errorf("TF NASNet-A normal cell concatenates %v", got)
	}
	if got := s.concat().outputs(reduce, true); !slices.Equal(got, []int{3, 4, 5, 6}) {
		t.Errorf("TF NASNet-A reduction cell concatenates %v", got)
	}
	checkBuilds(t, s, a, 16)
	b := s.Architectures()["nasnet-a"]
	b.Choices = slices.Clone(b.Choices)
	b.Choices[0], b.Choices[1] = 1, 1 // normal block 0 reads h_i twice: no longer NASNet-A
	normalB, _, _ := s.decode(b)
	if got := s.concat().outputs(normalB, false); !slices.Equal(got, append([]int{0}, normalB.unused()...)) {
		t.Errorf("TF rule on another cell gives %v, want h_{i-1} and the unused %v", got, normalB.unused())
	}
	checkBuilds(t, s, b, 16)
	if _, err := ParseConcatRule("keras"); err == nil {
		t.Error("ParseConcatRule accepted keras")
	}
	if r, err := ParseConcatRule("tf"); err != nil || r != ConcatTF || r.String() != "tf" {
		t.Errorf("ParseConcatRule(tf) = %v, %v", r, err)
	}
}

// An ENAS macro arc's length gives its depth (the reference's final arc has 24
// layers); Sizes.Layers overrides it; an ENAS micro string's length its nodes.
func TestFitSpaceLayersFromArc(t *testing.T) {
	blob, err := os.ReadFile("testdata/enas_macro_final.txt")
	if err != nil {
		t.Fatal(err)
	}
	s, a, err := FitSpace("enas-macro", string(blob), Sizes{})
	if err != nil {
		t.Fatal(err)
	}
	if s.(*ENASMacro).Layers != 24 || len(a.Choices) != 300 {
		t.Errorf("the reference arc fitted %d layers, %d choices; want 24, 300", s.(*ENASMacro).Layers, len(a.Choices))
	}
	if _, _, err := FitSpace("enas-macro", string(blob), Sizes{Layers: 12}); err == nil {
		t.Error("a 24-layer arc was read as 12 layers")
	}
	for n, want := range map[int]int{1: 1, 78: 12, 300: 24, 77: 0, 0: 0} {
		if got := MacroLayersOf(n); got != want {
			t.Errorf("MacroLayersOf(%d) = %d, want %d", n, got, want)
		}
	}
	micro := strings.Repeat("0 0 1 1 ", 8) // 4 nodes a cell
	s, _, err = FitSpace("enas-micro", micro, Sizes{})
	if err != nil {
		t.Fatal(err)
	}
	if got := s.(*ENASMicro).Config().Nodes; got != 4 {
		t.Errorf("a 32-integer ENAS string fitted %d nodes, want 4", got)
	}
}
