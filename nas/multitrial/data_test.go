package multitrial

import (
	"slices"
	"strings"
	"testing"

	"github.com/gonas/gonas/nas/data"
)

// TestLoadSplitsMatchesTheWholeSetCut: the splits a recipe reads, loaded image by
// image, are bit for bit those cut from the whole normalised data set (hold-out
// drawn by DataSeed, TrainSize of the rest, TestSize test images), and a second
// load of the same recipe is the cached one.
func TestLoadSplitsMatchesTheWholeSetCut(t *testing.T) {
	train, test, err := data.LoadNormalized("mnist", "")
	if err != nil {
		t.Skip("no MNIST: ", err)
	}
	r := &Recipe{Data: "mnist", DataSeed: 7, ValidSize: 300, TrainSize: 500, Test: true, TestSize: 200}
	got, err := loadSplits(r)
	if err != nil {
		t.Fatal(err)
	}
	ti, vi, err := data.SplitIndices(train.Len(), r.ValidSize, r.DataSeed)
	if err != nil {
		t.Fatal(err)
	}
	wantTrain, _ := train.Subset(pick(ti, r.TrainSize, r.DataSeed^trainSalt))
	wantValid, _ := train.Subset(vi)
	wantTest, _ := test.Subset(pick(positions(0, test.Len()), r.TestSize, r.DataSeed^testSalt))
	for _, c := range []struct {
		name      string
		got, want *data.Dataset
	}{{"train", got.train, wantTrain}, {"valid", got.valid, wantValid}, {"test", got.test, wantTest}} {
		if c.got == nil || c.got.Len() != c.want.Len() || !slices.Equal(c.got.Images, c.want.Images) || !slices.Equal(c.got.Labels, c.want.Labels) {
			t.Errorf("%s split differs from the whole set's cut", c.name)
		}
	}
	again, err := loadSplits(r)
	if err != nil || again != got {
		t.Errorf("second load of the same recipe is not the cached splits (%v)", err)
	}
}

// TestLoadSplitsNamesAMissingDataSet: a wrong path is an error naming it, and
// is not cached.
func TestLoadSplitsNamesAMissingDataSet(t *testing.T) {
	r := &Recipe{Data: "mnist", DataPath: "/nowhere/mnist", ValidSize: 10, TrainSize: 10}
	for range 2 {
		if _, err := loadSplits(r); err == nil || !strings.Contains(err.Error(), "/nowhere/mnist") {
			t.Fatalf("want an error naming /nowhere/mnist, got %v", err)
		}
	}
}
