package zerocost

import (
	"fmt"
	"io"
	"math"

	"github.com/gonas/gonas/nas"
	"github.com/gonas/gonas/nas/progress"
	"github.com/pkg/errors"
)

// ScoreArchs scores the network of every architecture of archs (space's image
// model with scorer.Classes() outputs) at initialisation with the proxies (all of
// Proxies when none): one Scores per architecture, in the order of archs. The
// proxies are computed together per network, so NASWOT and grad-norm share one
// pass. progressOut, when not nil, receives a progress bar.
func ScoreArchs(space nas.ImageSpace, scorer *Scorer, archs []nas.Arch, proxies []Proxy, progressOut io.Writer) ([]Scores, error) {
	if space == nil || scorer == nil {
		return nil, errors.New("zerocost.ScoreArchs: nil space or scorer")
	}
	bar := progress.New(progressOut, fmt.Sprintf("zero-cost %s", joinProxies(proxies)), len(archs))
	out := make([]Scores, len(archs))
	for i, a := range archs {
		m, err := space.ImageModel(a, scorer.Classes())
		if err != nil {
			return nil, errors.WithMessagef(err, "zerocost: architecture %s", a)
		}
		if out[i], err = scorer.Score(m, proxies...); err != nil {
			return nil, errors.WithMessagef(err, "zerocost: architecture %s", a)
		}
		bar.Update(i+1, "")
	}
	bar.Done()
	return out, nil
}

// ProxyColumn is proxy p's score of each of scores, in order (NaN where p was not
// computed): the values a rank correlation with ground truth takes, e.g.
//
//	scores, _ := zerocost.ScoreArchs(space, scorer, archs, nil, nil)
//	agree, _ := nas.CompareRanks(zerocost.ProxyColumn(scores, zerocost.NASWOT), accuracies)
func ProxyColumn(scores []Scores, p Proxy) []float64 {
	out := make([]float64, len(scores))
	for i, s := range scores {
		v, ok := s[p]
		if !ok {
			v = math.NaN()
		}
		out[i] = v
	}
	return out
}
