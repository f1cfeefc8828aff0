package zerocost

import (
	"io"
	"math"
	"sort"
	"strings"
	"time"

	"github.com/gonas/gonas/controllers"
	"github.com/gonas/gonas/nas"
	"github.com/pkg/errors"
)

// DefaultSamples is how many architectures Search scores unless told otherwise (as
// NASWOT's search of NAS-Bench-201 [1]).
const DefaultSamples = 100

// DefaultProxies rank Search's candidates unless told otherwise: the rank sum of NASWOT
// and synflow, whose picks on NAS-Bench-201 / CIFAR-10 had the best validation
// accuracy of the proxies tried (BENCHMARKS.md).
var DefaultProxies = []Proxy{NASWOT, Synflow}

// SearchConfig says what Search samples and how it ranks.
type SearchConfig struct {
	Samples int     // distinct architectures to sample and score; DefaultSamples when 0
	Proxies []Proxy // one proxy ranks by its score; several rank by the sum of their ranks; DefaultProxies when empty
	Seed    uint64  // draws the architectures (uniformly, as controllers.Random)
	// Progress, when set, receives a progress bar.
	Progress io.Writer
}

// Candidate is one scored architecture.
type Candidate struct {
	Arch   nas.Arch
	Scores Scores
	// RankSum is the sum over the ranking proxies of the candidate's rank among the
	// candidates (1 for the lowest score, ties averaged): higher is better.
	RankSum float64
}

// SearchResult is what Search found: every candidate, best first.
type SearchResult struct {
	Candidates []Candidate
	Proxies    []Proxy       // the proxies that ranked them
	Duration   time.Duration // sampling and scoring, wall time
}

// Best is the top-ranked candidate.
func (r *SearchResult) Best() Candidate { return r.Candidates[0] }

// Search samples cfg.Samples distinct architectures of space uniformly, scores each
// network (numClasses = scorer.Classes()) at initialisation with the scorer, and
// ranks them. A space with fewer architectures than asked yields as many as 20 draws
// per sample find.
func Search(space nas.ImageSpace, scorer *Scorer, cfg SearchConfig) (*SearchResult, error) {
	if space == nil || scorer == nil {
		return nil, errors.New("zerocost.Search: nil space or scorer")
	}
	n := cfg.Samples
	if n == 0 {
		n = DefaultSamples
	}
	if n < 1 {
		return nil, errors.Errorf("zerocost.Search: %d samples, need at least 1", n)
	}
	proxies := DefaultProxies
	if len(cfg.Proxies) > 0 {
		proxies = make([]Proxy, len(cfg.Proxies))
		for i, p := range cfg.Proxies {
			q, err := ParseProxy(string(p))
			if err != nil {
				return nil, err
			}
			proxies[i] = q
		}
	}
	start := time.Now()
	archs, err := sampleDistinct(space, n, cfg.Seed)
	if err != nil {
		return nil, err
	}
	scores, err := ScoreArchs(space, scorer, archs, proxies, cfg.Progress)
	if err != nil {
		return nil, errors.WithMessage(err, "zerocost.Search")
	}
	cands := make([]Candidate, len(archs))
	for i, a := range archs {
		cands[i] = Candidate{Arch: a, Scores: scores[i]}
	}
	for _, p := range proxies {
		for i, r := range ranks(ProxyColumn(scores, p)) {
			cands[i].RankSum += r
		}
	}
	sort.SliceStable(cands, func(i, j int) bool { return cands[i].RankSum > cands[j].RankSum })
	return &SearchResult{Candidates: cands, Proxies: proxies, Duration: time.Since(start)}, nil
}

// sampleDistinct draws up to n distinct architectures, giving up after 20·n draws.
func sampleDistinct(space nas.Space, n int, seed uint64) ([]nas.Arch, error) {
	ctrl := controllers.NewRandom(space, seed)
	seen := map[string]bool{}
	var out []nas.Arch
	for draws := 0; len(out) < n && draws < 20*n; draws++ {
		s, err := ctrl.Sample(1)
		if err != nil {
			return nil, err
		}
		if key := s[0].Arch.String(); !seen[key] {
			seen[key] = true
			out = append(out, s[0].Arch)
		}
	}
	return out, nil
}

// ranks gives each value its rank among vals, 1 for the lowest, ties averaged; NaN
// ranks below everything.
func ranks(vals []float64) []float64 {
	idx := make([]int, len(vals))
	for i := range idx {
		idx[i] = i
	}
	key := func(i int) float64 {
		if math.IsNaN(vals[i]) {
			return math.Inf(-1)
		}
		return vals[i]
	}
	sort.SliceStable(idx, func(a, b int) bool { return key(idx[a]) < key(idx[b]) })
	out := make([]float64, len(vals))
	for lo := 0; lo < len(idx); {
		hi := lo + 1
		for hi < len(idx) && key(idx[hi]) == key(idx[lo]) {
			hi++
		}
		avg := float64(lo+hi+1) / 2 // ranks lo+1 … hi
		for _, i := range idx[lo:hi] {
			out[i] = avg
		}
		lo = hi
	}
	return out
}

func joinProxies(ps []Proxy) string {
	names := make([]string, len(ps))
	for i, p := range ps {
		names[i] = string(p)
	}
	return strings.Join(names, "+")
}
