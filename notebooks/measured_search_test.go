package notebooks

import (
	"fmt"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/gonas/gonas/cells"
	"github.com/gonas/gonas/nas"
	"github.com/gonas/gonas/nas/enas"
	"github.com/gonas/gonas/nas/multitrial"
)

// measuredSearches are the long searches of BENCHMARKS.md the notebooks show from
// a file (data/NAME), and the notebook that reads each.
var measuredSearches = map[string]string{
	"enas_micro_scaled.json": "05_enas_micro.ipynb",
	"enas_rnn_scaled.json":   "06_enas_rnn.ipynb",
	"nasnet_proxy.json":      "04_nasnet_search.ipynb",
}

// TestMeasuredSearchesMatchBenchmarks checks every number and quoted text of the
// files of measuredSearches against the part of BENCHMARKS.md each names
// (source.from), so the two cannot drift: a series typed from a table row has the
// row's values, and the table's header its x values; every other number (the
// pick's reward, the result, each control result, its mean ± std, the search's
// seconds) is a number of the part, and every text (command, date, wall time,
// architecture, drawing, parameters, the paper's figures) is in it word for word.
// It also checks that the command runs the file's space and preset, that the
// preset reads the file's data set, that the architecture is one of the preset's
// space, that a drawing named exists, and that the notebook reads the file.
func TestMeasuredSearchesMatchBenchmarks(t *testing.T) {
	root, err := RepoRoot(".")
	if err != nil {
		t.Fatal(err)
	}
	for file, notebook := range measuredSearches {
		t.Run(strings.TrimSuffix(file, ".json"), func(t *testing.T) {
			m, err := nas.ReadMeasuredSearch(filepath.Join("data", file))
			if err != nil {
				t.Fatal(err)
			}
			blob, err := os.ReadFile(filepath.Join(root, m.Source.File))
			if err != nil {
				t.Fatal(err)
			}
			part, err := reportPart(string(blob), m.Source.From)
			if err != nil {
				t.Fatal(err)
			}
			numbers := numbersOf(part)
			for _, s := range m.Series {
				if s.Row == "" {
					for _, y := range s.Y {
						if !numbers[y] {
							t.Errorf("series %q: %v is not a number of the part %q", s.Name, y, m.Source.From)
						}
					}
					continue
				}
				header, row, err := tableRow(part, s.Row)
				if err != nil {
					t.Errorf("series %q: %v", s.Name, err)
					continue
				}
				if !sameNumbers(header, s.X) || !sameNumbers(row, s.Y) {
					t.Errorf("series %q: x %v, y %v; the table row %q has x %q, y %q", s.Name, s.X, s.Y, s.Row, header, row)
				}
			}
			r := m.Result
			values := append([]float64{m.Pick.Reward, r.Value}, r.Control...)
			if r.ControlK > 0 {
				values = append(values, r.ControlMean, r.ControlStd)
			}
			if m.SearchSeconds > 0 {
				values = append(values, m.SearchSeconds)
			}
			for _, v := range values {
				if !numbers[v] {
					t.Errorf("%v is not a number of the part %q", v, m.Source.From)
				}
			}
			for _, text := range []string{m.Command, m.Date, m.Wall, m.Pick.Arch, m.Pick.Drawing, r.Parameters, r.MultiplyAdds,
				r.ControlParameters, r.Paper.Name, r.Paper.Value, r.Paper.Parameters} {
				if text != "" && !strings.Contains(part, text) {
					t.Errorf("%q is not in the part %q", text, m.Source.From)
				}
			}
			for _, flag := range []string{"--space " + m.Space, "--preset " + m.Preset} {
				if !strings.Contains(m.Command+" ", flag+" ") {
					t.Errorf("command %q lacks %q", m.Command, flag)
				}
			}
			checkMeasuredPick(t, m)
			if m.Pick.Drawing != "" {
				if _, err := os.Stat(filepath.Join(root, m.Pick.Drawing)); err != nil {
					t.Errorf("drawing: %v", err)
				}
			}
			nb, err := os.ReadFile(notebook)
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(string(nb), file) {
				t.Errorf("%s does not read data/%s", notebook, file)
			}
		})
	}
}

// checkMeasuredPick checks that the preset reads the file's data set and that the
// architecture is one of the preset's space.
func checkMeasuredPick(t *testing.T, m *nas.MeasuredSearch) {
	t.Helper()
	if m.Space == "nasnet" {
		cfg, err := multitrial.Preset(m.Preset)
		if err != nil {
			t.Fatal(err)
		}
		if cfg.Data != m.Data {
			t.Errorf("preset %s reads %s, the file says %s", m.Preset, cfg.Data, m.Data)
		}
		if m.Pick.Arch != "" {
			space, err := cfg.Space()
			if err != nil {
				t.Fatal(err)
			}
			if _, err := cells.ParseArch(space, m.Pick.Arch); err != nil {
				t.Errorf("pick: %v", err)
			}
		}
		return
	}
	cfg, err := enas.Preset(m.Space, m.Preset)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Data != m.Data {
		t.Errorf("preset %s of %s reads %s, the file says %s", m.Preset, m.Space, cfg.Data, m.Data)
	}
	if _, err := enas.ParseArch(&cfg, nil, m.Pick.Arch); err != nil {
		t.Errorf("pick: %v", err)
	}
}

// reportPart returns the part of a Markdown report from the line that starts
// with from to the next heading or paragraph that starts in bold.
func reportPart(report, from string) (string, error) {
	lines := strings.Split(report, "\n")
	for i, line := range lines {
		if !strings.HasPrefix(line, from) {
			continue
		}
		end := i + 1
		for end < len(lines) && !strings.HasPrefix(lines[end], "#") && !strings.HasPrefix(lines[end], "**") {
			end++
		}
		return strings.Join(lines[i:end], "\n"), nil
	}
	return "", fmt.Errorf("no line starts with %q", from)
}

// tableRow returns the cells of the Markdown table row labelled label (its first
// cell), and the cells of its table's header, both without their first cell.
func tableRow(part, label string) (header, row []string, err error) {
	lines := strings.Split(part, "\n")
	for i, line := range lines {
		cells := tableCells(line)
		if len(cells) == 0 || cells[0] != label {
			continue
		}
		for j := i - 1; j > 0; j-- {
			if strings.HasPrefix(lines[j], "|---") {
				return tableCells(lines[j-1])[1:], cells[1:], nil
			}
		}
		return nil, nil, fmt.Errorf("the row %q has no table header above it", label)
	}
	return nil, nil, fmt.Errorf("no table row %q", label)
}

// tableCells splits a Markdown table line into its trimmed cells (nil: not a
// table line).
func tableCells(line string) []string {
	line = strings.TrimSpace(line)
	if !strings.HasPrefix(line, "|") || !strings.HasSuffix(line, "|") {
		return nil
	}
	cells := strings.Split(line[1:len(line)-1], "|")
	for i := range cells {
		cells[i] = strings.TrimSpace(cells[i])
	}
	return cells
}

// sameNumbers reports whether the cells read as the values (thousands separated
// by commas).
func sameNumbers(cells []string, values []float64) bool {
	if len(cells) != len(values) {
		return false
	}
	for i, c := range cells {
		v, err := strconv.ParseFloat(strings.ReplaceAll(c, ",", ""), 64)
		if err != nil || math.Abs(v-values[i]) > 1e-9 {
			return false
		}
	}
	return true
}

// numberPattern is a number as BENCHMARKS.md writes it: 1,387, 0.266, 70.80.
var numberPattern = regexp.MustCompile(`\d[\d,]*(\.\d+)?`)

// numbersOf returns the set of the numbers written in text.
func numbersOf(text string) map[float64]bool {
	set := map[float64]bool{}
	for _, s := range numberPattern.FindAllString(text, -1) {
		if v, err := strconv.ParseFloat(strings.ReplaceAll(strings.TrimRight(s, ","), ",", ""), 64); err == nil {
			set[v] = true
		}
	}
	return set
}
