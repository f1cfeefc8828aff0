package nb201search

import (
	"context"
	"testing"

	"github.com/gonas/gonas/cells"
)

// testTable is the shared data dir's NB201 table; the test is skipped where there
// is none.
func testTable(t *testing.T) *cells.NB201Table {
	t.Helper()
	path, err := cells.DefaultNB201TablePath()
	if err != nil {
		t.Skip(err)
	}
	table, err := cells.LoadNB201Table(path)
	if err != nil {
		t.Skip("no NB201 table: ", err)
	}
	return table
}

// runSearch runs the search of cfg on d, judged on table, writing to a temporary
// directory; the search is closed when the test ends.
func runSearch(t *testing.T, cfg Config, d *Data, table *cells.NB201Table) (*Search, *Result) {
	t.Helper()
	s, err := New(cfg, Options{Out: t.TempDir(), Data: d, Table: table})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Close)
	res, err := s.Run(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return s, res
}

// tinyConfig is the tiny preset for strategy and seed with overrides applied
// ("name=value,...", as --set takes them).
func tinyConfig(t *testing.T, strategy string, seed uint64, overrides string) Config {
	t.Helper()
	cfg, err := Preset("tiny", strategy, seed)
	if err != nil {
		t.Fatal(err)
	}
	if err := cfg.Override(overrides); err != nil {
		t.Fatal(err)
	}
	return cfg
}
