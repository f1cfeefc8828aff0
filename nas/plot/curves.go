package plot

import (
	"fmt"
	"html"
	"io"
	"math"
	"strings"

	"github.com/pkg/errors"
)

// A dependency-free SVG line chart for search curves (best-so-far reward against the
// number of queries), one line per strategy with an optional shaded band.

// CurveSeries is one line of a CurveChart: Y[i] is plotted at x = i+1.
type CurveSeries struct {
	Name string
	Y    []float64
	Band []float64 // optional half-width of a shaded band around Y (e.g. the standard error)
}

// CurveChart is a line chart's labels and size (pixels; defaults 720×440).
type CurveChart struct {
	Title, XLabel, YLabel string
	Width, Height         int
	// Include lists values the y axis must span, e.g. 0 so that a nearly flat
	// curve is not stretched over the whole height.
	Include []float64
	// Refs are horizontal reference lines, drawn dashed and named in the legend
	// (chance level, a uniform policy's entropy); the y axis spans them.
	Refs []CurveRef
}

// CurveRef is a horizontal reference line of a CurveChart.
type CurveRef struct {
	Name string
	Y    float64
}

// curveColors are distinguishable on white and for most colour-blind readers.
var curveColors = []string{"#0072b2", "#d55e00", "#009e73", "#cc79a7", "#e69f00", "#56b4e9", "#000000"}

// WriteSVG draws the series as a standalone SVG document.
func (c CurveChart) WriteSVG(w io.Writer, series []CurveSeries) error {
	if len(series) == 0 {
		return errors.New("WriteSVG: no series to draw")
	}
	width, height := c.Width, c.Height
	if width <= 0 {
		width = 720
	}
	if height <= 0 {
		height = 440
	}
	const left, right, top, bottom = 70.0, 170.0, 40.0, 55.0
	pw, ph := float64(width)-left-right, float64(height)-top-bottom
	// Data range.
	n := 0
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, s := range series {
		n = max(n, len(s.Y))
		for i, y := range s.Y {
			if math.IsNaN(y) || math.IsInf(y, 0) {
				continue
			}
			b := 0.0
			if i < len(s.Band) && !math.IsNaN(s.Band[i]) {
				b = s.Band[i]
			}
			lo, hi = math.Min(lo, y-b), math.Max(hi, y+b)
		}
	}
	if n == 0 || math.IsInf(lo, 0) {
		return errors.New("WriteSVG: the series have no finite values")
	}
	for _, y := range c.Include {
		lo, hi = math.Min(lo, y), math.Max(hi, y)
	}
	for _, r := range c.Refs {
		lo, hi = math.Min(lo, r.Y), math.Max(hi, r.Y)
	}
	if hi-lo < 1e-12 {
		lo, hi = lo-0.5, hi+0.5
	}
	yTicks := curveTicks(lo, hi, 6)
	lo, hi = math.Min(lo, yTicks[0]), math.Max(hi, yTicks[len(yTicks)-1])
	xMax := float64(max(n, 2))
	px := func(x float64) float64 { return left + (x-1)/(xMax-1)*pw }
	py := func(y float64) float64 { return top + (hi-y)/(hi-lo)*ph }

	var b strings.Builder
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" viewBox="0 0 %d %d" font-family="sans-serif" font-size="12">`+"\n", width, height, width, height)
	fmt.Fprintf(&b, `<rect width="100%%" height="100%%" fill="white"/>`+"\n")
	fmt.Fprintf(&b, `<text x="%d" y="22" font-size="15" text-anchor="middle">%s</text>`+"\n", width/2, html.EscapeString(c.Title))
	// Grid and axes.
	for _, t := range yTicks {
		y := py(t)
		fmt.Fprintf(&b, `<line x1="%g" y1="%.1f" x2="%g" y2="%.1f" stroke="#e5e5e5"/>`+"\n", left, y, left+pw, y)
		fmt.Fprintf(&b, `<text x="%g" y="%.1f" text-anchor="end" dominant-baseline="middle">%s</text>`+"\n", left-6, y, curveTickLabel(t))
	}
	for _, t := range curveTicks(1, xMax, 8) {
		if t < 1 || t > xMax {
			continue
		}
		x := px(t)
		fmt.Fprintf(&b, `<line x1="%.1f" y1="%g" x2="%.1f" y2="%g" stroke="#e5e5e5"/>`+"\n", x, top, x, top+ph)
		fmt.Fprintf(&b, `<text x="%.1f" y="%g" text-anchor="middle">%s</text>`+"\n", x, top+ph+18, curveTickLabel(t))
	}
	fmt.Fprintf(&b, `<rect x="%g" y="%g" width="%g" height="%g" fill="none" stroke="#444"/>`+"\n", left, top, pw, ph)
	fmt.Fprintf(&b, `<text x="%g" y="%g" text-anchor="middle">%s</text>`+"\n", left+pw/2, top+ph+42, html.EscapeString(c.XLabel))
	fmt.Fprintf(&b, `<text x="18" y="%g" text-anchor="middle" transform="rotate(-90 18 %g)">%s</text>`+"\n", top+ph/2, top+ph/2, html.EscapeString(c.YLabel))
	// Bands, then lines, then the legend.
	for i, s := range series {
		color := curveColors[i%len(curveColors)]
		if len(s.Band) == 0 {
			continue
		}
		var upper, lower []string
		for j, y := range s.Y {
			if j >= len(s.Band) || math.IsNaN(y) || math.IsNaN(s.Band[j]) {
				continue
			}
			upper = append(upper, fmt.Sprintf("%.1f,%.1f", px(float64(j+1)), py(y+s.Band[j])))
			lower = append([]string{fmt.Sprintf("%.1f,%.1f", px(float64(j+1)), py(y-s.Band[j]))}, lower...)
		}
		if len(upper) > 1 {
			fmt.Fprintf(&b, `<polygon points="%s %s" fill="%s" fill-opacity="0.18" stroke="none"/>`+"\n", strings.Join(upper, " "), strings.Join(lower, " "), color)
		}
	}
	for i, s := range series {
		color := curveColors[i%len(curveColors)]
		var pts []string
		for j, y := range s.Y {
			if !math.IsNaN(y) && !math.IsInf(y, 0) {
				pts = append(pts, fmt.Sprintf("%.1f,%.1f", px(float64(j+1)), py(y)))
			}
		}
		fmt.Fprintf(&b, `<polyline points="%s" fill="none" stroke="%s" stroke-width="2"/>`+"\n", strings.Join(pts, " "), color)
		ly := top + 10 + float64(i)*20
		fmt.Fprintf(&b, `<line x1="%g" y1="%g" x2="%g" y2="%g" stroke="%s" stroke-width="3"/>`+"\n", left+pw+12, ly, left+pw+36, ly, color)
		fmt.Fprintf(&b, `<text x="%g" y="%g" dominant-baseline="middle">%s</text>`+"\n", left+pw+42, ly, html.EscapeString(s.Name))
	}
	for i, r := range c.Refs {
		y, ly := py(r.Y), top+10+float64(len(series)+i)*20
		fmt.Fprintf(&b, `<line x1="%g" y1="%.1f" x2="%g" y2="%.1f" stroke="#777" stroke-width="1.5" stroke-dasharray="6 4"/>`+"\n", left, y, left+pw, y)
		fmt.Fprintf(&b, `<line x1="%g" y1="%g" x2="%g" y2="%g" stroke="#777" stroke-width="1.5" stroke-dasharray="6 4"/>`+"\n", left+pw+12, ly, left+pw+36, ly)
		fmt.Fprintf(&b, `<text x="%g" y="%g" dominant-baseline="middle">%s</text>`+"\n", left+pw+42, ly, html.EscapeString(r.Name))
	}
	b.WriteString("</svg>\n")
	_, err := io.WriteString(w, b.String())
	return err
}

// curveTicks returns about n round tick values covering [lo, hi].
func curveTicks(lo, hi float64, n int) []float64 {
	span := hi - lo
	raw := span / float64(max(n-1, 1))
	mag := math.Pow(10, math.Floor(math.Log10(raw)))
	step := mag
	for _, m := range []float64{1, 2, 2.5, 5, 10} {
		if m*mag >= raw {
			step = m * mag
			break
		}
	}
	var ticks []float64
	for t := math.Floor(lo/step) * step; t <= hi+step*1e-9; t += step {
		ticks = append(ticks, t)
	}
	if ticks[len(ticks)-1] < hi {
		ticks = append(ticks, ticks[len(ticks)-1]+step)
	}
	return ticks
}

func curveTickLabel(t float64) string {
	s := fmt.Sprintf("%.4f", t)
	s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	if s == "-0" {
		s = "0"
	}
	return s
}
