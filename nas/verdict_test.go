package nas

import (
	"strings"
	"testing"
)

func TestVerdictSaysWhereThePickStands(t *testing.T) {
	acc := func(v float64, control ...float64) string {
		return Comparison{Pick: "derived cell", Metric: "test accuracy", Percent: true, Value: v, Control: control}.Verdict()
	}
	for _, tc := range []struct{ got, want string }{
		{acc(0.7465, 0.87, 0.91, 0.933), "verdict: derived cell 74.65% test accuracy vs random control 90.43 ± 3.19% (K=3): 15.8 points below the control (worse)"},
		{acc(0.95, 0.87, 0.91, 0.933), "4.6 points above the control (better)"},
		{acc(0.91, 0.87, 0.91, 0.933), "within its spread: no better than random"},
		{acc(0.9, 0.8), "random control 80.00% (K=1, no spread): 10.0 points above the control (better)"},
		{acc(0.9), "verdict: derived cell 90.00% test accuracy; no random control"},
		{Comparison{Pick: "derived cell", Metric: "test perplexity", Lower: true, Value: 80, Control: []float64{100, 110, 120}}.Verdict(),
			"verdict: derived cell 80 test perplexity vs random control 110.00 ± 10.00 (K=3): 30.0 below the control (better)"},
		{Comparison{Pick: "derived cell", Metric: "test perplexity", Lower: true, Value: 130, Control: []float64{100, 110, 120}}.Verdict(),
			"20.0 above the control (worse)"},
		// A control kept only as mean ± std (BENCHMARKS.md's NASNet proxy search).
		{Comparison{Pick: "searched cell", Metric: "test accuracy", Percent: true, Value: 0.4826, ControlMean: 0.4659, ControlStd: 0.0224, ControlK: 3}.Verdict(),
			"verdict: searched cell 48.26% test accuracy vs random control 46.59 ± 2.24% (K=3): 1.7 points above the control's mean, within its spread: no better than random"},
		{Comparison{Pick: "searched cell", Metric: "test accuracy", Percent: true, Value: 0.52, ControlMean: 0.4659, ControlStd: 0.0224, ControlK: 3}.Verdict(),
			"5.4 points above the control (better)"},
		// The kept results win over a summary.
		{Comparison{Pick: "derived cell", Metric: "test accuracy", Percent: true, Value: 0.9, Control: []float64{0.8}, ControlMean: 0.95, ControlK: 3}.Verdict(),
			"random control 80.00% (K=1, no spread)"},
	} {
		if !strings.Contains(tc.got, tc.want) {
			t.Errorf("got  %q\nwant %q", tc.got, tc.want)
		}
		if strings.Contains(tc.got, "\n") {
			t.Errorf("a verdict is one line: %q", tc.got)
		}
	}
}
