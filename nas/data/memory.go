package data

import "fmt"

// FromRows returns a table dataset (see LoadCSV) from rows of features and their
// labels in [0, classes): Height = Width = 1, Channels = len(rows[i]). It fails on
// ragged rows, a label out of range, or a class with no row.
func FromRows(name string, rows [][]float32, labels []int, classes int) (*Dataset, error) {
	if len(rows) == 0 || len(rows[0]) == 0 {
		return nil, fmt.Errorf("data: FromRows %q: no rows, or rows without features", name)
	}
	flat := make([]float32, 0, len(rows)*len(rows[0]))
	for i, r := range rows {
		if len(r) != len(rows[0]) {
			return nil, fmt.Errorf("data: FromRows %q: row %d has %d features, row 0 has %d", name, i, len(r), len(rows[0]))
		}
		flat = append(flat, r...)
	}
	return FromImages(name, flat, labels, classes, 1, 1, len(rows[0]))
}

// FromImages returns a dataset of images held in Go memory: pixels holds
// len(labels) images of height×width×channels values back to back (HWC), and
// labels are in [0, classes). It fails on a length mismatch, a label out of range,
// or a class with no image.
func FromImages(name string, pixels []float32, labels []int, classes, height, width, channels int) (*Dataset, error) {
	ds := &Dataset{Name: name, Images: pixels, Labels: make([]int32, len(labels)),
		Height: height, Width: width, Channels: channels, NumClasses: classes}
	for i, l := range labels {
		ds.Labels[i] = int32(l)
	}
	if err := ds.Validate(); err != nil {
		return nil, err
	}
	if classes < 2 {
		return nil, fmt.Errorf("data: dataset %q has %d class(es): a classifier needs at least 2", name, classes)
	}
	for c, n := range ds.ClassCounts() {
		if n == 0 {
			return nil, fmt.Errorf("data: dataset %q: class %d has no example", name, c)
		}
	}
	return ds, nil
}
