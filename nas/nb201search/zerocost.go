package nb201search

import (
	"slices"
	"sort"

	"github.com/gonas/gonas/cells"
	"github.com/gonas/gonas/nas"
	"github.com/gonas/gonas/nas/progress"
	"github.com/gonas/gonas/nas/zerocost"
)

// zeroCost is the zero-cost strategy's name.
const zeroCost = "zero-cost"

// zeroCostStrategy scores architectures at initialisation with zero-cost proxies
// (Config.Proxies: the presets' ZeroCostPresetProxies, NASWOT and stem-grad) on the
// benchmark's own network (C = 16, N = 5) instead of a trained supernet, so no
// training step runs. The score of a cell is the sum, over the proxies, of the
// fraction of the fixed rank cells it scores above: zerocost.Search's rank sum measured against one fixed
// reference set, so that a cell's score does not depend on which other cells are
// scored and the pick, the rank agreement and the control use the same score.
//
// With Config.ThenBy, a cell whose combined score reaches the top ThenTop of the
// rank cells' combined scores (the gate) is shortlisted: the ThenBy proxy, computed
// for shortlisted cells only, orders them, and each scores len(proxies) plus the
// fraction of the shortlisted rank cells it scores above, so above every cell left
// out.
type zeroCostStrategy struct {
	scorer  *zerocost.Scorer
	net     *cells.NB201
	proxies []zerocost.Proxy
	ref     map[zerocost.Proxy][]float64 // the rank cells' scores, sorted
	rankRaw []zerocost.Scores            // the rank cells' scores, in the rank set's order
	cache   map[string]float64

	then     zerocost.Proxy // Config.ThenBy's proxy, or ""
	thenSign float64        // -1 when ThenBy reverses it
	gate     float64        // the combined score a cell needs to be shortlisted
	thenRef  []float64      // the shortlisted rank cells' thenSign·then scores, sorted
	thenMemo map[string]float64
}

func newZeroCostStrategy(s *Search) (Strategy, error) { return newZeroCostScorer(s) }

// newZeroCostScorer scores the rank cells with the proxies: the reference every
// later score is a fraction of (the zero-cost strategy's, and the zero-cost half
// of the score "loss+zero-cost").
func newZeroCostScorer(s *Search) (*zeroCostStrategy, error) {
	b, err := s.data.proxyBatch(&s.cfg)
	if err != nil {
		return nil, err
	}
	scorer, err := zerocost.NewScorer(s.opts.Backend, b, s.data.NumClasses(), subSeed(s.cfg.Seed, 0x2e61))
	if err != nil {
		return nil, err
	}
	proxies, err := s.cfg.ZeroCostProxies()
	if err != nil {
		return nil, err
	}
	z := &zeroCostStrategy{scorer: scorer, net: cells.NewNB201(), proxies: proxies,
		ref: map[zerocost.Proxy][]float64{}, cache: map[string]float64{}, thenMemo: map[string]float64{}}
	bar := progress.New(s.opts.Progress, "zero-cost: reference cells", len(s.rankSet))
	raw := make([]zerocost.Scores, len(s.rankSet))
	for i, a := range s.rankSet {
		var err error
		if raw[i], err = z.proxyScores(a); err != nil {
			return nil, err
		}
		for _, p := range z.proxies {
			z.ref[p] = append(z.ref[p], raw[i][p])
		}
		bar.Update(i+1, "")
	}
	bar.Done()
	z.rankRaw = raw
	for _, p := range z.proxies {
		sort.Float64s(z.ref[p])
	}
	base := make([]float64, len(raw))
	for i := range raw {
		base[i] = z.combined(raw[i])
	}
	if z.then, z.thenSign, err = s.cfg.ThenProxy(); err != nil {
		return nil, err
	}
	if z.then != "" {
		if err := z.shortlistReference(s, base); err != nil {
			return nil, err
		}
	}
	for i, a := range s.rankSet { // scored once: the rank agreement reads them from the cache
		v, err := z.refine(a, base[i])
		if err != nil {
			return nil, err
		}
		z.cache[a.String()] = v
	}
	return z, nil
}

// shortlistReference sets the gate, the combined score of the rank cell at the top
// ThenTop, and scores the rank cells at or above it with the ThenBy proxy.
func (z *zeroCostStrategy) shortlistReference(s *Search, base []float64) error {
	top := s.cfg.ThenTop
	if top == 0 {
		top = 0.1
	}
	sorted := slices.Sorted(slices.Values(base))
	z.gate = sorted[min(len(sorted)-1, int((1-top)*float64(len(sorted))))]
	for i, a := range s.rankSet {
		if base[i] >= z.gate {
			v, err := z.thenScore(a)
			if err != nil {
				return err
			}
			z.thenRef = append(z.thenRef, v)
		}
	}
	sort.Float64s(z.thenRef)
	return nil
}

// thenScore is thenSign times a's ThenBy proxy, computed once per cell (the
// shortlisted rank cells are scored for the reference, then again for their own
// score).
func (z *zeroCostStrategy) thenScore(a nas.Arch) (float64, error) {
	key := a.String()
	if v, ok := z.thenMemo[key]; ok {
		return v, nil
	}
	m, err := z.net.ImageModel(a, z.scorer.Classes())
	if err != nil {
		return 0, err
	}
	sc, err := z.scorer.Score(m, z.then)
	if err != nil {
		return 0, err
	}
	z.thenMemo[key] = z.thenSign * sc[z.then]
	return z.thenMemo[key], nil
}

// refine is a's score from its combined score: the combined score itself, or for
// a shortlisted cell len(proxies) plus its ThenBy fraction.
func (z *zeroCostStrategy) refine(a nas.Arch, combined float64) (float64, error) {
	if z.then == "" || combined < z.gate {
		return combined, nil
	}
	v, err := z.thenScore(a)
	if err != nil {
		return 0, err
	}
	return float64(len(z.proxies)) + fractionBelow(z.thenRef, v), nil
}

// proxyScores are the proxies' scores of a at initialisation.
func (z *zeroCostStrategy) proxyScores(a nas.Arch) (zerocost.Scores, error) {
	m, err := z.net.ImageModel(a, z.scorer.Classes())
	if err != nil {
		return nil, err
	}
	return z.scorer.Score(m, z.proxies...)
}

// Score is a's summed fraction of reference cells below it, over the proxies
// (refined by ThenBy when a is shortlisted).
func (z *zeroCostStrategy) Score(a nas.Arch) (float64, error) {
	key := a.String()
	if v, ok := z.cache[key]; ok {
		return v, nil
	}
	sc, err := z.proxyScores(a)
	if err != nil {
		return 0, err
	}
	v, err := z.refine(a, z.combined(sc))
	if err != nil {
		return 0, err
	}
	z.cache[key] = v
	return v, nil
}

// combined is the sum over the proxies of the fraction of reference cells that
// score below sc (ties count half).
func (z *zeroCostStrategy) combined(sc zerocost.Scores) float64 {
	v := 0.0
	for _, p := range z.proxies {
		v += fractionBelow(z.ref[p], sc[p])
	}
	return v
}

// fractionBelow is the fraction of the sorted ref that is below v, ties counting
// half.
func fractionBelow(ref []float64, v float64) float64 {
	below, _ := slices.BinarySearch(ref, v) // values strictly below
	above := sort.Search(len(ref), func(i int) bool { return ref[i] > v })
	return (float64(below) + float64(above-below)/2) / float64(len(ref))
}

// TrainArch trains nothing: the proxies score untrained networks.
func (z *zeroCostStrategy) TrainArch(*Search, int, int) (nas.Arch, bool, error) {
	return nas.Arch{}, false, nil
}

func (z *zeroCostStrategy) EndEpoch(*Search, int, *EpochRecord) error { return nil }

// Pick is the best-scored of Candidates random cells.
func (z *zeroCostStrategy) Pick(s *Search) (Pick, error) { return s.RandomSearch(0x91c4) }

// rankProxies are the raw proxy scores of the i-th rank cell, by proxy name (with
// the ThenBy proxy where the cell was shortlisted), or nil where no proxy scores
// the cells. A score that is not finite is left out: JSON has no ±∞, and NASWOT is
// −∞ for a cell whose activation codes make a singular kernel (so a NASWOT
// missing from a cell means the lowest score).
func (s *Search) rankProxies(i int) map[string]float64 {
	z := s.prior
	if zs, ok := s.strategy.(*zeroCostStrategy); ok {
		z = zs
	}
	if z == nil || i >= len(z.rankRaw) {
		return nil
	}
	out := map[string]float64{}
	for p, v := range z.rankRaw[i] {
		if finite(v) {
			out[string(p)] = v
		}
	}
	if v, ok := z.thenMemo[s.rankSet[i].String()]; ok && finite(v) { // a shortlisted cell's ThenBy proxy
		out[string(z.then)] = z.thenSign * v
	}
	return out
}
