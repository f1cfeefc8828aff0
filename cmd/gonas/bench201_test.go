package main

import (
	"encoding/csv"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gonas/gonas/cells"
)

// TestBench201Smoke runs the command on the shared table: 2 runs of 20 queries of
// every strategy, writing the CSV and the SVG plot.
func TestBench201Smoke(t *testing.T) {
	path, err := cells.DefaultNB201TablePath()
	if err == nil {
		_, err = os.Stat(path)
	}
	if err != nil {
		t.Skipf("no shared NB201 table: %v", err)
	}
	dir := t.TempDir()
	csvPath, plotPath := filepath.Join(dir, "runs.csv"), filepath.Join(dir, "curves.svg")
	if err := runBench201([]string{"--runs", "2", "--queries", "20", "--csv", csvPath, "--plot", plotPath}); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(csvPath)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 1+3*2 || !strings.HasPrefix(rows[1][3], "|") {
		t.Fatalf("CSV: %v", rows)
	}
	svg, err := os.ReadFile(plotPath)
	if err != nil || !strings.Contains(string(svg), "<polyline") {
		t.Fatalf("plot: %v", err)
	}
	if err := runBench201([]string{"--strategy", "annealing", "--runs", "1"}); err == nil {
		t.Error("accepted an unknown strategy")
	}
	if err := runBench201([]string{"--dataset", "mnist"}); err == nil {
		t.Error("accepted an unknown dataset")
	}
}
