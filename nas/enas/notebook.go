package enas

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/gonas/gonas/nas/plot"
	"github.com/pkg/errors"
)

// What the notebooks (notebooks/05_enas_micro, 06_enas_rnn) need beyond the
// search itself: every notebook cell is a fresh program, so a cell opens the
// search again from its checkpoints (Open); and the presets, the history and the
// result as slices and table rows, to plot and show.

// Open starts the search of cfg in opts.Out, or resumes it when opts.Out already
// holds its checkpoints (a finished search resumes as finished: Run returns at
// once, and Derive gives the same architecture again). A checkpoint of another
// configuration is an error, and nothing is written.
func Open(cfg Config, opts Options) (*Search, error) {
	if _, err := os.Stat(filepath.Join(opts.Out, checkpointsDir, "LATEST")); err == nil {
		return Resume(opts, &cfg)
	}
	return New(cfg, opts)
}

// PresetColumns returns the presets of one space side by side, as a header and
// rows (the rows of PresetTable; one column per preset, named by the preset).
func PresetColumns(space string) (header []string, rows [][]string, err error) {
	if len(PresetNames(space)) == 0 {
		return nil, nil, errors.Errorf("enas: no presets for space %q (have %s)", space, strings.Join(PresetSpaces(), ", "))
	}
	allHeader, allRows := plot.ParseMarkdown(PresetTable())
	var keep []int // columns of PresetTable that belong to space
	for j, name := range allHeader {
		if preset, ok := strings.CutPrefix(name, space+" "); ok {
			keep = append(keep, j)
			header = append(header, preset)
		} else if j == 0 {
			keep = append(keep, j)
			header = append(header, name)
		}
	}
	for i, cells := range allRows {
		var row []string
		for _, j := range keep {
			if j >= len(cells) {
				return nil, nil, errors.Errorf("enas: preset table row %d has %d columns, expected more than %d", i+1, len(cells), j)
			}
			row = append(row, cells[j])
		}
		rows = append(rows, row)
	}
	return header, rows, nil
}

// Curves are a search history's numbers as slices, to plot.
type Curves struct {
	// Per controller update: UpdateX places update u of epoch e, of n updates in
	// that epoch, at epoch e − 1 + u/n (a skipped child step's penalty update at
	// e − 1), so that per-update and per-epoch curves share an axis in epochs.
	UpdateX, Reward, Baseline, Entropy []float64
	// Per epoch, at x = 1, 2, ...: the means of the epoch's controller phase (see
	// EpochRecord), the shared-weights validation accuracy (image spaces) or
	// perplexity (enas-rnn), and the child's mean training loss.
	EpochX, EpochReward, EpochBaseline, EpochEntropy, ValidAcc, ValidPPL, TrainLoss []float64
}

// Curves returns the history as slices.
func (h *History) Curves() Curves {
	perEpoch := map[int]int{} // updates per epoch
	for _, u := range h.Updates {
		perEpoch[u.Epoch] = max(perEpoch[u.Epoch], u.Update)
	}
	var c Curves
	for _, u := range h.Updates {
		x := float64(u.Epoch - 1)
		if n := perEpoch[u.Epoch]; n > 0 {
			x += float64(u.Update) / float64(n)
		}
		c.UpdateX = append(c.UpdateX, x)
		c.Reward = append(c.Reward, u.RewardMean)
		c.Baseline = append(c.Baseline, u.Baseline)
		c.Entropy = append(c.Entropy, u.Entropy)
	}
	for _, e := range h.Epochs {
		c.EpochX = append(c.EpochX, float64(e.Epoch))
		c.EpochReward = append(c.EpochReward, e.RewardMean)
		c.EpochBaseline = append(c.EpochBaseline, e.Baseline)
		c.EpochEntropy = append(c.EpochEntropy, e.Entropy)
		c.ValidAcc = append(c.ValidAcc, e.ValidAcc)
		c.ValidPPL = append(c.ValidPPL, e.ValidPPL)
		c.TrainLoss = append(c.TrainLoss, e.TrainLoss)
	}
	return c
}

// benchmarkData is the data set the ENAS paper [1] reports each space on.
func benchmarkData(space string) string {
	if space == "enas-rnn" {
		return "ptb"
	}
	return "cifar10"
}

// PaperNumberOf returns what the ENAS paper [1] reports for a space, on the data
// set it reports it on (CIFAR-10, or PTB for enas-rnn), and that data set's name.
func PaperNumberOf(space string) (PaperNumber, string, error) {
	data := benchmarkData(space)
	p, ok := paperNumbers[space+"/"+data]
	if !ok {
		return PaperNumber{}, "", errors.Errorf("enas: no paper number for space %q", space)
	}
	return p, data, nil
}

// ResultTable returns a finished run's numbers as a header and rows: the derived
// architecture retrained from scratch, each random architecture of the control
// and their mean ± standard deviation, and the paper's number for the space (on
// its own benchmark, after a far longer search and retraining, for scale).
// Accuracies are in percent; enas-rnn reports test perplexity.
func ResultTable(res *Result) (header []string, rows [][]string) {
	cfg := res.Config
	rnn := cfg.Space == "enas-rnn"
	metric := func(v float64) string {
		if rnn {
			return fmt.Sprintf("%.1f", v)
		}
		return fmt.Sprintf("%.2f %%", 100*v)
	}
	line := func(name string, r *RetrainResult) []string {
		return []string{name, cfg.Data, metric(testMetric(&cfg, r)), fmt.Sprint(r.Parameters), fmt.Sprint(r.FLOPs), fmt.Sprintf("%.1f", r.Seconds)}
	}
	header = []string{"architecture", "data", "test accuracy", "parameters", "multiply-adds", "retrain seconds"}
	if rnn {
		header[2], header[4] = "test perplexity", "multiply-adds per token"
	}
	if r := res.Retrained; r != nil {
		rows = append(rows, line("derived by ENAS, retrained from scratch", r))
	}
	if c := res.Control; c != nil && len(c.Archs) > 0 {
		for i, r := range c.Archs {
			rows = append(rows, line(fmt.Sprintf("random architecture %d, same budget", i+1), r))
		}
		spread := fmt.Sprintf("%.2f ± %.2f %%", 100*c.Mean, 100*c.Std)
		if rnn {
			spread = fmt.Sprintf("%.1f ± %.1f", c.Mean, c.Std)
		}
		rows = append(rows, []string{fmt.Sprintf("random control, mean ± std (K = %d)", len(c.Archs)), cfg.Data, spread, "", "", ""})
	}
	if p, data, err := PaperNumberOf(cfg.Space); err == nil {
		rows = append(rows, []string{"ENAS paper: " + p.Source, data, metric(p.Value), p.Params, "", ""})
	}
	return header, rows
}
