package nas

import (
	"math"
	"slices"

	"github.com/pkg/errors"
)

// Rank correlations: how well an evaluator (shared weights, a short training, a
// zero-cost proxy) orders architectures the way their true accuracies do. 1 is the
// same order, −1 the reverse, 0 no relation.

// KendallTau is Kendall's τ-b between x and y [1]: (C − D) / sqrt((n0 − n1)(n0 − n2)),
// where C and D count the concordant and discordant pairs, n0 = n(n−1)/2, and n1, n2
// the pairs tied in x and in y. Tied pairs count in neither C nor D. It is NaN when
// x or y is constant (the denominator is 0), and an error when the lengths differ,
// fewer than 2 values are given, or a value is NaN.
//
// [1] Kendall, "The treatment of ties in ranking problems", Biometrika 33, 1945.
func KendallTau(x, y []float64) (float64, error) {
	if err := checkPaired(x, y); err != nil {
		return 0, err
	}
	var conc, disc, tiedX, tiedY float64
	n := len(x)
	for i := range n {
		for j := i + 1; j < n; j++ {
			dx, dy := sign(x[i]-x[j]), sign(y[i]-y[j])
			switch {
			case dx == 0 && dy == 0:
				tiedX++
				tiedY++
			case dx == 0:
				tiedX++
			case dy == 0:
				tiedY++
			case dx == dy:
				conc++
			default:
				disc++
			}
		}
	}
	n0 := float64(n) * float64(n-1) / 2
	den := math.Sqrt((n0 - tiedX) * (n0 - tiedY))
	if den == 0 {
		return math.NaN(), nil
	}
	return (conc - disc) / den, nil
}

// SpearmanRho is Spearman's ρ between x and y: the Pearson correlation of their
// ranks, tied values sharing the mean of the ranks they span. NaN when x or y is
// constant; errors as KendallTau's.
func SpearmanRho(x, y []float64) (float64, error) {
	if err := checkPaired(x, y); err != nil {
		return 0, err
	}
	return pearson(Ranks(x), Ranks(y)), nil
}

// Ranks returns the rank of each value of x, 1 for the smallest, ties getting the
// mean of the ranks they span (so ranks of [10, 20, 20, 30] are [1, 2.5, 2.5, 4]).
func Ranks(x []float64) []float64 {
	idx := make([]int, len(x))
	for i := range idx {
		idx[i] = i
	}
	slices.SortStableFunc(idx, func(a, b int) int {
		switch {
		case x[a] < x[b]:
			return -1
		case x[a] > x[b]:
			return 1
		}
		return 0
	})
	r := make([]float64, len(x))
	for i := 0; i < len(idx); {
		j := i
		for j+1 < len(idx) && x[idx[j+1]] == x[idx[i]] {
			j++
		}
		mean := float64(i+j)/2 + 1
		for k := i; k <= j; k++ {
			r[idx[k]] = mean
		}
		i = j + 1
	}
	return r
}

// pearson is the Pearson correlation of x and y (NaN when either is constant).
func pearson(x, y []float64) float64 {
	mx, my := meanOf(x), meanOf(y)
	var sxy, sxx, syy float64
	for i := range x {
		dx, dy := x[i]-mx, y[i]-my
		sxy += dx * dy
		sxx += dx * dx
		syy += dy * dy
	}
	if sxx == 0 || syy == 0 {
		return math.NaN()
	}
	return sxy / math.Sqrt(sxx*syy)
}

func checkPaired(x, y []float64) error {
	if len(x) != len(y) {
		return errors.Errorf("rank correlation: %d scores but %d accuracies", len(x), len(y))
	}
	if len(x) < 2 {
		return errors.Errorf("rank correlation: needs at least 2 pairs, got %d", len(x))
	}
	for i := range x {
		if math.IsNaN(x[i]) || math.IsNaN(y[i]) {
			return errors.Errorf("rank correlation: pair %d is (%v, %v); NaN has no rank", i, x[i], y[i])
		}
	}
	return nil
}

func sign(v float64) int {
	switch {
	case v > 0:
		return 1
	case v < 0:
		return -1
	}
	return 0
}

// RankAgreement is how an evaluator's scores of a fixed set of architectures
// agree with their true accuracies.
type RankAgreement struct {
	N           int     `json:"n"`            // architectures scored
	KendallTau  float64 `json:"kendall_tau"`  // τ-b
	SpearmanRho float64 `json:"spearman_rho"` // ρ
}

// ScoreAgainst scores every architecture of archs with eval and compares the
// scores with truth (for example a benchmark table's accuracies) by KendallTau and
// SpearmanRho. It returns the scores too.
func ScoreAgainst(archs []Arch, eval Evaluator, truth func(Arch) (float64, error)) (RankAgreement, []float64, error) {
	scores := make([]float64, len(archs))
	accs := make([]float64, len(archs))
	for i, a := range archs {
		var err error
		if scores[i], err = eval(a); err != nil {
			return RankAgreement{}, nil, err
		}
		if accs[i], err = truth(a); err != nil {
			return RankAgreement{}, nil, err
		}
	}
	ra, err := CompareRanks(scores, accs)
	return ra, scores, err
}

// CompareRanks is the RankAgreement of scores with accuracies.
func CompareRanks(scores, accs []float64) (RankAgreement, error) {
	tau, err := KendallTau(scores, accs)
	if err != nil {
		return RankAgreement{}, err
	}
	rho, err := SpearmanRho(scores, accs)
	if err != nil {
		return RankAgreement{}, err
	}
	return RankAgreement{N: len(scores), KendallTau: tau, SpearmanRho: rho}, nil
}
