package nb201search

import (
	"maps"
	"math"
	"slices"
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
		if want := c.want + 1e-6/(1+c.loss); err != nil || math.Abs(got-want) > 1e-12 {
			t.Errorf("loss %v: %v (%v), want %v", c.loss, got, err, want)
		}
	}
	// Two cells above every reference loss and with the same proxies' part tie on
	// the fractions; the lower loss scores higher, and still below a cell one step up.
	low, _ := s.hybridScore(a, measure{loss: 0.2})
	high, _ := s.hybridScore(a, measure{loss: 0.9})
	if !(low > high && high > 1.75 && low < 1.75+0.005) {
		t.Errorf("scores %v (loss 0.2) and %v (loss 0.9): want both in (1.75, 1.755), the lower loss higher", low, high)
	}
	for _, bad := range []float64{math.NaN(), math.Inf(1)} {
		if got := lossTieBreak(bad); got != 0 {
			t.Errorf("tie-break of loss %v: %v, want 0", bad, got)
		}
	}
}

// A tiny oneshot search scored by loss+zero-cost: every fixed cell's final score
// is its loss's rank plus the proxies' over 2 (and the loss's tie-break), so in
// [0, 2 + 1e-6], and the pick's score
// is its own.
func TestHybridSearchEndToEnd(t *testing.T) {
	if testing.Short() {
		t.Skip("trains a tiny supernet and scores NB201 networks at initialisation (about 40 s)")
	}
	table := testTable(t)
	cfg := tinyConfig(t, "oneshot", 3, "score_by=loss+zero-cost,rank_cells=12,candidates=6,controls=1")
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
		want := (below+ties/2)/float64(len(losses)) + zc/2 + lossTieBreak(-losses[i])
		if math.Abs(c.Score-want) > 1e-12 || c.Score < 0 || c.Score > 2+1e-6 {
			t.Errorf("cell %s: score %v, want %v in [0, 2 + 1e-6]", c.Arch, c.Score, want)
		}
		if c.Loss == nil || *c.Loss != -losses[i] || c.Accuracy == nil {
			t.Errorf("cell %s: written loss %v, accuracy %v; want loss %v", c.Arch, c.Loss, c.Accuracy, -losses[i])
		}
	}
	// The written measures give the score again, with no network run: what
	// another combination of them is computed from.
	proxyRef := map[string][]float64{}
	var lossRef []float64
	for _, c := range res.Final.Cells {
		if len(c.Proxies) != 2 {
			t.Fatalf("cell %s: proxies %v, want naswot and synflow", c.Arch, c.Proxies)
		}
		for p, v := range c.Proxies {
			proxyRef[p] = append(proxyRef[p], v)
		}
		lossRef = append(lossRef, -*c.Loss)
	}
	for _, ref := range append(slices.Collect(maps.Values(proxyRef)), lossRef) {
		slices.Sort(ref)
	}
	for _, c := range res.Final.Cells {
		again := fractionBelow(lossRef, -*c.Loss) + lossTieBreak(*c.Loss)
		for p, v := range c.Proxies {
			again += fractionBelow(proxyRef[p], v) / 2
		}
		if math.Abs(again-c.Score) > 1e-12 {
			t.Errorf("cell %s: score %v, %v from its written loss and proxies", c.Arch, c.Score, again)
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

// ENAS's reward: the accuracy on the epoch's validation minibatch by default; with
// reward_by=score, the search's score of what the supernet measures on that same
// minibatch (the negative loss when scoring by the loss; the loss's rank among the
// rank cells plus the proxies' part with loss+zero-cost).
func TestRewardByScoreIsTheScoreOnTheMinibatch(t *testing.T) {
	table := testTable(t)
	cfg := tinyConfig(t, "enas", 2, "")
	d, err := LoadData(&cfg, "")
	if err != nil {
		t.Skip("no CIFAR-10:", err)
	}
	s, err := New(cfg, Options{Out: t.TempDir(), Data: d, Table: table})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	a := nas.Arch{Space: "nb201", Choices: []int{3, 1, 2, 3, 4, 1}}
	x, y, err := s.rewardBatch(0, 1)
	if err != nil {
		t.Fatal(err)
	}
	correct, loss, err := s.net.Score(a, x, y)
	if err != nil {
		t.Fatal(err)
	}
	reward := func(by string) float64 {
		s.cfg.RewardBy = by
		r, err := s.Reward(a, 0, 1)
		if err != nil {
			t.Fatal(err)
		}
		return r
	}
	if got, want := reward(""), float64(correct)/float64(cfg.BatchSize); got != want {
		t.Errorf("default reward %v, want the accuracy %v", got, want)
	}
	if got := reward(RewardByScore); got != -loss {
		t.Errorf("reward by score (score_by=loss) %v, want the negative loss %v", got, -loss)
	}
	s.refLoss = []float64{-loss - 1, -loss - 0.5, -loss + 1} // the cell's loss is below two of three
	s.prior = &zeroCostStrategy{proxies: []zerocost.Proxy{zerocost.NASWOT, zerocost.Synflow}, cache: map[string]float64{a.String(): 0.5}}
	if got, want := reward(RewardByScore), 2.0/3+0.25+lossTieBreak(loss); math.Abs(got-want) > 1e-12 {
		t.Errorf("reward by score (loss+zero-cost) %v, want %v", got, want)
	}
}
