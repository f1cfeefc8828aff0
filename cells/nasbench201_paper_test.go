package cells

import (
	"strings"
	"testing"
	"time"

	"github.com/gonas/gonas/nas"
)

func TestNB201ArchitecturesAndPaper(t *testing.T) {
	archs := NB201Architectures()
	if len(archs) != 15625 {
		t.Fatalf("%d architectures, want 5^6 = 15625", len(archs))
	}
	for _, i := range []int{0, 1, 777, 15624} {
		if idx, err := NB201Index(archs[i]); err != nil || idx != i {
			t.Errorf("architecture %d has index %d (%v)", i, idx, err)
		}
	}
	for _, ds := range NB201Datasets {
		rs, err := NB201Paper(ds)
		if err != nil {
			t.Fatal(err)
		}
		opt, _ := nb201PaperResult(rs, "optimal")
		for _, method := range NB201PaperMethods {
			r, ok := nb201PaperResult(rs, method)
			if !ok || r.Mean <= 0 || r.Mean > opt.Mean || r.Std <= 0 {
				t.Errorf("%s: paper result of %s: %+v (optimum %.2f)", ds, method, r, opt.Mean)
			}
		}
	}
	if _, err := NB201Paper("mnist"); err == nil {
		t.Error("unknown dataset accepted")
	}
}

// TestNB201PointsAndCompareRows reads the real table (skipped without the shared
// data): every cell gets a cost, the largest network is the all-conv3x3 cell with the
// benchmark's 1.53 M parameters, and the comparison table has a row per strategy.
func TestNB201PointsAndCompareRows(t *testing.T) {
	path, err := DefaultNB201TablePath()
	if err != nil {
		t.Skip(err)
	}
	table, err := LoadNB201Table(path)
	if err != nil {
		t.Skip(err)
	}
	start := time.Now()
	pts, err := table.Points(NewNB201(), "cifar10")
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%d points in %v", len(pts), time.Since(start))
	if len(pts) != table.Len() {
		t.Errorf("%d points for %d cells", len(pts), table.Len())
	}
	largest := pts[0]
	for _, p := range pts {
		if p.Params > largest.Params {
			largest = p
		}
	}
	if largest.Params != 1531546 || strings.Count(mustFormat(t, largest.Arch), "nor_conv_3x3") != 6 {
		t.Errorf("largest network: %s with %d parameters, want the all-conv3x3 cell with 1531546", largest.Arch, largest.Params)
	}
	sums := []nas.Summary{{Strategy: "random", Runs: 2, TestMean: 0.88, TestStd: 0.01}, {Strategy: "mine", Runs: 1, TestMean: 0.8}}
	header, rows, err := table.CompareRows(sums, "cifar10")
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 3 || len(header) != len(rows[0]) || rows[0][4] != "RS" || rows[1][4] != "" || rows[0][2] != "88.00 ± 1.00" {
		t.Errorf("rows: %q", rows)
	}
	if _, err := table.Points(nas.Space(NewNB201()), "mnist"); err == nil {
		t.Error("unknown dataset accepted")
	}
}

func mustFormat(t *testing.T, a nas.Arch) string {
	t.Helper()
	s, err := NewNB201().Format(a)
	if err != nil {
		t.Fatal(err)
	}
	return s
}
