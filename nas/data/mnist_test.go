package data

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"testing"
)

// mnistFixture writes a tiny MNIST-like set to dir: 3 train images and 2
// test images of 2×3 pixels; train plain, test gzipped. Pixel j of image i
// is 10*i + j; labels are 7, 0, 9 and 1, 2.
func mnistFixture(t *testing.T, dir string) {
	t.Helper()
	pix := func(n int) []byte {
		b := make([]byte, n*6)
		for i := 0; i < n; i++ {
			for j := 0; j < 6; j++ {
				b[i*6+j] = byte(10*i + j)
			}
		}
		return b
	}
	writeFile(t, filepath.Join(dir, MNISTTrainImages), idxBytes(IDXImagesMagic, []int{3, 2, 3}, pix(3)))
	writeFile(t, filepath.Join(dir, MNISTTrainLabels), idxBytes(IDXLabelsMagic, []int{3}, []byte{7, 0, 9}))
	writeFile(t, filepath.Join(dir, MNISTTestImages+".gz"), gzipBytes(t, idxBytes(IDXImagesMagic, []int{2, 2, 3}, pix(2))))
	writeFile(t, filepath.Join(dir, MNISTTestLabels+".gz"), gzipBytes(t, idxBytes(IDXLabelsMagic, []int{2}, []byte{1, 2})))
}

func TestLoadMNISTPlainAndGz(t *testing.T) {
	dir := t.TempDir()
	mnistFixture(t, dir)
	train, test, err := LoadMNIST(dir)
	if err != nil {
		t.Fatal(err)
	}
	if train.Len() != 3 || test.Len() != 2 || train.Height != 2 || train.Width != 3 || train.Channels != 1 || train.NumClasses != 10 {
		t.Fatalf("got %v, %v", train, test)
	}
	if train.Name != "mnist-train" || test.Name != "mnist-test" || train.ClassNames[9] != "9" {
		t.Errorf("names %q %q %v", train.Name, test.Name, train.ClassNames)
	}
	for i, want := range []int32{7, 0, 9} {
		if train.Labels[i] != want {
			t.Errorf("train label %d = %d, want %d", i, train.Labels[i], want)
		}
	}
	for i, want := range []int32{1, 2} {
		if test.Labels[i] != want {
			t.Errorf("test label %d = %d, want %d", i, test.Labels[i], want)
		}
	}
	for i := 0; i < 3; i++ {
		for j, v := range train.Image(i) {
			if want := float32(10*i+j) / 255; v != want {
				t.Errorf("train image %d pixel %d = %v, want %v", i, j, v, want)
			}
		}
	}
	if got := test.Image(1)[5]; got != float32(15)/255 {
		t.Errorf("test image 1 pixel 5 = %v", got)
	}
	if err := train.Validate(); err != nil {
		t.Error(err)
	}
	// Fashion-MNIST reads the same files and names its classes.
	ftrain, _, err := LoadFashionMNIST(dir)
	if err != nil || ftrain.ClassNames[9] != "Ankle boot" || ftrain.Name != "fashion-mnist-train" {
		t.Errorf("LoadFashionMNIST: %v, %v", ftrain, err)
	}
}

func TestLoadIDXErrors(t *testing.T) {
	pix := make([]byte, 3*4)
	cases := []struct {
		name      string
		images    []byte // content of img (plain), or nil for the good one
		labels    []byte
		imgName   string // file name; default "img"
		badFile   string // "img" or "lbl": which file the error must name
		fragments []string
	}{
		{name: "bad image magic", images: idxBytes(0x00000801, []int{3, 2, 2}, pix), badFile: "img",
			fragments: []string{"bad magic 0x00000801", "want 0x00000803"}},
		{name: "bad label magic", labels: idxBytes(0x00000803, []int{3}, []byte{1, 2, 3}), badFile: "lbl",
			fragments: []string{"bad magic 0x00000803"}},
		{name: "truncated images", images: idxBytes(IDXImagesMagic, []int{3, 2, 2}, pix[:9]), badFile: "img",
			fragments: []string{"truncated record 2", "3 records of 4 bytes", "only 9 bytes"}},
		{name: "truncated header", images: []byte{0, 0, 8, 3, 0, 0}, badFile: "img",
			fragments: []string{"truncated header"}},
		{name: "trailing bytes", images: idxBytes(IDXImagesMagic, []int{3, 2, 2}, append(pix, 1, 2)), badFile: "img",
			fragments: []string{"2 unexpected trailing bytes"}},
		{name: "count mismatch", labels: idxBytes(IDXLabelsMagic, []int{2}, []byte{1, 2}), badFile: "img",
			fragments: []string{"image count 3 vs label count 2", "lbl"}},
		{name: "label out of range", labels: idxBytes(IDXLabelsMagic, []int{3}, []byte{1, 10, 2}), badFile: "lbl",
			fragments: []string{"label out of range: record 1 has label 10"}},
		{name: "gz name, not gzip", imgName: "img.gz", badFile: "img.gz",
			fragments: []string{"named .gz but not gzip-compressed"}},
		{name: "truncated gzip", imgName: "img.gz", badFile: "img.gz",
			images:    gzipBytes(t, idxBytes(IDXImagesMagic, []int{3, 2, 2}, pix))[:20],
			fragments: []string{"truncated gzip"}},
		{name: "empty", images: []byte{}, badFile: "img", fragments: []string{"truncated header: 0 bytes"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			imgName := "img"
			if c.imgName != "" {
				imgName = c.imgName
			}
			images := c.images
			if images == nil {
				images = idxBytes(IDXImagesMagic, []int{3, 2, 2}, pix)
			}
			labels := c.labels
			if labels == nil {
				labels = idxBytes(IDXLabelsMagic, []int{3}, []byte{1, 2, 3})
			}
			img, lbl := filepath.Join(dir, imgName), filepath.Join(dir, "lbl")
			writeFile(t, img, images)
			writeFile(t, lbl, labels)
			_, err := LoadIDX(img, lbl, 10)
			want := img
			if c.badFile == "lbl" {
				want = lbl
			}
			wantFileError(t, err, want, c.fragments...)
		})
	}
}

func TestLoadMNISTMissingFile(t *testing.T) {
	dir := t.TempDir()
	mnistFixture(t, dir)
	if err := os.Remove(filepath.Join(dir, MNISTTestLabels+".gz")); err != nil {
		t.Fatal(err)
	}
	_, _, err := LoadMNIST(dir)
	wantFileError(t, err, filepath.Join(dir, MNISTTestLabels), "not found")
	if !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("errors.Is(%v, fs.ErrNotExist) = false", err)
	}
	_, err = LoadIDX(filepath.Join(dir, "nope"), filepath.Join(dir, "nope2"), 10)
	wantFileError(t, err, filepath.Join(dir, "nope"), "no such file")
}
