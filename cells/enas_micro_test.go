package cells

import (
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/gomlx/gomlx/ml/model"
	"github.com/gonas/gonas/nas"
	"github.com/gonas/gonas/nas/train"
)

// smallENASMicro is the ENAS micro space at test size: C=8, one normal cell per
// stage, 16x16 images, no auxiliary head.
func smallENASMicro(t *testing.T, outputConv bool) *ENASMicro {
	t.Helper()
	cfg := DefaultENASMicroConfig()
	cfg.Filters, cfg.CellsPerStage, cfg.ImageSize, cfg.AuxHead, cfg.OutputConv = 8, 1, 16, false, outputConv
	s, err := NewENASMicro(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestENASMicroRandomArchitectures(t *testing.T) {
	build := 3
	if !testing.Short() {
		build = 200
	}
	checkRandomArchitectures(t, smallENASMicro(t, false), 16, build)
	checkRandomArchitectures(t, smallENASMicro(t, true), 16, build/3+1)
}

func TestENASMicroTrainingStepTouchesOnlyItsWeights(t *testing.T) {
	s := smallENASMicro(t, true)
	named := s.Architectures()
	checkTrainingStepTouchesOnlyItsWeights(t, s, named["enas"], named["enas-fixed-arc"], 16)
}

func TestENASMicroSharesCommonOps(t *testing.T) {
	s := smallENASMicro(t, true)
	rng := rand.New(rand.NewPCG(6, 6))
	a, b := randomArch(s, rng), randomArch(s, rng)
	copy(b.Choices[20:], a.Choices[20:]) // same reduction cell
	checkSharing(t, s, a, b, 16, 30)
}

// sepParams is the parameter count of ENAS's separable op at width f: twice
// (depthwise k·k·f, pointwise f·f, BN scale and offset 2f).
func sepParams(k, f int) int { return 2 * (k*k*f + f*f + 2*f) }

// fitParams is ReLU-1x1-BN (or a factorized reduction, which has as many
// parameters) from cin to f channels.
func fitParams(cin, f int) int { return cin*f + 2*f }

// The parameters of the ENAS paper's cells at C=8, N=1, counted by hand from
// micro_child.py's _fixed_layer. The normal cell has 3 sep3x3 and 2 sep5x5 ops and
// outputs 5 nodes (5C channels); the reduction cell has 3 of each, no strided
// identity and outputs nodes 2, 3, 6 (3C channels).
func TestENASMicroParamsByHand(t *testing.T) {
	s := smallENASMicro(t, false)
	a := s.Architectures()["enas"]
	normal := func(f int) int { return 3*sepParams(3, f) + 2*sepParams(5, f) }
	reduce := func(f int) int { return 3*sepParams(3, f) + 3*sepParams(5, f) }
	base := func(f int) int { return f*f + 2*f } // layer_base, always applied to h(i-1)
	const c = 8
	stem := 3*3*3*(3*c) + 2*(3*c)
	cell0 := fitParams(3*c, c) + fitParams(3*c, c) + base(c) + normal(c)           // inputs: stem, stem (24 ch)
	cell1 := fitParams(3*c, 2*c) + fitParams(5*c, 2*c) + base(2*c) + reduce(2*c)   // stem, cell0 (40 ch)
	cell2 := fitParams(5*c, 2*c) + fitParams(6*c, 2*c) + base(2*c) + normal(2*c)   // FR of cell0, cell1 (48 ch)
	cell3 := fitParams(6*c, 4*c) + fitParams(10*c, 4*c) + base(4*c) + reduce(4*c)  // cell1, cell2 (80 ch)
	cell4 := fitParams(10*c, 4*c) + fitParams(12*c, 4*c) + base(4*c) + normal(4*c) // FR of cell2, cell3 (96 ch)
	head := 20 * c * 10                                                            // 5·4C channels to 10 logits, no bias
	want := stem + cell0 + cell1 + cell2 + cell3 + cell4 + head
	if want != 67576 {
		t.Fatalf("hand count %d, expected 67576: the arithmetic above is wrong", want)
	}
	got, _, err := s.Cost(a, 10)
	if err != nil {
		t.Fatal(err)
	}
	if got != want {
		t.Errorf("ENAS paper cells at C=8, N=1: Cost says %d parameters, by hand %d", got, want)
	}
	store := model.NewStore()
	forward(t, s, store, a, testImages(8, 2, 16), 10)
	if n := train.CountParameters(store); n != want {
		t.Errorf("ENAS paper cells at C=8, N=1: the built network has %d parameters, by hand %d", n, want)
	}
}

func TestENASMicroNamedAndFormats(t *testing.T) {
	s := smallENASMicro(t, false)
	named := s.Architectures()
	text, err := s.Format(named["enas-fixed-arc"])
	if err != nil || text != ENASFixedArc {
		t.Errorf("fixed arc round trip: %q, %v", text, err)
	}
	g, err := s.Genotype().Format(named["enas"])
	if err != nil || g != ENASPaperGenotype {
		t.Errorf("paper cell genotype round trip:\n got %s\nwant %s (%v)", g, ENASPaperGenotype, err)
	}
	// The paper's reduction cell chains node 4 → node 5 → node 6 and concatenates 2, 3, 6.
	_, reduce, _ := s.decode(named["enas"])
	if !slices.Equal(reduce.unused(), []int{2, 3, 6}) || reduce[3].in[1] != 4 || reduce[4].in[1] != 5 {
		t.Errorf("paper reduction cell: %+v", reduce)
	}
	rng := rand.New(rand.NewPCG(10, 10))
	for range 200 {
		a := randomArch(s, rng)
		checkJSONRoundTrip(t, s, a)
		for _, f := range s.Formats() {
			text, err := f.Format(a)
			if err != nil {
				t.Fatalf("%s: %s: %v", f.FormatName(), a, err)
			}
			back, err := ParseArch(s, text)
			if err != nil || back.String() != a.String() {
				t.Fatalf("%s round trip of %s: %q → %s, %v", f.FormatName(), a, text, back, err)
			}
		}
	}
}

// Parse errors name the token, its position and what was expected.
func TestParseErrorsNameTokenAndExpectation(t *testing.T) {
	enas := smallENASMicro(t, false)
	nasnet := smallNASNet(t)
	cases := []struct {
		format nas.Format
		text   string
		want   []string
	}{
		{enas, "0 2 0 0 0 7", []string{"token 5", `"7"`, "offset 10", "normal/node3/x_op", "0 to 4", "4 identity"}},
		{enas, "0 2 0 x", []string{"token 3", `"x"`, "not an integer", "normal/node2/y_op"}},
		{enas, "0 2 0 0", []string{"4 integers", "expected 40"}},
		{enas, ENASFixedArc + " 1", []string{"token 40", "one token too many"}},
		{enas, "0 2 # 0", []string{"unexpected character", "offset 4"}},
		{enas.Genotype(), strings.Replace(ENASPaperGenotype, "sep_conv_5x5", "sep_conv_9x9", 1), []string{"token 18", "offset 60", "sep_conv_9x9", "unknown op", "sep_conv_3x3, sep_conv_5x5"}},
		{enas.Genotype(), strings.Replace(ENASPaperGenotype, "('sep_conv_3x3', 1)", "('sep_conv_3x3', 7)", 1), []string{"token 8", `"7"`, "input of node 2", "0 to 1"}},
		{enas.Genotype(), strings.Replace(ENASPaperGenotype, "normal_concat=[2, 3, 4, 5, 6]", "normal_concat=[2, 3]", 1), []string{"normal_concat [2 3]", "[2 3 4 5 6]"}},
		{enas.Genotype(), "Genotype(normal=[('sep_conv_3x3', 1)", []string{"end of text", `"," or "]"`}},
		{enas.Genotype(), "Genome(normal=[])", []string{"token 0", `"Genome"`, `expected "Genotype"`}},
		{nasnet.Genotype(), "Genotype(normal=[], reduce=[], bogus=[])", []string{"token 12", "bogus", "unknown field"}},
		{nasnet.Genotype(), "Genotype(normal=[], reduce=[])", []string{"lists 0", "expected 10"}},
		{nasnet.Genotype(), "Genotype(normal=[('sep_conv_3x3' 1)])", []string{"token 7", `"1"`, `expected ","`}},
	}
	for _, c := range cases {
		_, err := c.format.Parse(c.text)
		if err == nil {
			t.Errorf("%s parsed %q", c.format.FormatName(), c.text)
			continue
		}
		for _, w := range c.want {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("%s error for %q:\n  %v\nlacks %q", c.format.FormatName(), c.text, err, w)
			}
		}
	}
}

func TestENASMicroAuxHead(t *testing.T) {
	cfg := DefaultENASMicroConfig()
	cfg.Filters, cfg.CellsPerStage, cfg.ImageSize = 8, 1, 32
	s, err := NewENASMicro(cfg)
	if err != nil {
		t.Fatal(err)
	}
	m, err := s.ImageModelWithAux(s.Architectures()["enas"], 10)
	if err != nil {
		t.Fatal(err)
	}
	checkAux(t, m, 32)
}

// FuzzENASMicroParse: no input panics; whatever parses is valid and round-trips.
// Seeds: testdata/fuzz/FuzzENASMicroParse.
func FuzzENASMicroParse(f *testing.F) {
	s, err := NewENASMicro(ENASMicroSearchConfig())
	if err != nil {
		f.Fatal(err)
	}
	f.Add(ENASFixedArc)
	f.Fuzz(func(t *testing.T, text string) {
		a, err := s.Parse(text)
		if err != nil {
			return
		}
		if err := s.Validate(a); err != nil {
			t.Fatalf("Parse(%q) gave an invalid architecture: %v", text, err)
		}
		out, err := s.Format(a)
		if err != nil {
			t.Fatal(err)
		}
		if back, err := s.Parse(out); err != nil || back.String() != a.String() {
			t.Fatalf("round trip of %q: %q → %v, %v", text, out, back, err)
		}
	})
}
