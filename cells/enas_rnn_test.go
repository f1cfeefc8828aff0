package cells

import (
	"math"
	"math/rand/v2"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	. "github.com/gomlx/gomlx/core/graph" //nolint:staticcheck
	"github.com/gomlx/gomlx/core/tensors"
	"github.com/gomlx/gomlx/ml/model"
	"github.com/gonas/gonas/nas"
	"github.com/gonas/gonas/nas/data"
	"github.com/gonas/gonas/nas/optim"
	"github.com/gonas/gonas/nas/train"
)

// The small language model of the tests: vocabulary 50, embedding and state 16,
// windows of 5 steps, batches of 2.
const (
	rnnVocab, rnnHidden, rnnSteps, rnnBatch = 50, 16, 5, 2
)

func rnnTokens(seed uint64) (tokens, targets *tensors.Tensor) {
	rng := rand.New(rand.NewPCG(seed, 11))
	x, y := make([]int32, rnnBatch*rnnSteps), make([]int32, rnnBatch*rnnSteps)
	for i := range x {
		x[i], y[i] = int32(rng.IntN(rnnVocab)), int32(rng.IntN(rnnVocab))
	}
	return tensors.FromFlatDataAndDimensions(x, rnnBatch, rnnSteps), tensors.FromFlatDataAndDimensions(y, rnnBatch, rnnSteps)
}

func rnnState(seed uint64) *tensors.Tensor {
	rng := rand.New(rand.NewPCG(seed, 13))
	h := make([]float32, rnnBatch*rnnHidden)
	for i := range h {
		h[i] = float32(rng.NormFloat64()) * 0.5
	}
	return tensors.FromFlatDataAndDimensions(h, rnnBatch, rnnHidden)
}

func rnnLM(t *testing.T, s *ENASRNN, a nas.Arch, tie bool) train.LanguageModel {
	t.Helper()
	cell, err := s.Cell(a, rnnHidden)
	if err != nil {
		t.Fatal(err)
	}
	lm, err := train.NewLanguageModel(cell, train.LMConfig{Vocab: rnnVocab, Embed: rnnHidden, Hidden: rnnHidden, TieWeights: tie})
	if err != nil {
		t.Fatal(err)
	}
	return lm
}

// rnnTrainExec runs one step of opt on the mean next-token loss and returns the
// loss and the final state.
func rnnTrainExec(t *testing.T, store *model.Store, lm train.LanguageModel, opt *optim.SGDConfig) *model.Exec {
	t.Helper()
	o := opt.Done()
	exec, err := model.NewExec(enasBackend(), store, func(scope *model.Scope, tokens, targets, h0 *Node) []*Node {
		store.SetTraining(tokens.Graph(), true)
		logits, hT := lm(scope, tokens, h0)
		loss := train.LanguageModelLoss(logits, targets)
		o.UpdateGraph(scope, tokens.Graph(), loss)
		return []*Node{loss, hT}
	})
	if err != nil {
		t.Fatal(err)
	}
	return exec
}

func TestENASRNNDecisions(t *testing.T) {
	s := NewENASRNN()
	ds := s.Decisions()
	if len(ds) != 23 {
		t.Fatalf("%d decisions, want 23 (the reference's 2·12-1)", len(ds))
	}
	for k, name := range []string{"node1/activation", "node2/input", "node2/activation", "node3/input"} {
		if ds[k].Name != name {
			t.Errorf("decision #%d is %q, want %q", k, ds[k].Name, name)
		}
	}
	if d := ds[3]; d.Kind != nas.Input || d.NumChoices != 2 || d.Node != 2 || d.Label(1) != "node2" {
		t.Errorf("node3/input = %+v, want an Input of node index 2 over node1, node2", d)
	}
	if d := ds[22]; d.Kind != nas.Activation || d.Label(3) != "sigmoid" {
		t.Errorf("node12/activation = %+v", d)
	}
}

// The paper's cell: its loose ends are nodes 4, 5, 8, 10, 11 and 12 (the paper's
// "average of 6 nodes"), and it round-trips through the ENAS string.
func TestENASRNNPaperCell(t *testing.T) {
	s := NewENASRNN()
	a, err := s.Parse(ENASPaperRNNCell)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := s.decode(a).looseEnds(), []int{3, 4, 7, 9, 10, 11}; !slices.Equal(got, want) {
		t.Errorf("loose ends (0-based) %v, want %v", got, want)
	}
	if text, _ := s.Format(a); text != ENASPaperRNNCell {
		t.Errorf("Format = %q", text)
	}
	for _, c := range []struct{ text, want string }{
		{"4", `token 1 "4" (byte 0): expected the activation of node 1, an integer in [0, 4)`},
		{"0 1 0", `token 2 "1" (byte 2): expected the node that node 2 reads (0-based), an integer in [0, 1)`},
		{"0 0", `token 3: expected the activation of node 2`},
		{ENASPaperRNNCell + " 3", `token 24 "3" (byte 46): expected the end of the text after node 12`},
	} {
		if _, err := s.Parse(c.text); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("Parse(%q) = %v, want an error containing %q", c.text, err, c.want)
		}
	}
}

func FuzzENASRNNParse(f *testing.F) {
	s := &ENASRNN{Nodes: 5}
	f.Add("0 0 1 1 2 0 3 2 0")
	f.Add("3 0 3 0 3 0 3 0 3")
	f.Add("0 0 1 1 2 0 3 4 0")
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
		if back, err := s.Parse(out); err != nil || !slices.Equal(back.Choices, a.Choices) {
			t.Fatalf("round trip %q -> %q -> %v, %v", text, out, back, err)
		}
	})
}

// The cell's output equals the equations of the file comment computed by hand (in
// float64) from the same weights, for a 3-node cell: node 1 ReLU, node 2 reads node 1
// with identity, node 3 reads node 1 with sigmoid; h_t = (s₂ + s₃)/2.
func TestENASRNNCellMatchesEquations(t *testing.T) {
	s := &ENASRNN{Nodes: 3}
	a, err := s.Parse("1 0 2 0 3")
	if err != nil {
		t.Fatal(err)
	}
	const hidden = 3
	cell, err := s.Cell(a, hidden)
	if err != nil {
		t.Fatal(err)
	}
	store := model.NewStore()
	x := [][]float32{{0.5, -1}}
	h := [][]float32{{0.3, -0.2, 0.9}}
	out, err := model.MustNewExec(enasBackend(), store, func(scope *model.Scope, x, h *Node) *Node {
		return cell(scope, x, h)
	}).Call(x, h)
	if err != nil {
		t.Fatal(err)
	}
	got := tensors.MustCopyFlatData[float32](out[0])
	w := func(path string) [][]float64 {
		v := store.GetVariable(path)
		if v == nil {
			t.Fatalf("no variable %s", path)
		}
		flat, cols := tensors.MustCopyFlatData[float32](v.MustValue()), v.Shape().Dimensions[1]
		m := make([][]float64, v.Shape().Dimensions[0])
		for i := range m {
			for _, x := range flat[i*cols : (i+1)*cols] {
				m[i] = append(m[i], float64(x))
			}
		}
		return m
	}
	sig := func(v float64) float64 { return 1 / (1 + math.Exp(-v)) }
	node := func(input, prev []float64, w [][]float64, f func(float64) float64) []float64 {
		s := make([]float64, hidden)
		for j := range hidden {
			var a, g float64
			for i, v := range input {
				a += v * w[i][j]
				g += v * w[i][hidden+j]
			}
			s[j] = prev[j] + sig(g)*(f(a)-prev[j])
		}
		return s
	}
	hPrev := []float64{0.3, -0.2, 0.9}
	s1 := node([]float64{0.5, -1, 0.3, -0.2, 0.9}, hPrev, w("/node1/relu/weights"), func(v float64) float64 { return max(v, 0) })
	s2 := node(s1, s1, w("/node2/from1/identity/weights"), func(v float64) float64 { return v })
	s3 := node(s1, s1, w("/node3/from1/sigmoid/weights"), sig)
	for j := range hidden {
		if want := (s2[j] + s3[j]) / 2; math.Abs(float64(got[j])-want) > 1e-5 {
			t.Errorf("h_t[%d] = %g, want %g", j, got[j], want)
		}
	}
}

// 200 random cells validate and round-trip; a few (all without -short) build a
// language model with the right shapes, finite values and parameters
// V·E + (E+H)·2H + (N-1)·H·2H (+ H·V + V untied), and — built in one store after
// another random cell — take a training step that changes exactly the weights
// they use.
func TestENASRNNRandomArchitectures(t *testing.T) {
	s := NewENASRNN()
	rng := rand.New(rand.NewPCG(3, 4))
	tokens, targets := rnnTokens(1)
	h0 := rnnState(1)
	built := 0
	for i := range 200 {
		a := enasRandomArch(s, rng)
		if err := s.Validate(a); err != nil {
			t.Fatalf("random arch #%d: %v", i, err)
		}
		text, _ := s.Format(a)
		if back, err := s.Parse(text); err != nil || !slices.Equal(back.Choices, a.Choices) {
			t.Fatalf("round trip of %q: %v, %v", text, back, err)
		}
		if testing.Short() && i%50 != 0 {
			continue
		}
		tie := i%2 == 0
		lm := rnnLM(t, s, a, tie)
		store := model.NewStore()
		outs := rnnForward(t, store, lm, tokens, h0)
		if d := outs[0].Shape().Dimensions; !slices.Equal(d, []int{rnnBatch, rnnSteps, rnnVocab}) {
			t.Fatalf("%q: logits %v", text, d)
		}
		if d := outs[1].Shape().Dimensions; !slices.Equal(d, []int{rnnBatch, rnnHidden}) {
			t.Fatalf("%q: final state %v", text, d)
		}
		if !enasAllFinite(tensors.MustCopyFlatData[float32](outs[0])) || !enasAllFinite(tensors.MustCopyFlatData[float32](outs[1])) {
			t.Fatalf("%q: non-finite output", text)
		}
		const v, h = rnnVocab, rnnHidden
		params, used := v*h+2*h*2*h+11*h*2*h, 1+12
		if !tie {
			params, used = params+h*v+v, used+2
		}
		if got := train.CountParameters(store); got != params {
			t.Errorf("%q (tied %v): %d parameters, want %d", text, tie, got, params)
		}
		rnnForward(t, store, rnnLM(t, s, enasRandomArch(s, rng), tie), tokens, h0)
		exec := rnnTrainExec(t, store, lm, optim.SGD().LearningRate(0.5))
		before := enasSnapshot(t, store)
		_, g, err := exec.CallWithGraph(tokens, targets, h0)
		if err != nil {
			t.Fatal(err)
		}
		if got := enasCheckStep(t, store, before, enasSnapshot(t, store), g); got != used {
			t.Errorf("%q: the step used %d variables, want %d", text, got, used)
		}
		exec.Finalize()
		built++
	}
	t.Logf("built, ran and trained %d cells", built)
}

// rnnForward runs lm once and returns the logits and the final state.
func rnnForward(t *testing.T, store *model.Store, lm train.LanguageModel, tokens, h0 *tensors.Tensor) []*tensors.Tensor {
	t.Helper()
	outs, err := model.MustNewExec(enasBackend(), store, func(scope *model.Scope, tokens, h0 *Node) []*Node {
		logits, hT := lm(scope, tokens, h0)
		return []*Node{logits, hT}
	}).Call(tokens, h0)
	if err != nil {
		t.Fatal(err)
	}
	return outs
}

// Parameters of the paper's cell in the small language model, by hand: embedding
// V·E, node 1 (E+H)·2H, 11 nodes H·2H, softmax H·V + V (none when tied).
func TestENASRNNParameterCount(t *testing.T) {
	s := NewENASRNN()
	a, _ := s.Parse(ENASPaperRNNCell)
	tokens, _ := rnnTokens(1)
	for _, tie := range []bool{false, true} {
		store := model.NewStore()
		lm := rnnLM(t, s, a, tie)
		model.MustNewExec(enasBackend(), store, func(scope *model.Scope, tokens, h0 *Node) *Node {
			logits, _ := lm(scope, tokens, h0)
			return logits
		}).MustCall(tokens, rnnState(1))
		want := 50*16 + 32*32 + 11*16*32 // 7456
		if !tie {
			want += 16*50 + 50 // 8306
		}
		if got := train.CountParameters(store); got != want {
			t.Errorf("tied=%v: %d parameters, want %d", tie, got, want)
		}
	}
}

// Two cells built in one store share the weights of their common (node, input,
// activation) triples; a training step of one changes exactly the weights it uses.
func TestENASRNNWeightSharingAndTrainStep(t *testing.T) {
	s := &ENASRNN{Nodes: 4}
	a, _ := s.Parse("0 0 1 1 2 0 3") // node2 ← node1 relu; node3 ← node2 identity; node4 ← node1 sigmoid
	b, _ := s.Parse("0 0 1 0 2 2 0") // node2 ← node1 relu; node3 ← node1 identity; node4 ← node3 tanh
	store := model.NewStore()
	tokens, targets := rnnTokens(2)
	h0 := rnnState(2)
	var vars []map[string]bool
	for _, arch := range []nas.Arch{a, b} {
		lm := rnnLM(t, s, arch, false)
		model.MustNewExec(enasBackend(), store, func(scope *model.Scope, tokens, h0 *Node) *Node {
			logits, _ := lm(scope, tokens, h0)
			return logits
		}).MustCall(tokens, h0)
		m := map[string]bool{}
		for v := range store.IterVariables() {
			m[v.Path()] = true
		}
		vars = append(vars, m)
	}
	for _, p := range []string{"/cell/node1/tanh/weights", "/cell/node2/from1/relu/weights", "/embedding/weights", "/softmax/weights"} {
		if !vars[0][p] {
			t.Errorf("A has no %s", p)
		}
	}
	added := 0
	for p := range vars[1] {
		if !vars[0][p] {
			added++
		}
	}
	if added != 2 { // node3/from1/identity and node4/from3/tanh
		t.Errorf("B added %d variables to A's, want 2", added)
	}
	exec := rnnTrainExec(t, store, rnnLM(t, s, a, false), optim.SGD().LearningRate(0.5))
	before := enasSnapshot(t, store)
	outs, g, err := exec.CallWithGraph(tokens, targets, h0)
	if err != nil {
		t.Fatal(err)
	}
	if l := tensors.ToScalar[float32](outs[0]); math.Abs(float64(l)-math.Log(rnnVocab)) > 0.5 {
		t.Errorf("initial loss %g, want about log(50) = %.2f", l, math.Log(rnnVocab))
	}
	if used := enasCheckStep(t, store, before, enasSnapshot(t, store), g); used != 7 {
		t.Errorf("A used %d variables, want 7 (embedding, softmax weights and biases, its 4 cell matrices)", used)
	}
}

// The paper's cell learns: on the first 60,000 tokens of PTB's training text, a
// tiny model's training perplexity falls clearly within 300 steps.
func TestENASRNNTrainsOnPTB(t *testing.T) {
	if testing.Short() {
		t.Skip("trains a language model on PTB (about half a minute)")
	}
	dir, err := data.SharedDataDir()
	if err != nil {
		t.Skipf("no shared data folder: %v", err)
	}
	ptb, err := data.LoadPTB(filepath.Join(dir, "ptb.zip"))
	if err != nil {
		t.Skipf("PTB not available: %v", err)
	}
	const hidden = 32
	s := NewENASRNN()
	a, _ := s.Parse(ENASPaperRNNCell)
	cell, _ := s.Cell(a, hidden)
	vocab := ptb.Vocab.Len()
	lm, err := train.NewLanguageModel(cell, train.LMConfig{Vocab: vocab, Embed: hidden, Hidden: hidden, TieWeights: true})
	if err != nil {
		t.Fatal(err)
	}
	store := model.NewStore()
	if err := store.SetRNGStateFromSeed(1); err != nil {
		t.Fatal(err)
	}
	res, err := train.TrainLanguageModel(enasBackend(), store, lm, hidden, ptb.Train[:60000],
		train.LMTrainConfig{BatchSize: 8, BPTT: 15, Steps: 300, LearningRate: 20, ClipNorm: 0.25})
	if err != nil {
		t.Fatal(err)
	}
	first, last := res.Perplexity(0, 20), res.Perplexity(250, 300)
	t.Logf("vocab %d, %d steps in %s: training perplexity %.0f (first 20 steps) -> %.0f (last 50)",
		vocab, len(res.Losses), res.Duration.Round(time.Second), first, last)
	if !(last < first/4) {
		t.Errorf("training perplexity %.0f -> %.0f: want a fall by 4x at least", first, last)
	}
}

// The drawing of docs/enas_rnn_paper.svg: the paper's cell (GONAS_WRITE_DOCS=1
// rewrites it).
func TestENASRNNDrawing(t *testing.T) {
	s := NewENASRNN()
	a, _ := s.Parse(ENASPaperRNNCell)
	enasCheckDrawing(t, s, a, "enas_rnn_paper.svg", "1: tanh", "3: ReLU", "12: ReLU", "avg")
}

var (
	_ nas.RNNSpace = (*ENASRNN)(nil)
	_ nas.Format   = (*ENASRNN)(nil)
	_ nas.Drawer   = (*ENASRNN)(nil)
)
