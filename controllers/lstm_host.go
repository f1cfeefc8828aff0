package controllers

import (
	"math"
	"math/rand/v2"

	"github.com/gonas/gonas/nas"
)

// The LSTM controller's forward pass on the host, in float64 Go: sampling an
// architecture is a few thousand small vector-matrix products, far cheaper in a loop
// than as graph executions. The update recomputes the same pass as a GoMLX graph by
// teacher forcing (lstm_graph.go); both follow the plan (lstm_plan.go) and the same
// weights, so their log-probabilities agree to rounding.

// lstmWeights mirrors the controller's variables on the host, row-major.
type lstmWeights struct {
	h       int
	lstm    [][]float64 // per layer [4H, 2H]: gates i, f, o, g = W·[x, h] (no bias, as ENAS)
	start   []float64   // [H] the first step's input (ENAS g_emb)
	emb     []float64   // [total, H] embedding of choice c of decision t at row offsets[t]+c
	headW   []float64   // [total, H] softmax heads, packed by rows: logit c = headW[c]·h + headB[c]
	headB   []float64   // [total]
	attnW1  []float64   // [H, H] keys:    W1·anchor
	attnW2  []float64   // [H, H] queries: W2·h
	attnV   []float64   // [H]
	anchors []float64   // [numLearned, H] learned anchors
}

// newLSTMWeights draws every weight uniform in ±r, then sets the Op biases.
func newLSTMWeights(p *lstmPlan, cfg *LSTMConfig, rng *rand.Rand) *lstmWeights {
	h := cfg.Hidden
	uniform := func(n int) []float64 {
		w := make([]float64, n)
		for i := range w {
			w[i] = (2*rng.Float64() - 1) * cfg.InitRange
		}
		return w
	}
	w := &lstmWeights{h: h}
	for range cfg.Layers {
		w.lstm = append(w.lstm, uniform(2*h*4*h))
	}
	w.start = uniform(h)
	w.emb = uniform(p.total * h)
	w.headW = uniform(h * p.total)
	w.headB = make([]float64, p.total)
	for t, d := range p.ds {
		if d.Kind == nas.Op {
			for c := 0; c < d.NumChoices && c < len(cfg.OpBias); c++ {
				w.headB[p.offsets[t]+c] = cfg.OpBias[c]
			}
		}
	}
	if p.attention {
		w.attnW1, w.attnW2, w.attnV = uniform(h*h), uniform(h*h), uniform(h)
	}
	w.anchors = uniform(p.numLearned * h)
	return w
}

// matVec returns rows [r0, r0+n) of M·x, for M row-major with len(x) columns.
func matVec(m, x []float64, r0, n int) []float64 {
	k := len(x)
	out := make([]float64, n)
	for r := range out {
		row := m[(r0+r)*k : (r0+r+1)*k]
		row = row[:len(x)]
		var s0, s1, s2, s3 float64 // four accumulators: independent chains run in parallel
		c := 0
		for ; c+4 <= len(row); c += 4 {
			s0 += row[c] * x[c]
			s1 += row[c+1] * x[c+1]
			s2 += row[c+2] * x[c+2]
			s3 += row[c+3] * x[c+3]
		}
		for ; c < len(row); c++ {
			s0 += row[c] * x[c]
		}
		out[r] = (s0 + s1) + (s2 + s3)
	}
	return out
}

func sigmoid(x float64) float64 { return 1 / (1 + math.Exp(-x)) }

// lstmState is the recurrent state of one architecture being read or sampled.
type lstmState struct {
	c, h [][]float64  // per layer
	outs [][]float64  // top output of each step, for anchors
	keys [][]float64  // W1·anchor per step output (nil until needed)
	lkey [][]float64  // W1·anchor per learned anchor
	w    *lstmWeights // the weights
}

func newLSTMState(w *lstmWeights, steps, layers int) *lstmState {
	s := &lstmState{w: w, outs: make([][]float64, steps), keys: make([][]float64, steps)}
	for range layers {
		s.c = append(s.c, make([]float64, w.h))
		s.h = append(s.h, make([]float64, w.h))
	}
	return s
}

// cell advances the stacked LSTM by one step on input x and returns the top output:
// [i f o g] = W·[x, h], c ← σ(f)c + σ(i)tanh(g), h ← σ(o)tanh(c).
func (s *lstmState) cell(x []float64) []float64 {
	h := s.w.h
	for l, wl := range s.w.lstm {
		z := append(append(make([]float64, 0, 2*h), x...), s.h[l]...)
		gates := matVec(wl, z, 0, 4*h)
		c, hh := make([]float64, h), make([]float64, h)
		for j := range h {
			i, f, o, g := sigmoid(gates[j]), sigmoid(gates[h+j]), sigmoid(gates[2*h+j]), math.Tanh(gates[3*h+j])
			c[j] = f*s.c[l][j] + i*g
			hh[j] = o * math.Tanh(c[j])
		}
		s.c[l], s.h[l] = c, hh
		x = hh
	}
	return x
}

// anchor returns the anchor vector of ref.
func (s *lstmState) anchor(ref anchorRef) []float64 {
	if ref.Step >= 0 {
		return s.outs[ref.Step]
	}
	return s.w.anchors[ref.Learned*s.w.h : (ref.Learned+1)*s.w.h]
}

// key returns W1·anchor for ref, computed once.
func (s *lstmState) key(ref anchorRef) []float64 {
	h := s.w.h
	if ref.Step >= 0 {
		if s.keys[ref.Step] == nil {
			s.keys[ref.Step] = matVec(s.w.attnW1, s.outs[ref.Step], 0, h)
		}
		return s.keys[ref.Step]
	}
	if s.lkey == nil {
		s.lkey = make([][]float64, len(s.w.anchors)/h)
	}
	if s.lkey[ref.Learned] == nil {
		s.lkey[ref.Learned] = matVec(s.w.attnW1, s.anchor(ref), 0, h)
	}
	return s.lkey[ref.Learned]
}

// attend returns v·tanh(key_j + W2·out) for each candidate.
func (s *lstmState) attend(out []float64, cands []anchorRef) []float64 {
	h := s.w.h
	q := matVec(s.w.attnW2, out, 0, h)
	logits := make([]float64, len(cands))
	for j, ref := range cands {
		k := s.key(ref)
		for i := range h {
			logits[j] += s.w.attnV[i] * math.Tanh(k[i]+q[i])
		}
	}
	return logits
}

// chooser picks the choice of decision t from its (shaped) logits: a random draw when
// sampling, the given choice when teacher forcing.
type chooser func(t int, logits []float64) int

// run reads (or samples) one architecture along the plan: choices, per-decision
// log-probabilities and entropies.
func (p *lstmPlan) run(w *lstmWeights, cfg *LSTMConfig, choose chooser) (choices []int, lps, ents []float64) {
	choices = make([]int, len(p.ds))
	lps, ents = make([]float64, len(p.ds)), make([]float64, len(p.ds))
	st := newLSTMState(w, len(p.steps), cfg.Layers)
	x := w.start
	decide := func(t int, logits []float64) int {
		nas.ScaleLogits(logits, cfg.Temperature, p.tanhC(cfg, t))
		c := choose(t, logits)
		logp := nas.CategoricalLogProbs(logits)
		choices[t], lps[t], ents[t] = c, logp[c], nas.CategoricalEntropy(logits)
		return c
	}
	for si, s := range p.steps {
		out := st.cell(x)
		st.outs[si] = out
		switch s.kind {
		case stepHead:
			t := s.decisions[0]
			n, off := p.ds[t].NumChoices, p.offsets[t]
			logits := matVec(w.headW, out, off, n)
			for c := range logits {
				logits[c] += w.headB[off+c]
			}
			c := decide(t, logits)
			x = w.emb[(off+c)*w.h : (off+c+1)*w.h]
		case stepInput:
			c := decide(s.decisions[0], st.attend(out, s.cands))
			x = st.anchor(s.cands[c])
		case stepSkip:
			q := st.attend(out, s.cands)
			mean := make([]float64, w.h)
			count := 0.0
			for i, t := range s.decisions {
				if decide(t, []float64{-q[i], q[i]}) == 1 {
					count++
					for j, a := range st.anchor(s.cands[i]) {
						mean[j] += a
					}
				}
			}
			for j := range mean {
				mean[j] /= 1 + count
			}
			x = mean
		}
	}
	return choices, lps, ents
}

// sampleChoice draws from the softmax of logits.
func sampleChoice(rng *rand.Rand, logits []float64) int {
	probs := nas.CategoricalProbs(logits)
	u := rng.Float64()
	for c, pr := range probs {
		if u < pr {
			return c
		}
		u -= pr
	}
	// Rounding left u ≥ 0 past the last probability: take the last likely choice.
	for c := len(probs) - 1; c >= 0; c-- {
		if probs[c] > 0 {
			return c
		}
	}
	return len(probs) - 1
}
