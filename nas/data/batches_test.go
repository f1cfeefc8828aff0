package data

import (
	"slices"
	"testing"
)

func TestMinibatches(t *testing.T) {
	for _, dropLast := range []bool{false, true} {
		var sizes []int
		var all []int
		for idx := range Minibatches(10, 4, dropLast, NewRand(1)) {
			sizes = append(sizes, len(idx))
			all = append(all, idx...)
		}
		want := []int{4, 4, 2}
		if dropLast {
			want = []int{4, 4}
		}
		if !slices.Equal(sizes, want) || len(sizes) != NumBatches(10, 4, dropLast) {
			t.Errorf("dropLast=%v: sizes %v, want %v (NumBatches %d)", dropLast, sizes, want, NumBatches(10, 4, dropLast))
		}
		if !dropLast {
			sorted := slices.Sorted(slices.Values(all))
			for i, v := range sorted {
				if v != i {
					t.Fatalf("epoch does not cover 0…9 once: %v", all)
				}
			}
			if slices.IsSorted(all) {
				t.Error("not shuffled")
			}
		}
	}
	var seq []int
	for idx := range Minibatches(5, 2, false, nil) {
		seq = append(seq, idx...)
	}
	if !slices.Equal(seq, []int{0, 1, 2, 3, 4}) {
		t.Errorf("unshuffled order %v", seq)
	}
}

func TestLoader(t *testing.T) {
	ds := rampDataset(10, 4, 4, 3, 5)
	l := &Loader{Dataset: ds, BatchSize: 4, Rand: NewRand(9), Augment: &CIFARCutoutAugmentation}
	epoch, err := l.Epoch()
	if err != nil {
		t.Fatal(err)
	}
	var sizes []int
	var first *Batch
	for b := range epoch {
		if first == nil {
			first = b
		} else if b != first {
			t.Error("Loader does not reuse its Batch")
		}
		sizes = append(sizes, b.Len())
		if len(b.Images) != b.Len()*48 || b.Height != 4 || b.Channels != 3 {
			t.Errorf("batch shape: %d values for %d images", len(b.Images), b.Len())
		}
	}
	if !slices.Equal(sizes, []int{4, 4, 2}) {
		t.Errorf("sizes %v", sizes)
	}
	l.DropLast = true
	epoch, _ = l.Epoch()
	n := 0
	for range epoch {
		n++
	}
	if n != 2 {
		t.Errorf("DropLast: %d batches", n)
	}
	if _, err := (&Loader{Dataset: ds, BatchSize: 2, Augment: &CIFARAugmentation}).Epoch(); err == nil {
		t.Error("Augment without Rand: no error")
	}
	if _, err := (&Loader{Dataset: ds}).Epoch(); err == nil {
		t.Error("BatchSize 0: no error")
	}
}
