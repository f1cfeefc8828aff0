package cells

import (
	"encoding/json"
	"os"
	"strings"
	"testing"

	"github.com/gonas/gonas/nas"
)

// ResNetNB201 is NAS-Bench-201's ResNet-like cell: node 3 = input + conv(conv(input)).
const resNetNB201 = "|nor_conv_3x3~0|+|none~0|nor_conv_3x3~1|+|skip_connect~0|none~1|skip_connect~2|"

// The benchmark network's parameters, by hand, for the ResNet-like cell (C=16, N=5,
// 10 classes; affine batch norms; conv weights k·k·Cin·Cout, no biases):
//
//	stem        conv3x3 3→16 (432) + BN (32)                              =     464
//	stage 1     5 cells × 2 × (conv3x3 16→16 (2,304) + BN (32))           =  23,360
//	resblock 1  conv 16→32 (4,608)+BN(64), conv 32→32 (9,216)+BN(64), 1x1 (512) = 14,464
//	stage 2     5 × 2 × (9,216 + 64)                                      =  92,800
//	resblock 2  conv 32→64 (18,432)+BN(128), conv 64→64 (36,864)+BN(128), 1x1 (2,048) = 57,600
//	stage 3     5 × 2 × (36,864 + 128)                                    = 369,920
//	lastact BN (128) + dense 64×10 + 10 (650)                             =     778
//	total                                                                 = 559,386
func TestNB201ResNetCellParametersByHand(t *testing.T) {
	s := NewNB201()
	a, err := s.Parse(resNetNB201)
	if err != nil {
		t.Fatal(err)
	}
	params, flops, err := s.Cost(a, 10)
	if err != nil {
		t.Fatal(err)
	}
	if params != 559386 {
		t.Errorf("ResNet-like NB201 network: %d parameters, want 559,386 (by hand)", params)
	}
	if flops <= 0 {
		t.Errorf("multiply-adds %d", flops)
	}
}

// Parameter counts against PyTorch builds of the benchmark's network
// (testdata/nb201_torch.py, which writes testdata/nb201_torch.json).
func TestNB201CostMatchesPyTorch(t *testing.T) {
	blob, err := os.ReadFile("testdata/nb201_torch.json")
	if err != nil {
		t.Fatal(err)
	}
	var fixture struct {
		Params map[string]int `json:"params"`
	}
	if err := json.Unmarshal(blob, &fixture); err != nil {
		t.Fatal(err)
	}
	s := NewNB201()
	for text, want := range fixture.Params {
		a, err := s.Parse(text)
		if err != nil {
			t.Fatal(err)
		}
		got, _, err := s.Cost(a, 10)
		if err != nil {
			t.Fatal(err)
		}
		if got != want {
			t.Errorf("%s: %d parameters, PyTorch %d", text, got, want)
		}
	}
}

func smallNB201() *NB201 {
	return NewNB201().WithNetwork(NB201Network{Channels: 4, CellsPerStage: 1, ImageSize: 16, ImageChannels: 3})
}

func TestNB201RandomArchitecturesBuild(t *testing.T) {
	build := 3
	if !testing.Short() {
		build = 200
	}
	checkRandomArchitectures(t, smallNB201(), 16, build)
}

func TestNB201TrainingStepAndSharing(t *testing.T) {
	s := smallNB201()
	a, _ := s.Parse("|nor_conv_3x3~0|+|nor_conv_1x1~0|skip_connect~1|+|avg_pool_3x3~0|nor_conv_3x3~1|nor_conv_1x1~2|")
	b, _ := s.Parse("|nor_conv_3x3~0|+|nor_conv_3x3~0|none~1|+|skip_connect~0|nor_conv_1x1~1|nor_conv_3x3~2|")
	checkTrainingStepTouchesOnlyItsWeights(t, s, a, b, 16)
	checkSharing(t, s, a, b, 16, 2)
}

func TestNB201Drawing(t *testing.T) {
	s := NewNB201()
	a, _ := s.Parse(resNetNB201)
	svg, err := s.SVG(a)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"<svg", "nor_conv_3x3", "skip_connect", "node 3"} {
		if !strings.Contains(svg, want) {
			t.Errorf("SVG lacks %q", want)
		}
	}
	dot, err := s.DOT(a)
	if err != nil || !strings.Contains(dot, "digraph") {
		t.Errorf("DOT: %v\n%s", err, dot)
	}
	if os.Getenv("GONAS_UPDATE_DOCS") == "1" {
		if err := os.WriteFile("../docs/nb201_resnet.svg", []byte(svg), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

var _ nas.ImageSpace = (*NB201)(nil)
var _ nas.Drawer = (*NB201)(nil)
var _ nas.Counter = (*NB201)(nil)
