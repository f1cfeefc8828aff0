package nb201search

import (
	"slices"
	"testing"

	"github.com/gonas/gonas/nas/data"
)

// TestSplitDataMixesClasses: a data set stored class by class (as the JPEG archive
// is) must still give subsets of every class, and the halves must not overlap.
func TestSplitDataMixesClasses(t *testing.T) {
	n := 1000
	ds := &data.Dataset{Name: "sorted", Height: 1, Width: 1, Channels: 1, NumClasses: 10,
		Images: make([]float32, n), Labels: make([]int32, n)}
	for i := range n {
		ds.Labels[i] = int32(i / 100) // class by class
		ds.Images[i] = float32(i)     // an id
	}
	cfg := Config{TrainImages: 100, ScoreImages: 50, BatchSize: 10}
	d, err := SplitData(&cfg, ds)
	if err != nil {
		t.Fatal(err)
	}
	if d.Train.Len() != 100 || d.Score.Len() != 50 || d.Valid.Len() != 500 {
		t.Fatalf("sizes train %d, score %d, valid %d", d.Train.Len(), d.Score.Len(), d.Valid.Len())
	}
	for name, sub := range map[string]*data.Dataset{"train": d.Train, "score": d.Score} {
		classes := map[int32]bool{}
		for _, l := range sub.Labels {
			classes[l] = true
		}
		if len(classes) < 8 {
			t.Errorf("%s subset has %d classes of 10", name, len(classes))
		}
	}
	inValid := map[float32]bool{}
	for _, v := range d.Valid.Images {
		inValid[v] = true
	}
	for _, v := range d.Train.Images {
		if inValid[v] {
			t.Fatalf("image %v is in both halves", v)
		}
	}
	for _, v := range d.Score.Images {
		if !inValid[v] {
			t.Fatalf("scoring image %v is not from the valid half", v)
		}
	}
}

// LoadData reads only the training images, into one array the halves share, and
// gives bit for bit what SplitData makes of all of them (CIFAR-10's archive).
func TestLoadDataEqualsSplitDataOfTheWholeSet(t *testing.T) {
	if testing.Short() {
		t.Skip("decodes CIFAR-10's 50,000 training images twice (about 20 s)")
	}
	for _, preset := range []string{"tiny", "scaled"} {
		cfg, err := Preset(preset, "oneshot", 1)
		if err != nil {
			t.Fatal(err)
		}
		got, err := LoadData(&cfg, "")
		if err != nil {
			t.Skip("no CIFAR-10: ", err)
		}
		all, _, err := data.LoadNormalized("cifar10", "")
		if err != nil {
			t.Fatal(err)
		}
		want, err := SplitData(&cfg, all)
		if err != nil {
			t.Fatal(err)
		}
		for name, pair := range map[string][2]*data.Dataset{"train": {got.Train, want.Train}, "valid": {got.Valid, want.Valid}, "score": {got.Score, want.Score}} {
			g, w := pair[0], pair[1]
			if g.Name != w.Name || g.Len() != w.Len() || !slices.Equal(g.Labels, w.Labels) || !slices.Equal(g.Images, w.Images) {
				t.Errorf("%s %s: %v, want %v (labels or pixels differ)", preset, name, g, w)
			}
		}
	}
}
