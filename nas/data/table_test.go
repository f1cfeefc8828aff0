package data

import (
	"path/filepath"
	"slices"
	"testing"
)

func TestLoadCSV(t *testing.T) {
	p := filepath.Join(t.TempDir(), "iris.csv")
	writeFile(t, p, []byte("a,species,b\n1,setosa,2\n3.5,virginica,-4\n5, setosa ,6\n"))
	ds, features, err := LoadCSV(p, "species")
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(features, []string{"a", "b"}) || ds.Channels != 2 || ds.Height != 1 || ds.Width != 1 || ds.Len() != 3 {
		t.Fatalf("features %v, dataset %s", features, ds)
	}
	if !slices.Equal(ds.ClassNames, []string{"setosa", "virginica"}) || !slices.Equal(ds.Labels, []int32{0, 1, 0}) {
		t.Fatalf("classes %v labels %v", ds.ClassNames, ds.Labels)
	}
	if !slices.Equal(ds.Images, []float32{1, 2, 3.5, -4, 5, 6}) {
		t.Fatalf("values %v", ds.Images)
	}
	vals, rows, err := CSVFeatures(p, []string{"b", "a"})
	if err != nil || rows != 3 || !slices.Equal(vals, []float32{2, 1, -4, 3.5, 6, 5}) {
		t.Fatalf("CSVFeatures = %v, %d, %v", vals, rows, err)
	}
}

func TestLoadCSVNumericClassesSortNumerically(t *testing.T) {
	p := filepath.Join(t.TempDir(), "t.csv")
	writeFile(t, p, []byte("x,y\n1,10\n2,9\n3,10\n"))
	ds, _, err := LoadCSV(p, "y")
	if err != nil || !slices.Equal(ds.ClassNames, []string{"9", "10"}) || !slices.Equal(ds.Labels, []int32{1, 0, 1}) {
		t.Fatalf("classes %v labels %v err %v", ds.ClassNames, ds.Labels, err)
	}
}

func TestLoadCSVErrors(t *testing.T) {
	for name, c := range map[string]struct{ text, want string }{
		"missing label": {"a,b\n1,2\n", `no label column "y" (columns: a, b)`},
		"ragged row":    {"a,y\n1,0\n2,1,7\n", "line 3 has 3 fields, the header has 2"},
		"not a number":  {"a,y\n1,0\nx,1\n", `line 3, column "a": "x" is not a number`},
		"empty label":   {"a,y\n1,0\n2,\n", "line 3: empty label"},
		"one class":     {"a,y\n1,0\n2,0\n", "1 class(es)"},
		"no rows":       {"a,y\n", "no data row"},
	} {
		p := filepath.Join(t.TempDir(), "t.csv")
		writeFile(t, p, []byte(c.text))
		_, _, err := LoadCSV(p, "y")
		if err == nil {
			t.Errorf("%s: no error", name)
			continue
		}
		wantFileError(t, err, p, c.want)
	}
}

func TestFromRowsAndStandardize(t *testing.T) {
	ds, err := FromRows("mem", [][]float32{{1, 5}, {3, 5}}, []int{0, 1}, 2)
	if err != nil {
		t.Fatal(err)
	}
	mean, std, err := Standardize(ds)
	if err != nil || mean[0] != 2 || std[0] != 1 || std[1] != 1 || !slices.Equal(ds.Images, []float32{-1, 0, 1, 0}) {
		t.Fatalf("mean %v std %v images %v err %v", mean, std, ds.Images, err)
	}
	if _, err := FromRows("m", [][]float32{{1}, {2, 3}}, []int{0, 1}, 2); err == nil {
		t.Error("ragged rows accepted")
	}
	if _, err := FromRows("m", [][]float32{{1}, {2}}, []int{0, 0}, 2); err == nil {
		t.Error("a class with no row accepted")
	}
	if _, err := FromImages("m", make([]float32, 3), []int{0, 1}, 2, 1, 1, 1); err == nil {
		t.Error("a pixel count mismatch accepted")
	}
}
