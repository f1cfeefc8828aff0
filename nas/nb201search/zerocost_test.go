package nb201search

import (
	"context"
	"encoding/json"
	"math"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/gonas/gonas/cells"
	"github.com/gonas/gonas/nas"
	"github.com/gonas/gonas/nas/zerocost"
)

// The zero-cost strategy trains nothing, scores cells in [0, number of proxies],
// picks the best-scored candidate and is controlled by single random cells.
func TestZeroCostStrategy(t *testing.T) {
	if testing.Short() {
		t.Skip("scores NB201 networks at initialisation on CIFAR-10 (about 20 s)")
	}
	table := testTable(t)
	cfg, err := Preset("tiny", "zero-cost", 3)
	if err != nil {
		t.Fatal(err)
	}
	cfg.RankCells, cfg.Candidates, cfg.Controls = 8, 6, 3 // small: every cell is a network scored at C = 16, N = 5
	d, err := LoadData(&cfg, "")
	if err != nil {
		t.Skip("no CIFAR-10:", err)
	}
	out := t.TempDir()
	s, err := New(cfg, Options{Out: out, Data: d, Table: table})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	res, err := s.Run(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if h := s.History(); len(h) != 1 || h[0].Steps != 0 {
		t.Errorf("history %+v: want one epoch with no training step", h)
	}
	if res.Pick.Scored != cfg.Candidates || res.Control.K != 3 || res.Control.Candidates != 1 {
		t.Errorf("pick scored %d cells, control K=%d of %d cells: want %d, 3, 1", res.Pick.Scored, res.Control.K, res.Control.Candidates, cfg.Candidates)
	}
	for _, p := range res.Control.Picks {
		if p.Scored != 1 {
			t.Errorf("control pick %s scored %d cells, want 1 (a random cell)", p.Arch, p.Scored)
		}
	}
	a, err := cells.NewNB201().Parse(res.Arch)
	if err != nil {
		t.Fatal(err)
	}
	again, err := s.Evaluate(a)
	if err != nil || again != res.Pick.Score || again < 0 || again > 2 {
		t.Errorf("pick score %v, again %v (%v): want the same, in [0, 2] (two proxies)", res.Pick.Score, again, err)
	}
	// Each rank cell's raw proxies are written, and give its score again; no
	// supernet measures it.
	proxies, err := cfg.ZeroCostProxies()
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range res.Final.Cells {
		if c.Loss != nil || c.Accuracy != nil || len(c.Proxies) != len(proxies) {
			t.Fatalf("cell %s: loss %v, accuracy %v, proxies %v: want %v only", c.Arch, c.Loss, c.Accuracy, c.Proxies, proxies)
		}
		again := 0.0
		for _, p := range proxies {
			var ref []float64
			for _, o := range res.Final.Cells {
				ref = append(ref, o.Proxies[string(p)])
			}
			slices.Sort(ref)
			again += fractionBelow(ref, c.Proxies[string(p)])
		}
		if again != c.Score {
			t.Errorf("cell %s: score %v, %v from its written proxies", c.Arch, c.Score, again)
		}
	}

	// Given no Data, the search loads only the proxies' minibatch and finds the same;
	// its pick and control show their progress.
	var progress strings.Builder
	lazy, err := New(cfg, Options{Out: t.TempDir(), Table: table, Progress: &progress})
	if err != nil {
		t.Fatal(err)
	}
	defer lazy.Close()
	if ld := lazy.Data(); ld.Train != nil || ld.Proxy == nil || ld.Proxy.Len() != cfg.ProxyBatch() {
		t.Fatalf("lazy search data %+v: want only the proxy minibatch", ld)
	}
	lres, err := lazy.Run(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range []*Result{res, lres} {
		r.SearchSeconds, r.PickSeconds, r.ControlSeconds, r.Seconds, r.Date = 0, 0, 0, 0, ""
	}
	if !reflect.DeepEqual(lres, res) {
		t.Errorf("lazily loaded search:\n%+v\nwant the eager one's:\n%+v", lres, res)
	}
	for _, line := range []string{"pick: random cells: 6/6 100%", "control: random cells: 3/3 100%"} {
		if !strings.Contains(progress.String(), line) {
			t.Errorf("progress output %q does not say %q", progress.String(), line)
		}
	}
	eh, lh := s.History()[0], lazy.History()[0]
	if eh.TauVal != lh.TauVal || eh.ScoreMean != lh.ScoreMean {
		t.Errorf("rank agreement τ %v, score mean %v; eager search's %v, %v", lh.TauVal, lh.ScoreMean, eh.TauVal, eh.ScoreMean)
	}
}

// With then_by, the rank cells whose combined score reaches the gate (the top
// then_top of the rank cells) score above 2 (two proxies), ordered by the ThenBy
// proxy with its sign; the others keep their combined score.
func TestZeroCostThenByOrdersTheShortlist(t *testing.T) {
	if testing.Short() {
		t.Skip("scores NB201 networks at initialisation on CIFAR-10 (about 30 s)")
	}
	table := testTable(t)
	cfg := tinyConfig(t, "zero-cost", 4, "rank_cells=10,candidates=4,controls=1,then_by=-ntk,then_top=0.3")
	s, err := New(cfg, Options{Out: t.TempDir(), Table: table})
	if err != nil {
		t.Skip("no CIFAR-10:", err)
	}
	defer s.Close()
	z := s.strategy.(*zeroCostStrategy)
	type cell struct{ base, then, score float64 }
	var short []cell
	for _, a := range s.rankSet {
		sc, err := z.proxyScores(a)
		if err != nil {
			t.Fatal(err)
		}
		m, err := z.net.ImageModel(a, z.scorer.Classes())
		if err != nil {
			t.Fatal(err)
		}
		ntk, err := z.scorer.Score(m, "ntk")
		if err != nil {
			t.Fatal(err)
		}
		c := cell{base: z.combined(sc), then: -ntk["ntk"], score: z.cache[a.String()]}
		switch {
		case c.base >= z.gate && (c.score <= 2 || c.score > 3):
			t.Errorf("%s: combined %.3f at or above the gate %.3f, score %.3f: want it in (2, 3]", a, c.base, z.gate, c.score)
		case c.base < z.gate && c.score != c.base:
			t.Errorf("%s: combined %.3f below the gate %.3f, score %.3f: want the combined score", a, c.base, z.gate, c.score)
		case c.base >= z.gate:
			short = append(short, c)
		}
	}
	if len(short) < 3 || len(short) != len(z.thenRef) {
		t.Fatalf("%d rank cells shortlisted, %d in the reference: want the top 30%% of 10, at least 3", len(short), len(z.thenRef))
	}
	for i := range short {
		for j := range short {
			if short[i].then < short[j].then && short[i].score >= short[j].score {
				t.Errorf("shortlisted cells: -ntk %.4f < %.4f but scores %.3f >= %.3f", short[i].then, short[j].then, short[i].score, short[j].score)
			}
		}
	}
}

// A rank cell's proxies that are not finite (NASWOT's −∞) are left out of
// result.json, which JSON could not hold otherwise; its finite ones stay.
func TestRankProxiesLeaveOutScoresThatAreNotFinite(t *testing.T) {
	a := nas.Arch{Space: "nb201", Choices: []int{0, 0, 0, 0, 0, 0}}
	s := &Search{rankSet: []nas.Arch{a}, prior: &zeroCostStrategy{
		rankRaw: []zerocost.Scores{{zerocost.NASWOT: math.Inf(-1), zerocost.Synflow: math.NaN(), zerocost.StemGrad: 0.5}}}}
	got := s.rankProxies(0)
	if !reflect.DeepEqual(got, map[string]float64{string(zerocost.StemGrad): 0.5}) {
		t.Errorf("proxies %v, want stem_grad alone", got)
	}
	if _, err := json.Marshal(Result{Final: FinalAgreement{Cells: []ScoredCell{{Arch: "a", Proxies: got}}}}); err != nil {
		t.Error(err)
	}
	if s.rankProxies(1) != nil || (&Search{}).rankProxies(0) != nil {
		t.Error("proxies for a cell no proxy scored")
	}
}
