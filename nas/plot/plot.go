// Package plot draws small charts — lines, scatter points, histogram bars, bands —
// as standalone SVG documents, and tables as HTML, in pure Go: no JavaScript, no
// external binary, nothing fetched. Notebooks show them inline (package
// nas/plot/show), the CLI writes them to files, and a browser or an image viewer
// opens them as they are.
//
// A Chart holds the labels and axes; each Series is one set of (x, y) points drawn
// in a Style:
//
//	c := plot.Chart{Title: "Reward", XLabel: "step", YLabel: "mean reward"}
//	svg, err := c.SVG(
//		plot.Series{Name: "no baseline", Y: r0},
//		plot.Series{Name: "baseline", Y: r1, Band: se1},
//	)
//
// CurveChart draws best-so-far search curves the same way; this package adds
// explicit x values, logarithmic axes, scatter points and bars.
package plot

import (
	"fmt"
	"hash/fnv"
	"html"
	"math"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/pkg/errors"
)

// Style is how a Series is drawn.
type Style int

const (
	// Lines joins the points in order with a polyline.
	Lines Style = iota
	// Points draws a dot per point (a scatter plot). Points that fall on the same
	// half pixel are drawn once, so a chart of 15,625 points stays small.
	Points
	// Bars draws a bar from 0 (or the bottom of a log axis) to y at each x, as wide
	// as the spacing of the x values: a histogram, with x the bin centres.
	Bars
	// LinesPoints is Lines with a dot at each point.
	LinesPoints
)

// Series is one set of points of a chart.
type Series struct {
	Name string
	// X are the x values; nil means 1, 2, ..., len(Y).
	X []float64
	Y []float64
	// Band, when set, is the half-width of a shaded band around Y (e.g. ± one
	// standard error), drawn for Lines and LinesPoints.
	Band []float64
	// Style is how the series is drawn (default Lines).
	Style Style
	// Color overrides the series' colour (any SVG colour); empty picks from Palette.
	Color string
	// Radius of the dots of Points and LinesPoints (default 2.5 pixels).
	Radius float64
}

// Chart is a chart's labels, axes and size in pixels (default 720×440).
type Chart struct {
	Title, XLabel, YLabel string
	Width, Height         int
	// LogX and LogY draw the axis in log10 scale; points ≤ 0 on a log axis are
	// left out.
	LogX, LogY bool
	// XMin, XMax, YMin, YMax fix the axis range when XMin < XMax (resp. YMin < YMax);
	// otherwise the range covers the data.
	XMin, XMax, YMin, YMax float64
}

// Palette is the colour cycle of the series: distinguishable on white and for most
// colour-blind readers (Okabe & Ito).
var Palette = []string{"#0072b2", "#d55e00", "#009e73", "#cc79a7", "#e69f00", "#56b4e9", "#000000"}

// Margins of the plot area inside the SVG, in pixels: room for tick labels (left,
// bottom) and the title (top); the right margin holds the legend and grows with the
// longest series name (see legendWidth).
const (
	marginLeft, marginTop, marginBottom = 72.0, 40.0, 55.0
)

// legendWidth is the right margin: the legend's swatch and its longest name (about
// 7 pixels a character at 12 px), at least 40 and at most 320 pixels.
func legendWidth(series []Series) float64 {
	longest := 0
	for _, s := range series {
		longest = max(longest, utf8.RuneCountInString(s.Name))
	}
	if longest == 0 {
		return 40
	}
	return min(320, 50+7*float64(longest))
}

// axis maps data values to pixels along one direction.
type axis struct {
	lo, hi   float64 // data range (log10 of it for a log axis)
	log      bool
	from, to float64 // pixel range: lo maps to from, hi to to
}

// ok reports whether v can be drawn on the axis.
func (a axis) ok(v float64) bool {
	return !math.IsNaN(v) && !math.IsInf(v, 0) && (!a.log || v > 0)
}

// pix maps a data value to a pixel.
func (a axis) pix(v float64) float64 {
	if a.log {
		v = math.Log10(v)
	}
	return a.from + (v-a.lo)/(a.hi-a.lo)*(a.to-a.from)
}

// ticks returns the tick values (data units) and their labels.
func (a axis) ticks(n int) ([]float64, []string) {
	var vals []float64
	if a.log {
		for e := math.Floor(a.lo); e <= a.hi+1e-9; e++ {
			for _, m := range logMantissas(a.hi - a.lo) {
				if v := e + math.Log10(m); v >= a.lo-1e-9 && v <= a.hi+1e-9 {
					vals = append(vals, math.Pow(10, v))
				}
			}
		}
		if len(vals) < 2 {
			// Less than a decade with at most one 1-2-3-5 mantissa inside (e.g.
			// 6,472–9,711): round values in data units instead.
			vals = inRange(niceTicks(math.Pow(10, a.lo), math.Pow(10, a.hi), n), math.Pow(10, a.lo), math.Pow(10, a.hi))
		}
	} else {
		vals = inRange(niceTicks(a.lo, a.hi, n), a.lo, a.hi)
	}
	return vals, tickLabels(vals)
}

// inRange keeps the ticks within [lo, hi] (up to rounding).
func inRange(ticks []float64, lo, hi float64) []float64 {
	var vals []float64
	for _, t := range ticks {
		if t >= lo-1e-9*(hi-lo) && t <= hi+1e-9*(hi-lo) {
			vals = append(vals, t)
		}
	}
	return vals
}

// tickLabels writes the ticks with tickLabel, adding decimals until no two labels
// are equal (an axis spanning 7.3369–7.3370 needs more than four).
func tickLabels(vals []float64) []string {
	labels := make([]string, len(vals))
	for prec := 4; prec <= 12; prec++ {
		seen := map[string]bool{}
		unique := true
		for i, v := range vals {
			labels[i] = tickLabel(v, prec)
			unique = unique && !seen[labels[i]]
			seen[labels[i]] = true
		}
		if unique {
			break
		}
	}
	return labels
}

// logMantissas are the tick mantissas of a log axis spanning the given decades.
func logMantissas(decades float64) []float64 {
	switch {
	case decades <= 1.5:
		return []float64{1, 2, 3, 5}
	case decades <= 4:
		return []float64{1, 2, 5}
	default:
		return []float64{1}
	}
}

// niceTicks returns about n round values covering [lo, hi] (steps of 1, 2, 2.5 or 5
// times a power of ten).
func niceTicks(lo, hi float64, n int) []float64 {
	raw := (hi - lo) / float64(max(n-1, 1))
	mag := math.Pow(10, math.Floor(math.Log10(raw)))
	step := 10 * mag
	for _, m := range []float64{1, 2, 2.5, 5, 10} {
		if m*mag >= raw {
			step = m * mag
			break
		}
	}
	var ticks []float64
	for i := math.Floor(lo / step); i*step <= hi+step*1e-9; i++ {
		ticks = append(ticks, i*step)
	}
	if ticks[len(ticks)-1] < hi {
		ticks = append(ticks, ticks[len(ticks)-1]+step)
	}
	return ticks
}

// tickLabel writes v with at most prec decimals (trailing zeros dropped), or in
// e-notation with prec-1 significant digits when tiny or huge.
func tickLabel(v float64, prec int) string {
	if v != 0 && (math.Abs(v) < 1e-3 || math.Abs(v) >= 1e6) {
		return strings.Replace(fmt.Sprintf("%.*g", prec-1, v), "e-0", "e-", 1)
	}
	s := strings.TrimRight(strings.TrimRight(fmt.Sprintf("%.*f", prec, v), "0"), ".")
	if s == "-0" {
		s = "0"
	}
	return s
}

// newAxis fits an axis to the values (or to the fixed range when min < max).
func newAxis(vals []float64, log bool, fixMin, fixMax, from, to float64, bars bool) (axis, error) {
	a := axis{log: log, from: from, to: to}
	if fixMin < fixMax {
		if log && fixMin <= 0 {
			return a, errors.Errorf("plot: a log axis needs a positive range, got [%g, %g]", fixMin, fixMax)
		}
		a.lo, a.hi = fixMin, fixMax
		if log {
			a.lo, a.hi = math.Log10(fixMin), math.Log10(fixMax)
		}
		return a, nil
	}
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, v := range vals {
		if !a.ok(v) {
			continue
		}
		if log {
			v = math.Log10(v)
		}
		lo, hi = math.Min(lo, v), math.Max(hi, v)
	}
	if math.IsInf(lo, 0) {
		return a, errors.New("plot: no finite value to draw on an axis")
	}
	if bars && !log {
		lo, hi = math.Min(lo, 0), math.Max(hi, 0)
	}
	if hi-lo < 1e-12*math.Max(1, math.Abs(hi)) {
		pad := math.Max(0.5, math.Abs(hi)*0.05)
		if log {
			pad = 0.5
		}
		lo, hi = lo-pad, hi+pad
	}
	if log {
		// Whole decades when the range is wide, else a 2% pad.
		if hi-lo >= 2 {
			lo, hi = math.Floor(lo), math.Ceil(hi)
		} else {
			pad := 0.02 * (hi - lo)
			lo, hi = lo-pad, hi+pad
		}
	} else {
		t := niceTicks(lo, hi, 6)
		lo, hi = math.Min(lo, t[0]), math.Max(hi, t[len(t)-1])
	}
	a.lo, a.hi = lo, hi
	return a, nil
}

// xs returns the series' x values (1..n when X is nil).
func (s *Series) xs() []float64 {
	if s.X != nil {
		return s.X
	}
	x := make([]float64, len(s.Y))
	for i := range x {
		x[i] = float64(i + 1)
	}
	return x
}

// SVG draws the series on one chart as a standalone SVG document.
func (c Chart) SVG(series ...Series) (string, error) {
	if len(series) == 0 {
		return "", errors.New("plot: no series to draw")
	}
	width, height := c.Width, c.Height
	if width <= 0 {
		width = 720
	}
	if height <= 0 {
		height = 440
	}
	marginRight := legendWidth(series)
	pw, ph := float64(width)-marginLeft-marginRight, float64(height)-marginTop-marginBottom
	if pw < 50 || ph < 50 {
		return "", errors.Errorf("plot: a %d×%d chart leaves no room to plot", width, height)
	}
	var allX, allY []float64
	bars := false
	for i := range series {
		s := &series[i]
		x := s.xs()
		if len(x) != len(s.Y) {
			return "", errors.Errorf("plot: series %q has %d x values for %d y values", s.Name, len(x), len(s.Y))
		}
		if len(s.Band) > 0 && len(s.Band) != len(s.Y) {
			return "", errors.Errorf("plot: series %q has %d band values for %d y values", s.Name, len(s.Band), len(s.Y))
		}
		allX = append(allX, x...)
		for j, y := range s.Y {
			allY = append(allY, y)
			if j < len(s.Band) && !math.IsNaN(s.Band[j]) {
				allY = append(allY, y-s.Band[j], y+s.Band[j])
			}
		}
		if s.Style == Bars {
			bars = true
			w := barWidth(x)
			for _, v := range x {
				allX = append(allX, v-w/2, v+w/2)
			}
		}
	}
	xa, err := newAxis(allX, c.LogX, c.XMin, c.XMax, marginLeft, marginLeft+pw, false)
	if err != nil {
		return "", errors.WithMessage(err, "x axis")
	}
	ya, err := newAxis(allY, c.LogY, c.YMin, c.YMax, marginTop+ph, marginTop, bars)
	if err != nil {
		return "", errors.WithMessage(err, "y axis")
	}

	var b strings.Builder
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" viewBox="0 0 %d %d" font-family="sans-serif" font-size="12">`+"\n", width, height, width, height)
	b.WriteString(`<rect width="100%" height="100%" fill="white"/>` + "\n")
	fmt.Fprintf(&b, `<text x="%g" y="22" font-size="15" text-anchor="middle">%s</text>`+"\n", marginLeft+pw/2, html.EscapeString(c.Title))
	vals, labels := ya.ticks(6)
	for i, t := range vals {
		y := ya.pix(t)
		fmt.Fprintf(&b, `<line x1="%g" y1="%.1f" x2="%g" y2="%.1f" stroke="#e5e5e5"/>`+"\n", marginLeft, y, marginLeft+pw, y)
		fmt.Fprintf(&b, `<text x="%g" y="%.1f" text-anchor="end" dominant-baseline="middle">%s</text>`+"\n", marginLeft-6, y, labels[i])
	}
	vals, labels = xa.ticks(8)
	for i, t := range vals {
		x := xa.pix(t)
		fmt.Fprintf(&b, `<line x1="%.1f" y1="%g" x2="%.1f" y2="%g" stroke="#e5e5e5"/>`+"\n", x, marginTop, x, marginTop+ph)
		fmt.Fprintf(&b, `<text x="%.1f" y="%g" text-anchor="middle">%s</text>`+"\n", x, marginTop+ph+18, labels[i])
	}
	fmt.Fprintf(&b, `<text x="%g" y="%g" text-anchor="middle">%s</text>`+"\n", marginLeft+pw/2, marginTop+ph+42, html.EscapeString(c.XLabel))
	fmt.Fprintf(&b, `<text x="18" y="%g" text-anchor="middle" transform="rotate(-90 18 %g)">%s</text>`+"\n", marginTop+ph/2, marginTop+ph/2, html.EscapeString(c.YLabel))
	// The data, clipped to the plot area. The clip path's id is a hash of what it
	// clips: notebooks inline many SVGs in one HTML document, which shares ids.
	var body strings.Builder
	for i := range series {
		drawSeries(&body, &series[i], seriesColor(&series[i], i), xa, ya)
	}
	h := fnv.New64a()
	fmt.Fprintf(h, "%d %d %s", width, height, body.String())
	clip := fmt.Sprintf("plot%016x", h.Sum64())
	fmt.Fprintf(&b, `<clipPath id="%s"><rect x="%g" y="%g" width="%g" height="%g"/></clipPath>`+"\n", clip, marginLeft, marginTop, pw, ph)
	fmt.Fprintf(&b, `<g clip-path="url(#%s)">`+"\n", clip)
	b.WriteString(body.String())
	b.WriteString("</g>\n")
	fmt.Fprintf(&b, `<rect x="%g" y="%g" width="%g" height="%g" fill="none" stroke="#444"/>`+"\n", marginLeft, marginTop, pw, ph)
	for i := range series {
		s := &series[i]
		if s.Name == "" {
			continue
		}
		color, ly, lx := seriesColor(s, i), marginTop+10+float64(i)*20, marginLeft+pw+12
		switch s.Style {
		case Points:
			fmt.Fprintf(&b, `<circle cx="%g" cy="%g" r="4" fill="%s"/>`+"\n", lx+12, ly, color)
		case Bars:
			fmt.Fprintf(&b, `<rect x="%g" y="%g" width="24" height="10" fill="%s" fill-opacity="0.45" stroke="%s"/>`+"\n", lx, ly-5, color, color)
		default:
			fmt.Fprintf(&b, `<line x1="%g" y1="%g" x2="%g" y2="%g" stroke="%s" stroke-width="3"/>`+"\n", lx, ly, lx+24, ly, color)
		}
		fmt.Fprintf(&b, `<text x="%g" y="%g" dominant-baseline="middle">%s</text>`+"\n", lx+30, ly, html.EscapeString(s.Name))
	}
	b.WriteString("</svg>\n")
	return b.String(), nil
}

func seriesColor(s *Series, i int) string {
	if s.Color != "" {
		return html.EscapeString(s.Color)
	}
	return Palette[i%len(Palette)]
}

// barWidth is the smallest spacing of the sorted distinct x values (1 for one value).
func barWidth(x []float64) float64 {
	xs := slices.Clone(x)
	slices.Sort(xs)
	w := math.Inf(1)
	for i := 1; i < len(xs); i++ {
		if d := xs[i] - xs[i-1]; d > 0 {
			w = math.Min(w, d)
		}
	}
	if math.IsInf(w, 0) {
		return 1
	}
	return w
}

// drawSeries writes one series' band, line, dots or bars.
func drawSeries(b *strings.Builder, s *Series, color string, xa, ya axis) {
	x := s.xs()
	radius := s.Radius
	if radius <= 0 {
		radius = 2.5
	}
	switch s.Style {
	case Bars:
		w := barWidth(x)
		base := 0.0
		if ya.log {
			base = math.Pow(10, ya.lo)
		}
		for j, y := range s.Y {
			if !xa.ok(x[j]-w/2) || !xa.ok(x[j]+w/2) || !ya.ok(y) {
				continue
			}
			x0, x1 := xa.pix(x[j]-w/2), xa.pix(x[j]+w/2)
			y0, y1 := ya.pix(base), ya.pix(y)
			fmt.Fprintf(b, `<rect x="%.1f" y="%.1f" width="%.1f" height="%.1f" fill="%s" fill-opacity="0.45" stroke="%s" stroke-width="0.8"/>`+"\n",
				math.Min(x0, x1), math.Min(y0, y1), math.Abs(x1-x0), math.Abs(y1-y0), color, color)
		}
		return
	case Points:
		drawDots(b, x, s.Y, radius, color, xa, ya)
		return
	}
	if len(s.Band) > 0 {
		var upper, lower []string
		for j, y := range s.Y {
			lo, hi := y-s.Band[j], y+s.Band[j]
			if !xa.ok(x[j]) || !ya.ok(lo) || !ya.ok(hi) {
				continue
			}
			upper = append(upper, fmt.Sprintf("%.1f,%.1f", xa.pix(x[j]), ya.pix(hi)))
			lower = append(lower, fmt.Sprintf("%.1f,%.1f", xa.pix(x[j]), ya.pix(lo)))
		}
		slices.Reverse(lower)
		if len(upper) > 1 {
			fmt.Fprintf(b, `<polygon points="%s %s" fill="%s" fill-opacity="0.18" stroke="none"/>`+"\n", strings.Join(upper, " "), strings.Join(lower, " "), color)
		}
	}
	var pts []string
	for j, y := range s.Y {
		if xa.ok(x[j]) && ya.ok(y) {
			pts = append(pts, fmt.Sprintf("%.1f,%.1f", xa.pix(x[j]), ya.pix(y)))
		}
	}
	fmt.Fprintf(b, `<polyline points="%s" fill="none" stroke="%s" stroke-width="2"/>`+"\n", strings.Join(pts, " "), color)
	if s.Style == LinesPoints {
		drawDots(b, x, s.Y, radius, color, xa, ya)
	}
}

// drawDots draws one dot per distinct half-pixel position.
func drawDots(b *strings.Builder, x, y []float64, radius float64, color string, xa, ya axis) {
	type key struct{ x, y int }
	seen := map[key]bool{}
	fmt.Fprintf(b, `<g fill="%s" fill-opacity="0.6">`+"\n", color)
	for j := range y {
		if !xa.ok(x[j]) || !ya.ok(y[j]) {
			continue
		}
		px, py := xa.pix(x[j]), ya.pix(y[j])
		k := key{int(math.Round(2 * px)), int(math.Round(2 * py))}
		if seen[k] {
			continue
		}
		seen[k] = true
		fmt.Fprintf(b, `<circle cx="%.1f" cy="%.1f" r="%g"/>`+"\n", px, py, radius)
	}
	b.WriteString("</g>\n")
}
