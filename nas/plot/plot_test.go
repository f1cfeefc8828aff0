package plot

import (
	"encoding/xml"
	"fmt"
	"io"
	"math"
	"strings"
	"testing"

	"github.com/gonas/gonas/nas"
)

// wellFormed parses doc as XML and counts its elements by name.
func wellFormed(t *testing.T, doc string) map[string]int {
	t.Helper()
	counts := map[string]int{}
	dec := xml.NewDecoder(strings.NewReader(doc))
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			return counts
		}
		if err != nil {
			t.Fatalf("not well-formed XML: %v\n%s", err, doc)
		}
		if se, ok := tok.(xml.StartElement); ok {
			counts[se.Name.Local]++
		}
	}
}

func TestChartStyles(t *testing.T) {
	c := Chart{Title: "a < b & c", XLabel: "x", YLabel: "y"}
	svg, err := c.SVG(
		Series{Name: "line", Y: []float64{1, 3, 2}, Band: []float64{0.1, 0.2, 0.1}},
		Series{Name: "dots", X: []float64{1, 2, 2, 3}, Y: []float64{1, 2, 2, 3}, Style: Points},
		Series{Name: "bars", X: []float64{1, 2, 3}, Y: []float64{0.5, 1, 0.5}, Style: Bars},
		Series{Name: "both", Y: []float64{2, math.NaN(), 2}, Style: LinesPoints},
	)
	if err != nil {
		t.Fatal(err)
	}
	n := wellFormed(t, svg)
	if n["polyline"] != 2 || n["polygon"] != 1 || n["clipPath"] != 1 {
		t.Errorf("want 2 polylines, 1 band, 1 clip path; got %v", n)
	}
	// 3 distinct dots + 2 of LinesPoints (NaN skipped) + 1 legend dot.
	if n["circle"] != 6 {
		t.Errorf("got %d circles, want 6 (duplicates drawn once, NaN skipped)", n["circle"])
	}
	if !strings.Contains(svg, "a &lt; b &amp; c") {
		t.Error("the title is not escaped")
	}
}

func TestChartLogAxesAndErrors(t *testing.T) {
	c := Chart{LogX: true, LogY: true}
	svg, err := c.SVG(Series{X: []float64{1, 10, 100, -1}, Y: []float64{1e-3, 1e-2, 1e-1, 5}})
	if err != nil {
		t.Fatal(err)
	}
	wellFormed(t, svg)
	for _, label := range []string{">1<", ">10<", ">100<", ">0.01<"} {
		if !strings.Contains(svg, label) {
			t.Errorf("log axes lack tick %s", label)
		}
	}
	if _, err := c.SVG(); err == nil {
		t.Error("no series accepted")
	}
	if _, err := (Chart{}).SVG(Series{X: []float64{1}, Y: []float64{1, 2}}); err == nil {
		t.Error("mismatched x and y accepted")
	}
	if _, err := (Chart{LogY: true}).SVG(Series{Y: []float64{-1, 0}}); err == nil {
		t.Error("a log axis with no positive value accepted")
	}
	// Two charts with different data get different clip-path ids.
	a, _ := (Chart{}).SVG(Series{Y: []float64{1, 2}})
	b, _ := (Chart{}).SVG(Series{Y: []float64{2, 1}})
	id := func(s string) string { i := strings.Index(s, `clipPath id="`); return s[i : i+32] }
	if id(a) == id(b) {
		t.Errorf("two charts share the clip path id %s", id(a))
	}
}

func TestParetoFront(t *testing.T) {
	x := []float64{3, 1, 2, 2, 4, math.NaN()}
	y := []float64{0.9, 0.5, 0.7, 0.4, 0.8, 1}
	fx, fy := ParetoFront(x, y)
	if len(fx) != 3 || fx[0] != 1 || fx[1] != 2 || fx[2] != 3 || fy[2] != 0.9 {
		t.Errorf("ParetoFront = %v %v, want x [1 2 3] y [0.5 0.7 0.9]", fx, fy)
	}
}

func TestHistogramIsADensity(t *testing.T) {
	vals := []float64{0, 0.1, 0.2, 0.5, 0.9, 1, 5, math.NaN()}
	c, d, err := Histogram(vals, 4, 0, 1)
	if err != nil {
		t.Fatal(err)
	}
	var area float64
	for _, v := range d {
		area += v * 0.25
	}
	if math.Abs(area-1) > 1e-12 || c[0] != 0.125 || d[3] != 3/(7*0.25) {
		t.Errorf("centres %v density %v (area %g)", c, d, area)
	}
	if _, _, err := Histogram(nil, 3, 0, 0); err == nil {
		t.Error("empty histogram accepted")
	}
}

func TestTable(t *testing.T) {
	h := Table([]string{"a", "b"}, [][]string{{"<x>"}, {"1", "2"}})
	if n := wellFormed(t, h); n["td"] != 4 || n["th"] != 2 {
		t.Errorf("cells: %v", n)
	}
	if !strings.Contains(h, "&lt;x&gt;") {
		t.Error("cells are not escaped")
	}
}

func TestHistogramSeriesAndLegendWidth(t *testing.T) {
	s, err := HistogramSeries("h", []float64{1, 2, 3}, 3, 0, 0)
	if err != nil || s.Style != Bars || len(s.X) != 3 {
		t.Fatalf("%+v %v", s, err)
	}
	if _, err := HistogramSeries("h", nil, 3, 0, 0); err == nil {
		t.Error("empty histogram accepted")
	}
	if w := legendWidth([]Series{{Name: "moving-average baseline"}}); w < 7*23 {
		t.Errorf("legend width %g too narrow for a 23-character name", w)
	}
}

func TestSearchCurvesAndHistograms(t *testing.T) {
	sums := []nas.Summary{{Strategy: "a", Runs: 4, CurveMean: []float64{0.5, 0.6}, CurveStd: []float64{0.2, 0.1}}}
	s := SearchCurves(sums, 100)
	if len(s) != 1 || s[0].Y[1] != 60 || math.Abs(s[0].Band[0]-10) > 1e-12 {
		t.Errorf("curves %+v", s)
	}
	results := []nas.RunResult{{Strategy: "a", Test: 0.5}, {Strategy: "b", Test: 0.7}, {Strategy: "a", Test: 0.6}}
	hs, err := TestHistograms(results, 100, 4, 0, 0)
	if err != nil || len(hs) != 2 || hs[0].Name != "a" || hs[1].X[0] != hs[0].X[0] {
		t.Errorf("histograms %+v %v", hs, err)
	}
}

// Axes that used to come out without readable ticks: a log axis spanning less than
// a decade with no 1-2-3-5 value inside, and a linear axis 1e-5 wide.
func TestTickLabelsOfNarrowAxes(t *testing.T) {
	logAxis, err := newAxis([]float64{6472, 9711}, true, 0, 0, 0, 400, false)
	if err != nil {
		t.Fatal(err)
	}
	vals, labels := logAxis.ticks(6)
	if len(vals) < 2 {
		t.Errorf("log axis 6472–9711: ticks %v, want at least 2", vals)
	}
	for _, v := range vals {
		if v < 6472*0.95 || v > 9711*1.05 {
			t.Errorf("log axis 6472–9711: tick %v outside the range", v)
		}
	}
	t.Log("log axis labels:", labels)
	linAxis, err := newAxis([]float64{7.33690, 7.33691, 7.33695}, false, 0, 0, 0, 400, false)
	if err != nil {
		t.Fatal(err)
	}
	_, labels = linAxis.ticks(6)
	seen := map[string]bool{}
	for _, l := range labels {
		if seen[l] {
			t.Errorf("linear axis 7.33690–7.33695: label %q repeated in %q", l, labels)
		}
		seen[l] = true
	}
	if len(labels) < 2 {
		t.Errorf("linear axis: labels %q, want at least 2", labels)
	}
}

func TestParseMarkdown(t *testing.T) {
	header, rows := ParseMarkdown("| a | b |\n|---|---|\n| 1 | x y |\n|2|3|\n")
	if fmt.Sprint(header) != "[a b]" || fmt.Sprint(rows) != "[[1 x y] [2 3]]" {
		t.Errorf("got header %q rows %q", header, rows)
	}
}

func TestListing(t *testing.T) {
	got := Listing(map[string]string{"json": `{"a":1}`, "enas": "0 1 <2>"})
	want := "<p>enas:</p><pre>0 1 &lt;2&gt;</pre>\n<p>json:</p><pre>{&#34;a&#34;:1}</pre>\n"
	if got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}
