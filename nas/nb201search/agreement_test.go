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
	table := testTable(t)
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
	// TableColumn reads the same accuracies as Lookup, in the order of archs.
	col, err := TableColumn(table, a[:5], "cifar100-val")
	if err != nil {
		t.Fatal(err)
	}
	for i, x := range a[:5] {
		r, _ := table.Lookup(x, "cifar100")
		if col[i] != r.Val {
			t.Errorf("TableColumn cifar100-val [%d] = %v, Lookup %v", i, col[i], r.Val)
		}
	}
	if _, err := TableColumn(table, a, "cifar10-train"); err == nil {
		t.Error("TableColumn of an unknown column: no error")
	}
	if _, err := TableColumn(table, []nas.Arch{{Space: "nb201", Choices: []int{1, 2}}}, "cifar10-val"); err == nil {
		t.Error("TableColumn of a malformed architecture: no error")
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

// OpCounts counts a cell's edges per op, by name, and skips choices outside the ops.
func TestOpCounts(t *testing.T) {
	a, err := cells.NewNB201().Parse("|nor_conv_3x3~0|+|skip_connect~0|nor_conv_3x3~1|+|none~0|avg_pool_3x3~1|nor_conv_1x1~2|")
	if err != nil {
		t.Fatal(err)
	}
	got := OpCounts(a)
	want := map[string]int{"nor_conv_3x3": 2, "skip_connect": 1, "none": 1, "avg_pool_3x3": 1, "nor_conv_1x1": 1}
	if len(got) != len(want) {
		t.Errorf("OpCounts = %v, want %v", got, want)
	}
	for op, n := range want {
		if got[op] != n {
			t.Errorf("OpCounts[%s] = %d, want %d", op, got[op], n)
		}
	}
	if bad := OpCounts(nas.Arch{Choices: []int{-1, 5, 1}}); len(bad) != 1 || bad["skip_connect"] != 1 {
		t.Errorf("OpCounts with choices outside the ops = %v, want only skip_connect 1", bad)
	}
}
