package controllers

import (
	"strconv"

	"github.com/gonas/gonas/nas"
	"github.com/pkg/errors"
)

// How the LSTM controller reads a space's decision list: the plan is the sequence of
// LSTM steps, what each step reads and what it decides. The host sampler and the
// teacher-forcing graph both follow it, which is what makes their log-probabilities
// equal.
//
// Steps. Each decision is one step, except that a run of consecutive Skip decisions
// of the same node (ENAS macro's skip bits of one layer) is one step sampling them all
// in parallel, as ENAS does. A step reads the embedding of the previous step's choice
// ("input embedding of the previous choice"); the first step reads a learned start
// vector (ENAS's g_emb).
//
// Heads. An Op/Combine/Activation decision (or any decision without Node) has its own
// softmax head over its NumChoices. An Input decision with Node set attends over the
// anchors of its candidate nodes (ENAS [3]):
//
//	logit_j = v · tanh(W1·anchor_j + W2·h)
//
// and the next step reads the chosen anchor. A Skip run attends the same way, one
// Bernoulli per candidate with logits (−logit_j, logit_j), and the next step reads
// the mean of the chosen anchors, Σ_j skip_j·anchor_j / (1 + Σ_j skip_j).
//
// Anchors. A node's anchor is the LSTM output once the controller has read the
// node's decisions: for a node whose Input decisions are followed by ops (ENAS micro),
// the output of the step that reads its last choice, which is the step of the next
// node's first input; for a node decided by a Skip run (ENAS macro, whose layer op
// comes just before its skips), the output of the Skip step itself. Candidates with no
// anchor yet (the cell inputs, or nodes with no decisions) get learned anchor vectors.
// Candidate j of a decision of node n is node j when NumChoices ≤ n; when NumChoices
// exceeds n (a space numbering only intermediate nodes), the first NumChoices−n
// candidates are cell inputs with their own learned anchors.

// stepKind is what a step decides.
type stepKind int

const (
	stepHead  stepKind = iota // one decision, own softmax head
	stepInput                 // one Input decision, attention over candidate anchors
	stepSkip                  // a run of Skip decisions, one Bernoulli each, by attention
)

// anchorRef is where an anchor comes from: the top LSTM output of step Step, or, when
// Step < 0, row Learned of the learned anchors.
type anchorRef struct{ Step, Learned int }

// step is one LSTM step of the plan.
type step struct {
	kind      stepKind
	decisions []int       // decision indices (one, or the Skip run)
	cands     []anchorRef // stepInput: one per choice; stepSkip: one per decision
}

// lstmPlan is the compiled decision list.
type lstmPlan struct {
	ds         []nas.Decision
	steps      []step
	offsets    []int // offsets[t]: first column of decision t in the packed heads/embeddings
	total      int   // sum of NumChoices over decisions
	numLearned int   // learned anchor vectors
	attention  bool  // whether any step attends (so the attention weights exist)
	skipSteps  int   // steps with Skip decisions (for the skip penalty's mean)
}

type nodeKey struct {
	group string
	node  int
}

// newLSTMPlan compiles the decisions of a space.
func newLSTMPlan(ds []nas.Decision) (*lstmPlan, error) {
	p := &lstmPlan{ds: ds, offsets: make([]int, len(ds))}
	for t, d := range ds {
		if d.NumChoices < 1 {
			return nil, errors.Errorf("decision #%d %q has %d choices", t, d.Name, d.NumChoices)
		}
		if d.Kind == nas.Skip && d.NumChoices != 2 {
			return nil, errors.Errorf("Skip decision #%d %q has %d choices, want 2 (no, yes)", t, d.Name, d.NumChoices)
		}
		p.offsets[t] = p.total
		p.total += d.NumChoices
	}
	anchors := map[nodeKey]anchorRef{}
	learned := map[string]int{}
	learnedRef := func(key string) anchorRef {
		if _, ok := learned[key]; !ok {
			learned[key] = len(learned)
		}
		return anchorRef{Step: -1, Learned: learned[key]}
	}
	var open *nodeKey // the node opened by Input decisions and not closed yet
	candidates := func(g string, n, count int) []anchorRef {
		offset := max(0, count-n)
		refs := make([]anchorRef, count)
		for j := range refs {
			switch k := j - offset; {
			case j < offset:
				refs[j] = learnedRef(g + "/input/" + strconv.Itoa(j))
			default:
				if ref, ok := anchors[nodeKey{g, k}]; ok {
					refs[j] = ref
				} else {
					refs[j] = learnedRef(g + "/node/" + strconv.Itoa(k))
				}
			}
		}
		return refs
	}
	for t := 0; t < len(ds); {
		d := ds[t]
		s := step{decisions: []int{t}}
		attends := (d.Kind == nas.Input || d.Kind == nas.Skip) && d.Node >= 0
		if attends && d.Kind == nas.Skip {
			for t+len(s.decisions) < len(ds) {
				e := ds[t+len(s.decisions)]
				if e.Kind != nas.Skip || e.Node != d.Node || e.Group != d.Group {
					break
				}
				s.decisions = append(s.decisions, t+len(s.decisions))
			}
		}
		si := len(p.steps)
		// Close the open node when the controller moves to another node or group: its
		// anchor is this step's output, which reads the node's last choice.
		if open != nil && (d.Group != open.group || (attends && d.Node != open.node)) {
			anchors[*open] = anchorRef{Step: si}
			open = nil
		}
		switch {
		case attends && d.Kind == nas.Input:
			s.kind = stepInput
			s.cands = candidates(d.Group, d.Node, d.NumChoices)
			open = &nodeKey{d.Group, d.Node}
		case attends:
			s.kind = stepSkip
			s.cands = candidates(d.Group, d.Node, len(s.decisions))
			anchors[nodeKey{d.Group, d.Node}] = anchorRef{Step: si}
		default:
			s.kind = stepHead
		}
		if attends {
			p.attention = true
		}
		for _, dt := range s.decisions {
			if ds[dt].Kind == nas.Skip {
				p.skipSteps++
				break
			}
		}
		p.steps = append(p.steps, s)
		t += len(s.decisions)
	}
	p.numLearned = len(learned)
	return p, nil
}

// tanhC is the tanh constant of decision t's logits.
func (p *lstmPlan) tanhC(cfg *LSTMConfig, t int) float64 {
	return cfg.tanhFor(p.ds[t].Kind == nas.Op)
}
