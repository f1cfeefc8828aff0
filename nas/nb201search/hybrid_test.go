package nb201search

import (
	"math"
	"testing"

	"github.com/gonas/gonas/nas"
	"github.com/gonas/gonas/nas/zerocost"
)

// The hybrid score, hand-computed: the loss's fraction of the rank cells below
// plus the proxies' summed fractions over their number.
func TestHybridScore(t *testing.T) {
	a := nas.Arch{Space: "nb201", Choices: []int{3, 3, 3, 3, 3, 3}}
	s := &Search{refLoss: []float64{-3, -2, -1}, prior: &zeroCostStrategy{proxies: []zerocost.Proxy{zerocost.NASWOT, zerocost.Synflow},
		cache: map[string]float64{a.String(): 1.5}}}
	for _, c := range []struct{ loss, want float64 }{
		{1.5, 2.0/3 + 0.75}, // above two of the three reference losses
		{2, 1.5/3 + 0.75},   // ties the middle one: half of it counts
		{0.5, 1 + 0.75},     // lower than every reference loss
		{10, 0 + 0.75},      // higher than all
	} {
		got, err := s.hybridScore(a, measure{accuracy: 0.3, loss: c.loss})
		if err != nil || math.Abs(got-c.want) > 1e-12 {
			t.Errorf("loss %v: %v (%v), want %v", c.loss, got, err, c.want)
		}
	}
}

// A tiny oneshot search scored by loss+zero-cost: every fixed cell's final score
// is its loss's rank plus the proxies' over 2, so in [0, 2], and the pick's score
// is its own.
func TestHybridSearchEndToEnd(t *testing.T) {
	if testing.Short() {
		t.Skip("trains a tiny supernet and scores NB201 networks at initialisation (about 40 s)")
	}
	table := testTable(t)
	cfg, err := Preset("tiny", "oneshot", 3)
	if err != nil {
		t.Fatal(err)
	}
	if err := cfg.Override("score_by=loss+zero-cost,rank_cells=12,candidates=6,controls=1"); err != nil {
		t.Fatal(err)
	}
	d, err := LoadData(&cfg, "")
	if err != nil {
		t.Skip("no CIFAR-10:", err)
	}
	s, res := runSearch(t, cfg, d, table)
	var losses []float64
	for _, c := range s.rankSet {
		losses = append(losses, -s.measures[c.String()].loss)
	}
	for i, c := range res.Final.Cells {
		zc, err := s.prior.Score(s.rankSet[i])
		if err != nil {
			t.Fatal(err)
		}
		below, ties := 0.0, 0.0
		for _, l := range losses {
			switch {
			case l < losses[i]:
				below++
			case l == losses[i]:
				ties++
			}
		}
		want := (below+ties/2)/float64(len(losses)) + zc/2
		if math.Abs(c.Score-want) > 1e-12 || c.Score < 0 || c.Score > 2 {
			t.Errorf("cell %s: score %v, want %v in [0, 2]", c.Arch, c.Score, want)
		}
	}
	pick, err := s.Space().Parse(res.Arch)
	if err != nil {
		t.Fatal(err)
	}
	if again, err := s.Evaluate(pick); err != nil || again != res.Pick.Score {
		t.Errorf("pick score %v, again %v (%v)", res.Pick.Score, again, err)
	}
}
