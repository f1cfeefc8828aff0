package data

import (
	"fmt"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// oldSplits is the chain LoadNormalizedSplits replaces: everything loaded and
// normalised, then SplitValidation, then First of the training part and of the
// test set.
func oldSplits(t *testing.T, name, path string, plan SplitPlan) (train, valid, test *Dataset) {
	t.Helper()
	all, test, err := LoadNormalized(name, path)
	if err != nil {
		t.Fatalf("LoadNormalized(%s, %s): %v", name, path, err)
	}
	nValid := plan.ValidSize
	if plan.HalfForValid {
		nValid = all.Len() / 2
	}
	if train, valid, err = SplitValidation(all, nValid, plan.Seed); err != nil {
		t.Fatal(err)
	}
	if train, err = First(train, plan.TrainSize); err != nil {
		t.Fatal(err)
	}
	if test, err = First(test, plan.TestSize); err != nil {
		t.Fatal(err)
	}
	if plan.DropTest {
		test = nil
	}
	return train, valid, test
}

// sameSplits checks LoadNormalizedSplits gives, for plan, the old chain's
// datasets bit for bit (pixels, labels, order, names).
func sameSplits(t *testing.T, name, path string, plan SplitPlan) {
	t.Helper()
	wantTrain, wantValid, wantTest := oldSplits(t, name, path, plan)
	train, valid, test, err := LoadNormalizedSplits(name, path, plan)
	if err != nil {
		t.Fatalf("LoadNormalizedSplits(%s, %s, %+v): %v", name, path, plan, err)
	}
	what := fmt.Sprintf("%s %s %+v", name, filepath.Base(path), plan)
	sameBits(t, what+" train", train, wantTrain)
	sameBits(t, what+" valid", valid, wantValid)
	if plan.DropTest {
		if test != nil {
			t.Errorf("%s: the test set was read (%v), want it left out", what, test)
		}
		return
	}
	sameBits(t, what+" test", test, wantTest)
}

// idxSetFixture writes an MNIST-like IDX set of nTrain and nTest 5×4 images to
// dir (train plain, test gzipped), every pixel and label depending on its image.
func idxSetFixture(t *testing.T, dir string, nTrain, nTest int) {
	t.Helper()
	write := func(images, labels string, n int, gz bool) {
		pix, lbl := make([]byte, n*20), make([]byte, n)
		for i := range n {
			for j := range 20 {
				pix[i*20+j] = byte(7*i + 13*j + i*j)
			}
			lbl[i] = byte((i * 7) % 10)
		}
		img, lab := idxBytes(IDXImagesMagic, []int{n, 5, 4}, pix), idxBytes(IDXLabelsMagic, []int{n}, lbl)
		if gz {
			images, labels, img, lab = images+".gz", labels+".gz", gzipBytes(t, img), gzipBytes(t, lab)
		}
		writeFile(t, filepath.Join(dir, images), img)
		writeFile(t, filepath.Join(dir, labels), lab)
	}
	write(MNISTTrainImages, MNISTTrainLabels, nTrain, false)
	write(MNISTTestImages, MNISTTestLabels, nTest, true)
}

// The plans the equality tests try on a set of nTrain training and nTest test
// images: the usual cut, sizes of 0 (all), sizes beyond what there is, no
// validation set, everything for validation.
func splitPlans(nTrain, nTest int) []SplitPlan {
	return []SplitPlan{
		{ValidSize: nTrain / 5, Seed: 1, TrainSize: nTrain / 2, TestSize: nTest / 3},
		{ValidSize: nTrain / 5, Seed: 9},
		{ValidSize: 3, Seed: 2, TrainSize: 10 * nTrain, TestSize: 10 * nTest},
		{ValidSize: 0, Seed: 1, TrainSize: 5, TestSize: 1},
		{ValidSize: nTrain, Seed: 4, TestSize: nTest - 1},
		{HalfForValid: true, Seed: 201, DropTest: true}, // NAS-Bench-201's halves
		{HalfForValid: true, Seed: 3, TrainSize: 4, TestSize: 2},
	}
}

func TestLoadNormalizedSplitsIDXEqualsOldChain(t *testing.T) {
	dir := t.TempDir()
	idxSetFixture(t, dir, 40, 12)
	for _, name := range []string{"mnist", "fashion-mnist"} {
		for _, plan := range splitPlans(40, 12) {
			sameSplits(t, name, dir, plan)
		}
	}
}

func TestLoadNormalizedSplitsCIFAREqualsOldChain(t *testing.T) {
	dir, archive := writeFolderAndArchive(t, cifarFolderFixture(t))
	binDir := filepath.Join(t.TempDir(), "bin")
	for name, b := range cifarBinFiles() {
		writeFile(t, filepath.Join(binDir, name), b)
	}
	for _, p := range []string{dir, archive, binDir} {
		train, test, err := LoadNormalized("cifar10", p)
		if err != nil {
			t.Fatal(err)
		}
		for _, plan := range splitPlans(train.Len(), test.Len()) {
			sameSplits(t, "cifar10", p, plan)
		}
	}
}

// An image folder's images that no split keeps are never decoded: a corrupt test
// image beyond TestSize, or a corrupt training image left out, does not matter.
func TestLoadNormalizedSplitsDecodesOnlyKeptImages(t *testing.T) {
	files := cifarFolderFixture(t)
	files["test/truck/u.png"] = []byte("not an image") // test image 10 of 11
	dir, archive := writeFolderAndArchive(t, files)
	for _, p := range []string{dir, archive} {
		if _, _, err := LoadNormalized("cifar10", p); err == nil {
			t.Fatalf("LoadNormalized(%s) read a corrupt image", p)
		}
		train, valid, test, err := LoadNormalizedSplits("cifar10", p, SplitPlan{ValidSize: 5, Seed: 1, TrainSize: 8, TestSize: 10})
		if err != nil {
			t.Fatalf("%s: %v", p, err)
		}
		if train.Len() != 8 || valid.Len() != 5 || test.Len() != 10 {
			t.Errorf("%s: %v, %v, %v; want 8, 5 and 10 images", p, train, valid, test)
		}
		if _, _, test, err := LoadNormalizedSplits("cifar10", p, SplitPlan{HalfForValid: true, Seed: 1, DropTest: true}); err != nil || test != nil {
			t.Errorf("%s: the test set dropped: %v, %v; want no test set and no error", p, test, err)
		}
		_, _, _, err = LoadNormalizedSplits("cifar10", p, SplitPlan{ValidSize: 5, Seed: 1, TestSize: 11})
		if err == nil || !strings.Contains(err.Error(), "u.png") {
			t.Errorf("%s: keeping the corrupt test image: got %v, want an error naming u.png", p, err)
		}
	}
}

// MNIST's images are converted to float32 only when kept: loading 100 of 3,000
// 28×28 images allocates less than the float32 copy of all of them would take.
func TestLoadNormalizedSplitsConvertsOnlyKeptImages(t *testing.T) {
	dir := t.TempDir()
	const n = 3000
	pix := make([]byte, n*28*28)
	for i := range pix {
		pix[i] = byte(i)
	}
	writeFile(t, filepath.Join(dir, MNISTTrainImages), idxBytes(IDXImagesMagic, []int{n, 28, 28}, pix))
	writeFile(t, filepath.Join(dir, MNISTTrainLabels), idxBytes(IDXLabelsMagic, []int{n}, make([]byte, n)))
	writeFile(t, filepath.Join(dir, MNISTTestImages), idxBytes(IDXImagesMagic, []int{1, 28, 28}, pix[:784]))
	writeFile(t, filepath.Join(dir, MNISTTestLabels), idxBytes(IDXLabelsMagic, []int{1}, []byte{3}))
	allocated := func(f func()) uint64 {
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		f()
		runtime.ReadMemStats(&after)
		return after.TotalAlloc - before.TotalAlloc
	}
	float32Copy := uint64(4 * len(pix))
	var err error
	lazy := allocated(func() {
		_, _, _, err = LoadNormalizedSplits("mnist", dir, SplitPlan{ValidSize: 50, Seed: 1, TrainSize: 50})
	})
	if err != nil {
		t.Fatal(err)
	}
	eager := allocated(func() { _, _, _ = oldSplits(t, "mnist", dir, SplitPlan{ValidSize: 50, Seed: 1, TrainSize: 50}) })
	t.Logf("allocated: %d bytes (old chain %d; all images in float32: %d)", lazy, eager, float32Copy)
	if lazy >= float32Copy/2 {
		t.Errorf("LoadNormalizedSplits allocated %d bytes for 100 images; all %d in float32 take %d", lazy, n, float32Copy)
	}
}

// Bad inputs are refused with errors that name what is wrong.
func TestLoadNormalizedSplitsErrors(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "nothing-here")
	for _, name := range []string{"cifar10", "mnist"} {
		if _, _, _, err := LoadNormalizedSplits(name, missing, SplitPlan{}); err == nil || !strings.Contains(err.Error(), "nothing-here") {
			t.Errorf("%s from a missing path: got %v, want an error naming it", name, err)
		}
	}
	if _, _, _, err := LoadNormalizedSplits("svhn", missing, SplitPlan{}); err == nil || !strings.Contains(err.Error(), `"svhn"`) {
		t.Errorf("unknown data set: got %v", err)
	}
	dir := t.TempDir()
	idxSetFixture(t, dir, 40, 12)
	_, _, _, err := LoadNormalizedSplits("mnist", dir, SplitPlan{ValidSize: 41})
	if err == nil || !strings.Contains(err.Error(), "cannot carve 41 validation examples out of 40") {
		t.Errorf("41 validation images of 40: got %v", err)
	}
	// A label out of range is an error even in an image no split keeps, as when
	// everything is loaded.
	writeFile(t, filepath.Join(dir, MNISTTrainLabels), idxBytes(IDXLabelsMagic, []int{40}, append(make([]byte, 39), 12)))
	_, _, _, err = LoadNormalizedSplits("mnist", dir, SplitPlan{ValidSize: 1, TrainSize: 1})
	wantFileError(t, err, filepath.Join(dir, MNISTTrainLabels), "label out of range: record 39 has label 12")
}

// A pick of the test split is checked like one of the training split.
func TestLoadIDXTestPickOutOfRange(t *testing.T) {
	dir := t.TempDir()
	idxSetFixture(t, dir, 4, 3)
	_, _, err := loadNormalized("mnist", dir, &selection{test: func(int) ([]int, error) { return []int{3}, nil }})
	if err == nil || !strings.Contains(err.Error(), "chosen test image 3 out of range [0,3)") {
		t.Errorf("test image 3 of 3: got %v", err)
	}
}

// On the real MNIST, the short ENAS preset's cut equals the old chain's.
func TestRealMNISTSplits(t *testing.T) {
	skipShort(t)
	dir, err := MNISTDir()
	if err != nil {
		t.Skipf("MNIST not found: %v", err)
	}
	sameSplits(t, "mnist", dir, SplitPlan{ValidSize: 1000, Seed: 1, TrainSize: 4000, TestSize: 2000})
	sameSplits(t, "mnist", dir, SplitPlan{ValidSize: 5000, Seed: 3})
}

// On the shared CIFAR-10 archive, a small cut equals the old chain's.
func TestRealCIFAR10Splits(t *testing.T) {
	skipShort(t)
	p := sharedFile(t, "cifar10-jpg.tar.gz")
	sameSplits(t, "cifar10", p, SplitPlan{ValidSize: 500, Seed: 1, TrainSize: 1000, TestSize: 300})
}
