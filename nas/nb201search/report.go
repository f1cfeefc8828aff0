package nb201search

import (
	"bytes"
	"encoding/json"
	"fmt"
	"html"
	"path/filepath"
	"strings"

	"github.com/gonas/gonas/cells"
	"github.com/gonas/gonas/nas/checkpoint"
	"github.com/gonas/gonas/nas/plot"
)

// writeOutputs writes result.json and report.html.
func (s *Search) writeOutputs(res *Result) error {
	blob, err := json.MarshalIndent(res, "", "  ")
	if err != nil {
		return err
	}
	if err := checkpoint.WriteFileAtomic(filepath.Join(s.opts.Out, "result.json"), append(blob, '\n')); err != nil {
		return err
	}
	all, err := tableTest(s.table)
	if err != nil {
		return err
	}
	page, err := Report(res, s.history, all)
	if err != nil {
		return err
	}
	return checkpoint.WriteFileAtomic(filepath.Join(s.opts.Out, "report.html"), page)
}

// Report renders report.html: the verdict, the pick drawn, the pick and the
// control's picks on the histogram of the table's cifar10-test accuracies (all,
// the cells' accuracies), the rank agreement and the training curves per epoch.
func Report(res *Result, history []EpochRecord, all []float64) ([]byte, error) {
	var b bytes.Buffer
	esc := html.EscapeString
	cfg := res.Config
	fmt.Fprintf(&b, "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>NB201 %s search</title>\n", esc(res.Strategy))
	b.WriteString("<style>body{font-family:sans-serif;max-width:1000px;margin:2em auto}table{border-collapse:collapse}" +
		"td,th{border:1px solid #ccc;padding:4px 8px;text-align:left}.verdict{font-size:1.1em;background:#eef;padding:8px}</style></head><body>\n")
	kind := "weight-sharing search"
	if res.Strategy == "zero-cost" {
		kind = "search with zero-cost proxies"
	}
	fmt.Fprintf(&b, "<h1>NAS-Bench-201 %s: %s (preset %s, seed %d)</h1>\n", kind, esc(res.Strategy), esc(res.Preset), res.Seed)
	fmt.Fprintf(&b, "<p class=\"verdict\">%s</p>\n", esc(res.Verdict))
	if res.Strategy == "zero-cost" {
		fmt.Fprintf(&b, "<p>No supernet is trained: every cell is the benchmark's network (C = 16, N = 5) at initialisation, scored by %s on %d training images; "+
			"its score is the sum over the proxies of the fraction of the %d reference cells (the rank set) scoring below it.%s The reference cells were scored before the times below.</p>\n",
			esc(proxyNames(cfg)), cfg.ProxyBatch(), cfg.RankCells, esc(thenByText(cfg)))
	}
	if res.Strategy != "zero-cost" {
		by := cfg.ScoreBy
		if by == "" {
			by = ScoreByAccuracy
		}
		switch by {
		case ScoreByLoss:
			by = "negative mean loss"
		case ScoreByLossAndZeroCost:
			by = "the fraction of the fixed cells with a higher loss, plus the zero-cost proxies' fractions over their number,"
		}
		fmt.Fprintf(&b, "<p>Supernet C = %d, N = %d, %d epochs × %d steps of batch %d; score: %s on %d fixed validation images.</p>\n",
			cfg.Channels, cfg.CellsPerStage, cfg.Epochs, cfg.StepsPerEpoch, cfg.BatchSize, by, cfg.ScoreImages)
	}
	fmt.Fprintf(&b, "<p>%.0f s in all (%.0f s searching, %.0f s picking, %.0f s for the control); %s.</p>\n",
		res.Seconds, res.SearchSeconds, res.PickSeconds, res.ControlSeconds, esc(res.Date))

	b.WriteString("<h2>Pick and control</h2>\n<table><tr><th></th><th>arch</th><th>score</th><th>cifar10-val</th><th>cifar10-test</th><th>rank</th><th>top %</th></tr>\n")
	row := func(name string, j Judged) {
		fmt.Fprintf(&b, "<tr><td>%s</td><td><code>%s</code></td><td>%.4f</td><td>%.2f</td><td>%.2f</td><td>%d/%d</td><td>%.1f</td></tr>\n",
			esc(name), esc(j.Arch), j.Score, j.Table["cifar10-val"], j.Table["cifar10-test"], j.Rank, j.Cells, j.Percentile)
	}
	row(res.Strategy+" pick", res.Pick)
	for i, p := range res.Control.Picks {
		row(fmt.Sprintf("random control %d", i+1), p)
	}
	b.WriteString("</table>\n")
	space := cells.NewNB201()
	if a, err := space.Parse(res.Arch); err == nil {
		if svg, err := space.SVG(a); err == nil {
			b.WriteString("<h3>The pick</h3>\n" + stripXMLHeader(svg))
		}
	}

	hist, err := plot.HistogramSeries("all 15,625 cells", all, 60, 0, 0)
	if err != nil {
		return nil, err
	}
	top := 0.0
	for _, y := range hist.Y {
		top = max(top, y)
	}
	series := []plot.Series{hist}
	var cx, cy []float64
	for i, p := range res.Control.Picks {
		cx, cy = append(cx, p.Table["cifar10-test"]), append(cy, top*(0.35+0.08*float64(i%5)))
	}
	if len(cx) > 0 {
		series = append(series, plot.Series{Name: "random control picks", X: cx, Y: cy, Style: plot.Points, Radius: 6, Color: "#d55e00"})
	}
	series = append(series, plot.Series{Name: res.Strategy + " pick", X: []float64{res.Pick.Table["cifar10-test"]}, Y: []float64{top * 0.8},
		Style: plot.Points, Radius: 8, Color: "#009e73"})
	writeChart(&b, plot.Chart{Title: "The pick among the table's cells", XLabel: "cifar10-test accuracy (%), 12-epoch table", YLabel: "density"}, series...)

	b.WriteString("<h2>Search</h2>\n")
	var tauV, tauT, rhoT, loss, acc, ent, rew []float64
	shares := make([][]float64, numOps)
	for _, r := range history {
		tauV, tauT, rhoT = append(tauV, r.TauVal), append(tauT, r.TauTest), append(rhoT, r.RhoTest)
		loss, acc = append(loss, r.TrainLoss), append(acc, r.TrainAcc)
		ent, rew = append(ent, r.Entropy), append(rew, r.RewardMean)
		for k := range shares {
			v := 0.0
			if k < len(r.OpShares) {
				v = r.OpShares[k]
			}
			shares[k] = append(shares[k], v)
		}
	}
	n := 0
	if len(history) > 0 {
		n = history[0].RankCells
	}
	writeChart(&b, plot.Chart{Title: fmt.Sprintf("Rank agreement of the shared-weight score with the table (%d fixed cells)", n), XLabel: "epoch", YLabel: "correlation"},
		plot.Series{Name: "Kendall τ (cifar10-val)", Y: tauV, Style: plot.LinesPoints},
		plot.Series{Name: "Kendall τ (cifar10-test)", Y: tauT, Style: plot.LinesPoints},
		plot.Series{Name: "Spearman ρ (cifar10-test)", Y: rhoT, Style: plot.LinesPoints})
	if len(res.Final.Cells) > 0 {
		var x, y []float64
		for _, c := range res.Final.Cells {
			x, y = append(x, c.Val), append(y, c.Score)
		}
		writeChart(&b, plot.Chart{Title: fmt.Sprintf("The %d fixed cells after the last epoch (τ %.2f against cifar10-val)", len(x), res.Final.TauVal),
			XLabel: "cifar10-val accuracy (%), 12-epoch table", YLabel: "score"},
			plot.Series{Name: "one fixed cell", X: x, Y: y, Style: plot.Points, Radius: 3})
	}
	writeChart(&b, plot.Chart{Title: "Supernet training", XLabel: "epoch", YLabel: "mean over the epoch's steps"},
		plot.Series{Name: "loss", Y: loss, Style: plot.LinesPoints}, plot.Series{Name: "accuracy", Y: acc, Style: plot.LinesPoints})
	var op []plot.Series
	for k, name := range cells.NB201Ops {
		op = append(op, plot.Series{Name: name, Y: shares[k], Style: plot.LinesPoints})
	}
	writeChart(&b, plot.Chart{Title: "Ops of the trained paths (a collapse to skip/none shows here)", XLabel: "epoch", YLabel: "share of edges", YMin: 0, YMax: 1}, op...)
	if res.Strategy == "enas" {
		writeChart(&b, plot.Chart{Title: "Controller (0 during the warm-up)", XLabel: "epoch", YLabel: "nats / reward"},
			plot.Series{Name: "entropy (nats; uniform 9.66)", Y: ent, Style: plot.LinesPoints})
		writeChart(&b, plot.Chart{Title: "Controller reward", XLabel: "epoch", YLabel: "validation minibatch accuracy"},
			plot.Series{Name: "mean reward", Y: rew, Style: plot.LinesPoints})
	}
	b.WriteString("</body></html>\n")
	return b.Bytes(), nil
}

// writeChart writes an inline SVG chart, or a note when it cannot be drawn.
func writeChart(b *bytes.Buffer, c plot.Chart, series ...plot.Series) {
	svg, err := c.SVG(series...)
	if err != nil {
		fmt.Fprintf(b, "<p>(%s: %s)</p>\n", html.EscapeString(c.Title), html.EscapeString(err.Error()))
		return
	}
	b.WriteString("<div>" + stripXMLHeader(svg) + "</div>\n")
}

func stripXMLHeader(svg string) string {
	if strings.HasPrefix(svg, "<?xml") {
		if i := strings.Index(svg, "?>"); i >= 0 {
			return svg[i+2:]
		}
	}
	return svg
}

// proxyNames lists the zero-cost proxies of cfg ("naswot and synflow").
func proxyNames(cfg Config) string {
	ps, err := cfg.ZeroCostProxies()
	if err != nil {
		return cfg.Proxies
	}
	names := make([]string, len(ps))
	for i, p := range ps {
		names[i] = string(p)
	}
	if len(names) == 1 {
		return names[0]
	}
	return strings.Join(names[:len(names)-1], ", ") + " and " + names[len(names)-1]
}

// thenByText says how Config.ThenBy reorders the top of the score, or "".
func thenByText(cfg Config) string {
	if cfg.ThenBy == "" {
		return ""
	}
	top := cfg.ThenTop
	if top == 0 {
		top = 0.1
	}
	return fmt.Sprintf(" The cells in the top %g%% of the reference cells' scores are then ordered by %s (a leading \"-\" reverses a proxy), above all others.", 100*top, cfg.ThenBy)
}
