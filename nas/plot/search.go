package plot

import (
	"math"

	"github.com/gonas/gonas/nas"
)

// SearchCurves are the mean best-so-far reward curves of nas.Compare's summaries,
// multiplied by scale (100 turns accuracies into percent), each with a band of ±
// one standard error over the runs: x is the number of queries.
func SearchCurves(summaries []nas.Summary, scale float64) []Series {
	var out []Series
	for _, s := range summaries {
		cs := Series{Name: s.Strategy}
		for i, m := range s.CurveMean {
			cs.Y = append(cs.Y, scale*m)
			se := 0.0
			if s.Runs > 1 {
				se = scale * s.CurveStd[i] / math.Sqrt(float64(s.Runs))
			}
			cs.Band = append(cs.Band, se)
		}
		out = append(out, cs)
	}
	return out
}

// TestHistograms are, per strategy (in order of first appearance), the histogram of
// the held-out scores (RunResult.Test, times scale) of the architectures its runs
// chose, on common bins over [lo, hi] (lo ≥ hi: the range of all scores).
func TestHistograms(results []nas.RunResult, scale float64, bins int, lo, hi float64) ([]Series, error) {
	var names []string
	scores := map[string][]float64{}
	var all []float64
	for _, r := range results {
		if _, ok := scores[r.Strategy]; !ok {
			names = append(names, r.Strategy)
		}
		scores[r.Strategy] = append(scores[r.Strategy], scale*r.Test)
		all = append(all, scale*r.Test)
	}
	if lo >= hi {
		lo, hi = math.Inf(1), math.Inf(-1)
		for _, v := range all {
			lo, hi = math.Min(lo, v), math.Max(hi, v)
		}
	}
	var out []Series
	for _, name := range names {
		s, err := HistogramSeries(name, scores[name], bins, lo, hi)
		if err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, nil
}
