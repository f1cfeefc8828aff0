package data

import (
	"slices"
	"testing"
)

func TestSplitIndices(t *testing.T) {
	train, valid, err := SplitIndices(100, 30, 7)
	if err != nil {
		t.Fatal(err)
	}
	if len(train) != 70 || len(valid) != 30 {
		t.Fatalf("sizes %d/%d", len(train), len(valid))
	}
	all := append(slices.Clone(train), valid...)
	slices.Sort(all)
	for i, v := range all { // disjoint and covering
		if v != i {
			t.Fatalf("train ∪ valid is not 0…99: %v", all)
		}
	}
	if !slices.IsSorted(train) || !slices.IsSorted(valid) {
		t.Error("splits not sorted")
	}
	train2, valid2, _ := SplitIndices(100, 30, 7)
	if !slices.Equal(train, train2) || !slices.Equal(valid, valid2) {
		t.Error("same seed, different split")
	}
	_, valid3, _ := SplitIndices(100, 30, 8)
	if slices.Equal(valid, valid3) {
		t.Error("different seeds, same split")
	}
	if _, _, err := SplitIndices(10, 11, 1); err == nil {
		t.Error("nValid > n: no error")
	}
}

func TestSplitValidation(t *testing.T) {
	ds := rampDataset(20, 1, 1, 1, 4)
	train, valid, err := SplitValidation(ds, 5, 42)
	if err != nil {
		t.Fatal(err)
	}
	if train.Len() != 15 || valid.Len() != 5 || valid.Name != "ramp-valid" {
		t.Fatalf("got %v / %v", train, valid)
	}
	seen := map[float32]bool{}
	for _, part := range []*Dataset{train, valid} {
		for i, v := range part.Images { // image value = original index
			if seen[v] {
				t.Fatalf("image %v in both parts", v)
			}
			seen[v] = true
			if part.Labels[i] != int32(v)%4 {
				t.Errorf("image %v has label %d", v, part.Labels[i])
			}
		}
	}
	if len(seen) != 20 {
		t.Errorf("split covers %d of 20", len(seen))
	}
	_, valid2, _ := SplitValidation(ds, 5, 42)
	if !slices.Equal(valid.Images, valid2.Images) {
		t.Error("not deterministic")
	}
}

func TestShuffle(t *testing.T) {
	ds := rampDataset(50, 1, 2, 1, 50) // image i = {2i, 2i+1}, label i
	Shuffle(ds, NewRand(3))
	moved := 0
	for i := 0; i < ds.Len(); i++ {
		l := ds.Labels[i]
		if img := ds.Image(i); img[0] != float32(2*l) || img[1] != float32(2*l+1) {
			t.Fatalf("image %d does not match its label %d: %v", i, l, img)
		}
		if l != int32(i) {
			moved++
		}
	}
	if moved == 0 {
		t.Error("Shuffle did nothing")
	}
}
