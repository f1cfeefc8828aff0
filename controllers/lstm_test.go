package controllers

import (
	"fmt"
	"math"
	"testing"

	"github.com/gonas/gonas/cells"
	"github.com/gonas/gonas/nas"
)

// synthSpace covers every way the LSTM reads decisions: ENAS-micro-like cells whose
// Input decisions count the cell inputs (Node = NumChoices) or not (Node <
// NumChoices), Op, Combine and Activation heads, ENAS-macro-like Skip runs with Node
// set, and a Skip decision without Node.
type synthSpace struct{}

func (synthSpace) Name() string { return "synth" }

func (synthSpace) Decisions() []nas.Decision {
	ops := []string{"a", "b", "c", "d", "e"}
	var ds []nas.Decision
	add := func(d nas.Decision) { ds = append(ds, d) }
	for node := 2; node < 5; node++ { // inputs counted: node n has n candidates
		for _, x := range []string{"x", "y"} {
			add(nas.Decision{Name: fmt.Sprintf("normal/node%d/%s_in", node, x), Kind: nas.Input, NumChoices: node, Node: node, Group: "normal"})
		}
		for _, x := range []string{"x", "y"} {
			add(nas.Decision{Name: fmt.Sprintf("normal/node%d/%s_op", node, x), Kind: nas.Op, NumChoices: 5, Labels: ops, Node: -1, Group: "normal"})
		}
		add(nas.Decision{Name: fmt.Sprintf("normal/node%d/combine", node), Kind: nas.Combine, NumChoices: 2, Node: -1, Group: "normal"})
	}
	for node := range 3 { // inputs not counted: node i has i+2 candidates
		add(nas.Decision{Name: fmt.Sprintf("reduce/node%d/in", node), Kind: nas.Input, NumChoices: node + 2, Node: node, Group: "reduce"})
		add(nas.Decision{Name: fmt.Sprintf("reduce/node%d/op", node), Kind: nas.Op, NumChoices: 5, Labels: ops, Node: -1, Group: "reduce"})
	}
	for layer := range 4 {
		add(nas.Decision{Name: fmt.Sprintf("layer%d/op", layer), Kind: nas.Op, NumChoices: 4, Node: -1, Group: "layers"})
		for i := range layer {
			add(nas.Decision{Name: fmt.Sprintf("layer%d/skip%d", layer, i), Kind: nas.Skip, NumChoices: 2, Node: layer, Group: "layers"})
		}
	}
	add(nas.Decision{Name: "rnn/act", Kind: nas.Activation, NumChoices: 4, Node: -1, Group: "rnn"})
	add(nas.Decision{Name: "rnn/skip", Kind: nas.Skip, NumChoices: 2, Node: -1, Group: "rnn"})
	return ds
}

func (s synthSpace) Validate(a nas.Arch) error { return nas.ValidateChoices(s, a) }

// testSpaces are the synthetic space and every space of package cells.
func testSpaces(t *testing.T) []nas.Space {
	spaces := []nas.Space{synthSpace{}}
	for _, name := range cells.SpaceNames() {
		s, err := cells.NewSpace(name)
		if err != nil {
			t.Fatal(err)
		}
		spaces = append(spaces, s)
	}
	return spaces
}

// TestLSTMSamplesValidAndTeacherForcingMatches: 1,000 samples of every space are
// valid, and the log-probabilities and entropies recomputed by the GoMLX graph
// (teacher forcing) and by the host equal those reported at sampling time, before
// and after an update.
func TestLSTMSamplesValidAndTeacherForcingMatches(t *testing.T) {
	// every switches on every feature: two layers, temperature, tanh constants, op
	// bias, the skip penalty and the entropy in the loss.
	every := ENASMicro()
	every.Name, every.Layers, every.SkipTarget, every.SkipWeight, every.EntropyInLoss = "every-feature", 2, 0.4, 0.8, true
	type tc struct {
		space nas.Space
		cfg   LSTMConfig
	}
	// -short: the synthetic space with every feature, NB201 and ENAS micro, 100
	// samples each. Full: every space of cells with four presets, 1,000 samples each.
	cases := []tc{{synthSpace{}, every}, {cells.NewNB201(), NB201Tuned()}}
	n := 100
	if testing.Short() {
		micro, err := cells.NewSpace("enas-micro")
		if err != nil {
			t.Fatal(err)
		}
		cases = append(cases, tc{micro, ENASMicro()})
	} else {
		n = 1000
		for _, space := range testSpaces(t) {
			for _, cfg := range []LSTMConfig{ENASMicro(), ENASMacro(), NASNet(), NAS2017()} {
				cases = append(cases, tc{space, cfg})
			}
		}
	}
	for _, tc := range cases {
		space, cfg := tc.space, tc.cfg
		t.Run(space.Name()+"/"+cfg.Name, func(t *testing.T) {
			cfg.LearningRate = 0.05 // a visible change of the weights after one update
			c, err := NewLSTM(space, cfg, 7, nil)
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			check := func(stage string, samples []nas.Sample) {
				archs := make([]nas.Arch, len(samples))
				for k, s := range samples {
					if err := space.Validate(s.Arch); err != nil {
						t.Fatalf("%s: sample %d invalid: %v", stage, k, err)
					}
					archs[k] = s.Arch
				}
				graphLPs, graphEnts, err := c.TeacherForcedLogProbs(archs)
				if err != nil {
					t.Fatal(err)
				}
				hostLPs, _, err := c.HostLogProbs(archs)
				if err != nil {
					t.Fatal(err)
				}
				for k, s := range samples {
					for d := range s.LogProbs {
						if diff := math.Abs(graphLPs[k][d] - s.LogProbs[d]); diff > lpTolerance || hostLPs[k][d] != s.LogProbs[d] {
							t.Fatalf("%s: sample %d decision %d: log-prob sampled %.12f, teacher-forced graph %.12f, host %.12f",
								stage, k, d, s.LogProbs[d], graphLPs[k][d], hostLPs[k][d])
						}
						if diff := math.Abs(graphEnts[k][d] - s.Entropies[d]); diff > lpTolerance {
							t.Fatalf("%s: sample %d decision %d: entropy sampled %.12f, graph %.12f", stage, k, d, s.Entropies[d], graphEnts[k][d])
						}
					}
				}
			}
			samples, err := c.Sample(n)
			if err != nil {
				t.Fatal(err)
			}
			check("before update", samples)
			rewards := make([]float64, 8)
			for k := range rewards {
				rewards[k] = float64(k) / 8
			}
			stats, err := c.Update(samples[:8], rewards)
			if err != nil {
				t.Fatal(err)
			}
			if stats.GradNorm <= 0 || math.IsNaN(stats.Loss) {
				t.Fatalf("update stats %+v", stats)
			}
			after, err := c.Sample(50)
			if err != nil {
				t.Fatal(err)
			}
			check("after update", after)
			// The weights changed: the same architectures have new log-probs.
			lps, _, _ := c.HostLogProbs([]nas.Arch{samples[0].Arch})
			if samples[0].LogProb() == sum(lps[0]) {
				t.Error("the update did not change the policy")
			}
		})
	}
}

func sum(xs []float64) float64 {
	var s float64
	for _, x := range xs {
		s += x
	}
	return s
}

// TestLSTMPlanAnchors checks the attention plan of the synthetic space: micro nodes
// close on the next node's first input, macro skip runs are one step that is its
// own node's anchor, and uncounted inputs use learned anchors.
func TestLSTMPlanAnchors(t *testing.T) {
	p, err := newLSTMPlan(synthSpace{}.Decisions())
	if err != nil {
		t.Fatal(err)
	}
	// normal: 3 nodes × 5 decisions = 15 steps; reduce: 6; layers: 4 ops + 3 skip runs; rnn: 2.
	if want := 15 + 6 + 7 + 2; len(p.steps) != want {
		t.Fatalf("%d steps, want %d", len(p.steps), want)
	}
	// normal node 3's first input (step 5) has candidates 0, 1 (learned) and node 2,
	// whose anchor is step 5 itself (it reads node 2's last choice).
	s := p.steps[5]
	if s.kind != stepInput || len(s.cands) != 3 || s.cands[0].Step >= 0 || s.cands[1].Step >= 0 || s.cands[2].Step != 5 {
		t.Fatalf("step 5: %+v", s)
	}
	// layers: op0 (21), op1 (22), skip run of layer 1 (23), op2 (24), skips of layer 2 (25).
	s = p.steps[25]
	if s.kind != stepSkip || len(s.decisions) != 2 || s.cands[0].Step >= 0 || s.cands[1].Step != 23 {
		t.Fatalf("step 25 (layer 2 skips): %+v", s)
	}
	if p.steps[29].kind != stepHead || p.skipSteps != 4 {
		t.Fatalf("rnn skip without node: %+v, skip steps %d", p.steps[29], p.skipSteps)
	}
}

// TestLSTMLearns: on a reward that counts the decisions set to their last choice,
// REINFORCE raises the mean reward well above chance in a few dozen updates.
func TestLSTMLearns(t *testing.T) {
	space := cells.NewNB201()
	cfg := NASNet()
	cfg.Hidden, cfg.LearningRate = 32, 0.02
	c, err := NewLSTM(space, cfg, 3, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	reward := func(a nas.Arch) float64 {
		n := 0.0
		for _, ch := range a.Choices {
			if ch == 4 {
				n++
			}
		}
		return n / float64(len(a.Choices))
	}
	var last float64
	for range 60 {
		samples, _ := c.Sample(10)
		rewards := make([]float64, len(samples))
		last = 0
		for k, s := range samples {
			rewards[k] = reward(s.Arch)
			last += rewards[k] / float64(len(samples))
		}
		if _, err := c.Update(samples, rewards); err != nil {
			t.Fatal(err)
		}
	}
	if last < 0.6 { // chance is 0.2
		t.Errorf("mean reward after 60 updates %.2f, want > 0.6 (chance 0.2)", last)
	}
}

func TestLSTMConfigErrors(t *testing.T) {
	bad := ENASMicro()
	bad.LearningRate = 0
	if _, err := NewLSTM(synthSpace{}, bad, 1, nil); err == nil {
		t.Error("accepted a zero learning rate")
	}
	bad = ENASMacro()
	bad.SkipTarget = 1.5
	if _, err := NewLSTM(synthSpace{}, bad, 1, nil); err == nil {
		t.Error("accepted a skip target of 1.5")
	}
	c, err := NewLSTM(synthSpace{}, ENASMicro(), 1, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if _, err := c.Update(nil, nil); err == nil {
		t.Error("Update accepted an empty batch")
	}
	if _, _, err := c.TeacherForcedLogProbs([]nas.Arch{{Space: "synth", Choices: []int{1}}}); err == nil {
		t.Error("teacher forcing accepted a wrong-length architecture")
	}
}

// lpTolerance bounds |graph − host| for a log-probability or entropy: the graph runs
// in float32 on the same (float32) weights the host reads in float64.
const lpTolerance = 1e-5
