package controllers

import (
	"github.com/gomlx/compute/dtypes"
	"github.com/gomlx/compute/shapes"
	. "github.com/gomlx/gomlx/core/graph" //nolint:staticcheck
	"github.com/gomlx/gomlx/ml/model"
	"github.com/gomlx/gomlx/support/exceptions"
	"github.com/gonas/gonas/nas/optim"
)

// The LSTM controller as a GoMLX graph, by teacher forcing: given the choices of M
// architectures [M, T], replay the plan (lstm_plan.go) with each step reading the
// embedding of the GIVEN previous choice, and return log p(a_t | a_<t) and the
// entropies [M, T]. The update differentiates the REINFORCE surrogate loss built on
// them (GoMLX autodiff) and applies Adam. Graph builders panic on error, as GoMLX's do.

// lstmVars are the controller's variables in its model.Store, one per lstmWeights field.
type lstmVars struct {
	lstm                           []*model.Variable
	start, emb, headW, headB       *model.Variable
	attnW1, attnW2, attnV, anchors *model.Variable
}

// teacherForce builds the forward pass for choices [M, T] int32 and returns the
// log-probabilities and entropies [M, T] and the skip penalty per architecture [M]
// (Σ over the skip steps of Σ_t KL(p_t ‖ target), divided by the number of skip
// steps: ENAS sums within a layer and averages over layers).
//
// The graph is built for speed on small tensors: only the recurrence and the
// attention are per step; the embeddings of the given choices are one Gather, the
// softmax heads one product over all steps, and the log-softmax, one-hots, entropies
// and skip penalty are computed once on logits laid out as [M, T, maxN] (padded
// choices get −1e9, so they have probability 0).
func (c *LSTM) teacherForce(choices *Node) (lp, ent, skipKL *Node) {
	g := choices.Graph()
	p, cfg, h := c.plan, &c.cfg, c.cfg.Hidden
	m, numT := choices.Shape().Dimensions[0], len(p.ds)
	value := func(v *model.Variable) *Node { return v.NodeValue(g) }
	rows := func(x *Node) *Node { return BroadcastToDims(x, m, h) } // [1, H] → [M, H]
	linear := func(x, w *Node) *Node {                              // x·wᵀ for w stored [out, in]
		return DotGeneral(x, []int{x.Rank() - 1}, nil, w, []int{1}, nil)
	}
	cn := c.graphConstants()

	// Inputs of the steps that read a choice's embedding: one Gather for all decisions.
	packedIdx := Add(choices, Const(g, cn.offsets)) // [M, T] rows of emb
	embAll := Gather(value(c.vars.emb), InsertAxes(packedIdx, -1))
	onehotAll := OneHot(choices, cn.maxN, graphDType) // [M, T, maxN]
	choicesF := ConvertDType(choices, graphDType)

	var w1, w2, v, learnedKeys *Node
	if p.attention {
		w1, w2, v = value(c.vars.attnW1), value(c.vars.attnW2), value(c.vars.attnV)
	}
	var learned *Node
	if p.numLearned > 0 {
		learned = value(c.vars.anchors) // [K, H]
		if p.attention {
			learnedKeys = linear(learned, w1)
		}
	}
	lstmW := make([]*Node, cfg.Layers)
	cs, hs := make([]*Node, cfg.Layers), make([]*Node, cfg.Layers)
	for l := range lstmW {
		lstmW[l] = value(c.vars.lstm[l])
		cs[l] = Zeros(g, shapes.Make(graphDType, m, h))
		hs[l] = cs[l]
	}
	outs := make([]*Node, len(p.steps))
	keys := map[int]*Node{}
	anchor := func(ref anchorRef) *Node {
		if ref.Step >= 0 {
			return outs[ref.Step]
		}
		return rows(Slice(learned, AxisElem(ref.Learned), AxisRange()))
	}
	key := func(ref anchorRef) *Node {
		if ref.Step < 0 {
			return rows(Slice(learnedKeys, AxisElem(ref.Learned), AxisRange()))
		}
		if _, ok := keys[ref.Step]; !ok {
			keys[ref.Step] = linear(outs[ref.Step], w1)
		}
		return keys[ref.Step]
	}
	// attend returns v·tanh(W1·anchor_j + W2·out) [M, n] and the stacked anchors [M, n, H].
	attend := func(out *Node, cands []anchorRef) (logits, stacked *Node) {
		ks, as := make([]*Node, len(cands)), make([]*Node, len(cands))
		for j, ref := range cands {
			ks[j], as[j] = key(ref), anchor(ref)
		}
		q := BroadcastToDims(InsertAxes(linear(out, w2), 1), m, len(cands), h)
		e := Tanh(Add(Stack(ks, 1), q))
		return Einsum("mnh,h->mn", e, v), Stack(as, 1)
	}

	// The first layer's input product W_x·x is computed for all the choice
	// embeddings at once; only the recurrent products are per step. (W is stored
	// [4H, 2H] = [W_x | W_h], so each step's gradient of W_h is half of W's.)
	wIn, wRec := make([]*Node, len(lstmW)), make([]*Node, len(lstmW))
	for l, wl := range lstmW {
		wIn[l], wRec[l] = Slice(wl, AxisRange(), AxisRange(0, h)), Slice(wl, AxisRange(), AxisRange(h, 2*h))
	}
	embIn := linear(embAll, wIn[0]) // [M, T, 4H]

	var headOuts []*Node      // top outputs of the head steps, in order
	blocks := map[int]*Node{} // attention logits [M, columns] by first decision
	blockLen := map[int]int{} // decisions covered by each block
	x := rows(Reshape(value(c.vars.start), 1, h))
	var xIn *Node // W_x·x of the first layer, when already computed
	for si, s := range p.steps {
		// The stacked LSTM cell: [i f o g] = W_x·x + W_h·h.
		for l := range lstmW {
			in := xIn
			if l > 0 || in == nil {
				in = linear(x, wIn[l])
			}
			gates := Add(in, linear(hs[l], wRec[l]))
			sig := Sigmoid(Slice(gates, AxisRange(), AxisRange(0, 3*h)))
			i, f, o := Slice(sig, AxisRange(), AxisRange(0, h)), Slice(sig, AxisRange(), AxisRange(h, 2*h)), Slice(sig, AxisRange(), AxisRange(2*h, 3*h))
			cs[l] = Add(Mul(f, cs[l]), Mul(i, Tanh(Slice(gates, AxisRange(), AxisRange(3*h, 4*h)))))
			hs[l] = Mul(o, Tanh(cs[l]))
			x = hs[l]
		}
		xIn = nil
		out := x
		outs[si] = out
		t := s.decisions[0]
		switch s.kind {
		case stepHead:
			headOuts = append(headOuts, out)
			xIn = Reshape(Slice(embIn, AxisRange(), AxisElem(t), AxisRange()), m, 4*h)
		case stepInput:
			logits, stacked := attend(out, s.cands)
			blocks[t], blockLen[t] = logits, 1
			n := p.ds[t].NumChoices
			onehot := Reshape(Slice(onehotAll, AxisRange(), AxisElem(t), AxisRange(0, n)), m, n)
			x = Einsum("mn,mnh->mh", onehot, stacked)
		case stepSkip:
			q, stacked := attend(out, s.cands) // [M, L]
			l := len(s.decisions)
			blocks[t], blockLen[t] = Reshape(Stack([]*Node{Neg(q), q}, -1), m, 2*l), l // (no, yes) per decision
			on := Slice(choicesF, AxisRange(), AxisRange(t, t+l))                      // [M, L]: 1 when on
			sum := Einsum("ml,mlh->mh", on, stacked)
			x = Div(sum, BroadcastToDims(InsertAxes(AddScalar(ReduceSum(on, 1), 1), -1), m, h))
		}
	}

	// Packed logits [M, total]: the head steps' logits from one product, masked so each
	// decision keeps its own columns, then the attention blocks in their columns.
	var packedHead *Node
	if len(headOuts) > 0 {
		all := linear(Stack(headOuts, 1), value(c.vars.headW)) // [M, S_head, total]
		packedHead = ReduceSum(Mul(all, constant(g, cn.headMask)), 1)
		packedHead = Add(packedHead, BroadcastToDims(InsertAxes(value(c.vars.headB), 0), m, p.total))
	}
	var parts []*Node
	for t := 0; t < numT; {
		if b, ok := blocks[t]; ok {
			parts = append(parts, b)
			t += blockLen[t]
			continue
		}
		end := t // a run of head decisions: contiguous columns
		for end < numT && !cn.attends[end] {
			end++
		}
		parts = append(parts, Slice(packedHead, AxisRange(), AxisRange(p.offsets[t], p.offsets[end-1]+p.ds[end-1].NumChoices)))
		t = end
	}
	packed := parts[0]
	if len(parts) > 1 {
		packed = Concatenate(parts, 1)
	}
	// Lay out [M, T, maxN], shape the logits, pad, and read off what the loss needs.
	logits := Reshape(Dot(packed, constant(g, cn.layout)).Product(), m, numT, cn.maxN)
	if cfg.Temperature > 0 {
		logits = DivScalar(logits, cfg.Temperature)
	}
	if cfg.TanhConstant > 0 {
		logits = Mul(Tanh(logits), BroadcastToDims(constant(g, cn.tanhC), m, numT, cn.maxN))
	}
	logits = Add(logits, BroadcastToDims(constant(g, cn.padBias), m, numT, cn.maxN))
	logp := LogSoftmax(logits, -1)
	probs := Exp(logp)
	lp = ReduceSum(Mul(onehotAll, logp), -1)
	ent = Neg(ReduceSum(Mul(probs, logp), -1))
	if p.skipSteps > 0 && c.cfg.SkipWeight > 0 {
		kl := Mul(probs, Sub(logp, BroadcastToDims(constant(g, cn.logTarget), m, numT, cn.maxN)))
		kl = Mul(kl, BroadcastToDims(constant(g, cn.skipMask), m, numT, cn.maxN))
		skipKL = DivScalar(ReduceSum(kl, 1, 2), float64(p.skipSteps))
	} else {
		skipKL = Zeros(g, shapes.Make(graphDType, m))
	}
	return lp, ent, skipKL
}

// lossGraph is the REINFORCE surrogate over the real rows (mask 1) of a padded batch:
//
//	L = −Σ_k mask_k A_k Σ_t log p_kt / Σ_k mask_k
//	    − w Σ_k mask_k Σ_t H_kt / Σ_k mask_k      (EntropyInLoss)
//	    + SkipWeight Σ_k mask_k KL_k / Σ_k mask_k  (skip penalty)
func (c *LSTM) lossGraph(lp, ent, skipKL, adv, mask *Node) *Node {
	n := ReduceAllSum(mask)
	perArch := Mul(Neg(ReduceSum(lp, 1)), adv)
	loss := Div(ReduceAllSum(Mul(perArch, mask)), n)
	if c.cfg.EntropyInLoss && c.cfg.EntropyWeight != 0 {
		h := Div(ReduceAllSum(Mul(ReduceSum(ent, 1), mask)), n)
		loss = Sub(loss, MulScalar(h, c.cfg.EntropyWeight))
	}
	if c.cfg.SkipWeight > 0 && c.plan.skipSteps > 0 {
		kl := Div(ReduceAllSum(Mul(skipKL, mask)), n)
		loss = Add(loss, MulScalar(kl, c.cfg.SkipWeight))
	}
	return loss
}

// updateGraph builds one training step: the loss of the batch, its gradient by
// autodiff, optional clipping, and the Adam update of the variables. It returns the
// loss, the log-probabilities and entropies before the update, and the gradient norm.
func (c *LSTM) updateGraph(scope *model.Scope, choices, adv, mask *Node) (loss, lp, ent, gradNorm *Node) {
	lp, ent, skipKL := c.teacherForce(choices)
	loss = c.lossGraph(lp, ent, skipKL, adv, mask)
	grads := scope.BuildTrainableVariablesGradientsGraph(loss)
	if c.cfg.ClipNorm > 0 {
		grads, gradNorm = optim.ClipByGlobalNorm(grads, c.cfg.ClipNorm)
	} else {
		gradNorm = optim.GlobalNorm(grads)
	}
	withGrads, ok := c.adam.(interface {
		UpdateGraphWithGradients(scope *model.Scope, grads []*Node, lossDType dtypes.DType)
	})
	if !ok {
		exceptions.Panicf("the Adam optimizer cannot apply given gradients")
	}
	withGrads.UpdateGraphWithGradients(scope, grads, loss.DType())
	return loss, lp, ent, gradNorm
}
