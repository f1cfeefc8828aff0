package multitrial

import (
	"bytes"
	"fmt"
	"html"
	"slices"
	"strings"

	"github.com/gonas/gonas/nas"
	"github.com/gonas/gonas/nas/plot"
)

// Report renders report.html: the transfer result beside the random control, the
// rerank table, the search curves as inline SVG (the children's rewards with the
// batch mean and the baseline, the controller's entropy and loss), and the best
// normal and reduction cells drawn.
func Report(r *SearchResult) ([]byte, error) {
	cfg := r.Config
	esc := html.EscapeString
	var b bytes.Buffer
	fmt.Fprintf(&b, "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>NASNet search %s</title>\n", esc(r.SearchID))
	b.WriteString("<style>body{font-family:sans-serif;max-width:1000px;margin:2em auto}pre{background:#f6f6f6;padding:8px;white-space:pre-wrap;overflow-wrap:anywhere}" +
		".verdict{font-size:1.15em;border-left:4px solid #0072b2;padding:6px 12px;background:#eef5fb}</style></head><body>\n")
	fmt.Fprintf(&b, "<h1>NASNet multi-trial search on %s (preset %s)</h1>\n", esc(cfg.Data), esc(cfg.Preset))
	verdict := r.Verdict
	if verdict == "" && r.Transfer != nil {
		verdict = r.Comparison().Verdict()
	}
	if verdict != "" {
		fmt.Fprintf(&b, "<p class=\"verdict\">%s</p>\n", esc(strings.TrimPrefix(verdict, "verdict: ")))
	}
	fmt.Fprintf(&b, "<p>Retraining budget, the same for the best and every random cell: %s.</p>\n", esc(TransferBudget(&cfg)))
	fmt.Fprintf(&b, "<p>Search %s, seed %d: %d children in %d batches of m = %d (%d failed), search %.0f s, total %.0f s, %s.</p>\n",
		esc(r.SearchID), cfg.Seed, len(r.Trials), len(r.Updates), cfg.Batch, r.Failed(), r.SearchSeconds, r.Seconds, esc(r.Date))

	b.WriteString("<h2>Transfer</h2>\n")
	row := func(name string, t TransferResult) []string {
		if t.Error != "" {
			return []string{name, "failed: " + t.Error, "", ""}
		}
		return []string{name, fmt.Sprintf("%.2f%%", 100*t.TestAccuracy), fmt.Sprint(t.Params), fmt.Sprint(t.FLOPs)}
	}
	var rows [][]string
	if r.Transfer != nil {
		rows = append(rows, row("best cell", *r.Transfer))
	}
	if c := r.Control; c != nil {
		rows = append(rows, []string{fmt.Sprintf("random control (%d of %d trained)", c.N, len(c.Archs)),
			fmt.Sprintf("%.2f ± %.2f%%", 100*c.Mean, 100*c.Std), "", ""})
		for i, t := range c.Archs {
			rows = append(rows, row(fmt.Sprintf("random cell %d", i+1), t))
		}
	}
	b.WriteString(plot.Table([]string{"cells", "test accuracy", "parameters", "multiply-adds"}, rows))

	b.WriteString("<h2>Rerank</h2>\n")
	rows = nil
	for _, c := range r.Rerank {
		valid := fmt.Sprintf("%.4f", c.ValidAccuracy)
		if c.Error != "" {
			valid = "failed: " + c.Error
		}
		mark := ""
		if c.Arch.String() == r.Best.String() {
			mark = " (best)"
		}
		rows = append(rows, []string{c.Trial + mark, c.SearchTrial, fmt.Sprintf("%.4f", c.SearchReward), valid, fmt.Sprint(c.Params)})
	}
	b.WriteString(plot.Table([]string{"rerank trial", "found as", "search reward", fmt.Sprintf("valid accuracy (%d epochs)", cfg.Rerank.Epochs), "parameters"}, rows))

	b.WriteString("<h2>Search</h2>\n")
	b.WriteString(searchCharts(r))

	b.WriteString("<h2>Best cells</h2>\n")
	b.WriteString(plot.Listing(r.BestFormats))
	if space, err := cfg.Space(); err == nil && len(r.Best.Choices) > 0 {
		if svg, err := space.SVG(r.Best); err == nil {
			b.WriteString("<div>" + svg + "</div>\n")
		}
	}
	b.WriteString("</body></html>\n")
	return b.Bytes(), nil
}

// searchCharts draws the rewards of the children with the batch means and the
// baseline, and the controller's entropy and loss, per update.
func searchCharts(r *SearchResult) string {
	if len(r.Updates) == 0 {
		return "<p>No update yet.</p>\n"
	}
	m := float64(r.Config.Batch)
	xs := make([]float64, len(r.Rewards))
	for i := range xs {
		xs[i] = float64(i)/m + 0.5 // child i of batch b sits inside update b+1
	}
	mean, base, ent, loss := series(r.Updates, func(u UpdateRecord) float64 { return u.RewardMean }),
		series(r.Updates, func(u UpdateRecord) float64 { return u.Baseline }),
		series(r.Updates, func(u UpdateRecord) float64 { return u.Entropy }),
		series(r.Updates, func(u UpdateRecord) float64 { return u.Loss })
	var b bytes.Buffer
	level := func(y float64) []float64 { // a horizontal reference line over the updates
		return []float64{y, y}
	}
	ends := []float64{0, float64(len(r.Updates))}
	chart(&b, plot.Chart{Title: "Children's validation accuracy (the reward)", XLabel: "controller update", YLabel: "reward", YMin: 0, YMax: 1},
		plot.Series{Name: "child", X: xs, Y: r.Rewards, Style: plot.Points},
		plot.Series{Name: "batch mean", Y: mean, Style: plot.LinesPoints},
		plot.Series{Name: "baseline", Y: base},
		plot.Series{Name: "chance (10 classes)", X: ends, Y: level(nas.ChanceAccuracy(10))})
	entropyChart := plot.Chart{Title: "Controller entropy", XLabel: "controller update", YLabel: "mean Σ_t H_t (nats)"}
	entropySeries := []plot.Series{{Name: "entropy", Y: ent, Style: plot.LinesPoints}}
	if space, err := r.Config.Space(); err == nil {
		u := nas.UniformEntropy(space)
		entropyChart.YMax = 1.05 * max(u, slices.Max(ent))
		entropySeries = append(entropySeries, plot.Series{Name: "uniform policy", X: ends, Y: level(u)})
	}
	chart(&b, entropyChart, entropySeries...)
	chart(&b, plot.Chart{Title: "Controller loss", XLabel: "controller update", YLabel: "surrogate loss"},
		plot.Series{Name: "loss", Y: loss, Style: plot.LinesPoints})
	return b.String()
}

func series(us []UpdateRecord, f func(UpdateRecord) float64) []float64 {
	out := make([]float64, len(us))
	for i, u := range us {
		out[i] = f(u)
	}
	return out
}

// chart writes one inline SVG chart, or a note naming why it could not be drawn.
func chart(b *bytes.Buffer, c plot.Chart, s ...plot.Series) {
	svg, err := c.SVG(s...)
	if err != nil {
		fmt.Fprintf(b, "<p>(%s: %s)</p>\n", html.EscapeString(c.Title), html.EscapeString(err.Error()))
		return
	}
	b.WriteString("<div>" + svg + "</div>\n")
}

// TransferBudget describes how the best cell and every random cell are retrained:
// the transfer network's size and its training.
func TransferBudget(cfg *Config) string {
	tc := cfg.Transfer
	return fmt.Sprintf("transfer network B = %d, N = %d, C = %d, %d epochs on %s training images, batch %d, cosine learning rate %g to %g, tested on %s test images",
		tc.Child.Blocks, tc.Child.CellsPerStage, tc.Child.Filters, tc.Train.Epochs, sizeText(tc.TrainSize), tc.Train.BatchSize,
		tc.Train.LRMax, tc.Train.LRMin, sizeText(tc.TestSize))
}

func sizeText(n int) string {
	if n == 0 {
		return "all"
	}
	return fmt.Sprint(n)
}
