package multitrial

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/gonas/gonas/nas"
)

func TestSearchRecordedReplays(t *testing.T) {
	cfg := fastTiny()
	dir := t.TempDir()
	var calls atomic.Int32
	a, err := SearchRecorded(context.Background(), &cfg, dir, nas.NewLocalExecutor(fakeRunner(&calls), 2), nil)
	if err != nil {
		t.Fatal(err)
	}
	ran := int(calls.Load())
	if want := cfg.Batch*cfg.Updates + len(a.Rerank) + 1 + cfg.Transfer.ControlArchs; ran != want {
		t.Fatalf("the first search ran %d trials, want %d", ran, want)
	}
	for _, name := range []string{RecordName, "result.json", "history.jsonl", "report.html"} {
		if _, err := os.Stat(filepath.Join(dir, name)); err != nil {
			t.Errorf("SearchRecorded did not write %s: %v", name, err)
		}
	}
	// Reopened: every trial comes from the record, and the search is the same.
	calls.Store(0)
	b, err := SearchRecorded(context.Background(), &cfg, dir, nas.NewLocalExecutor(fakeRunner(&calls), 2), nil)
	if err != nil {
		t.Fatal(err)
	}
	if calls.Load() != 0 {
		t.Errorf("the reopened search trained %d trials, want 0", calls.Load())
	}
	sameResult(t, a, b)

	if _, err := SearchRecorded(context.Background(), &cfg, "", nas.NewLocalExecutor(fakeRunner(&calls), 1), nil); err == nil ||
		!strings.Contains(err.Error(), "directory") {
		t.Errorf("no directory: got %v, want an error naming it", err)
	}
	bad := filepath.Join(t.TempDir(), RecordName)
	if err := os.WriteFile(bad, []byte("not json\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := SearchRecorded(context.Background(), &cfg, filepath.Dir(bad), nas.NewLocalExecutor(fakeRunner(&calls), 1), nil); err == nil ||
		!strings.Contains(err.Error(), "line 1") {
		t.Errorf("corrupt record: got %v, want an error naming line 1", err)
	}
	if blob, _ := os.ReadFile(bad); string(blob) != "not json\n" {
		t.Errorf("a rejected record was modified: %q", blob)
	}

	// Curves: one point per child around the update it fed, one per update.
	c := a.Curves()
	m := cfg.Batch
	if len(c.ChildX) != m*cfg.Updates || len(c.Reward) != len(c.ChildX) || len(c.UpdateX) != cfg.Updates ||
		len(c.Baseline) != cfg.Updates || len(c.Entropy) != cfg.Updates || len(c.Loss) != cfg.Updates {
		t.Fatalf("curves of %d children and %d updates: %+v", m*cfg.Updates, cfg.Updates, c)
	}
	for i, x := range c.ChildX {
		if u := float64(i/m + 1); x < u-0.3 || x > u+0.3 {
			t.Errorf("child %d at x = %v, want within 0.3 of update %v", i, x, u)
		}
		if c.Reward[i] != a.Rewards[i] {
			t.Errorf("child %d reward %v, want %v", i, c.Reward[i], a.Rewards[i])
		}
	}
	if c.ChildX[0] >= c.ChildX[1] || c.UpdateX[0] != 1 || c.RewardMean[1] != a.Updates[1].RewardMean ||
		c.RewardMax[0] < c.RewardMean[0] || c.Baseline[2] != a.Updates[2].Baseline || c.Entropy[0] <= 0 {
		t.Errorf("curves do not follow the updates: %+v vs %+v", c, a.Updates)
	}

	// Tables.
	header, rows := RerankTable(a)
	if len(rows) != len(a.Rerank) || len(header) != len(rows[0]) || !strings.Contains(header[3], "2 epochs") {
		t.Fatalf("rerank table %q %q", header, rows)
	}
	marks := 0
	for i, row := range rows {
		if row[6] == "← best" {
			marks++
			if a.Rerank[i].Arch.String() != a.Best.String() {
				t.Errorf("row %d marked best, but the best is %s", i, a.Best)
			}
		}
		if !strings.HasPrefix(row[1], "b000") || !strings.HasSuffix(row[2], "%") {
			t.Errorf("rerank row %q", row)
		}
	}
	if marks != 1 {
		t.Errorf("%d rows marked best, want 1: %q", marks, rows)
	}
	header, rows = TransferTable(a)
	if len(rows) != 1+cfg.Transfer.ControlArchs+1 || len(header) != 6 {
		t.Fatalf("transfer table %q %q", header, rows)
	}
	last := rows[len(rows)-1]
	if !strings.Contains(last[0], "K = 2") || !strings.Contains(last[2], "±") || rows[0][3] != fmt.Sprint(a.Transfer.Params) {
		t.Errorf("transfer table %q", rows)
	}
	failed := *a
	failed.Control = &ControlResult{Archs: []TransferResult{{Error: "loss is NaN"}}}
	if _, rows := TransferTable(&failed); !strings.Contains(rows[1][2], "failed: loss is NaN") || rows[2][2] != "no random cell trained" {
		t.Errorf("a failed control: %q", rows)
	}
}

func TestPresetColumns(t *testing.T) {
	header, rows := PresetColumns()
	if strings.Join(header, ",") != "setting,"+strings.Join(PresetNames(), ",") {
		t.Fatalf("header %q", header)
	}
	if len(rows) < 10 {
		t.Fatalf("%d rows, want the ten-odd settings", len(rows))
	}
	for _, row := range rows {
		if len(row) != len(header) || row[0] == "" {
			t.Errorf("row %q", row)
		}
	}
	if rows[0][0] != "data" || rows[0][1] != "cifar10" || rows[0][3] != "mnist" {
		t.Errorf("first row %q, want the data sets", rows[0])
	}
}
