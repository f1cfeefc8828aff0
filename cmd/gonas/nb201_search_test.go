package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gonas/gonas/cells"
	"github.com/gonas/gonas/nas/nb201search"
)

// TestNB201SearchFlags checks the answers that need no data: the presets table and
// the refusals.
func TestNB201SearchFlags(t *testing.T) {
	if err := runSearch([]string{"--space", "nb201", "--presets"}); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ args, want string }{
		{"--space nb201 --resume runs/x", "holds no search to resume"},
		{"--space nb201 --strategy bogus", "unknown strategy"},
		{"--space nb201 --preset huge", "unknown preset"},
		{"--space nb201 --data mnist", "cifar10"},
		{"--space nb201 --set nope=1", "override"},
		// Both --set apply: the first alone would pass, the second alone would say
		// "then_top 0.2 without then_by".
		{"--space nb201 --strategy enas --set then_by=ntk --set then_top=0.2", "setting of the zero-cost strategy"},
	} {
		err := runSearch(strings.Fields(c.args))
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("gonas search %s: %v, want an error with %q", c.args, err, c.want)
		}
	}
}

// TestNB201SearchTiny runs the tiny preset from the command line and checks that
// result.json holds the pick and a verdict, and that a second run into the same
// directory needs --force.
func TestNB201SearchTiny(t *testing.T) {
	if testing.Short() {
		t.Skip("trains a supernet on CIFAR-10 (about 10 s)")
	}
	if p, err := cells.DefaultNB201TablePath(); err != nil || !fileExists(p) {
		t.Skip("no NB201 table")
	}
	out := t.TempDir()
	args := []string{"--space", "nb201", "--preset", "tiny", "--strategy", "oneshot", "--seed", "2", "--out", out}
	if err := runSearch(args); err != nil {
		if strings.Contains(err.Error(), "cifar") {
			t.Skip(err)
		}
		t.Fatal(err)
	}
	blob, err := os.ReadFile(filepath.Join(out, "result.json"))
	if err != nil {
		t.Fatal(err)
	}
	var r nb201search.Result
	if err := json.Unmarshal(blob, &r); err != nil {
		t.Fatal(err)
	}
	if _, err := cells.NewNB201().Parse(r.Arch); err != nil || !strings.HasPrefix(r.Verdict, "verdict: oneshot pick |") || r.Seed != 2 {
		t.Errorf("result: arch %q (%v), verdict %q, seed %d", r.Arch, err, r.Verdict, r.Seed)
	}
	if err := runSearch(args); err == nil || !strings.Contains(err.Error(), "--force") {
		t.Errorf("second run into %s: %v, want a refusal naming --force", out, err)
	}
}
