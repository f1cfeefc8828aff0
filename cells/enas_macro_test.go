package cells

import (
	"encoding/json"
	"encoding/xml"
	"io"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/gomlx/compute/dtypes"
	. "github.com/gomlx/gomlx/core/graph" //nolint:staticcheck
	"github.com/gomlx/gomlx/core/tensors"
	"github.com/gomlx/gomlx/ml/model"
	"github.com/gonas/gonas/nas"
	"github.com/gonas/gonas/nas/optim"
	"github.com/gonas/gonas/nas/train"
)

// enasBackend is the embedded pure-Go backend of the package's tests (cellBackend),
// shared by the ENAS tests.
var enasBackend = cellBackend

// enasRandomArch draws one architecture of s uniformly.
func enasRandomArch(s nas.Space, rng *rand.Rand) nas.Arch {
	a := nas.Arch{Space: s.Name()}
	for _, d := range s.Decisions() {
		a.Choices = append(a.Choices, rng.IntN(d.NumChoices))
	}
	return a
}

// enasSnapshot copies the value of every float32 model variable (optimizer state
// and the random number generator's state excluded).
func enasSnapshot(t *testing.T, store *model.Store) map[string][]float32 {
	t.Helper()
	snap := map[string][]float32{}
	for v := range store.IterVariables() {
		if strings.HasPrefix(v.Path(), "/optimizers") || v.Shape().DType != dtypes.Float32 {
			continue
		}
		snap[v.Path()] = tensors.MustCopyFlatData[float32](v.MustValue())
	}
	return snap
}

// enasIsBatchNormParam says whether a variable is a batch norm scale or offset: a
// batch norm whose output only reaches the loss through linear maps and another
// batch norm (the stem's, the skip sums' of the search child) has an exactly zero
// gradient, since BN(a·x+b) = sign(a)·BN(x), so it may legitimately stay put.
func enasIsBatchNormParam(path string) bool {
	return strings.Contains(path, "/batch_normalization/") && (strings.HasSuffix(path, "/scale") || strings.HasSuffix(path, "/offset"))
}

// enasCheckStep checks one training step: the variables the step's graph used
// changed (but batch norm parameters, see enasIsBatchNormParam), all others kept
// their values bit for bit. It returns the number of used variables.
func enasCheckStep(t *testing.T, store *model.Store, before, after map[string][]float32, g *Graph) int {
	t.Helper()
	used, changedBN, usedBN := 0, 0, 0
	for v := range store.IterVariables() {
		p := v.Path()
		b, ok := before[p]
		if !ok {
			continue
		}
		changed := !slices.Equal(b, after[p])
		switch {
		case !v.InUseByGraph(g) && changed:
			t.Errorf("%s is not used by the architecture but changed", p)
		case v.InUseByGraph(g) && enasIsBatchNormParam(p):
			used++
			usedBN++
			if changed {
				changedBN++
			}
		case v.InUseByGraph(g) && !changed:
			t.Errorf("%s is used by the architecture but did not change", p)
		case v.InUseByGraph(g):
			used++
		}
	}
	if usedBN > 0 && changedBN == 0 {
		t.Errorf("none of the %d batch norm parameters used changed", usedBN)
	}
	return used
}

// enasAllFinite reports whether every value is finite.
func enasAllFinite(values []float32) bool {
	for _, v := range values {
		if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) {
			return false
		}
	}
	return true
}

func smallMacro() *ENASMacro {
	return &ENASMacro{Layers: 6, Filters: 8, ImageSize: 16, Channels: 3}
}

func macroImages(seed uint64) *tensors.Tensor {
	rng := rand.New(rand.NewPCG(seed, 7))
	flat := make([]float32, 2*16*16*3)
	for i := range flat {
		flat[i] = float32(rng.NormFloat64())
	}
	return tensors.FromFlatDataAndDimensions(flat, 2, 16, 16, 3)
}

// macroTrainExec runs one SGD step (lr 0.1, no momentum or weight decay) of m in
// training mode on images with labels {1, 3}, and returns the loss.
func macroTrainExec(t *testing.T, store *model.Store, m nas.ImageModel) *model.Exec {
	t.Helper()
	opt := optim.SGD().LearningRate(0.1).Done()
	exec, err := model.NewExec(enasBackend(), store, func(scope *model.Scope, images *Node) *Node {
		g := images.Graph()
		store.SetTraining(g, true)
		logits := m(scope, images)
		labels := Const(g, []int32{1, 3})
		logp := LogSoftmax(logits, -1)
		loss := Neg(ReduceAllMean(ReduceSum(Mul(logp, OneHot(labels, 10, logp.DType())), -1)))
		opt.UpdateGraph(scope, g, loss)
		return loss
	})
	if err != nil {
		t.Fatal(err)
	}
	return exec
}

func macroForward(t *testing.T, store *model.Store, m nas.ImageModel, images *tensors.Tensor) *tensors.Tensor {
	t.Helper()
	return runModel(t, store, m, images, func(g *Graph) { store.SetTraining(g, true) })
}

func TestENASMacroDecisions(t *testing.T) {
	s := NewENASMacro()
	ds := s.Decisions()
	if want := 12 + 12*11/2; len(ds) != want {
		t.Fatalf("%d decisions, want %d", len(ds), want)
	}
	// Layer 2: op, skip0, skip1, in the controller's order.
	for k, name := range []string{"layer2/op", "layer2/skip0", "layer2/skip1", "layer3/op"} {
		if got := ds[3+k].Name; got != name {
			t.Errorf("decision #%d is %q, want %q", 3+k, got, name)
		}
	}
	if d := ds[4]; d.Kind != nas.Skip || d.Node != 2 || d.NumChoices != 2 {
		t.Errorf("layer2/skip0 = %+v, want a Skip decision of node 2", d)
	}
	if d := ds[0]; d.Kind != nas.Op || d.Label(1) != "sep3x3" || d.Label(4) != "avg3x3" {
		t.Errorf("layer0/op = %+v, want the reference's op order", d)
	}
}

// 200 random architectures validate and round-trip through the ENAS string; a few
// (all without -short) build, run forward with the right shape and no NaN, hold
// the parameters Cost counts, and — built in one store after another random
// architecture — take a training step that changes exactly the weights they use.
func TestENASMacroRandomArchitectures(t *testing.T) {
	s := smallMacro()
	rng := rand.New(rand.NewPCG(1, 2))
	images := macroImages(1)
	built := 0
	for i := range 200 {
		a := enasRandomArch(s, rng)
		if err := s.Validate(a); err != nil {
			t.Fatalf("random arch #%d: %v", i, err)
		}
		text, err := s.Format(a)
		if err != nil {
			t.Fatal(err)
		}
		back, err := s.Parse(text)
		if err != nil || !slices.Equal(back.Choices, a.Choices) {
			t.Fatalf("round trip of %q: %v, %v", text, back, err)
		}
		if testing.Short() && i%50 != 0 {
			continue
		}
		fixed := *s
		fixed.Fixed = i%2 == 1
		m, err := fixed.ImageModel(a, 10)
		if err != nil {
			t.Fatal(err)
		}
		store := model.NewStore()
		out := macroForward(t, store, m, images)
		if dims := out.Shape().Dimensions; !slices.Equal(dims, []int{2, 10}) {
			t.Fatalf("arch %q: logits shape %v, want [2 10]", text, dims)
		}
		if !enasAllFinite(tensors.MustCopyFlatData[float32](out)) {
			t.Fatalf("arch %q: non-finite logits", text)
		}
		params, _, err := fixed.Cost(a, 10)
		if err != nil {
			t.Fatal(err)
		}
		if got := train.CountParameters(store); got != params {
			t.Errorf("arch %q (fixed %v): store holds %d parameters, Cost says %d", text, fixed.Fixed, got, params)
		}
		other, _ := fixed.ImageModel(enasRandomArch(s, rng), 10)
		macroForward(t, store, other, images)
		exec := macroTrainExec(t, store, m)
		before := enasSnapshot(t, store)
		_, g, err := exec.CallWithGraph(macroImages(uint64(i) + 100))
		if err != nil {
			t.Fatal(err)
		}
		enasCheckStep(t, store, before, enasSnapshot(t, store), g)
		exec.Finalize()
		built++
	}
	t.Logf("built, ran and trained %d architectures", built)
}

// Two architectures built in one store share the weights of their common ops; a
// training step of one changes exactly the weights it uses.
func TestENASMacroWeightSharingAndTrainStep(t *testing.T) {
	s := smallMacro()
	a, err := s.Parse("0  1 1  4 0 1  3 1 0 0  2 0 1 0 1  5 1 1 1 1 1")
	if err != nil {
		t.Fatal(err)
	}
	b, err := s.Parse("0  2 0  4 1 1  1 0 0 0  2 0 0 0 0  3 0 0 0 0 0")
	if err != nil {
		t.Fatal(err)
	}
	ma, _ := s.ImageModel(a, 10)
	mb, _ := s.ImageModel(b, 10)
	store := model.NewStore()
	if err := store.SetRNGStateFromSeed(3); err != nil {
		t.Fatal(err)
	}
	images := macroImages(2)
	paths := func() map[string]bool {
		m := map[string]bool{}
		for v := range store.IterVariables() {
			m[v.Path()] = true
		}
		return m
	}
	macroForward(t, store, ma, images)
	pa := paths()
	macroForward(t, store, mb, images)
	pb := paths()
	// Common: stem, layer0/conv3x3, layer2/avg3x3, layer4/conv5x5, fc; B adds its own ops.
	for _, p := range []string{"/stem/conv/weights", "/layer0/conv3x3/conv/weights", "/layer2/avg3x3/in1x1/weights",
		"/layer4/conv5x5/conv/weights", "/fc/weights"} {
		if !pa[p] {
			t.Errorf("A has no variable %s", p)
		}
	}
	for _, p := range []string{"/layer1/conv5x5/conv/weights", "/layer3/sep3x3/sep/depthwise/weights", "/layer5/sep5x5/sep/pointwise/weights"} {
		if pa[p] || !pb[p] {
			t.Errorf("%s: want a variable of B only", p)
		}
	}
	newVars := 0
	for p := range pb {
		if !pa[p] {
			newVars++
		}
	}
	if newVars == 0 || newVars >= len(pa) {
		t.Errorf("B added %d variables to A's %d: want some, fewer than all (shared weights)", newVars, len(pa))
	}

	exec := macroTrainExec(t, store, ma)
	before := enasSnapshot(t, store)
	outs, g, err := exec.CallWithGraph(macroImages(3)) // new images: the moving averages move

	if err != nil {
		t.Fatal(err)
	}
	if l := tensors.ToScalar[float32](outs[0]); math.IsNaN(float64(l)) {
		t.Fatal("NaN loss")
	}
	after := enasSnapshot(t, store)
	used := enasCheckStep(t, store, before, after, g)
	if used == 0 || used == len(before) {
		t.Errorf("A used %d of %d variables: want some but not B's", used, len(before))
	}
}

func TestENASMacroParseErrors(t *testing.T) {
	s := &ENASMacro{Layers: 3, Filters: 8}
	for _, c := range []struct{ text, want string }{
		{"", `token 1: expected the op of layer 0, an integer in [0, 6), got the end`},
		{"0 1", `token 3: expected skip bit 0 of layer 1`},
		{"6 1 0", `token 1 "6" (byte 0): expected the op of layer 0`},
		{"0 1 2 0 0", `token 3 "2" (byte 4): expected skip bit 0 of layer 1, an integer in [0, 2)`},
		{"0 1 0 x 1", `token 4 "x" (byte 6): expected the op of layer 2`},
		{"0 1 0 1 1 1 1", `token 7 "1" (byte 12): expected the end of the text after layer 2`},
		{"0 1 -0 1 1", `token 3 "-0" (byte 4)`},
	} {
		_, err := s.Parse(c.text)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("Parse(%q) = %v, want an error containing %q", c.text, err, c.want)
		}
	}
	// The reference's final macro architecture (24 layers, scripts/cifar10_macro_final.sh).
	blob, err := os.ReadFile(filepath.Join("testdata", "enas_macro_final.txt"))
	if err != nil {
		t.Fatal(err)
	}
	big := &ENASMacro{Layers: 24, Filters: 96}
	a, err := big.Parse(string(blob))
	if err != nil {
		t.Fatalf("the reference's final architecture: %v", err)
	}
	if text, _ := big.Format(a); text != strings.Join(strings.Fields(string(blob)), " ") {
		t.Errorf("Format(Parse(final)) = %q", text)
	}
}

func FuzzENASMacroParse(f *testing.F) {
	s := &ENASMacro{Layers: 4, Filters: 8}
	f.Add("0 1 1 2 0 1 3 1 0 1")
	f.Add("5\t0\n4 1 1 3 0 0 0")
	f.Add("0 1 1 2 0 1 3 1 0 1 9")
	f.Fuzz(func(t *testing.T, text string) {
		a, err := s.Parse(text)
		if err != nil {
			return
		}
		if err := s.Validate(a); err != nil {
			t.Fatalf("Parse(%q) gave an invalid arch: %v", text, err)
		}
		out, err := s.Format(a)
		if err != nil {
			t.Fatal(err)
		}
		back, err := s.Parse(out)
		if err != nil || !slices.Equal(back.Choices, a.Choices) {
			t.Fatalf("round trip %q -> %q -> %v, %v", text, out, back, err)
		}
	})
}

// Parameters and multiply-adds of a 3-layer network, by hand. C = 4, 8x8x3
// images, 10 classes; pools after layers 0 and 1 (L/3 = 1). Arch "0 3 1 4 0 1":
// layer 0 conv3x3 reads the stem (node 0); layer 1 sep5x5 reads node 1 and skips
// from the stem, both reduced to 4x4 after layer 0; layer 2 avg3x3 reads node 2
// and skips from node 1 (skip bits "0 1"), both reduced to 2x2 after layer 1.
func TestENASMacroCostByHand(t *testing.T) {
	s := &ENASMacro{Layers: 3, Filters: 4, ImageSize: 8, Channels: 3}
	a, err := s.Parse("0 3 1 4 0 1")
	if err != nil {
		t.Fatal(err)
	}
	const (
		bn        = 2 * 4                            // scale and offset
		reduction = 2*(4*2) + bn                     // two 1x1 convs 4 -> 2, BN
		stem      = 3*3*3*4 + bn                     // 116
		layer0    = 4*4 + bn + 3*3*4*4 + bn          // in1x1, conv3x3: 176
		layer1    = 4*4 + bn + 5*5*4 + 4*4 + bn + bn // in1x1, depthwise, pointwise, sum BN: 156
		layer2    = 4*4 + bn + bn                    // in1x1, (pooling), sum BN: 32
		fc        = 4 * 10
	)
	wantParams := stem + layer0 + 2*reduction + layer1 + 2*reduction + layer2 + fc // 616
	wantFlops := int64(8*8*27*4 +                                                  // stem
		8*8*4*4 + 8*8*9*4*4 + // layer 0
		2*(4*4*2*4*2) + // pool0/from1, pool0/from0: two 1x1 convs each, at 4x4
		4*4*4*4 + 4*4*25*4 + 4*4*4*4 + // layer 1
		2*(2*2*2*4*2) + // pool1/from2, pool1/from1 at 2x2
		2*2*4*4 + // layer 2
		4*10) // fc: 20008
	params, flops, err := s.Cost(a, 10)
	if err != nil {
		t.Fatal(err)
	}
	if params != wantParams || params != 616 || flops != wantFlops || flops != 20008 {
		t.Errorf("Cost = %d params, %d mult-adds; want %d (616), %d (20008)", params, flops, wantParams, wantFlops)
	}
}

// macroTorchFixture is testdata/enas_macro_torch.json, written by
// testdata/enas_macro_torch.py from a PyTorch build of the same networks.
type macroTorchFixture struct {
	Source string `json:"source"`
	Cases  []struct {
		Layers    int    `json:"layers"`
		Filters   int    `json:"filters"`
		ImageSize int    `json:"image_size"`
		Channels  int    `json:"channels"`
		Classes   int    `json:"classes"`
		Fixed     bool   `json:"fixed"`
		Arch      string `json:"arch"`
		Params    int    `json:"params"`
		MultAdds  int64  `json:"mult_adds"`
	} `json:"cases"`
}

func TestENASMacroCostMatchesPyTorch(t *testing.T) {
	blob, err := os.ReadFile(filepath.Join("testdata", "enas_macro_torch.json"))
	if err != nil {
		t.Fatal(err)
	}
	var fx macroTorchFixture
	if err := json.Unmarshal(blob, &fx); err != nil {
		t.Fatal(err)
	}
	if len(fx.Cases) == 0 {
		t.Fatal("empty fixture")
	}
	for _, c := range fx.Cases {
		s := &ENASMacro{Layers: c.Layers, Filters: c.Filters, ImageSize: c.ImageSize, Channels: c.Channels, Fixed: c.Fixed}
		a, err := s.Parse(c.Arch)
		if err != nil {
			t.Fatal(err)
		}
		params, flops, err := s.Cost(a, c.Classes)
		if err != nil {
			t.Fatal(err)
		}
		if params != c.Params || flops != c.MultAdds {
			t.Errorf("L=%d C=%d fixed=%v %q: Cost = %d params, %d mult-adds; PyTorch %d, %d",
				c.Layers, c.Filters, c.Fixed, c.Arch, params, flops, c.Params, c.MultAdds)
		}
	}
}

// enasCheckDrawing checks an SVG is well-formed and shows the labels, that the DOT
// text is a digraph, and writes the SVG to ../docs/name when GONAS_WRITE_DOCS is set
// and name ends in ".svg".
func enasCheckDrawing(t *testing.T, d nas.Drawer, a nas.Arch, name string, labels ...string) {
	t.Helper()
	svg, err := d.SVG(a)
	if err != nil {
		t.Fatal(err)
	}
	dec := xml.NewDecoder(strings.NewReader(svg))
	for {
		if _, err := dec.Token(); err == io.EOF {
			break
		} else if err != nil {
			t.Fatalf("%s is not well-formed XML: %v", name, err)
		}
	}
	dot, err := d.DOT(a)
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range labels {
		if !strings.Contains(svg, l) || !strings.Contains(dot, l) {
			t.Errorf("%s: the SVG or DOT lacks %q", name, l)
		}
	}
	if !strings.HasPrefix(strings.TrimSpace(dot), "digraph") {
		t.Errorf("%s: DOT text does not start with digraph", name)
	}
	if os.Getenv("GONAS_WRITE_DOCS") != "" && strings.HasSuffix(name, ".svg") {
		if err := os.WriteFile(filepath.Join("..", "docs", name), []byte(svg), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// The drawing of docs/enas_macro_example.svg: the first 12 layers of the
// reference's final architecture (GONAS_WRITE_DOCS=1 rewrites it).
func TestENASMacroDrawing(t *testing.T) {
	blob, err := os.ReadFile(filepath.Join("testdata", "enas_macro_final.txt"))
	if err != nil {
		t.Fatal(err)
	}
	s := NewENASMacro()
	lines := strings.Split(strings.TrimSpace(string(blob)), "\n")
	a, err := s.Parse(strings.Join(lines[:12], "\n"))
	if err != nil {
		t.Fatal(err)
	}
	enasCheckDrawing(t, s, a, "enas_macro_example.svg", "stem conv3x3", "0: conv3x3", "1: sep5x5", "add", "reduce", "logits")
	s.Fixed = true
	enasCheckDrawing(t, s, a, "fixed child", "concat")
}

var (
	_ nas.ImageSpace = (*ENASMacro)(nil)
	_ nas.Format     = (*ENASMacro)(nil)
	_ nas.Counter    = (*ENASMacro)(nil)
	_ nas.Drawer     = (*ENASMacro)(nil)
)
