package nb201search

import (
	"encoding/json"
	"math"
	"os"

	"github.com/gonas/gonas/cells"
	"github.com/pkg/errors"
)

// Measured are finished searches and rank agreements typed in from BENCHMARKS.md,
// so that a notebook shows the long runs without running them. Every entry says
// where its numbers come from.
type Measured struct {
	About      string              `json:"about"`
	Runs       []MeasuredRun       `json:"runs"`
	Agreements []MeasuredAgreement `json:"agreements"`
}

// MeasuredRun is one search as a BENCHMARKS.md table reports it: its setting, the
// rank agreement of its score with the table after each epoch, and its pick.
// Fields a table does not report are left out (empty, nil).
type MeasuredRun struct {
	// Table names the BENCHMARKS.md table the row is typed from (e.g. "short"), and
	// Source says where it is (section, table, commit, date).
	Table  string `json:"table"`
	Source string `json:"source"`
	// Setting is the preset and its --set overrides ("short", "short, epochs=8").
	Setting  string `json:"setting"`
	Strategy string `json:"strategy"`
	Seed     uint64 `json:"seed"`
	// TauValByEpoch and TauTestByEpoch are Kendall τ of the score of the fixed rank
	// cells against cifar10-val and cifar10-test after each epoch, where reported.
	TauValByEpoch  []float64 `json:"tau_val_by_epoch,omitempty"`
	TauTestByEpoch []float64 `json:"tau_test_by_epoch,omitempty"`
	// The agreement after the last epoch, on RankCells cells.
	RankCells    int      `json:"rank_cells"`
	FinalTauVal  float64  `json:"final_tau_val"`
	FinalTauTest float64  `json:"final_tau_test"`
	FinalRhoTest *float64 `json:"final_rho_test,omitempty"`
	// The pick: its NB201 string (where reported), its table accuracies (percent)
	// and its rank by cifar10-test among the table's cells (1 is the best).
	Pick     string   `json:"pick,omitempty"`
	PickVal  *float64 `json:"pick_cifar10_val,omitempty"`
	PickTest float64  `json:"pick_cifar10_test"`
	Rank     int      `json:"rank"`
	// The random control: the cifar10-test mean and standard deviation of K picks.
	ControlK        int     `json:"control_k"`
	ControlMeanTest float64 `json:"control_mean_test"`
	ControlStdTest  float64 `json:"control_std_test"`
	WallSeconds     float64 `json:"wall_seconds"`
}

// MeasuredAgreement is the rank agreement of one evaluator's scores of Cells cells
// with the table's cifar10-val and cifar10-test columns, as BENCHMARKS.md reports it.
type MeasuredAgreement struct {
	Evaluator string  `json:"evaluator"` // a zero-cost proxy, a rank sum, a baseline
	Cells     int     `json:"cells"`
	TauVal    float64 `json:"tau_val"`
	RhoVal    float64 `json:"rho_val"`
	TauTest   float64 `json:"tau_test"`
	RhoTest   float64 `json:"rho_test"`
	Source    string  `json:"source"`
}

// ReadMeasured reads a Measured file and checks every entry (Validate).
func ReadMeasured(path string) (*Measured, error) {
	blob, err := os.ReadFile(path)
	if err != nil {
		return nil, errors.Wrap(err, "nb201search")
	}
	var m Measured
	if err := json.Unmarshal(blob, &m); err != nil {
		return nil, errors.Wrapf(err, "nb201search: %s", path)
	}
	if err := m.Validate(); err != nil {
		return nil, errors.WithMessagef(err, "nb201search: %s", path)
	}
	return &m, nil
}

// Validate reports the first entry that cannot be what a search measured: a
// missing source or setting, a τ or ρ outside [-1, 1], a last τ by epoch that is
// not the final τ, a pick that is no NB201 cell, an accuracy outside [0, 100], a
// rank outside the table.
func (m *Measured) Validate() error {
	space := cells.NewNB201()
	for i, r := range m.Runs {
		where := func(format string, args ...any) error {
			return errors.Errorf("run %d (%s %s seed %d): "+format, append([]any{i + 1, r.Setting, r.Strategy, r.Seed}, args...)...)
		}
		switch {
		case r.Table == "" || r.Source == "" || r.Setting == "" || r.Strategy == "":
			return where("table, source, setting and strategy must be given")
		case r.Seed < 1 || r.RankCells < 2:
			return where("seed %d and rank cells %d must be positive (rank cells at least 2)", r.Seed, r.RankCells)
		case r.Rank < 1 || r.Rank > numCells:
			return where("rank %d is outside 1..%d", r.Rank, numCells)
		case !isAccuracy(r.PickTest) || !isAccuracy(r.ControlMeanTest) || r.ControlStdTest < 0 || r.ControlK < 0 || r.WallSeconds < 0:
			return where("pick %v%%, control %v ± %v (K %d) or wall %v s out of range", r.PickTest, r.ControlMeanTest, r.ControlStdTest, r.ControlK, r.WallSeconds)
		case r.PickVal != nil && !isAccuracy(*r.PickVal):
			return where("pick cifar10-val %v%% is outside [0, 100]", *r.PickVal)
		}
		taus := append([]float64{r.FinalTauVal, r.FinalTauTest}, append(r.TauValByEpoch, r.TauTestByEpoch...)...)
		if r.FinalRhoTest != nil {
			taus = append(taus, *r.FinalRhoTest)
		}
		for _, t := range taus {
			if !(t >= -1 && t <= 1) {
				return where("rank correlation %v is outside [-1, 1]", t)
			}
		}
		// Tables print two decimals: the last epoch's τ is the final τ.
		if n := len(r.TauValByEpoch); n > 0 && math.Abs(r.TauValByEpoch[n-1]-r.FinalTauVal) > 0.005 {
			return where("τ(val) of the last epoch %v is not the final τ(val) %v", r.TauValByEpoch[n-1], r.FinalTauVal)
		}
		if n := len(r.TauTestByEpoch); n > 0 && math.Abs(r.TauTestByEpoch[n-1]-r.FinalTauTest) > 0.005 {
			return where("τ(test) of the last epoch %v is not the final τ(test) %v", r.TauTestByEpoch[n-1], r.FinalTauTest)
		}
		if r.Pick != "" {
			if _, err := space.Parse(r.Pick); err != nil {
				return where("pick: %v", err)
			}
		}
	}
	for i, a := range m.Agreements {
		if a.Evaluator == "" || a.Source == "" || a.Cells < 2 {
			return errors.Errorf("agreement %d (%q): evaluator, source and at least 2 cells must be given", i+1, a.Evaluator)
		}
		for _, t := range []float64{a.TauVal, a.RhoVal, a.TauTest, a.RhoTest} {
			if !(t >= -1 && t <= 1) {
				return errors.Errorf("agreement %d (%s): rank correlation %v is outside [-1, 1]", i+1, a.Evaluator, t)
			}
		}
	}
	return nil
}

// numCells is the number of cells of the NB201 space (5^6).
const numCells = 15625

func isAccuracy(v float64) bool { return v >= 0 && v <= 100 }
