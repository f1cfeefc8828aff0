package controllers

import (
	"math"
	"slices"
	"testing"

	"github.com/gonas/gonas/cells"
	"github.com/gonas/gonas/nas"
)

func TestRandomUniformAndDeterministic(t *testing.T) {
	space := cells.NewNB201()
	a, b := NewRandom(space, 5), NewRandom(space, 5)
	sa, _ := a.Sample(2000)
	sb, _ := b.Sample(2000)
	counts := make([]int, 5)
	for k := range sa {
		if !slices.Equal(sa[k].Arch.Choices, sb[k].Arch.Choices) {
			t.Fatal("same seed, different samples")
		}
		if err := space.Validate(sa[k].Arch); err != nil {
			t.Fatal(err)
		}
		if lp := sa[k].LogProb(); math.Abs(lp-6*math.Log(0.2)) > 1e-12 {
			t.Fatalf("log-prob %g, want 6 log(1/5)", lp)
		}
		counts[sa[k].Arch.Choices[0]]++
	}
	for c, n := range counts { // 400 expected each; 5 standard deviations is ±90
		if n < 310 || n > 490 {
			t.Errorf("choice %d drawn %d times of 2000", c, n)
		}
	}
	stats, err := a.Update(sa[:2], []float64{1, 2})
	if err != nil || math.Abs(stats.Entropy-6*math.Log(5)) > 1e-12 {
		t.Errorf("Update: %+v %v", stats, err)
	}
}

// TestStrategiesOnSearch runs each controller through nas.Search on NB201 with a
// synthetic reward and checks the bookkeeping (budget, curve, determinism).
func TestStrategiesOnSearch(t *testing.T) {
	space := cells.NewNB201()
	eval := func(a nas.Arch) (float64, error) { // best: all nor_conv_3x3
		r := 0.0
		for _, c := range a.Choices {
			if c == 3 {
				r += 1.0 / 6
			}
		}
		return r, nil
	}
	makers := map[string]func(seed uint64) (nas.Controller, error){
		"random":    func(seed uint64) (nas.Controller, error) { return NewRandom(space, seed), nil },
		"evolution": func(seed uint64) (nas.Controller, error) { return NewEvolution(space, 10, 3, seed) },
		"reinforce": func(seed uint64) (nas.Controller, error) {
			cfg := NASNet()
			cfg.Hidden, cfg.LearningRate = 32, 0.02
			return NewLSTM(space, cfg, seed, nil)
		},
	}
	for name, mk := range makers {
		run := func() *nas.History {
			c, err := mk(11)
			if err != nil {
				t.Fatal(err)
			}
			h, err := nas.Search(c, eval, nas.SearchConfig{Queries: 60, BatchSize: 4})
			if err != nil {
				t.Fatal(err)
			}
			return h
		}
		h1, h2 := run(), run()
		if len(h1.Curve) != 60 || !slices.Equal(h1.Curve, h2.Curve) {
			t.Errorf("%s: curve of %d queries, deterministic=%v", name, len(h1.Curve), slices.Equal(h1.Curve, h2.Curve))
		}
		for i := 1; i < len(h1.Curve); i++ {
			if h1.Curve[i] < h1.Curve[i-1] {
				t.Fatalf("%s: best-so-far decreases at query %d", name, i)
			}
		}
		if r, _ := eval(h1.Best); r != h1.BestReward || r != h1.Curve[len(h1.Curve)-1] {
			t.Errorf("%s: best %v reward %g, curve ends at %g", name, h1.Best, h1.BestReward, h1.Curve[len(h1.Curve)-1])
		}
		t.Logf("%s: best reward %.3f after %d samples (%d distinct)", name, h1.BestReward, h1.Samples, len(h1.Curve))
	}
}
