package cells

import (
	"encoding/json"
	"os"
	"testing"

	"github.com/gonas/gonas/nas"
)

// torchFixture is testdata/cells_torch.json, written by testdata/cells_torch.py
// (PyTorch builds of the same networks, written from the reference code).
type torchFixture struct {
	Generator string `json:"generator"`
	Torch     string `json:"torch"`
	Cases     []struct {
		Space  string `json:"space"`
		Name   string `json:"name"`
		Config struct {
			Blocks         int   `json:"blocks"`
			Filters        int   `json:"filters"`
			CellsPerStage  int   `json:"cells_per_stage"`
			StemMultiplier int   `json:"stem_multiplier"`
			ImageSize      int   `json:"image_size"`
			ImageNetStem   bool  `json:"imagenet_stem"`
			OutputConv     bool  `json:"output_conv"`
			NormalConcat   []int `json:"normal_concat"`
			ReduceConcat   []int `json:"reduce_concat"`
		} `json:"config"`
		Choices []int `json:"choices"`
		Classes int   `json:"classes"`
		Params  int   `json:"params"`
		MACs    int64 `json:"macs"`
	} `json:"cases"`
}

// Cost (parameters and multiply-adds) equals that of the PyTorch networks, for
// NASNet-A (CIFAR 6@768 and Mobile), DARTS V2 (its concat lists, 4 blocks), the ENAS cells (final and search children) and
// random architectures at test size.
func TestCellCostsMatchPyTorch(t *testing.T) {
	blob, err := os.ReadFile("testdata/cells_torch.json")
	if err != nil {
		t.Fatal(err)
	}
	var fx torchFixture
	if err := json.Unmarshal(blob, &fx); err != nil {
		t.Fatal(err)
	}
	if len(fx.Cases) < 10 {
		t.Fatalf("fixture has %d cases", len(fx.Cases))
	}
	for _, c := range fx.Cases {
		var s interface {
			nas.Counter
			Named
			Validate(nas.Arch) error
		}
		cf := c.Config
		switch c.Space {
		case "nasnet":
			sp, err := NewNASNet(NASNetConfig{Blocks: cf.Blocks, Filters: cf.Filters, CellsPerStage: cf.CellsPerStage,
				StemMultiplier: cf.StemMultiplier, ImageNetStem: cf.ImageNetStem, ImageSize: cf.ImageSize, ImageChannels: 3,
				NormalConcat: cf.NormalConcat, ReduceConcat: cf.ReduceConcat})
			if err != nil {
				t.Fatal(err)
			}
			s = sp
		case "enas-micro":
			sp, err := NewENASMicro(ENASMicroConfig{Nodes: cf.Blocks, Filters: cf.Filters, CellsPerStage: cf.CellsPerStage,
				ImageSize: cf.ImageSize, ImageChannels: 3, OutputConv: cf.OutputConv})
			if err != nil {
				t.Fatal(err)
			}
			s = sp
		default:
			t.Fatalf("unknown space %q in fixture", c.Space)
		}
		a := nas.Arch{Space: c.Space, Choices: c.Choices}
		if named, ok := s.Architectures()[c.Name]; ok && named.String() != a.String() {
			t.Errorf("%s %s: the fixture's choices %v differ from the named architecture %v", c.Space, c.Name, a.Choices, named.Choices)
		}
		params, macs, err := s.Cost(a, c.Classes)
		if err != nil {
			t.Fatalf("%s %s: %v", c.Space, c.Name, err)
		}
		if params != c.Params || macs != c.MACs {
			t.Errorf("%s %s (C=%d, N=%d, %dpx): Cost = %d parameters, %d multiply-adds; PyTorch %d, %d",
				c.Space, c.Name, cf.Filters, cf.CellsPerStage, cf.ImageSize, params, macs, c.Params, c.MACs)
		}
	}
}
