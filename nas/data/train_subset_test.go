package data

import (
	"errors"
	"fmt"
	"image"
	"math"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

// cifarFolderFixture returns the files of a small CIFAR-10-shaped image folder:
// 32×32 images of the ten classes, three training images each (JPEG and PNG,
// RGB and grey, every one different) and one test image each.
func cifarFolderFixture(t *testing.T) map[string][]byte {
	files := map[string][]byte{}
	for c, class := range CIFAR10ClassNames {
		v := uint8(20 * c)
		files[fmt.Sprintf("train/%s/a.jpg", class)] = jpegBytes(t, solidNRGBA(32, 32, v, 100, 7*v))
		files[fmt.Sprintf("train/%s/b.png", class)] = pngBytes(t, solidNRGBA(32, 32, 3*v, v, 50))
		grey := image.NewGray(image.Rect(0, 0, 32, 32))
		for i := range grey.Pix {
			grey.Pix[i] = uint8(i) + v
		}
		files[fmt.Sprintf("train/%s/c.jpeg", class)] = jpegBytes(t, grey)
		files[fmt.Sprintf("test/%s/t.png", class)] = pngBytes(t, solidNRGBA(32, 32, 1, 2, v))
	}
	return files
}

// writeFolderAndArchive writes files as a directory and as a .tar.gz under a
// temporary root and returns both paths.
func writeFolderAndArchive(t *testing.T, files map[string][]byte) (dir, archive string) {
	t.Helper()
	root := t.TempDir()
	dir = filepath.Join(root, "folder")
	for name, b := range files {
		writeFile(t, filepath.Join(dir, name), b)
	}
	archive = filepath.Join(root, "folder.tar.gz")
	writeFile(t, archive, tarGz(t, files))
	return dir, archive
}

// choose is a pick that returns idx, checking it is asked about n images.
func choose(t *testing.T, n int, idx ...int) pickFunc {
	return func(got int) ([]int, error) {
		if got != n {
			t.Errorf("pick asked about %d training images, want %d", got, n)
		}
		return idx, nil
	}
}

// sameBits checks got and want are equal, their pixels bit for bit.
func sameBits(t *testing.T, what string, got, want *Dataset) {
	t.Helper()
	if len(got.Images) != len(want.Images) {
		t.Fatalf("%s: %v, want %v", what, got, want)
	}
	for i := range got.Images {
		if math.Float32bits(got.Images[i]) != math.Float32bits(want.Images[i]) {
			t.Fatalf("%s: pixel value %d is %v, want %v", what, i, got.Images[i], want.Images[i])
		}
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("%s: got %v labels %v classes %v, want %v labels %v classes %v", what,
			got, got.Labels, got.ClassNames, want, want.Labels, want.ClassNames)
	}
}

// The lazy subset of an image folder (directory and .tar.gz) and of the binary
// release equals LoadNormalized followed by Subset of the same indices.
func TestLoadNormalizedTrainSubsetEqualsEager(t *testing.T) {
	dir, archive := writeFolderAndArchive(t, cifarFolderFixture(t))
	binDir := filepath.Join(t.TempDir(), "bin")
	for name, b := range cifarBinFiles() {
		writeFile(t, filepath.Join(binDir, name), b)
	}
	for _, p := range []string{dir, archive, binDir} {
		eager, _, err := LoadNormalized("cifar10", p)
		if err != nil {
			t.Fatalf("LoadNormalized(%s): %v", p, err)
		}
		n := eager.Len()
		idx := []int{n - 1, 0, 2, 2, n / 2, 1} // out of order, one repeated
		want, err := eager.Subset(idx)
		if err != nil {
			t.Fatal(err)
		}
		got, err := LoadNormalizedTrainSubset("cifar10", p, choose(t, n, idx...))
		if err != nil {
			t.Fatalf("LoadNormalizedTrainSubset(%s): %v", p, err)
		}
		sameBits(t, p, got, want)
		if got.Name != "cifar10-train" || got.NumClasses != 10 {
			t.Errorf("%s: %v, want cifar10-train with 10 classes", p, got)
		}
	}
}

// Only the chosen images are decoded: a corrupt image elsewhere does not matter,
// a chosen one is reported as the eager loader reports it, and bad choices are
// refused.
func TestLoadNormalizedTrainSubsetErrors(t *testing.T) {
	files := cifarFolderFixture(t)
	bad := "train/cat/b.png" // training image 3×3+1 = 10
	files[bad] = files[bad][:60]
	small := "train/dog/a.jpg" // training image 5×3 = 15
	files[small] = jpegBytes(t, solidNRGBA(16, 32, 1, 1, 1))
	dir, archive := writeFolderAndArchive(t, files)
	for _, c := range []struct{ path, name string }{
		{dir, filepath.Join(dir, bad)}, {archive, archive + "[" + bad + "]"},
	} {
		if _, _, err := LoadNormalized("cifar10", c.path); err == nil {
			t.Fatalf("LoadNormalized(%s) read a corrupt image", c.path)
		}
		ds, err := LoadNormalizedTrainSubset("cifar10", c.path, choose(t, 30, 0, 9, 11, 29))
		if err != nil || ds.Len() != 4 {
			t.Fatalf("choosing good images: %v, %v", ds, err)
		}
		_, err = LoadNormalizedTrainSubset("cifar10", c.path, choose(t, 30, 0, 10))
		wantFileError(t, err, c.name, "decoding image")
		_, err = LoadNormalizedTrainSubset("cifar10", c.path, choose(t, 30, 15))
		wantFileError(t, err, strings.Replace(c.name, bad, small, 1), "unexpected image size 16×32, want 32×32")

		_, err = LoadNormalizedTrainSubset("cifar10", c.path, choose(t, 30, 3, 30))
		if err == nil || !strings.Contains(err.Error(), "chosen training image 30 out of range [0,30)") {
			t.Errorf("index 30 of 30: got %v", err)
		}
		refuse := errors.New("no thanks")
		_, err = LoadNormalizedTrainSubset("cifar10", c.path, func(int) ([]int, error) { return nil, refuse })
		if !errors.Is(err, refuse) || !strings.Contains(err.Error(), "choosing training images") {
			t.Errorf("a failing pick: got %v", err)
		}
	}
	if _, err := LoadNormalizedTrainSubset("cifar10", dir, nil); err == nil {
		t.Error("a nil pick was accepted")
	}
}

// On the shared CIFAR-10 archive, 64 lazily loaded images equal the eager path's.
func TestRealCIFAR10TrainSubset(t *testing.T) {
	skipShort(t)
	p := sharedFile(t, "cifar10-jpg.tar.gz")
	idx := NewRand(64).Perm(50000)[:64]
	start := time.Now()
	got, err := LoadNormalizedTrainSubset("cifar10", p, choose(t, 50000, idx...))
	if err != nil {
		t.Fatal(err)
	}
	lazy := time.Since(start)
	start = time.Now()
	eager, _, err := LoadNormalized("cifar10", p)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("64 images: lazily in %v, eagerly (all 60,000) in %v", lazy, time.Since(start))
	want, err := eager.Subset(idx)
	if err != nil {
		t.Fatal(err)
	}
	sameBits(t, p, got, want)
}

// LoadNormalizedSubsets picks test images as it picks training images, each
// equal to LoadNormalized followed by Subset, and leaves out a split without a pick.
func TestLoadNormalizedSubsetsEqualsEager(t *testing.T) {
	dir, archive := writeFolderAndArchive(t, cifarFolderFixture(t))
	for _, p := range []string{dir, archive} {
		eagerTrain, eagerTest, err := LoadNormalized("cifar10", p)
		if err != nil {
			t.Fatalf("LoadNormalized(%s): %v", p, err)
		}
		trainIdx, testIdx := []int{3, 0, eagerTrain.Len() - 1}, []int{eagerTest.Len() - 1, 1, 1}
		wantTrain, _ := eagerTrain.Subset(trainIdx)
		wantTest, _ := eagerTest.Subset(testIdx)
		train, test, err := LoadNormalizedSubsets("cifar10", p, choose(t, eagerTrain.Len(), trainIdx...), choose(t, eagerTest.Len(), testIdx...))
		if err != nil {
			t.Fatalf("LoadNormalizedSubsets(%s): %v", p, err)
		}
		sameBits(t, p+" train", train, wantTrain)
		sameBits(t, p+" test", test, wantTest)
		train, test, err = LoadNormalizedSubsets("cifar10", p, nil, choose(t, eagerTest.Len(), testIdx...))
		if err != nil || train != nil {
			t.Fatalf("%s: test only: train %v, err %v", p, train, err)
		}
		sameBits(t, p+" test only", test, wantTest)
	}
	if _, _, err := LoadNormalizedSubsets("cifar10", dir, nil, nil); err == nil {
		t.Error("no split chosen: want an error")
	}
}
