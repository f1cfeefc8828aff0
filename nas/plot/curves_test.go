package plot

import (
	"bytes"
	"math"
	"strings"
	"testing"
)

func TestCurveChartWritesEscapedSVG(t *testing.T) {
	var buf bytes.Buffer
	err := CurveChart{Title: "t<1>", XLabel: "queries", YLabel: "acc"}.WriteSVG(&buf, []CurveSeries{
		{Name: "a", Y: []float64{0.1, 0.5, 0.7}, Band: []float64{0.01, 0.02, 0.01}},
		{Name: "b&c", Y: []float64{0.2, 0.3, math.NaN()}},
	})
	if err != nil {
		t.Fatal(err)
	}
	svg := buf.String()
	for _, want := range []string{"<svg", "</svg>", "<polyline", "<polygon", "t&lt;1&gt;", "b&amp;c"} {
		if !strings.Contains(svg, want) {
			t.Errorf("SVG lacks %q", want)
		}
	}
	if err := (CurveChart{}).WriteSVG(&buf, nil); err == nil {
		t.Error("WriteSVG accepted no series")
	}
}
