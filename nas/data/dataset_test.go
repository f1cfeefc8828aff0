package data

import (
	"slices"
	"strings"
	"testing"
)

// rampDataset returns n images of h×w×c whose values are their flat index
// in Images, with labels i % classes.
func rampDataset(n, h, w, c, classes int) *Dataset {
	ds := &Dataset{Name: "ramp", Height: h, Width: w, Channels: c, NumClasses: classes,
		Images: make([]float32, n*h*w*c), Labels: make([]int32, n)}
	for i := range ds.Images {
		ds.Images[i] = float32(i)
	}
	for i := range ds.Labels {
		ds.Labels[i] = int32(i % classes)
	}
	return ds
}

func TestDatasetAccessors(t *testing.T) {
	ds := rampDataset(5, 2, 2, 1, 3)
	if ds.Len() != 5 || ds.ImageSize() != 4 || ds.Label(4) != 1 {
		t.Fatalf("Len %d ImageSize %d", ds.Len(), ds.ImageSize())
	}
	if got := ds.Image(2); !slices.Equal(got, []float32{8, 9, 10, 11}) {
		t.Errorf("Image(2) = %v", got)
	}
	if got := ds.ClassCounts(); !slices.Equal(got, []int{2, 2, 1}) {
		t.Errorf("ClassCounts = %v", got)
	}
	if !strings.Contains(ds.String(), "5 images 2×2×1, 3 classes") {
		t.Errorf("String = %q", ds.String())
	}
	sub, err := ds.Subset([]int{4, 0})
	if err != nil || !slices.Equal(sub.Images, []float32{16, 17, 18, 19, 0, 1, 2, 3}) || !slices.Equal(sub.Labels, []int32{1, 0}) {
		t.Errorf("Subset = %v, %v", sub, err)
	}
	if _, err := ds.Subset([]int{5}); err == nil {
		t.Error("Subset out of range: no error")
	}
	bad := *ds
	bad.Labels = slices.Clone(ds.Labels)
	bad.Labels[1] = 3
	if err := bad.Validate(); err == nil || !strings.Contains(err.Error(), "label 3") {
		t.Errorf("Validate = %v", err)
	}
	bad = *ds
	bad.Images = bad.Images[:3]
	if err := bad.Validate(); err == nil {
		t.Error("Validate with short Images: no error")
	}
}

func TestBatchFillNoAlloc(t *testing.T) {
	ds := rampDataset(10, 2, 2, 1, 3)
	b := ds.NewBatch(4)
	if err := ds.Batch([]int{3, 1}, b); err != nil {
		t.Fatal(err)
	}
	if b.Len() != 2 || !slices.Equal(b.Images, []float32{12, 13, 14, 15, 4, 5, 6, 7}) || !slices.Equal(b.Labels, []int32{0, 1}) {
		t.Errorf("batch %v %v", b.Images, b.Labels)
	}
	idx := []int{9, 8, 7, 6}
	if allocs := testing.AllocsPerRun(100, func() { _ = ds.Batch(idx, b) }); allocs != 0 {
		t.Errorf("Batch allocates %v times per call", allocs)
	}
	if err := ds.Batch([]int{0, 10}, b); err == nil || !strings.Contains(err.Error(), "index 10") {
		t.Errorf("out of range: %v", err)
	}
	if b.Len() != 4 {
		t.Errorf("failed Batch changed dst")
	}
}
