package plot

import (
	"math"
	"sort"

	"github.com/pkg/errors"
)

// ParetoFront returns the points (x, y) that no other point beats on both counts —
// smaller or equal x (a cost, such as parameters) and larger y (an accuracy) — sorted
// by x: the accuracy-versus-cost curve of the NASNet paper's Figure 5. Points with a
// NaN coordinate are ignored.
func ParetoFront(x, y []float64) (fx, fy []float64) {
	idx := make([]int, 0, len(x))
	for i := range min(len(x), len(y)) {
		if !math.IsNaN(x[i]) && !math.IsNaN(y[i]) {
			idx = append(idx, i)
		}
	}
	// By x, and for equal x by decreasing y, so the first of each x is its best.
	sort.SliceStable(idx, func(a, b int) bool {
		if x[idx[a]] != x[idx[b]] {
			return x[idx[a]] < x[idx[b]]
		}
		return y[idx[a]] > y[idx[b]]
	})
	best := math.Inf(-1)
	for _, i := range idx {
		if y[i] > best {
			best = y[i]
			fx, fy = append(fx, x[i]), append(fy, y[i])
		}
	}
	return fx, fy
}

// Histogram counts the values in bins equal-width bins over [lo, hi] and returns
// the bin centres and the counts divided by len(values)·width (a density, so
// histograms of different sample sizes compare). Values outside [lo, hi] are
// counted in the first or last bin; NaNs are skipped. lo ≥ hi fits the range to the
// values.
func Histogram(values []float64, bins int, lo, hi float64) (centres, density []float64, err error) {
	if bins < 1 {
		return nil, nil, errors.Errorf("Histogram: need at least one bin, got %d", bins)
	}
	n := 0
	if lo >= hi {
		lo, hi = math.Inf(1), math.Inf(-1)
		for _, v := range values {
			if !math.IsNaN(v) {
				lo, hi = math.Min(lo, v), math.Max(hi, v)
			}
		}
		if math.IsInf(lo, 0) {
			return nil, nil, errors.New("Histogram: no value to count")
		}
		if hi == lo {
			lo, hi = lo-0.5, hi+0.5
		}
	}
	width := (hi - lo) / float64(bins)
	counts := make([]float64, bins)
	for _, v := range values {
		if math.IsNaN(v) {
			continue
		}
		k := int(math.Floor((v - lo) / width))
		counts[min(max(k, 0), bins-1)]++
		n++
	}
	if n == 0 {
		return nil, nil, errors.New("Histogram: no value to count")
	}
	centres = make([]float64, bins)
	for k := range counts {
		centres[k] = lo + (float64(k)+0.5)*width
		counts[k] /= float64(n) * width
	}
	return centres, counts, nil
}

// HistogramSeries is the Bars series of Histogram(values, bins, lo, hi).
func HistogramSeries(name string, values []float64, bins int, lo, hi float64) (Series, error) {
	centres, density, err := Histogram(values, bins, lo, hi)
	if err != nil {
		return Series{}, errors.WithMessagef(err, "histogram %q", name)
	}
	return Series{Name: name, X: centres, Y: density, Style: Bars}, nil
}
