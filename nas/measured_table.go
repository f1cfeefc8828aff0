package nas

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// The tables of a MeasuredSearch, laid out as the report (BENCHMARKS.md) lays them
// out, its numbers written as they were typed in.

// SeriesTable returns the series whose x label is xLabel as a header and rows, as
// the report's tables lay them out: one column per x value, one row per series
// (blank where a series has no value at that x). A row's values are written with
// as many decimals as the most precise of them was typed with (2.30, 2.17, ...).
func (m *MeasuredSearch) SeriesTable(xLabel string) (header []string, rows [][]string) {
	var xs []float64
	seen := map[float64]bool{}
	for _, s := range m.Series {
		if s.XLabel != xLabel {
			continue
		}
		for _, x := range s.X {
			if !seen[x] {
				seen[x] = true
				xs = append(xs, x)
			}
		}
	}
	slices.Sort(xs)
	header = []string{xLabel}
	for _, x := range xs {
		header = append(header, number(x))
	}
	for _, s := range m.Series {
		if s.XLabel != xLabel {
			continue
		}
		row := make([]string, len(header))
		row[0] = s.Name
		places := 0 // the row's decimal places: the most any of its values was typed with
		for _, y := range s.Y {
			places = max(places, decimals(y))
		}
		for j, x := range s.X {
			k := slices.Index(xs, x)
			row[k+1] = strconv.FormatFloat(s.Y[j], 'f', places, 64)
		}
		rows = append(rows, row)
	}
	return header, rows
}

// ResultTable returns the result as a header and rows: the pick, each kept
// random architecture, the control's mean ± std as the report prints it, and the
// paper's number for scale.
func (m *MeasuredSearch) ResultTable() (header []string, rows [][]string) {
	r := m.Result
	unit, value := "", number
	if r.Percent { // the report writes percentages with two decimals
		unit, value = " %", func(v float64) string { return strconv.FormatFloat(v, 'f', 2, 64) }
	}
	header = []string{"architecture", r.Metric, "parameters", "multiply-adds"}
	rows = append(rows, []string{r.Pick + ", retrained from scratch", value(r.Value) + unit, r.Parameters, r.MultiplyAdds})
	for i, v := range r.Control {
		rows = append(rows, []string{fmt.Sprintf("random architecture %d, same budget", i+1), value(v) + unit, "", ""})
	}
	if r.ControlK > 0 {
		rows = append(rows, []string{fmt.Sprintf("random control, mean ± std (K = %d)", r.ControlK),
			fmt.Sprintf("%s ± %s%s", value(r.ControlMean), value(r.ControlStd), unit), r.ControlParameters, ""})
	}
	rows = append(rows, []string{r.Paper.Name + " (for scale)", r.Paper.Value, r.Paper.Parameters, ""})
	return header, rows
}

// number writes a value as it was typed in (the shortest form that reads back).
func number(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }

// decimals is the number of decimal places of v as it was typed in.
func decimals(v float64) int {
	_, frac, ok := strings.Cut(number(v), ".")
	if !ok {
		return 0
	}
	return len(frac)
}
