package nb201search

import (
	"math"
	"slices"

	"github.com/gonas/gonas/nas"
)

// hybridScore is the score "loss+zero-cost" gives a, whose shared-weight measure
// is m: the fraction of the rank cells whose loss with the current weights is
// higher than a's, plus the zero-cost strategy's score of a (the fraction of the
// rank cells each proxy scores below a, summed over the proxies) divided by the
// number of proxies. Both halves are in [0, 1], so the shared weights and the
// proxies weigh alike, and a cell's score does not depend on which other cells a
// strategy scores. Measured on the scaled preset (BENCHMARKS.md): the two orders
// differ where each is weak — the supernet sees the residual skip on the edge 0→3
// that the proxies miss, the proxies see the depth of convolutions that a young
// supernet does not reward. Cells tied on those fractions are ordered by their
// loss (lossTieBreak): every cell that beats all the rank cells on the loss and on
// each proxy would otherwise score 2, the first of them scored would be kept, and
// a controller rewarded by the score gathers there (BENCHMARKS.md, "ENAS at the
// scaled preset", reward_by=score).
func (s *Search) hybridScore(a nas.Arch, m measure) (float64, error) {
	if s.refLoss == nil {
		ref := make([]float64, len(s.rankSet))
		for i, c := range s.rankSet {
			rm, err := s.measure(c)
			if err != nil {
				return 0, err
			}
			ref[i] = -rm.loss
		}
		slices.Sort(ref)
		s.refLoss = ref
	}
	zc, err := s.prior.Score(a)
	if err != nil {
		return 0, err
	}
	return fractionBelow(s.refLoss, -m.loss) + zc/float64(len(s.prior.proxies)) + lossTieBreak(m.loss), nil
}

// lossTieBreak is in (0, 1e-6], larger for a lower loss (0 for a loss that is not
// finite). It is below every step of the fractions it is added to (a tie counts
// half, so 1/(2·RankCells) and 1/(2·RankCells·proxies): 0.0025 at the presets' 100
// rank cells and 2 proxies), so it only orders cells that tie on them.
func lossTieBreak(loss float64) float64 {
	if math.IsNaN(loss) || math.IsInf(loss, 0) {
		return 0
	}
	return 1e-6 / (1 + math.Max(loss, 0))
}
