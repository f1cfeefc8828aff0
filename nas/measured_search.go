package nas

import (
	"encoding/json"
	"math"
	"os"
	"strconv"

	"github.com/pkg/errors"
)

// MeasuredSearch is a finished long search (hours on 2 cores) kept as a small
// file, its numbers typed in from the report that measured it (BENCHMARKS.md), so
// that a notebook or a reader sees the run without running it. It keeps what the
// report gives and no more: curves per epoch or per controller update, the picked
// architecture, and the pick beside its random control.
type MeasuredSearch struct {
	About string `json:"about"`
	// Source is where the numbers are typed from.
	Source MeasuredSource `json:"source"`
	// Command ran the search; Date says when (UTC), Machine on what and beside what.
	Command string `json:"command"`
	Date    string `json:"date"`
	Machine string `json:"machine"`
	// The search: its space, data set, preset and seed.
	Space  string `json:"space"`
	Data   string `json:"data"`
	Preset string `json:"preset"`
	Seed   uint64 `json:"seed"`
	// SearchSeconds is the search phase's wall time (0: not reported); Wall the
	// whole command's, as the report writes it ("2 h 02 min", "22:13–23:34 UTC").
	SearchSeconds float64 `json:"search_seconds"`
	Wall          string  `json:"wall"`
	// Series are the search's curves, each named once.
	Series []MeasuredSeries `json:"series"`
	// Pick is the architecture the search picked, and Result its retrained
	// result beside the random control's.
	Pick   MeasuredPick       `json:"pick"`
	Result MeasuredComparison `json:"result"`
}

// MeasuredSource is where a MeasuredSearch's numbers come from: a part of a file
// of the repository, from the line that starts with From to the next heading or
// the next paragraph that starts in bold.
type MeasuredSource struct {
	File string `json:"file"` // relative to the repository root, e.g. "BENCHMARKS.md"
	From string `json:"from"` // the start of the part's first line, e.g. "**Scaled ENAS micro on CIFAR-10**"
}

// MeasuredSeries is one curve of a search: Y at each X.
type MeasuredSeries struct {
	Name string `json:"name"`
	// Row is the label of the report's table row the values are typed from (the
	// table's header holds X); empty when they are typed from the report's text.
	Row    string    `json:"row,omitempty"`
	XLabel string    `json:"x_label"` // "epoch", "controller update"
	X      []float64 `json:"x"`
	Y      []float64 `json:"y"`
}

// MeasuredPick is the picked architecture as the report gives it.
type MeasuredPick struct {
	// Arch is the architecture in its space's text format (an ENAS integer
	// string, ...); empty when the report only draws it (Drawing).
	Arch string `json:"arch,omitempty"`
	// Drawing is an SVG file of the repository that draws it (empty: none).
	Drawing string `json:"drawing,omitempty"`
	// Reward is the reward that picked it, as Picked says (e.g. "validation
	// accuracy with the shared weights on 2 minibatches").
	Reward float64 `json:"reward"`
	Picked string  `json:"picked"`
}

// MeasuredComparison is the pick retrained from scratch beside the random
// control, as the report prints it. Values are in the report's units: percent
// when Percent, else the metric's own (perplexity).
type MeasuredComparison struct {
	Pick    string  `json:"pick"`   // e.g. "derived cell"
	Metric  string  `json:"metric"` // e.g. "test accuracy"
	Percent bool    `json:"percent"`
	Lower   bool    `json:"lower_is_better"`
	Value   float64 `json:"value"`
	// Parameters and MultiplyAdds of the pick, as the report writes them
	// ("90,972", "2.72 M"; empty: not reported).
	Parameters   string `json:"parameters,omitempty"`
	MultiplyAdds string `json:"multiply_adds,omitempty"`
	// Control holds each random architecture's result where the report gives
	// them; ControlMean, ControlStd (sample standard deviation) and ControlK are
	// the summary it prints.
	Control           []float64 `json:"control,omitempty"`
	ControlMean       float64   `json:"control_mean"`
	ControlStd        float64   `json:"control_std"`
	ControlK          int       `json:"control_k"`
	ControlParameters string    `json:"control_parameters,omitempty"`
	// Paper is the published number, for scale only.
	Paper MeasuredPaper `json:"paper"`
}

// MeasuredPaper is a published result, as the report quotes it.
type MeasuredPaper struct {
	Name       string `json:"name"`
	Value      string `json:"value"`
	Parameters string `json:"parameters,omitempty"`
}

// ReadMeasuredSearch reads a MeasuredSearch file and checks it (Validate).
func ReadMeasuredSearch(path string) (*MeasuredSearch, error) {
	blob, err := os.ReadFile(path)
	if err != nil {
		return nil, errors.Wrap(err, "measured search")
	}
	var m MeasuredSearch
	if err := json.Unmarshal(blob, &m); err != nil {
		return nil, errors.Wrapf(err, "measured search %s", path)
	}
	if err := m.Validate(); err != nil {
		return nil, errors.WithMessagef(err, "measured search %s", path)
	}
	return &m, nil
}

// controlTolerance is how far the mean and standard deviation of the kept
// control results may be from the printed summary: the report rounds both (to
// one decimal of perplexity, two of a percentage).
const controlTolerance = 0.1

// Validate reports the first thing that a search cannot have measured: a missing
// source, command, date, space, data set or preset; a series without a name or
// points, with X not increasing, a value not finite, or named twice; a pick
// neither written nor drawn; a result without a metric, a percentage outside
// [0, 100], a perplexity not positive, or a control whose results do not have
// its printed mean ± std and size.
func (m *MeasuredSearch) Validate() error {
	switch {
	case m.Source.File == "" || m.Source.From == "":
		return errors.New("source: file and from must be given")
	case m.Command == "" || m.Date == "":
		return errors.New("command and date must be given")
	case m.Space == "" || m.Data == "" || m.Preset == "" || m.Seed < 1:
		return errors.Errorf("space %q, data %q, preset %q and seed %d must be given", m.Space, m.Data, m.Preset, m.Seed)
	case !finite(m.SearchSeconds) || m.SearchSeconds < 0:
		return errors.Errorf("search seconds %v", m.SearchSeconds)
	case len(m.Series) == 0:
		return errors.New("no series")
	}
	names := map[string]bool{}
	for i, s := range m.Series {
		if s.Name == "" || s.XLabel == "" {
			return errors.Errorf("series %d: name and x label must be given", i+1)
		}
		if names[s.Name] {
			return errors.Errorf("series %q is named twice", s.Name)
		}
		names[s.Name] = true
		if len(s.X) == 0 || len(s.X) != len(s.Y) {
			return errors.Errorf("series %q: %d x and %d y values (want as many, at least one)", s.Name, len(s.X), len(s.Y))
		}
		for j := range s.X {
			if !finite(s.X[j]) || !finite(s.Y[j]) {
				return errors.Errorf("series %q: point %d (%v, %v) is not finite", s.Name, j+1, s.X[j], s.Y[j])
			}
			if j > 0 && s.X[j] <= s.X[j-1] {
				return errors.Errorf("series %q: x %v after %v (x must increase)", s.Name, s.X[j], s.X[j-1])
			}
		}
	}
	if m.Pick.Arch == "" && m.Pick.Drawing == "" {
		return errors.New("pick: neither arch nor drawing given")
	}
	if m.Pick.Picked == "" || !finite(m.Pick.Reward) {
		return errors.Errorf("pick: reward %v and what picked it (%q) must be given", m.Pick.Reward, m.Pick.Picked)
	}
	return m.Result.validate()
}

func (r *MeasuredComparison) validate() error {
	if r.Pick == "" || r.Metric == "" {
		return errors.New("result: pick and metric must be given")
	}
	ok := func(v float64) bool {
		if r.Percent {
			return v >= 0 && v <= 100
		}
		return finite(v) && v > 0
	}
	values := append([]float64{r.Value}, r.Control...)
	if r.ControlK > 0 {
		values = append(values, r.ControlMean)
	}
	for _, v := range values {
		if !ok(v) {
			return errors.Errorf("result: %s %v out of range (percent: %t)", r.Metric, v, r.Percent)
		}
	}
	if r.ControlK < 0 || r.ControlStd < 0 || !finite(r.ControlStd) {
		return errors.Errorf("result: control K %d and std %v must not be negative", r.ControlK, r.ControlStd)
	}
	if len(r.Control) > 0 {
		mean, std := MeanStd(r.Control)
		if len(r.Control) != r.ControlK || math.Abs(mean-r.ControlMean) > controlTolerance || math.Abs(std-r.ControlStd) > controlTolerance {
			return errors.Errorf("result: the control's %d results have mean %.3f ± %.3f, the summary says %v ± %v (K = %d)",
				len(r.Control), mean, std, r.ControlMean, r.ControlStd, r.ControlK)
		}
	}
	if r.Paper.Name == "" || r.Paper.Value == "" {
		return errors.New("result: the paper's name and value must be given")
	}
	return nil
}

// SeriesNamed returns the series called name.
func (m *MeasuredSearch) SeriesNamed(name string) (MeasuredSeries, error) {
	for _, s := range m.Series {
		if s.Name == name {
			return s, nil
		}
	}
	var have []string
	for _, s := range m.Series {
		have = append(have, strconv.Quote(s.Name))
	}
	return MeasuredSeries{}, errors.Errorf("measured search: no series %q (have %v)", name, have)
}

// Comparison returns the result as a Comparison (fractions where the report
// gives percentages), whose Verdict says where the pick stands.
func (m *MeasuredSearch) Comparison() Comparison {
	r := m.Result
	unit := 1.0
	if r.Percent {
		unit = 100
	}
	c := Comparison{Pick: r.Pick, Metric: r.Metric, Percent: r.Percent, Lower: r.Lower, Value: r.Value / unit,
		ControlMean: r.ControlMean / unit, ControlStd: r.ControlStd / unit, ControlK: r.ControlK}
	for _, v := range r.Control {
		c.Control = append(c.Control, v/unit)
	}
	return c
}

func finite(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }
