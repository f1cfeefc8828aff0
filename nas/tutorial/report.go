package tutorial

import (
	"fmt"

	"github.com/gonas/gonas/nas/plot"
)

// VarianceTable lays out a variance study as a table: batch size, variance without
// and with the baseline, and their ratio.
func VarianceTable(rows []VarianceRow) (header []string, table [][]string) {
	header = []string{"m", "variance, b = 0", "variance, b = J(θ)", "reduction"}
	for _, r := range rows {
		table = append(table, []string{fmt.Sprint(r.M), fmt.Sprintf("%.2e", r.NoBaseline),
			fmt.Sprintf("%.2e", r.Baseline), fmt.Sprintf("%.0f×", r.NoBaseline/r.Baseline)})
	}
	return header, table
}

// VarianceSeries are the two curves of a variance study against m (draw them on
// log-log axes).
func VarianceSeries(rows []VarianceRow) []plot.Series {
	without := plot.Series{Name: "no baseline", Style: plot.LinesPoints}
	with := plot.Series{Name: "baseline b = J(θ)", Style: plot.LinesPoints}
	for _, r := range rows {
		without.X, without.Y = append(without.X, float64(r.M)), append(without.Y, r.NoBaseline)
		with.X, with.Y = append(with.X, float64(r.M)), append(with.Y, r.Baseline)
	}
	return []plot.Series{without, with}
}
