package nas

import (
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// measuredSearch is a valid file: BENCHMARKS.md's scaled ENAS RNN run, cut short.
const measuredSearch = `{"about": "test", "source": {"file": "BENCHMARKS.md", "from": "**Scaled ENAS RNN cell on PTB**"},
  "command": "go run ./cmd/gonas search --space enas-rnn --preset scaled", "date": "2026-11-26", "machine": "2 vCPUs",
  "space": "enas-rnn", "data": "ptb", "preset": "scaled", "seed": 1, "search_seconds": 1101, "wall": "81 min",
  "series": [
    {"name": "validation perplexity", "row": "validation perplexity of sampled cells (shared weights)", "x_label": "epoch", "x": [1, 2, 3], "y": [1415, 970, 900]},
    {"name": "reward", "x_label": "epoch", "x": [1, 3], "y": [0.063, 0.09]},
    {"name": "entropy", "x_label": "controller update", "x": [1, 100], "y": [19.6155, 19.6154]}],
  "pick": {"arch": "3 0 0 0 2 1 2 0 0 1 0 2 0 1 2", "reward": 0.1004, "picked": "the best of 20"},
  "result": {"pick": "derived cell", "metric": "test perplexity", "percent": false, "lower_is_better": true, "value": 244.35,
    "parameters": "2.72 M", "control": [236.9, 235.8, 240.2], "control_mean": 237.7, "control_std": 2.3, "control_k": 3,
    "paper": {"name": "The paper [1]", "value": "55.8", "parameters": "24 M"}}}`

func writeMeasuredSearch(t *testing.T, doc string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "run.json")
	if err := os.WriteFile(path, []byte(doc), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestReadMeasuredSearch(t *testing.T) {
	m, err := ReadMeasuredSearch(writeMeasuredSearch(t, measuredSearch))
	if err != nil {
		t.Fatal(err)
	}
	if m.Space != "enas-rnn" || m.Seed != 1 || len(m.Series) != 3 || m.Pick.Reward != 0.1004 || m.Result.Value != 244.35 || len(m.Result.Control) != 3 {
		t.Errorf("read %+v", m)
	}
	s, err := m.SeriesNamed("reward")
	if err != nil || !slices.Equal(s.X, []float64{1, 3}) || !slices.Equal(s.Y, []float64{0.063, 0.09}) {
		t.Errorf("SeriesNamed(reward) = %+v, %v", s, err)
	}
	if _, err := m.SeriesNamed("loss"); err == nil || !strings.Contains(err.Error(), `"reward"`) {
		t.Errorf("SeriesNamed(loss): %v, want an error listing the series", err)
	}

	// One column per x of the series of that x label; blank where a series has none;
	// a row written to the decimals of its most precise value.
	header, rows := m.SeriesTable("epoch")
	if !slices.Equal(header, []string{"epoch", "1", "2", "3"}) || len(rows) != 2 ||
		!slices.Equal(rows[0], []string{"validation perplexity", "1415", "970", "900"}) || !slices.Equal(rows[1], []string{"reward", "0.063", "", "0.090"}) {
		t.Errorf("SeriesTable(epoch) = %q, %q", header, rows)
	}
	if header, rows := m.SeriesTable("controller update"); !slices.Equal(header, []string{"controller update", "1", "100"}) || len(rows) != 1 {
		t.Errorf("SeriesTable(controller update) = %q, %q", header, rows)
	}

	if v := m.Comparison().Verdict(); !strings.Contains(v, "derived cell 244.35 test perplexity vs random control 237.63 ± 2.29 (K=3): 6.7 above the control (worse)") {
		t.Errorf("verdict %q", v)
	}
	header, rows = m.ResultTable()
	if len(header) != 4 || len(rows) != 6 || rows[0][1] != "244.35" || rows[3][1] != "240.2" || rows[4][1] != "237.7 ± 2.3" || rows[5][1] != "55.8" {
		t.Errorf("ResultTable = %q, %q", header, rows)
	}
}

func TestMeasuredSearchInPercentComparesFractions(t *testing.T) {
	doc := strings.NewReplacer(`"metric": "test perplexity", "percent": false, "lower_is_better": true, "value": 244.35`, `"metric": "test accuracy", "percent": true, "value": 48.26`,
		`"control": [236.9, 235.8, 240.2], "control_mean": 237.7, "control_std": 2.3`, `"control": [48.2, 44.0, 47.57], "control_mean": 46.59, "control_std": 2.24`).Replace(measuredSearch)
	m, err := ReadMeasuredSearch(writeMeasuredSearch(t, doc))
	if err != nil {
		t.Fatal(err)
	}
	c := m.Comparison()
	if !near(c.Value, 0.4826) || c.ControlK != 3 || len(c.Control) != 3 || !near(c.Control[0], 0.482) || !near(c.Control[2], 0.4757) {
		t.Errorf("comparison %+v", c)
	}
	// The kept results win over the printed summary.
	if v := c.Verdict(); !strings.Contains(v, "48.26% test accuracy vs random control 46.59 ± 2.27% (K=3): 1.7 points above the control's mean, within its spread") {
		t.Errorf("verdict %q", v)
	}
	if _, rows := m.ResultTable(); rows[0][1] != "48.26 %" || rows[1][1] != "48.20 %" || rows[2][1] != "44.00 %" || rows[4][1] != "46.59 ± 2.24 %" {
		t.Errorf("ResultTable rows %q", rows)
	}
	// A control kept as mean ± std only.
	m.Result.Control = nil
	c = m.Comparison()
	if c.Control != nil || !near(c.ControlMean, 0.4659) || !near(c.ControlStd, 0.0224) {
		t.Errorf("comparison of a summary %+v", c)
	}
	if v := c.Verdict(); !strings.Contains(v, "vs random control 46.59 ± 2.24% (K=3)") {
		t.Errorf("verdict of a summary %q", v)
	}
	if _, rows := m.ResultTable(); len(rows) != 3 || rows[1][1] != "46.59 ± 2.24 %" {
		t.Errorf("ResultTable rows of a summary %q", rows)
	}
}

func near(a, b float64) bool { return math.Abs(a-b) < 1e-12 }

func TestReadMeasuredSearchRefusesWhatNoSearchMeasured(t *testing.T) {
	for _, b := range []struct{ from, to, want string }{
		{`"from": "**Scaled ENAS RNN cell on PTB**"`, `"from": ""`, "source"},
		{`"date": "2026-11-26"`, `"date": ""`, "command and date"},
		{`"seed": 1`, `"seed": 0`, "seed 0"},
		{`"x": [1, 2, 3], "y": [1415, 970, 900]`, `"x": [1, 2], "y": [1415, 970, 900]`, "2 x and 3 y values"},
		{`"x": [1, 2, 3]`, `"x": [1, 3, 2]`, "x must increase"},
		{`"name": "reward"`, `"name": "entropy"`, "named twice"},
		{`"arch": "3 0 0 0 2 1 2 0 0 1 0 2 0 1 2", `, ``, "neither arch nor drawing"},
		{`"value": 244.35`, `"value": -1`, "out of range"},
		{`"control": [236.9, 235.8, 240.2]`, `"control": [236.9, 235.8, 250.2]`, "the summary says"},
		{`"control_k": 3`, `"control_k": 2`, "the summary says"},
		{`"paper": {"name": "The paper [1]"`, `"paper": {"name": ""`, "paper"},
		{`"picked": "the best of 20"`, `"picked": ""`, "what picked it"},
	} {
		doc := strings.Replace(measuredSearch, b.from, b.to, 1)
		if doc == measuredSearch {
			t.Fatalf("%q is not in the file", b.from)
		}
		if _, err := ReadMeasuredSearch(writeMeasuredSearch(t, doc)); err == nil || !strings.Contains(err.Error(), b.want) {
			t.Errorf("%s → %s: error %v, want one containing %q", b.from, b.to, err, b.want)
		}
	}
	if _, err := ReadMeasuredSearch(filepath.Join(t.TempDir(), "missing.json")); err == nil {
		t.Error("a missing file: no error")
	}
}
