package cells

import (
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

// smallNASNet is the NASNet space at test size: C=8, one normal cell per stage,
// 16x16 images, no auxiliary head.
func smallNASNet(t *testing.T) *NASNet {
	t.Helper()
	cfg := DefaultNASNetConfig()
	cfg.Filters, cfg.CellsPerStage, cfg.ImageSize, cfg.AuxHead = 8, 1, 16, false
	s, err := NewNASNet(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestNASNetRandomArchitectures(t *testing.T) {
	build := 3
	if !testing.Short() {
		build = 200
	}
	checkRandomArchitectures(t, smallNASNet(t), 16, build)
}

// One SGD step on an architecture changes all of its trainable weights and none of
// those only another architecture in the same store uses.
func TestNASNetTrainingStepTouchesOnlyItsWeights(t *testing.T) {
	s := smallNASNet(t)
	a := s.Architectures()["nasnet-a"]
	b := a
	b.Choices = append([]int(nil), a.Choices...)
	b.Choices[2], b.Choices[3] = 12, 1 // normal node2: sep7x7 and 1x3-3x1 instead of sep5x5, sep3x3
	b.Choices[4] = 1                   // ... concatenated
	checkTrainingStepTouchesOnlyItsWeights(t, s, a, b, 16)
}

// Two architectures built in one store share the weights of their common ops.
func TestNASNetSharesCommonOps(t *testing.T) {
	s := smallNASNet(t)
	rng := rand.New(rand.NewPCG(5, 5))
	a := s.Architectures()["nasnet-a"]
	b := randomArch(s, rng)
	copy(b.Choices[:25], a.Choices[:25]) // same normal cell
	// Every variable of the stem, the normal cells and the head of a but the head's
	// per-part weights is shared; require most of them.
	checkSharing(t, s, a, b, 16, 40)
}

func TestNASNetNamedAndFormats(t *testing.T) {
	s := smallNASNet(t)
	a := s.Architectures()["nasnet-a"]
	text, err := s.Genotype().Format(a)
	if err != nil {
		t.Fatal(err)
	}
	if text != NASNetAGenotype {
		t.Errorf("NASNet-A genotype round trip:\n got %s\nwant %s", text, NASNetAGenotype)
	}
	normal, reduce, _ := s.decode(a)
	if got := normal.unused(); !slices.Equal(got, []int{2, 3, 4, 5, 6}) {
		t.Errorf("NASNet-A normal cell concatenates %v, want [2 3 4 5 6]", got)
	}
	if got := reduce.unused(); !slices.Equal(got, []int{4, 5, 6}) {
		t.Errorf("NASNet-A reduction cell concatenates %v, want [4 5 6]", got)
	}
	// Block 0 of the normal cell: sep 5x5 on h_i, sep 3x3 on h_{i-1}, added (TF's
	// hiddenstate_indices [0, 1] with h_i first, operations separable_5x5_2, separable_3x3_2).
	if nd := normal[0]; nd.in != [2]int{1, 0} || NASNetOps[nd.op[0]].key != "sep5x5" || NASNetOps[nd.op[1]].key != "sep3x3" || nd.concat {
		t.Errorf("NASNet-A normal block 0 = %+v", nd)
	}
	rng := rand.New(rand.NewPCG(9, 9))
	for range 200 {
		a := randomArch(s, rng)
		checkJSONRoundTrip(t, s, a)
		text, err := s.Genotype().Format(a)
		hasConcat := false
		for i := 4; i < len(a.Choices); i += 5 {
			hasConcat = hasConcat || a.Choices[i] == 1
		}
		if hasConcat {
			if err == nil {
				t.Errorf("%s: a genotype cannot write concatenating blocks", a)
			}
			continue
		}
		if err != nil {
			t.Fatal(err)
		}
		back, err := ParseArch(s, text)
		if err != nil || back.String() != a.String() {
			t.Fatalf("genotype round trip of %s: %s → %s, %v", a, text, back, err)
		}
	}
}

func TestNASNetRejectsBadConfigs(t *testing.T) {
	for _, mutate := range []func(*NASNetConfig){
		func(c *NASNetConfig) { c.Filters = 7 },
		func(c *NASNetConfig) { c.Blocks = 0 },
		func(c *NASNetConfig) { c.CellsPerStage = 0 },
		func(c *NASNetConfig) { c.ImageNetStem, c.Filters = true, 42 },
		func(c *NASNetConfig) { c.ImageSize = 0 },
	} {
		cfg := DefaultNASNetConfig()
		mutate(&cfg)
		if _, err := NewNASNet(cfg); err == nil {
			t.Errorf("NewNASNet(%+v) accepted a bad config", cfg)
		}
	}
}

// NASNet Mobile (ImageNet stem, 224x224) builds and has the output shape; its cost
// is checked against PyTorch in TestCellCostsMatchPyTorch.
func TestNASNetImageNetStemBuilds(t *testing.T) {
	cfg := NASNetMobileConfig()
	cfg.Filters, cfg.CellsPerStage, cfg.ImageSize, cfg.AuxHead = 8, 1, 40, false
	s, err := NewNASNet(cfg)
	if err != nil {
		t.Fatal(err)
	}
	checkBuilds(t, s, s.Architectures()["nasnet-a"], 40)
}

// The auxiliary head builds and gives logits of the right shape.
func TestNASNetAuxHead(t *testing.T) {
	cfg := DefaultNASNetConfig()
	cfg.Filters, cfg.CellsPerStage, cfg.ImageSize = 8, 1, 32
	s, err := NewNASNet(cfg)
	if err != nil {
		t.Fatal(err)
	}
	m, err := s.ImageModelWithAux(s.Architectures()["nasnet-a"], 10)
	if err != nil {
		t.Fatal(err)
	}
	checkAux(t, m, 32)
}

// penultimateWidth is the number of channels the classifier reads: the dense
// weights over all parts of the last cell's output, divided by the classes.
func penultimateWidth(t *testing.T, s *NASNet) int {
	t.Helper()
	n, err := s.counted(s.Architectures()["nasnet-a"], s.Config().ImageSize, 10)
	if err != nil {
		t.Fatal(err)
	}
	width := 0
	for path, size := range n.params {
		if strings.HasPrefix(path, "/head/") && strings.HasSuffix(path, "/dense/weights") {
			width += size / 10
		}
	}
	return width
}

// The names 6@768 and 4@1056 are the penultimate widths of TensorFlow's build
// (ConcatTF); the default rule builds 640 and 880.
func TestNASNetNamesMatchWidths(t *testing.T) {
	for _, c := range []struct {
		cfg        NASNetConfig
		unused, tf int
	}{{DefaultNASNetConfig(), 640, 768}, {NASNetMobileConfig(), 880, 1056}} {
		for _, rule := range []ConcatRule{ConcatUnused, ConcatTF} {
			cfg := c.cfg
			cfg.Concat = rule
			s, err := NewNASNet(cfg)
			if err != nil {
				t.Fatal(err)
			}
			want := c.unused
			if rule == ConcatTF {
				want = c.tf
			}
			if got := penultimateWidth(t, s); got != want {
				t.Errorf("N=%d, C=%d, concat %s: penultimate width %d, want %d", cfg.CellsPerStage, cfg.Filters, rule, got, want)
			}
		}
	}
	if cfg := NASNetTFConfig(); cfg.Concat != ConcatTF || cfg.Filters != 32 || cfg.CellsPerStage != 6 {
		t.Errorf("NASNetTFConfig = %+v", cfg)
	}
}
