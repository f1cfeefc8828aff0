package multitrial

import (
	"context"
	"fmt"
	"io"
	"path/filepath"
	"strings"

	"github.com/gonas/gonas/nas"
	"github.com/gonas/gonas/nas/plot"
	"github.com/pkg/errors"
)

// What notebook 04 (notebooks/04_nasnet_search) needs beyond Search: every
// notebook cell is a fresh program, so a cell reopens the search from its trial
// record (SearchRecorded, which replays recorded trials at once); and the presets,
// the search's curves and its results as slices and table rows, to plot and show.

// RecordName is the trial record SearchRecorded keeps in its directory.
const RecordName = "trials.jsonl"

// SearchRecorded runs Search of cfg on exec with every finished trial recorded in
// dir/trials.jsonl (Record), then writes result.json, history.jsonl and
// report.html into dir. Trials already in the record are answered from it without
// training, so calling it again on a finished search replays the same search in
// seconds (the controller is rebuilt and follows the same trajectory), and on an
// interrupted one continues where it stopped. exec is closed when it returns. A
// record of another search is never mixed in: trial IDs carry the configuration's
// hash (Config.SearchID).
func SearchRecorded(ctx context.Context, cfg *Config, dir string, exec nas.Executor, progress io.Writer) (*SearchResult, error) {
	if dir == "" {
		exec.Close()
		return nil, errors.New("multitrial: SearchRecorded needs a directory for its trial record")
	}
	rec, err := Record(exec, filepath.Join(dir, RecordName))
	if err != nil {
		exec.Close()
		return nil, err
	}
	defer rec.Close()
	res, err := Search(ctx, cfg, rec, progress)
	if err != nil {
		return nil, err
	}
	return res, res.Write(dir)
}

// PresetColumns returns PresetTable as a header ("setting", then one column per
// preset) and rows, to show as an HTML table.
func PresetColumns() (header []string, rows [][]string) {
	return plot.ParseMarkdown(PresetTable())
}

// Curves are a search's numbers as slices, to plot against the controller update.
type Curves struct {
	// Per search child, in dispatch order: the child of batch u (1-based) sits at
	// x = u, spread ±0.3 by its place in the batch, so the m dots of an update sit
	// around the update they fed. Reward is its validation accuracy (0 if it failed).
	ChildX, Reward []float64
	// Per controller update, at UpdateX = 1, 2, ...: the batch's mean and best
	// reward, the moving-average baseline the update subtracted, the batch's mean
	// entropy Σ_t H_t (nats) and the surrogate loss.
	UpdateX, RewardMean, RewardMax, Baseline, Entropy, Loss []float64
}

// Curves returns the search's rewards and controller statistics as slices.
func (r *SearchResult) Curves() Curves {
	var c Curves
	m := max(r.Config.Batch, 1)
	for i, reward := range r.Rewards {
		u, k := i/m+1, i%m
		x := float64(u)
		if m > 1 {
			x += 0.6 * (float64(k)/float64(m-1) - 0.5)
		}
		c.ChildX = append(c.ChildX, x)
		c.Reward = append(c.Reward, reward)
	}
	c.UpdateX = series(r.Updates, func(u UpdateRecord) float64 { return float64(u.Update) })
	c.RewardMean = series(r.Updates, func(u UpdateRecord) float64 { return u.RewardMean })
	c.RewardMax = series(r.Updates, func(u UpdateRecord) float64 { return u.RewardMax })
	c.Baseline = series(r.Updates, func(u UpdateRecord) float64 { return u.Baseline })
	c.Entropy = series(r.Updates, func(u UpdateRecord) float64 { return u.Entropy })
	c.Loss = series(r.Updates, func(u UpdateRecord) float64 { return u.Loss })
	return c
}

// percent formats an accuracy in percent.
func percent(v float64) string { return fmt.Sprintf("%.2f %%", 100*v) }

// RerankTable returns the rerank as a header and rows: each candidate's search
// child and reward, its validation accuracy after the rerank's longer training,
// and its size in the search network; the winner is marked "← best".
func RerankTable(r *SearchResult) (header []string, rows [][]string) {
	header = []string{"candidate", "found as", "search reward", fmt.Sprintf("valid accuracy, %d epochs", r.Config.Rerank.Epochs),
		"parameters", "multiply-adds", ""}
	best := r.Best.String()
	marked := false
	for i, c := range r.Rerank {
		valid, params, flops := "failed: "+c.Error, "", ""
		if c.Error == "" {
			valid, params, flops = percent(c.ValidAccuracy), fmt.Sprint(c.Params), fmt.Sprint(c.FLOPs)
		}
		mark := ""
		if !marked && c.Arch.String() == best {
			mark, marked = "← best", true
		}
		found := c.SearchTrial
		if cut := strings.LastIndex(found, "_b"); cut >= 0 {
			found = found[cut+1:] // batch and slot; the search ID is the same for all
		}
		rows = append(rows, []string{fmt.Sprint(i + 1), found, percent(c.SearchReward), valid, params, flops, mark})
	}
	return header, rows
}

// TransferTable returns the transfer as a header and rows: the winning cell
// trained in the transfer network and tested, each random cell of the control
// with the same budget, and the control's mean ± standard deviation; with each
// network's parameters and multiply-adds per image.
func TransferTable(r *SearchResult) (header []string, rows [][]string) {
	header = []string{"cells", "data", "test accuracy", "parameters", "multiply-adds", "seconds"}
	data := r.Config.Data
	line := func(name string, t TransferResult) []string {
		if t.Error != "" {
			return []string{name, data, "failed: " + t.Error, "", "", ""}
		}
		return []string{name, data, percent(t.TestAccuracy), fmt.Sprint(t.Params), fmt.Sprint(t.FLOPs), fmt.Sprintf("%.1f", t.Seconds)}
	}
	if r.Transfer != nil {
		rows = append(rows, line("searched (best after the rerank)", *r.Transfer))
	}
	if c := r.Control; c != nil && len(c.Archs) > 0 {
		for i, t := range c.Archs {
			rows = append(rows, line(fmt.Sprintf("random cell %d, same budget", i+1), t))
		}
		spread := "no random cell trained"
		if c.N > 0 {
			spread = fmt.Sprintf("%.2f ± %.2f %%", 100*c.Mean, 100*c.Std)
		}
		rows = append(rows, []string{fmt.Sprintf("random control, mean ± std (K = %d)", c.N), data, spread, "", "", ""})
	}
	return header, rows
}
