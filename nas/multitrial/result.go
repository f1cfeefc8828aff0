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
	blob, err := json.MarshalIndent(r, "", " ")
	if err != nil {
		return errors.Wrap(err, "multitrial: encoding result.json")
	}
	page, err := Report(r)
	if err != nil {
		return err
	}
	for name, content := range map[string][]byte{"result.json": append(blob, '\n'), "history.jsonl": r.HistoryJSONL(), "report.html": page} {
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
