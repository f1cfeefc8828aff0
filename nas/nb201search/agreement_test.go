package nb201search

import (
	"fmt"
	"math"
	"slices"
	"testing"

	"github.com/gonas/gonas/cells"
	"github.com/gonas/gonas/nas"
)

func TestFixedCellsAndTableAgreement(t *testing.T) {
	a, err := FixedCells(100, 5)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := FixedCells(100, 5)
	c, _ := FixedCells(100, 6)
	seen := map[string]bool{}
	for i := range a {
		if a[i].String() != b[i].String() {
			t.Fatal("FixedCells is not a function of the seed")
		}
		seen[a[i].String()] = true
	}
	if len(seen) != 100 || slices.EqualFunc(a, c, func(x, y nas.Arch) bool { return x.String() == y.String() }) {
		t.Errorf("%d distinct cells; seeds 5 and 6 give the same set: %v", len(seen), len(seen) == 100)
	}
	path, err := cells.DefaultNB201TablePath()
	if err != nil {
		t.Skip(err)
	}
	table, err := cells.LoadNB201Table(path)
	if err != nil {
		t.Skip("no NB201 table: ", err)
	}
	test, err := table.TestScore("cifar10")
	if err != nil {
		t.Fatal(err)
	}
	// The test column agrees perfectly with itself...
	self, scores, err := TableAgreement(table, a, nas.Evaluator(test), "cifar10-test")
	if err != nil {
		t.Fatal(err)
	}
	if math.Abs(self.KendallTau-1) > 1e-12 || math.Abs(self.SpearmanRho-1) > 1e-12 || len(scores) != 100 {
		t.Errorf("test column vs itself: %+v", self)
	}
	// ...and well, not perfectly, with the validation column; the reversed score
	// reverses the order.
	val, _ := table.Evaluator("cifar10")
	vt, _, err := TableAgreement(table, a, val, "cifar10-test")
	if err != nil {
		t.Fatal(err)
	}
	neg := func(x nas.Arch) (float64, error) { v, err := val(x); return -v, err }
	nt, _, _ := TableAgreement(table, a, neg, "cifar10-test")
	if vt.KendallTau < 0.5 || vt.KendallTau >= 1 || math.Abs(nt.KendallTau+vt.KendallTau) > 1e-12 {
		t.Errorf("val vs test τ = %v, reversed %v", vt.KendallTau, nt.KendallTau)
	}
	if _, _, err := TableAgreement(table, a, val, "cifar10-train"); err == nil {
		t.Error("unknown column: no error")
	}
}

// TestSubSeedsDoNotCollide: the control searches of different seeds must draw
// different cells (seed ^ stream made seed 1's control 3 seed 2's control 2).
func TestSubSeedsDoNotCollide(t *testing.T) {
	seen := map[uint64]string{}
	for seed := uint64(1); seed <= 20; seed++ {
		for k := uint64(0); k < 10; k++ {
			v := subSeed(seed, 0xc0de00+k)
			if prev, ok := seen[v]; ok {
				t.Fatalf("seed %d stream %d collides with %s", seed, k, prev)
			}
			seen[v] = fmt.Sprintf("seed %d stream %d", seed, k)
		}
	}
}
