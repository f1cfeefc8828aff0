package enas

import (
	"bytes"
	"fmt"
	"html"
	"strings"

	"github.com/gonas/gonas/nas"
	"github.com/gonas/gonas/nas/plot"
)

// Report renders report.html: the run's numbers (the derived architecture's test
// result beside the random control and the paper's), the search curves as inline
// SVG (plot.CurveChart: reward and baseline, entropy, validation accuracy or
// perplexity, training loss), and the derived architecture drawn by its space.
func Report(res *Result, h *History, space nas.Space) ([]byte, error) {
	cfg := res.Config
	var b bytes.Buffer
	esc := html.EscapeString
	fmt.Fprintf(&b, "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>ENAS %s on %s</title>\n", esc(cfg.Space), esc(cfg.Data))
	b.WriteString("<style>body{font-family:sans-serif;max-width:1000px;margin:2em auto}table{border-collapse:collapse}" +
		"td,th{border:1px solid #ccc;padding:4px 8px;text-align:left}pre{background:#f6f6f6;padding:8px;white-space:pre-wrap;overflow-wrap:anywhere}" +
		".verdict{font-size:1.15em;border-left:4px solid #0072b2;padding:6px 12px;background:#eef5fb}</style></head><body>\n")
	fmt.Fprintf(&b, "<h1>ENAS search: %s on %s (preset %s)</h1>\n", esc(cfg.Space), esc(cfg.Data), esc(cfg.Preset))
	if res.Verdict != "" {
		fmt.Fprintf(&b, "<p class=\"verdict\">%s</p>\n", esc(strings.TrimPrefix(res.Verdict, "verdict: ")))
	} else {
		b.WriteString("<p class=\"verdict\">No verdict yet: the derived architecture is not retrained beside the random control.</p>\n")
	}
	fmt.Fprintf(&b, "<p>Retraining budget, the same for the derived and every random architecture: %s.</p>\n", esc(RetrainBudget(&cfg)))
	fmt.Fprintf(&b, "<p>Seed %d, backend %s, %d epochs, search time %.1f s, %s.</p>\n", cfg.Seed, esc(res.Backend),
		len(h.Epochs), res.SearchSeconds, esc(res.Date))

	b.WriteString("<h2>Result</h2>\n<table><tr><th></th><th>test</th><th>parameters</th><th>multiply-adds</th></tr>\n")
	metric := func(r *RetrainResult) string {
		if cfg.Space == "enas-rnn" {
			return fmt.Sprintf("perplexity %.2f", r.TestPerplexity)
		}
		return fmt.Sprintf("accuracy %.2f%%", 100*r.TestAccuracy)
	}
	if r := res.Retrained; r != nil {
		fmt.Fprintf(&b, "<tr><td>derived architecture, retrained</td><td>%s</td><td>%d</td><td>%d</td></tr>\n", metric(r), r.Parameters, r.FLOPs)
	}
	if c := res.Control; c != nil && len(c.Archs) > 0 {
		unit, scale := "perplexity", 1.0
		if cfg.Space != "enas-rnn" {
			unit, scale = "accuracy", 100
		}
		fmt.Fprintf(&b, "<tr><td>random control (K = %d, same budget)</td><td>%s %.2f ± %.2f</td><td></td><td></td></tr>\n",
			len(c.Archs), unit, scale*c.Mean, scale*c.Std)
		for i, r := range c.Archs {
			fmt.Fprintf(&b, "<tr><td>&nbsp;&nbsp;random architecture %d</td><td>%s</td><td>%d</td><td>%d</td></tr>\n", i+1, metric(r), r.Parameters, r.FLOPs)
		}
	}
	if p := res.Paper; p != nil {
		fmt.Fprintf(&b, "<tr><td>paper (%s)</td><td>%g</td><td>%s</td><td></td></tr>\n", esc(p.Source), p.Value, esc(p.Params))
	}
	b.WriteString("</table>\n")
	if res.Retrained == nil {
		b.WriteString("<p>Not retrained yet.</p>\n")
	}

	b.WriteString("<h2>Search</h2>\n")
	var charts []string
	if len(h.Updates) > 0 {
		reward, baseline, entropy := make([]float64, len(h.Updates)), make([]float64, len(h.Updates)), make([]float64, len(h.Updates))
		for i, u := range h.Updates {
			reward[i], baseline[i], entropy[i] = u.RewardMean, u.Baseline, u.Entropy
		}
		charts = append(charts,
			chart(plot.CurveChart{Title: "Controller reward", XLabel: "controller update", YLabel: "reward"},
				plot.CurveSeries{Name: "mean reward", Y: reward}, plot.CurveSeries{Name: "baseline", Y: baseline}),
			chart(plot.CurveChart{Title: "Controller entropy", XLabel: "controller update", YLabel: "Σ_t H_t (nats)", Include: []float64{0},
				Refs: []plot.CurveRef{{Name: "uniform policy", Y: nas.UniformEntropy(space)}}},
				plot.CurveSeries{Name: "entropy", Y: entropy}))
	}
	if len(h.Epochs) > 0 {
		valid, loss := make([]float64, len(h.Epochs)), make([]float64, len(h.Epochs))
		for i, e := range h.Epochs {
			valid[i], loss[i] = e.ValidAcc, e.TrainLoss
			if cfg.Space == "enas-rnn" {
				valid[i] = e.ValidPPL
			}
		}
		name := "validation accuracy (sampled architectures, shared weights)"
		if cfg.Space == "enas-rnn" {
			name = "validation perplexity (sampled cells, shared weights)"
		}
		validChart := plot.CurveChart{Title: "Validation", XLabel: "epoch", YLabel: name}
		if cfg.Space != "enas-rnn" {
			validChart.Refs = []plot.CurveRef{{Name: "chance (10 classes)", Y: nas.ChanceAccuracy(10)}}
		}
		charts = append(charts,
			chart(validChart, plot.CurveSeries{Name: "valid", Y: valid}),
			chart(plot.CurveChart{Title: "Child training loss", XLabel: "epoch", YLabel: "loss"}, plot.CurveSeries{Name: "train loss", Y: loss}))
	}
	for _, c := range charts {
		b.WriteString(c)
	}
	if len(h.Skips) > 0 {
		fmt.Fprintf(&b, "<p>%d child steps were skipped for a non-finite loss (see history.jsonl).</p>\n", len(h.Skips))
	}

	if res.Derived != nil {
		b.WriteString("<h2>Derived architecture</h2>\n")
		fmt.Fprintf(&b, "<p>Best of %d sampled architectures, mean validation reward %.4f with the shared weights.</p>\n",
			len(res.Derived.Candidates), res.Derived.Reward)
		b.WriteString(plot.Listing(res.Best))
		if d, ok := space.(nas.Drawer); ok {
			if svg, err := d.SVG(res.Derived.Arch); err == nil {
				b.WriteString(stripXMLHeader(svg))
			}
		}
	}
	b.WriteString("</body></html>\n")
	return b.Bytes(), nil
}

// RetrainBudget describes how every architecture of a run is retrained: the
// network's size, epochs (steps for enas-rnn), batch, learning rate and
// regularisation.
func RetrainBudget(cfg *Config) string {
	r := cfg.Retrain
	if cfg.Space == "enas-rnn" {
		return fmt.Sprintf("%d hidden units, %d steps of batch %d, learning rate %g, gradient clip %g", r.Hidden, r.Steps, r.BatchSize, r.LRMax, r.ClipNorm)
	}
	size := fmt.Sprintf("C = %d", r.Filters)
	if cfg.Space == "enas-micro" {
		size = fmt.Sprintf("C = %d, N = %d", r.Filters, r.CellsPerStage)
	}
	train := fmt.Sprintf("%s training images", sizeText(cfg.TrainSize))
	return fmt.Sprintf("%s, %d epochs on %s, batch %d, cosine learning rate %g to %g, tested on %s test images",
		size, r.Epochs, train, r.BatchSize, r.LRMax, r.LRMin, sizeText(cfg.TestSize))
}

func sizeText(n int) string {
	if n == 0 {
		return "all"
	}
	return fmt.Sprint(n)
}

// chart renders one inline SVG chart, or a note when it has nothing to draw.
func chart(c plot.CurveChart, series ...plot.CurveSeries) string {
	var b strings.Builder
	if err := c.WriteSVG(&b, series); err != nil {
		return "<p>(" + html.EscapeString(c.Title) + ": " + html.EscapeString(err.Error()) + ")</p>\n"
	}
	return "<div>" + b.String() + "</div>\n"
}

func stripXMLHeader(svg string) string {
	if strings.HasPrefix(svg, "<?xml") {
		if i := strings.Index(svg, "?>"); i >= 0 {
			return svg[i+2:]
		}
	}
	return svg
}
