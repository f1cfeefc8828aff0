package multitrial

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"

	"github.com/gonas/gonas/nas"
	"github.com/gonas/gonas/nas/checkpoint"
	"github.com/pkg/errors"
)

// SearchResult is what a multi-trial search found; Write saves it as result.json,
// history.jsonl and report.html.
type SearchResult struct {
	Config   Config `json:"config"`
	SearchID string `json:"search_id"`

	// Trials are every search child's result, in dispatch order; Archs[i] and
	// Rewards[i] are Trials[i]'s architecture and reward (its validation accuracy,
	// 0 when it failed). They are in history.jsonl, not in result.json.
	Trials  []nas.TrialResult `json:"-"`
	Archs   []nas.Arch        `json:"-"`
	Rewards []float64         `json:"-"`

	Updates []UpdateRecord `json:"updates"`
	// ControllerLogProbs[i] is the final controller's log-probability of
	// ProbeArchs[i], fixed architectures drawn with a fixed seed: equal bit for bit
	// between two runs with the same seed and the same trial results.
	ProbeArchs         []nas.Arch `json:"probe_archs"`
	ControllerLogProbs []float64  `json:"controller_log_probs"`

	Rerank []Candidate `json:"rerank"` // the best distinct cells, retrained longer
	Best   nas.Arch    `json:"best_arch"`
	// BestFormats is Best in every format of the space ("json", "genotype").
	BestFormats map[string]string `json:"best"`
	Transfer    *TransferResult   `json:"transfer"`
	Control     *ControlResult    `json:"control,omitempty"`

	// Verdict is the transferred best cell beside the random control, in one line
	// of words (nas.Comparison.Verdict).
	Verdict string `json:"verdict,omitempty"`

	SearchSeconds float64 `json:"search_seconds"` // the search phase, rerank and transfer excluded
	Seconds       float64 `json:"seconds"`
	Date          string  `json:"date"`
}

// Failed is the number of search children that failed.
func (r *SearchResult) Failed() int {
	n := 0
	for _, t := range r.Trials {
		if t.Error != "" {
			n++
		}
	}
	return n
}

// Write saves result.json, history.jsonl and report.html into dir (created if
// needed), each written whole under a temporary name and renamed.
func (r *SearchResult) Write(dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return errors.Wrap(err, "multitrial")
	}
	if r.Verdict == "" && r.Transfer != nil {
		r.Verdict = r.Comparison().Verdict()
	}
	saved := r.BestFormats
	r.BestFormats = withoutJSONFormat(saved) // Best holds it, as an object
	blob, err := json.MarshalIndent(r, "", " ")
	r.BestFormats = saved
	if err != nil {
		return errors.Wrap(err, "multitrial: encoding result.json")
	}
	page, err := Report(r)
	if err != nil {
		return err
	}
	for name, content := range map[string][]byte{ResultName: append(blob, '\n'), "history.jsonl": r.HistoryJSONL(), "report.html": page} {
		if err := checkpoint.WriteFileAtomic(filepath.Join(dir, name), content); err != nil {
			return errors.WithMessagef(err, "multitrial: writing %s", name)
		}
	}
	return nil
}

// TrialRecord is a line of history.jsonl for one trial.
type TrialRecord struct {
	Kind    string             `json:"kind"`  // "trial"
	Stage   string             `json:"stage"` // search, rerank or transfer
	ID      string             `json:"id"`
	Arch    nas.Arch           `json:"arch"`
	Reward  *float64           `json:"reward,omitempty"` // search children: the controller's reward
	Metrics map[string]float64 `json:"metrics,omitempty"`
	Error   string             `json:"error,omitempty"`
	Worker  string             `json:"worker,omitempty"`
	Seconds float64            `json:"seconds"`
}

// HistoryJSONL is the search as JSON lines {"kind": "trial"|"update", ...}: each
// batch's children, then the update they fed; then the rerank and transfer trials.
func (r *SearchResult) HistoryJSONL() []byte {
	var b bytes.Buffer
	line := func(v any) {
		blob, _ := json.Marshal(v)
		b.Write(append(blob, '\n'))
	}
	type updateLine struct {
		Kind string `json:"kind"` // "update"
		UpdateRecord
	}
	m := r.Config.Batch
	for i, t := range r.Trials {
		reward := r.Rewards[i]
		line(TrialRecord{Kind: "trial", Stage: "search", ID: t.ID, Arch: r.Archs[i], Reward: &reward, Metrics: t.Metrics,
			Error: t.Error, Worker: t.Worker, Seconds: t.Seconds})
		if u := (i + 1) / m; (i+1)%m == 0 && u <= len(r.Updates) {
			line(updateLine{"update", r.Updates[u-1]})
		}
	}
	for _, c := range r.Rerank {
		rec := TrialRecord{Kind: "trial", Stage: "rerank", ID: c.Trial, Arch: c.Arch, Error: c.Error}
		if c.Error == "" {
			rec.Metrics = map[string]float64{MetricValidAccuracy: c.ValidAccuracy, MetricParams: float64(c.Params), MetricFLOPs: float64(c.FLOPs)}
		}
		line(rec)
	}
	var transfers []TransferResult
	if r.Transfer != nil {
		transfers = append(transfers, *r.Transfer)
	}
	if r.Control != nil {
		transfers = append(transfers, r.Control.Archs...)
	}
	for _, t := range transfers {
		rec := TrialRecord{Kind: "trial", Stage: "transfer", ID: t.Trial, Arch: t.Arch, Error: t.Error, Seconds: t.Seconds}
		if t.Error == "" {
			rec.Metrics = map[string]float64{MetricTestAccuracy: t.TestAccuracy, MetricTrainLoss: t.TrainLoss,
				MetricParams: float64(t.Params), MetricFLOPs: float64(t.FLOPs)}
		}
		line(rec)
	}
	return b.Bytes()
}

// withoutJSONFormat is formats without its "json" entry.
func withoutJSONFormat(formats map[string]string) map[string]string {
	out := make(map[string]string, len(formats))
	for k, v := range formats {
		if k != "json" {
			out[k] = v
		}
	}
	return out
}

// Comparison is the transferred best cell beside the random control (the cells
// whose training did not fail); its Verdict is the search's one-line verdict.
func (r *SearchResult) Comparison() nas.Comparison {
	c := nas.Comparison{Pick: "best cell", Metric: "test accuracy", Percent: true}
	if r.Transfer != nil && r.Transfer.Error == "" {
		c.Value = r.Transfer.TestAccuracy
	}
	if r.Control != nil {
		for _, a := range r.Control.Archs {
			if a.Error == "" {
				c.Control = append(c.Control, a.TestAccuracy)
			}
		}
	}
	return c
}

// ResultName is the file of an output directory that holds the SearchResult.
const ResultName = "result.json"

// ReadResult reads dir/result.json (the search's outcome; Trials, Archs and
// Rewards are in history.jsonl and stay empty). A file without a verdict gets one.
func ReadResult(dir string) (*SearchResult, error) {
	path := filepath.Join(dir, ResultName)
	blob, err := os.ReadFile(path)
	if err != nil {
		return nil, errors.Wrap(err, "multitrial")
	}
	var r SearchResult
	if err := json.Unmarshal(blob, &r); err != nil {
		return nil, errors.Wrapf(err, "multitrial: %s", path)
	}
	if r.Verdict == "" && r.Transfer != nil {
		r.Verdict = r.Comparison().Verdict()
	}
	return &r, nil
}
