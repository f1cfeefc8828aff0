package nb201search

import (
	"bufio"
	"context"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"testing"

	"github.com/gonas/gonas/cells"
	"github.com/gonas/gonas/nas"
)

// TestTinySearchEndToEnd runs every strategy on the tiny preset with real CIFAR-10
// images and the real table, and checks the outputs' content.
func TestTinySearchEndToEnd(t *testing.T) {
	if testing.Short() {
		t.Skip("trains a supernet on CIFAR-10 (about 20 s per strategy)")
	}
	table := testTable(t)
	cfg0, err := Preset("tiny", "random", 3)
	if err != nil {
		t.Fatal(err)
	}
	d, err := LoadData(&cfg0, "")
	if err != nil {
		t.Skip("no CIFAR-10:", err)
	}
	all, err := tableTest(table)
	if err != nil {
		t.Fatal(err)
	}
	for _, strategy := range []string{"random", "oneshot", "enas"} {
		cfg, err := Preset("tiny", strategy, 3)
		if err != nil {
			t.Fatal(err)
		}
		out := t.TempDir()
		s, err := New(cfg, Options{Out: out, Data: d, Table: table})
		if err != nil {
			t.Fatal(err)
		}
		res, err := s.Run(context.Background())
		s.Close()
		if err != nil {
			t.Fatalf("%s: %v", strategy, err)
		}
		checkResult(t, out, res, table, all)
		checkHistory(t, out, cfg)
		if _, err := os.Stat(filepath.Join(out, "report.html")); err != nil {
			t.Error(err)
		}
	}
}

func checkResult(t *testing.T, out string, res *Result, table *cells.NB201Table, all []float64) {
	t.Helper()
	blob, err := os.ReadFile(filepath.Join(out, "result.json"))
	if err != nil {
		t.Fatal(err)
	}
	var r Result
	if err := json.Unmarshal(blob, &r); err != nil {
		t.Fatal(err)
	}
	a, err := cells.NewNB201().Parse(r.Arch)
	if err != nil {
		t.Fatalf("result.json arch %q: %v", r.Arch, err)
	}
	acc, err := table.Lookup(a, "cifar10")
	if err != nil {
		t.Fatal(err)
	}
	if r.Pick.Table["cifar10-test"] != acc.Test || r.Pick.Table["cifar10-val"] != acc.Val {
		t.Errorf("pick accuracies %v, table has %+v", r.Pick.Table, acc)
	}
	// The rank is 1 + the number of cells strictly better by cifar10-test.
	better := 0
	for _, v := range all {
		if v > acc.Test {
			better++
		}
	}
	if r.Pick.Rank != better+1 || r.Pick.Cells != len(all) || len(all) != 15625 {
		t.Errorf("rank %d of %d, want %d of %d (15,625 cells)", r.Pick.Rank, r.Pick.Cells, better+1, len(all))
	}
	if r.Control.K != r.Config.Controls || len(r.Control.Picks) != r.Control.K {
		t.Errorf("control K = %d with %d picks, want %d", r.Control.K, len(r.Control.Picks), r.Config.Controls)
	}
	if r.Verdict == "" || r.Verdict != res.Verdict {
		t.Errorf("verdict %q", r.Verdict)
	}
	// The fixed cells' final scores are written, and they give the final τ.
	if len(r.Final.Cells) != r.Final.RankCells || r.Final.RankCells != r.Config.RankCells {
		t.Fatalf("final_agreement has %d cells for %d rank cells", len(r.Final.Cells), r.Config.RankCells)
	}
	var scores, val []float64
	for _, c := range r.Final.Cells {
		a, err := cells.NewNB201().Parse(c.Arch)
		if err != nil {
			t.Fatal(err)
		}
		if acc, err := table.Lookup(a, "cifar10"); err != nil || acc.Val != c.Val || acc.Test != c.Test {
			t.Errorf("cell %s: table %+v (%v), result has val %v test %v", c.Arch, acc, err, c.Val, c.Test)
		}
		scores, val = append(scores, c.Score), append(val, c.Val)
		// Every strategy here trains a supernet and scores by it alone: the cell's
		// measures are written, and no proxy.
		if c.Loss == nil || c.Accuracy == nil || *c.Accuracy < 0 || *c.Accuracy > 1 || c.Proxies != nil {
			t.Errorf("cell %s: loss %v, accuracy %v, proxies %v; want the measures and no proxy", c.Arch, c.Loss, c.Accuracy, c.Proxies)
		}
	}
	if got, err := nas.CompareRanks(scores, val); err != nil || math.Abs(nanToZero(got.KendallTau)-r.Final.TauVal) > 1e-12 {
		t.Errorf("τ of the written cells %v (%v), final_agreement says %v", got.KendallTau, err, r.Final.TauVal)
	}
}

func checkHistory(t *testing.T, out string, cfg Config) {
	t.Helper()
	f, err := os.Open(filepath.Join(out, "history.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	n := 0
	for sc.Scan() {
		var r EpochRecord
		if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
			t.Fatal(err)
		}
		n++
		if r.Epoch != n || r.RankCells != cfg.RankCells || r.RankCells < 100 {
			t.Errorf("epoch line %d: epoch %d, %d rank cells", n, r.Epoch, r.RankCells)
		}
		// The score is the negative loss: its τ is the one recorded as by loss.
		if cfg.ScoreBy == ScoreByLoss && cfg.Strategy != zeroCost && r.TauVal != r.TauValByLoss {
			t.Errorf("epoch %d: score_by loss, but τ(val) %v differs from τ by loss %v (by accuracy %v)", n, r.TauVal, r.TauValByLoss, r.TauValByAccuracy)
		}
		for _, v := range []float64{r.TauVal, r.TauTest, r.RhoVal, r.RhoTest} {
			if v < -1 || v > 1 {
				t.Errorf("epoch %d: rank correlation %v outside [-1, 1]", n, v)
			}
		}
	}
	if n != cfg.Epochs {
		t.Errorf("history has %d epochs, want %d", n, cfg.Epochs)
	}
}
