package data

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// cifarPixel is the fixture's value of plane c, pixel p of record r.
func cifarPixel(r, c, p int) byte { return byte(r*7 + c*50 + p) }

// cifarRecords encodes one binary record per label, channel-planar RGB,
// with pixels cifarPixel(first+i, c, p).
func cifarRecords(first int, labels ...byte) []byte {
	var b []byte
	for i, l := range labels {
		b = append(b, l)
		for c := 0; c < 3; c++ {
			for p := 0; p < cifarPlane; p++ {
				b = append(b, cifarPixel(first+i, c, p))
			}
		}
	}
	return b
}

// checkCIFARImage checks image i of ds holds fixture record r in NHWC.
func checkCIFARImage(t *testing.T, ds *Dataset, i, r int) {
	t.Helper()
	img := ds.Image(i)
	for p := 0; p < cifarPlane; p++ {
		for c := 0; c < 3; c++ {
			if got, want := img[p*3+c], float32(cifarPixel(r, c, p))/255; got != want {
				t.Fatalf("image %d pixel %d channel %d = %v, want %v", i, p, c, got, want)
			}
		}
	}
}

// cifarBinFiles returns the files of a tiny binary release: one record per
// training batch (labels 0…4, records 0…4), three test records (labels
// 9, 8, 7, records 10…12), and batches.meta.txt.
func cifarBinFiles() map[string][]byte {
	files := map[string][]byte{}
	for i := 1; i <= 5; i++ {
		files[fmt.Sprintf("data_batch_%d.bin", i)] = cifarRecords(i-1, byte(i-1))
	}
	files["test_batch.bin"] = cifarRecords(10, 9, 8, 7)
	files["batches.meta.txt"] = []byte(strings.Join(CIFAR10ClassNames, "\n") + "\n\n")
	return files
}

func TestReadCIFARBin(t *testing.T) {
	p := filepath.Join(t.TempDir(), "three.bin")
	writeFile(t, p, cifarRecords(0, 3, 0, 9))
	ds, err := ReadCIFARBin(p)
	if err != nil {
		t.Fatal(err)
	}
	if ds.Len() != 3 || ds.Height != 32 || ds.Width != 32 || ds.Channels != 3 || ds.NumClasses != 10 {
		t.Fatalf("got %v", ds)
	}
	for i, want := range []int32{3, 0, 9} {
		if ds.Labels[i] != want {
			t.Errorf("label %d = %d, want %d", i, ds.Labels[i], want)
		}
		checkCIFARImage(t, ds, i, i)
	}
}

func checkTinyCIFARBin(t *testing.T, train, test *Dataset) {
	t.Helper()
	if train.Len() != 5 || test.Len() != 3 {
		t.Fatalf("got %v and %v", train, test)
	}
	for i := 0; i < 5; i++ { // batch order 1…5
		if train.Labels[i] != int32(i) {
			t.Errorf("train label %d = %d", i, train.Labels[i])
		}
		checkCIFARImage(t, train, i, i)
	}
	for i, want := range []int32{9, 8, 7} {
		if test.Labels[i] != want {
			t.Errorf("test label %d = %d, want %d", i, test.Labels[i], want)
		}
		checkCIFARImage(t, test, i, 10+i)
	}
	if train.ClassNames[0] != "airplane" || train.Name != "cifar10-train" || test.Name != "cifar10-test" {
		t.Errorf("names: %v %q %q", train.ClassNames, train.Name, test.Name)
	}
}

func TestLoadCIFAR10BinLayouts(t *testing.T) {
	root := t.TempDir()
	binDir := filepath.Join(root, "cifar-10-batches-bin")
	files := cifarBinFiles()
	for name, b := range files {
		writeFile(t, filepath.Join(binDir, name), b)
	}
	arch := map[string][]byte{"README": []byte("x")}
	for name, b := range files {
		arch["cifar-10-batches-bin/"+name] = b
	}
	tgz := filepath.Join(root, "cifar-10-binary.tar.gz")
	writeFile(t, tgz, tarGz(t, arch))
	for _, p := range []string{binDir, root, tgz} {
		train, test, err := LoadCIFAR10(p)
		if err != nil {
			t.Fatalf("LoadCIFAR10(%s): %v", p, err)
		}
		checkTinyCIFARBin(t, train, test)
	}
	// Meta is optional; its class names are used when present.
	os.Remove(filepath.Join(binDir, "batches.meta.txt"))
	if _, _, err := LoadCIFAR10Bin(binDir); err != nil {
		t.Errorf("without batches.meta.txt: %v", err)
	}
}

func TestCIFARBinErrors(t *testing.T) {
	cases := []struct {
		name      string
		file      string
		content   []byte
		fragments []string
	}{
		{"truncated", "data_batch_3.bin", cifarRecords(0, 1, 2)[:2*cifarRecordSize-5],
			[]string{"truncated record 1", "not a multiple of the 3073-byte record"}},
		{"label out of range", "test_batch.bin", cifarRecords(0, 1, 10, 2),
			[]string{"label out of range: record 1 has label 10"}},
		{"empty", "data_batch_1.bin", nil, []string{"empty file"}},
		{"bad meta", "batches.meta.txt", []byte("cat\ndog\n"), []string{"2 class names, want 10"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			for name, b := range cifarBinFiles() {
				writeFile(t, filepath.Join(dir, name), b)
			}
			writeFile(t, filepath.Join(dir, c.file), c.content)
			_, _, err := LoadCIFAR10(dir)
			wantFileError(t, err, filepath.Join(dir, c.file), c.fragments...)
		})
	}
	t.Run("missing test batch", func(t *testing.T) {
		dir := t.TempDir()
		for name, b := range cifarBinFiles() {
			writeFile(t, filepath.Join(dir, name), b)
		}
		os.Remove(filepath.Join(dir, "test_batch.bin"))
		_, _, err := LoadCIFAR10(dir)
		wantFileError(t, err, filepath.Join(dir, "test_batch.bin"), "no such file")
	})
	t.Run("missing batch in archive", func(t *testing.T) {
		files := cifarBinFiles()
		delete(files, "data_batch_4.bin")
		p := filepath.Join(t.TempDir(), "c.tgz")
		writeFile(t, p, tarGz(t, files))
		_, _, err := LoadCIFAR10(p)
		wantFileError(t, err, p, "missing data_batch_4.bin")
	})
	t.Run("truncated record in archive", func(t *testing.T) {
		files := cifarBinFiles()
		files["x/data_batch_2.bin"] = files["data_batch_2.bin"][:100]
		delete(files, "data_batch_2.bin")
		p := filepath.Join(t.TempDir(), "c.tar.gz")
		writeFile(t, p, tarGz(t, files))
		_, _, err := LoadCIFAR10(p)
		wantFileError(t, err, p+"[x/data_batch_2.bin]", "truncated record 0")
	})
	t.Run("wrong extension", func(t *testing.T) {
		p := filepath.Join(t.TempDir(), "cifar.zip")
		writeFile(t, p, []byte("PK"))
		_, _, err := LoadCIFAR10(p)
		wantFileError(t, err, p, "unsupported file type")
	})
	t.Run("not a CIFAR dir", func(t *testing.T) {
		dir := t.TempDir()
		_, _, err := LoadCIFAR10(dir)
		wantFileError(t, err, dir, "not a CIFAR-10 directory")
	})
	t.Run("missing path", func(t *testing.T) {
		p := filepath.Join(t.TempDir(), "nothing.tar.gz")
		_, _, err := LoadCIFAR10(p)
		wantFileError(t, err, p, "no such file")
	})
	t.Run("not gzip", func(t *testing.T) {
		p := filepath.Join(t.TempDir(), "c.tar.gz")
		writeFile(t, p, []byte("this is not gzip"))
		_, _, err := LoadCIFAR10(p)
		wantFileError(t, err, p, "not a gzip file")
	})
}
