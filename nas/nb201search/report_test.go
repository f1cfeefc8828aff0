package nb201search

import (
	"strings"
	"testing"
)

// A zero-cost report names the proxies the search used and, with then_by, how
// the top of the score was reordered.
func TestZeroCostReportNamesItsProxies(t *testing.T) {
	cfg, err := Preset("tiny", "zero-cost", 1)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ set, want, not string }{
		{"", "scored by naswot and stem_grad on 32", "ordered by"},
		{"proxies=naswot+zico+ntk,then_by=-ntk,then_top=0.2,proxy_images=48", "scored by naswot, zico and ntk on 48", ""},
	} {
		cfg := cfg
		if err := cfg.Override(c.set); err != nil {
			t.Fatal(err)
		}
		res := &Result{Strategy: "zero-cost", Preset: "tiny", Seed: 1, Config: cfg}
		blob, err := Report(res, nil, []float64{50, 60, 70})
		if err != nil {
			t.Fatal(err)
		}
		html := string(blob)
		if !strings.Contains(html, c.want) {
			t.Errorf("%q: the report does not say %q", c.set, c.want)
		}
		if c.set != "" && !strings.Contains(html, "top 20% of the reference cells&#39; scores are then ordered by -ntk") {
			t.Errorf("%q: the report does not say how then_by reorders the top", c.set)
		}
		if c.not != "" && strings.Contains(html, c.not) {
			t.Errorf("%q: the report says %q", c.set, c.not)
		}
	}
}
