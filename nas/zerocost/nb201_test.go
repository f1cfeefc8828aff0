package zerocost

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/gonas/gonas/cells"
	"github.com/gonas/gonas/nas"
	"github.com/gonas/gonas/nas/data"
)

// tinyNB201 is the NAS-Bench-201 space on a small skeleton (C=4, one cell per stage,
// 8×8 images) with a random minibatch, for tests that must stay fast.
func tinyNB201(t *testing.T, batchSize int, seed uint64) (*cells.NB201, *data.Batch) {
	t.Helper()
	space := cells.NewNB201().WithNetwork(cells.NB201Network{Channels: 4, CellsPerStage: 1, ImageSize: 8, ImageChannels: 3})
	rng := rand.New(rand.NewPCG(seed, 3))
	b := &data.Batch{Height: 8, Width: 8, Channels: 3}
	for range batchSize * 8 * 8 * 3 {
		b.Images = append(b.Images, float32(rng.NormFloat64()))
	}
	for i := range batchSize {
		b.Labels = append(b.Labels, int32(i%10))
	}
	return space, b
}

// tinyNB201Scorer is tinyNB201's space and a scorer of its minibatch, its weights
// drawn with weightSeed.
func tinyNB201Scorer(t *testing.T, batchSize int, batchSeed, weightSeed uint64) (*cells.NB201, *Scorer) {
	t.Helper()
	space, batch := tinyNB201(t, batchSize, batchSeed)
	scorer, err := NewScorer(testBackend(t), batch, 10, weightSeed)
	if err != nil {
		t.Fatal(err)
	}
	return space, scorer
}

func TestNB201ScoresAreDeterministic(t *testing.T) {
	backend := testBackend(t)
	space, batch := tinyNB201(t, 8, 1)
	a, err := space.Parse("|nor_conv_3x3~0|+|skip_connect~0|nor_conv_1x1~1|+|avg_pool_3x3~0|none~1|nor_conv_3x3~2|")
	if err != nil {
		t.Fatal(err)
	}
	m, err := space.ImageModel(a, 10)
	if err != nil {
		t.Fatal(err)
	}
	score := func(seed uint64) Scores {
		s, err := NewScorer(backend, batch, 10, seed)
		if err != nil {
			t.Fatal(err)
		}
		out, err := s.Score(m)
		if err != nil {
			t.Fatal(err)
		}
		return out
	}
	first, again, other := score(1), score(1), score(2)
	for _, p := range Proxies {
		if first[p] != again[p] {
			t.Errorf("%s: %v then %v with the same seed", p, first[p], again[p])
		}
	}
	if first[Synflow] == other[Synflow] || first[GradNorm] == other[GradNorm] {
		t.Errorf("another weight seed gave the same scores: %v and %v", first, other)
	}
	t.Logf("seed 1: %v; seed 2: %v", first, other)
}

// TestStemGradOfACellThatIgnoresItsInput: a cell whose edges from the input are all
// none passes no gradient to the stem; stem-grad calls that the worst score rather
// than the best (minus the log of 0) or an error.
func TestStemGradOfACellThatIgnoresItsInput(t *testing.T) {
	space, scorer := tinyNB201Scorer(t, 8, 1, 1)
	for text, wantInf := range map[string]bool{
		"|none~0|+|none~0|none~1|+|none~0|skip_connect~1|skip_connect~2|":                 true,
		"|nor_conv_3x3~0|+|none~0|none~1|+|skip_connect~0|nor_conv_1x1~1|nor_conv_3x3~2|": false,
	} {
		a, err := space.Parse(text)
		if err != nil {
			t.Fatal(err)
		}
		m, err := space.ImageModel(a, 10)
		if err != nil {
			t.Fatal(err)
		}
		s, err := scorer.Score(m, StemGrad)
		if err != nil {
			t.Fatalf("%s: %v", text, err)
		}
		if got := s[StemGrad]; math.IsInf(got, -1) != wantInf || math.IsNaN(got) || math.IsInf(got, 1) {
			t.Errorf("%s: stem_grad %g, want -Inf: %v", text, got, wantInf)
		}
	}
}

func TestSearchRanksDistinctCandidates(t *testing.T) {
	space, scorer := tinyNB201Scorer(t, 6, 2, 1)
	cfg := SearchConfig{Samples: 6, Proxies: []Proxy{NASWOT, Synflow}, Seed: 4}
	res, err := Search(space, scorer, cfg)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Candidates) != 6 {
		t.Fatalf("%d candidates, want 6", len(res.Candidates))
	}
	seen := map[string]bool{}
	for i, c := range res.Candidates {
		if seen[c.Arch.String()] {
			t.Errorf("candidate %s twice", c.Arch)
		}
		seen[c.Arch.String()] = true
		if i > 0 && c.RankSum > res.Candidates[i-1].RankSum {
			t.Errorf("candidate %d has rank sum %g above candidate %d's %g", i, c.RankSum, i-1, res.Candidates[i-1].RankSum)
		}
		if _, ok := c.Scores[NASWOT]; !ok {
			t.Errorf("candidate %d has no NASWOT score", i)
		}
	}
	// The rank sums of 6 candidates on 2 proxies add up to 2·(1+…+6).
	var total float64
	for _, c := range res.Candidates {
		total += c.RankSum
	}
	if total != 42 {
		t.Errorf("rank sums add up to %g, want 42", total)
	}
	again, err := Search(space, scorer, cfg)
	if err != nil {
		t.Fatal(err)
	}
	if again.Best().Arch.String() != res.Best().Arch.String() {
		t.Errorf("same seed, picks %s then %s", res.Best().Arch, again.Best().Arch)
	}
	if _, err := Search(space, scorer, SearchConfig{Samples: -1}); err == nil {
		t.Error("negative sample count accepted")
	}
	var _ nas.ImageSpace = space
}
