package notebooks

import (
	"math"
	"testing"

	"github.com/gonas/gonas/cells"
	"github.com/gonas/gonas/nas/nb201search"
)

// TestMeasuredRunsMatchTheTable checks the numbers typed in from BENCHMARKS.md for
// notebook 07 (data/nb201_ws_runs.json) against the NAS-Bench-201 table: every
// pick with an NB201 string has the table's cifar10-val and cifar10-test
// accuracies, and every rank is 1 + the number of cells with a higher cifar10-test
// accuracy than the pick's.
func TestMeasuredRunsMatchTheTable(t *testing.T) {
	m, err := nb201search.ReadMeasured("data/nb201_ws_runs.json")
	if err != nil {
		t.Fatal(err)
	}
	if len(m.Runs) < 13 || len(m.Agreements) < 4 {
		t.Errorf("%d runs and %d agreements, want the short preset's 10 runs, the epochs=8 runs and the proxies", len(m.Runs), len(m.Agreements))
	}
	path, err := nb201Table()
	if err != nil {
		skipOrFail(t, "needs the NAS-Bench-201 table: %v", err)
	}
	table, err := cells.LoadNB201Table(path)
	if err != nil {
		t.Fatal(err)
	}
	all, err := nb201search.TableColumn(table, cells.NB201Architectures(), "cifar10-test")
	if err != nil {
		t.Fatal(err)
	}
	space := cells.NewNB201()
	for _, r := range m.Runs {
		if got := nb201search.RankOf(r.PickTest, all); got != r.Rank {
			t.Errorf("%s %s seed %d: pick cifar10-test %.2f%% ranks %d in the table, the file says %d", r.Setting, r.Strategy, r.Seed, r.PickTest, got, r.Rank)
		}
		if r.Pick == "" {
			continue
		}
		a, err := space.Parse(r.Pick)
		if err != nil {
			t.Fatal(err)
		}
		res, err := table.Lookup(a, "cifar10")
		if err != nil {
			t.Fatal(err)
		}
		if r.PickVal == nil {
			t.Errorf("%s %s seed %d: pick %s without its cifar10-val accuracy", r.Setting, r.Strategy, r.Seed, r.Pick)
			continue
		}
		if math.Abs(res.Test-r.PickTest) > 0.005 || math.Abs(res.Val-*r.PickVal) > 0.005 {
			t.Errorf("%s %s seed %d: pick %s has val %.2f / test %.2f in the table, the file says %.2f / %.2f",
				r.Setting, r.Strategy, r.Seed, r.Pick, res.Val, res.Test, *r.PickVal, r.PickTest)
		}
	}
}
