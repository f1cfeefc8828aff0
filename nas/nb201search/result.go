package nb201search

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"

	"github.com/gonas/gonas/cells"
	"github.com/gonas/gonas/nas"
	"github.com/pkg/errors"
)

// EpochRecord is one line of history.jsonl: the epoch's supernet training, the
// strategy's epoch end (enas: the controller phase) and the rank agreement of the
// scores of the fixed cells with the table.
type EpochRecord struct {
	Epoch     int     `json:"epoch"` // 1-based
	Steps     int     `json:"steps"` // supernet training steps taken
	TrainLoss float64 `json:"train_loss"`
	TrainAcc  float64 `json:"train_acc"`
	LR        float64 `json:"lr"` // learning rate at the epoch's end
	// OpShares is the share of each op (NB201's order: none, skip_connect,
	// nor_conv_1x1, nor_conv_3x3, avg_pool_3x3) among the edges of the paths
	// trained this epoch: a collapse to skip/none shows here first.
	OpShares []float64 `json:"op_shares"`
	// enas only: the controller phase's mean reward, the mean entropy of its
	// samples (uniform: 6·ln 5 = 9.66 nats) and the baseline.
	RewardMean float64 `json:"reward_mean,omitempty"`
	Entropy    float64 `json:"entropy,omitempty"`
	Baseline   float64 `json:"baseline,omitempty"`
	// Kendall τ-b and Spearman ρ between the scores of RankCells fixed cells and
	// their table accuracies, cifar10-val (the column settings were chosen on) and
	// cifar10-test; ScoreMean is their mean score.
	RankCells int     `json:"rank_cells"`
	TauVal    float64 `json:"tau_val"`
	RhoVal    float64 `json:"rho_val"`
	TauTest   float64 `json:"tau_test"`
	RhoTest   float64 `json:"rho_test"`
	ScoreMean float64 `json:"score_mean"`
	// TauValByLoss and TauValByAccuracy are τ against cifar10-val of the two
	// scores Config.ScoreBy chooses from, the negative mean loss and the accuracy
	// on the same images, whichever the search uses (a diagnostic for choosing the
	// score; accuracy alone, without the loss's tie-break). Runs from before
	// score_by have no tau_val_by_accuracy.
	TauValByLoss     float64 `json:"tau_val_by_loss"`
	TauValByAccuracy float64 `json:"tau_val_by_accuracy,omitempty"`
	Seconds          float64 `json:"seconds"`
}

// historyJSONL is one JSON object per line.
func historyJSONL(h []EpochRecord) []byte {
	var b bytes.Buffer
	for _, r := range h {
		blob, _ := json.Marshal(r)
		b.Write(blob)
		b.WriteByte('\n')
	}
	return b.Bytes()
}

// Judged is an architecture scored by the search and judged by the table.
type Judged struct {
	Arch    string             `json:"arch"` // NB201 string
	Choices []int              `json:"choices"`
	Score   float64            `json:"score"`  // the search's score (shared weights, by default)
	Scored  int                `json:"scored"` // architectures scored to choose it
	Table   map[string]float64 `json:"table"`  // cifar10-val, cifar10-test, cifar100-..., imagenet16-...
	// Rank is 1 + the number of the table's cells with a higher cifar10-test
	// accuracy; Percentile is 100 · Rank / cells ("top 2.6%").
	Rank       int     `json:"rank"`
	Cells      int     `json:"cells"`
	Percentile float64 `json:"percentile"`
	// Ops counts the pick's edges per op (a collapse shows as skip_connect/none).
	Ops map[string]int `json:"ops"`
}

// Control is the random control: K random searches of the same budget on the
// same supernet, each keeping its best-scored cell.
type Control struct {
	K          int      `json:"k"`
	Candidates int      `json:"candidates"` // cells scored per random search
	Picks      []Judged `json:"picks"`
	MeanTest   float64  `json:"mean_test"` // cifar10-test of the picks, mean ± std
	StdTest    float64  `json:"std_test"`
	MeanPct    float64  `json:"mean_percentile"`
}

func (c *Control) summarize(candidates int) {
	c.K, c.Candidates = len(c.Picks), candidates
	if c.K == 0 {
		return
	}
	for _, p := range c.Picks {
		c.MeanTest += p.Table["cifar10-test"] / float64(c.K)
		c.MeanPct += p.Percentile / float64(c.K)
	}
	for _, p := range c.Picks {
		d := p.Table["cifar10-test"] - c.MeanTest
		c.StdTest += d * d
	}
	if c.K > 1 {
		c.StdTest = math.Sqrt(c.StdTest / float64(c.K-1))
	} else {
		c.StdTest = 0
	}
}

// FinalAgreement is the rank agreement after the last epoch, with the fixed cells
// it was measured on (their final scores and table accuracies: the scatter plot of
// report.html, and what another evaluator can be compared with later).
type FinalAgreement struct {
	RankCells int          `json:"rank_cells"`
	TauVal    float64      `json:"tau_val"`
	RhoVal    float64      `json:"rho_val"`
	TauTest   float64      `json:"tau_test"`
	RhoTest   float64      `json:"rho_test"`
	Cells     []ScoredCell `json:"cells,omitempty"`
}

// ScoredCell is one fixed cell of the rank agreement: its final score, what the
// score was made of, and its table accuracies (cifar10, percent). Loss and
// Accuracy are its measures with the final shared weights (strategies that train a
// supernet); Proxies are its raw zero-cost scores at initialisation (the zero-cost
// strategy and score_by loss+zero-cost). With them another combination of the
// same measures can be ranked against the table without running the search again.
type ScoredCell struct {
	Arch     string             `json:"arch"`
	Score    float64            `json:"score"`
	Loss     *float64           `json:"loss,omitempty"`
	Accuracy *float64           `json:"accuracy,omitempty"`
	Proxies  map[string]float64 `json:"proxies,omitempty"`
	Val      float64            `json:"cifar10_val"`
	Test     float64            `json:"cifar10_test"`
}

// Result is result.json.
type Result struct {
	Space    string `json:"space"`
	Strategy string `json:"strategy"`
	Preset   string `json:"preset"`
	Seed     uint64 `json:"seed"`
	// Arch is the pick as an NB201 string; Pick has its table accuracies and rank.
	Arch           string         `json:"arch"`
	Pick           Judged         `json:"pick"`
	Control        Control        `json:"control"`
	Final          FinalAgreement `json:"final_agreement"`
	Verdict        string         `json:"verdict"`
	SearchSeconds  float64        `json:"search_seconds"`  // epochs: training, epoch ends, rank agreement
	PickSeconds    float64        `json:"pick_seconds"`    // the strategy's pick
	ControlSeconds float64        `json:"control_seconds"` // the random control
	Seconds        float64        `json:"seconds"`
	Date           string         `json:"date"`
	Config         Config         `json:"settings"`
}

// judge looks the pick up in the table and ranks it among all cells by cifar10-test.
func (s *Search) judge(p Pick) (Judged, error) {
	text, err := s.space.Format(p.Arch)
	if err != nil {
		return Judged{}, err
	}
	j := Judged{Arch: text, Choices: p.Arch.Choices, Score: p.Score, Scored: p.Scored, Table: map[string]float64{}, Ops: OpCounts(p.Arch)}
	for _, ds := range cells.NB201Datasets {
		r, err := s.table.Lookup(p.Arch, ds)
		if err != nil {
			return Judged{}, err
		}
		j.Table[ds+"-val"], j.Table[ds+"-test"] = r.Val, r.Test
	}
	all, err := tableTest(s.table)
	if err != nil {
		return Judged{}, err
	}
	j.Rank, j.Cells = RankOf(j.Table["cifar10-test"], all), len(all)
	j.Percentile = 100 * float64(j.Rank) / float64(j.Cells)
	return j, nil
}

// OpCounts counts the edges of the NB201 cell a per op name (cells.NB201Ops): a
// cell with no "nor_conv_1x1" or "nor_conv_3x3" has no parameters of its own, the
// kind a young supernet tends to score high. Choices outside the ops are not counted.
func OpCounts(a nas.Arch) map[string]int {
	ops := map[string]int{}
	for _, c := range a.Choices {
		if c >= 0 && c < len(cells.NB201Ops) {
			ops[cells.NB201Ops[c]]++
		}
	}
	return ops
}

// RankOf is 1 + the number of values of all above v.
func RankOf(v float64, all []float64) int {
	r := 1
	for _, x := range all {
		if x > v {
			r++
		}
	}
	return r
}

// tableTest lists the cifar10-test accuracy of every cell of the table.
func tableTest(t *cells.NB201Table) ([]float64, error) {
	n := 1
	for range numEdges {
		n *= numOps
	}
	out := make([]float64, 0, n)
	for idx := range n {
		a := nas.Arch{Space: "nb201", Choices: make([]int, numEdges)}
		for k, rest := numEdges-1, idx; k >= 0; k-- {
			a.Choices[k] = rest % numOps
			rest /= numOps
		}
		r, err := t.Lookup(a, "cifar10")
		if err != nil {
			continue // a partial table: only its cells are ranked
		}
		out = append(out, r.Test)
	}
	return out, nil
}

// verdictLine says where the pick ranks and how the control did, e.g.
//
//	verdict: pick |...| cifar10-test 88.12% (rank 412/15625, top 2.6%) vs random control mean 86.90% ± 1.10 (K=3): +1.22 points
func (r *Result) verdictLine() string {
	p := r.Pick
	var b strings.Builder
	fmt.Fprintf(&b, "verdict: %s pick %s cifar10-test %.2f%% (rank %d/%d, top %.1f%%)", r.Strategy, p.Arch, p.Table["cifar10-test"], p.Rank, p.Cells, p.Percentile)
	if c := r.Control; c.K > 0 {
		d := p.Table["cifar10-test"] - c.MeanTest
		how := fmt.Sprintf("beats it by %.2f points", d)
		switch {
		case d < 0:
			how = fmt.Sprintf("below it by %.2f points", -d)
		case d == 0:
			how = "ties it"
		}
		fmt.Fprintf(&b, " vs random control mean %.2f%% ± %.2f (K=%d, top %.1f%% on average): %s",
			c.MeanTest, c.StdTest, c.K, c.MeanPct, how)
	}
	fmt.Fprintf(&b, "; τ %.2f (cifar10-test, %d cells)", r.Final.TauTest, r.Final.RankCells)
	return b.String()
}

// ReadResult reads the result.json of a finished search in dir.
func ReadResult(dir string) (*Result, error) {
	blob, err := os.ReadFile(filepath.Join(dir, "result.json"))
	if err != nil {
		return nil, errors.Wrap(err, "nb201search")
	}
	var r Result
	if err := json.Unmarshal(blob, &r); err != nil {
		return nil, errors.Wrapf(err, "nb201search: %s/result.json", dir)
	}
	if r.Space != "nb201" || r.Arch == "" {
		return nil, errors.Errorf("nb201search: %s/result.json is not a finished nb201 search", dir)
	}
	return &r, nil
}
