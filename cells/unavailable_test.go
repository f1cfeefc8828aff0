package cells

import (
	"strings"
	"testing"
)

// Naming NASNet-A in a space of another B says what is wrong, not a tokenizer error.
func TestNASNetAInASpaceOfOtherB(t *testing.T) {
	s, err := NewNASNet(NASNetConfig{Blocks: 2, Filters: 4, CellsPerStage: 1, StemMultiplier: 2, ImageSize: 28, ImageChannels: 1})
	if err != nil {
		t.Fatal(err)
	}
	_, err = ParseArch(s, "nasnet-a")
	if err == nil || err.Error() != "nasnet-a needs B=5 blocks per cell; this NASNet space has B=2" {
		t.Errorf("ParseArch(B=2 space, nasnet-a): %v", err)
	}
	five, err := NewNASNet(NASNetConfig{Blocks: 5, Filters: 4, CellsPerStage: 1, StemMultiplier: 2, ImageSize: 28, ImageChannels: 1})
	if err != nil {
		t.Fatal(err)
	}
	if a, err := ParseArch(five, "nasnet-a"); err != nil || !strings.Contains(a.String(), `"space":"nasnet"`) {
		t.Errorf("ParseArch(B=5 space, nasnet-a) = %v, %v", a, err)
	}
}

// Naming the ENAS paper's cell in an ENAS micro space of other B says what is wrong.
func TestENASCellInASpaceOfOtherB(t *testing.T) {
	s, err := NewENASMicro(ENASMicroConfig{Nodes: 3, Filters: 4, CellsPerStage: 1, ImageSize: 28, ImageChannels: 1})
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"enas", "enas-fixed-arc"} {
		_, err = ParseArch(s, name)
		if err == nil || err.Error() != name+" needs cells of B=5 nodes; this ENAS micro space has B=3" {
			t.Errorf("ParseArch(B=3 space, %s): %v", name, err)
		}
	}
}
