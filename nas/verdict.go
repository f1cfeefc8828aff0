package nas

import (
	"fmt"
	"math"
	"strings"
)

// Comparison is a search's pick beside its random control: architectures drawn
// uniformly from the same space and trained with the same budget. A search is
// worth its cost only if its pick beats them.
type Comparison struct {
	Pick    string  // what was picked, e.g. "derived cell"
	Metric  string  // e.g. "test accuracy", "test perplexity"
	Percent bool    // values are fractions, shown as percentages (and differences in points)
	Lower   bool    // lower is better (perplexity)
	Value   float64 // the pick's result

	// Control holds each random architecture's result (empty: no control, unless
	// the summary below is given).
	Control []float64
	// ControlMean, ControlStd and ControlK describe the control by its mean,
	// sample standard deviation and size alone, where its results are not kept (a
	// report that printed only mean ± std). Verdict reads them when Control is
	// empty and ControlK > 0.
	ControlMean, ControlStd float64
	ControlK                int
}

// Verdict is the comparison in one line of words, e.g.
//
//	verdict: derived cell 74.65% test accuracy vs random control 90.43 ± 3.08% (K=3): 15.8 points below the control
//
// The spread is the control's sample standard deviation; a pick within it of the
// control's mean is "within the control's spread" (no evidence the search beat
// random). Without a control the line says that nothing can be concluded.
func (c Comparison) Verdict() string {
	pick := fmt.Sprintf("verdict: %s %s %s", c.Pick, c.format(c.Value), c.Metric)
	mean, std, k := c.control()
	if k == 0 {
		return pick + "; no random control was trained, so nothing shows that the search beat random choice"
	}
	scale, unit := 1.0, ""
	if c.Percent {
		scale, unit = 100, "%"
	}
	control := fmt.Sprintf("random control %.2f ± %.2f%s (K=%d)", scale*mean, scale*std, unit, k)
	if k == 1 {
		control = fmt.Sprintf("random control %.2f%s (K=1, no spread)", scale*mean, unit)
	}
	diff := c.Value - mean
	better := diff > 0
	if c.Lower {
		better = diff < 0
	}
	amount := fmt.Sprintf("%.1f", math.Abs(scale*diff))
	if c.Percent {
		amount += " points"
	}
	var words string
	switch {
	case diff == 0:
		words = "equal to the control's mean: no better than random"
	case k > 1 && math.Abs(diff) <= std:
		words = fmt.Sprintf("%s %s the control's mean, within its spread: no better than random", amount, aboveBelow(diff > 0))
	case better:
		words = fmt.Sprintf("%s %s the control (better)", amount, aboveBelow(diff > 0))
	default:
		words = fmt.Sprintf("%s %s the control (worse)", amount, aboveBelow(diff > 0))
	}
	return fmt.Sprintf("%s vs %s: %s", pick, control, words)
}

// control returns the control's mean, sample standard deviation and size: from
// Control when it is given, else from the summary (k = 0: no control).
func (c Comparison) control() (mean, std float64, k int) {
	if len(c.Control) > 0 {
		mean, std = MeanStd(c.Control)
		return mean, std, len(c.Control)
	}
	if c.ControlK > 0 {
		return c.ControlMean, c.ControlStd, c.ControlK
	}
	return 0, 0, 0
}

func aboveBelow(above bool) string {
	if above {
		return "above"
	}
	return "below"
}

// format writes one value as the comparison shows it.
func (c Comparison) format(v float64) string {
	if c.Percent {
		return fmt.Sprintf("%.2f%%", 100*v)
	}
	return strings.TrimRight(strings.TrimRight(fmt.Sprintf("%.2f", v), "0"), ".")
}
