package data

import (
	"encoding/csv"
	"errors"
	"io"
	"os"
	"slices"
	"strconv"
	"strings"
)

// A table (CSV) is held as a Dataset of 1×1 "images" with one channel per feature,
// so that per-channel normalisation is per-feature standardisation and every
// image model that flattens its input reads rows.

// LoadCSV reads a CSV table with a header row: the column called label holds each
// row's class (any text; classes are the distinct values sorted, numerically when
// they all are integers), every other column a numeric feature. It returns the
// dataset (Height = Width = 1, Channels = number of features) and the feature names
// in column order.
//
// It fails, naming the line and column, on a missing label column, a row with
// another number of fields than the header, an empty label, a value that is not a
// number, or a table with fewer than two classes.
func LoadCSV(path, label string) (*Dataset, []string, error) {
	header, rows, err := readCSV(path)
	if err != nil {
		return nil, nil, err
	}
	li := slices.Index(header, label)
	if li < 0 {
		return nil, nil, fileErrorf(path, "", "no label column %q (columns: %s)", label, strings.Join(header, ", "))
	}
	features := slices.Delete(slices.Clone(header), li, li+1)
	if len(features) == 0 {
		return nil, nil, fileErrorf(path, "", "no feature column besides the label %q", label)
	}
	ds := &Dataset{Name: strings.TrimSuffix(baseName(path), ".csv"), Height: 1, Width: 1, Channels: len(features),
		Images: make([]float32, 0, len(rows)*len(features)), Labels: make([]int32, len(rows))}
	var labels []string
	for r, row := range rows {
		if strings.TrimSpace(row[li]) == "" {
			return nil, nil, fileErrorf(path, "", "line %d: empty label in column %q", r+2, label)
		}
		labels = append(labels, strings.TrimSpace(row[li]))
		for c, v := range row {
			if c == li {
				continue
			}
			x, err := strconv.ParseFloat(strings.TrimSpace(v), 32)
			if err != nil {
				return nil, nil, fileErrorf(path, "", "line %d, column %q: %q is not a number", r+2, header[c], v)
			}
			ds.Images = append(ds.Images, float32(x))
		}
	}
	ds.ClassNames = sortedClasses(labels)
	if len(ds.ClassNames) < 2 {
		return nil, nil, fileErrorf(path, "", "label column %q has %d class(es) %q: a classifier needs at least 2", label, len(ds.ClassNames), ds.ClassNames)
	}
	ds.NumClasses = len(ds.ClassNames)
	for r, l := range labels {
		ds.Labels[r] = int32(slices.Index(ds.ClassNames, l))
	}
	return ds, features, nil
}

// CSVFeatures reads the named feature columns of a CSV table with a header row (in
// the order of features; other columns, such as a label, are ignored) as rows of
// float32 values back to back. It fails, naming the line and column, on a missing
// column, a ragged row or a value that is not a number.
func CSVFeatures(path string, features []string) (values []float32, rows int, err error) {
	header, records, err := readCSV(path)
	if err != nil {
		return nil, 0, err
	}
	cols := make([]int, len(features))
	for i, f := range features {
		if cols[i] = slices.Index(header, f); cols[i] < 0 {
			return nil, 0, fileErrorf(path, "", "no column %q (columns: %s)", f, strings.Join(header, ", "))
		}
	}
	values = make([]float32, 0, len(records)*len(features))
	for r, row := range records {
		for i, c := range cols {
			x, err := strconv.ParseFloat(strings.TrimSpace(row[c]), 32)
			if err != nil {
				return nil, 0, fileErrorf(path, "", "line %d, column %q: %q is not a number", r+2, features[i], row[c])
			}
			values = append(values, float32(x))
		}
	}
	return values, len(records), nil
}

// readCSV reads a header row and the records after it, all of the header's width.
func readCSV(path string) (header []string, rows [][]string, err error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, nil, wrapFileError(path, "", err)
	}
	defer f.Close()
	r := csv.NewReader(f)
	r.FieldsPerRecord = -1 // checked below, with a clearer message
	if header, err = r.Read(); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, nil, fileErrorf(path, "", "empty file: want a header row, then one row per example")
		}
		return nil, nil, wrapFileError(path, "", err)
	}
	for i := range header {
		header[i] = strings.TrimSpace(header[i])
	}
	for line := 2; ; line++ {
		row, err := r.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, nil, wrapFileError(path, "", err)
		}
		if len(row) != len(header) {
			return nil, nil, fileErrorf(path, "", "line %d has %d fields, the header has %d", line, len(row), len(header))
		}
		rows = append(rows, row)
	}
	if len(rows) == 0 {
		return nil, nil, fileErrorf(path, "", "no data row after the header")
	}
	return header, rows, nil
}

// sortedClasses returns the distinct labels sorted: numerically when all are
// integers, as text otherwise.
func sortedClasses(labels []string) []string {
	classes := slices.Compact(slices.Sorted(slices.Values(labels)))
	numeric := true
	for _, c := range classes {
		if _, err := strconv.Atoi(c); err != nil {
			numeric = false
			break
		}
	}
	if numeric {
		slices.SortFunc(classes, func(a, b string) int {
			x, _ := strconv.Atoi(a)
			y, _ := strconv.Atoi(b)
			return x - y
		})
	}
	return classes
}

// baseName is the last element of a slash- or backslash-separated path.
func baseName(path string) string {
	if i := strings.LastIndexAny(path, `/\`); i >= 0 {
		return path[i+1:]
	}
	return path
}
