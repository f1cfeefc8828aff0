package notebooks

import (
	"os"
	"path/filepath"
	"testing"
)

// executedDir holds a copy of every notebook with its outputs, as the quick setting
// produced them, for reading on a code host without running anything; regenerate
// them with `go run ./cmd/gonas jupyter run -o notebooks/executed notebooks/0*.ipynb`.
const executedDir = "executed"

// maxExecutedBytes keeps the executed copies small (SVG charts, tables, short text).
const maxExecutedBytes = 2 << 20

// TestExecutedCopiesAreCurrent checks that every notebook has an executed copy whose
// cells are the notebook's own, every code cell of it ran, and it shows no error:
// editing a notebook without regenerating its copy fails here.
func TestExecutedCopiesAreCurrent(t *testing.T) {
	sources, err := filepath.Glob("0*.ipynb")
	if err != nil || len(sources) == 0 {
		t.Fatalf("no notebooks found (%v)", err)
	}
	for _, src := range sources {
		copyPath := filepath.Join(executedDir, src)
		nb, err := Read(src)
		if err != nil {
			t.Fatal(err)
		}
		executed, err := Read(copyPath)
		if err != nil {
			t.Errorf("%s has no executed copy (%v): run `go run ./cmd/gonas jupyter run -o notebooks/executed notebooks/%s`", src, err, src)
			continue
		}
		if st, err := os.Stat(copyPath); err == nil && st.Size() > maxExecutedBytes {
			t.Errorf("%s: %d bytes, over the %d the executed copies keep to", copyPath, st.Size(), maxExecutedBytes)
		}
		if len(executed.Cells) != len(nb.Cells) {
			t.Errorf("%s has %d cells, %s %d: regenerate the copy", copyPath, len(executed.Cells), src, len(nb.Cells))
			continue
		}
		for i, c := range nb.Cells {
			e := executed.Cells[i]
			if e.Type != c.Type || e.Source != c.Source {
				t.Errorf("%s: cell %d differs from %s's: regenerate the copy", copyPath, i+1, src)
				break
			}
			if c.Type == "code" && e.ExecutionCount == nil {
				t.Errorf("%s: code cell %d never ran", copyPath, i+1)
			}
		}
		if errs := executed.Errors(); len(errs) > 0 {
			t.Errorf("%s shows errors: %v", copyPath, errs)
		}
	}
}
