package nb201search

import (
	"slices"
	"strings"
	"testing"

	"github.com/gomlx/gomlx/core/tensors"
	"github.com/gonas/gonas/cells"
	"github.com/gonas/gonas/nas"
	"github.com/gonas/gonas/nas/backends"
)

func tinyBatch(n int) (*tensors.Tensor, *tensors.Tensor) {
	x := make([]float32, n*32*32*3)
	for i := range x {
		x[i] = float32(i%97)/97 - 0.5
	}
	y := make([]int32, n)
	for i := range y {
		y[i] = int32(i % 10)
	}
	return tensors.FromFlatDataAndDimensions(x, n, 32, 32, 3), tensors.FromFlatDataAndDimensions(y, n, 1)
}

// snapshot copies the values of the variables whose path contains part.
func snapshot(t *testing.T, sn *Supernet, part string) map[string][]float32 {
	t.Helper()
	out := map[string][]float32{}
	for v := range sn.Store().IterVariables() {
		if !strings.Contains(v.Path(), part) {
			continue
		}
		val, err := v.Value()
		if err != nil {
			t.Fatal(err)
		}
		flat, err := tensors.CopyFlatData[float32](val)
		if err != nil {
			t.Fatal(err)
		}
		out[v.Path()] = flat
	}
	return out
}

// TestSupernetTrainsOnlyThePath checks weight sharing: an architecture's training
// step creates and moves its own ops' weights, and leaves every other op's alone.
func TestSupernetTrainsOnlyThePath(t *testing.T) {
	be, err := backends.New()
	if err != nil {
		t.Fatal(err)
	}
	net := cells.NB201Network{Channels: 2, CellsPerStage: 1, ImageSize: 32, ImageChannels: 3}
	sn, err := NewSupernet(be, net, 10, 1, TrainConfig{LRMax: 0.1, LRMin: 0.1, Momentum: 0.9, WeightDecay: 5e-4, TotalSteps: 10})
	if err != nil {
		t.Fatal(err)
	}
	defer sn.Close()
	x, y := tinyBatch(8)
	conv1 := nas.Arch{Space: "nb201", Choices: []int{2, 2, 2, 2, 2, 2}}
	conv3 := nas.Arch{Space: "nb201", Choices: []int{3, 1, 3, 0, 4, 3}}
	if _, _, err := sn.TrainStep(conv1, x, y); err != nil {
		t.Fatal(err)
	}
	if n3, n1 := len(snapshot(t, sn, "nor_conv_3x3")), len(snapshot(t, sn, "nor_conv_1x1/weights")); n3 != 0 || n1 != 2*6*3 {
		t.Fatalf("after a 1×1 path: %d 3×3 variables and %d 1×1 kernels (want 0, and a kernel and its momentum on each of 6 edges in 3 cells)", n3, n1)
	}
	before1, stem := snapshot(t, sn, "nor_conv_1x1"), snapshot(t, sn, "stem")
	for range 2 {
		if _, _, err := sn.TrainStep(conv3, x, y); err != nil {
			t.Fatal(err)
		}
	}
	for k, v := range snapshot(t, sn, "nor_conv_1x1") {
		if !slices.Equal(v, before1[k]) {
			t.Errorf("%s moved in a step of a path without it", k)
		}
	}
	moved := false
	for k, v := range snapshot(t, sn, "stem") {
		moved = moved || !slices.Equal(v, stem[k])
	}
	if !moved {
		t.Error("the stem (shared by every path) did not move")
	}
	// Scoring writes nothing and gives the same answer twice.
	c1, l1, err := sn.Score(conv3, x, y)
	if err != nil {
		t.Fatal(err)
	}
	c2, l2, _ := sn.Score(conv3, x, y)
	if c1 != c2 || l1 != l2 || c1 < 0 || c1 > 8 {
		t.Errorf("scores %d/%v then %d/%v", c1, l1, c2, l2)
	}
	// The graph cache stays bounded.
	for i := range graphCacheSize + 5 {
		a := nas.Arch{Space: "nb201", Choices: []int{i % 5, (i / 5) % 5, 1, 1, 1, 1}}
		if _, _, err := sn.Score(a, x, y); err != nil {
			t.Fatal(err)
		}
	}
	if sn.graphs.len() != graphCacheSize {
		t.Errorf("cache holds %d graphs, want %d", sn.graphs.len(), graphCacheSize)
	}
}
