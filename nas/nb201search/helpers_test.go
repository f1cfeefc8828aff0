package nb201search

import (
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
