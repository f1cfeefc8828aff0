package data

import (
	"os"
	"path/filepath"
	"testing"
	"time"
)

// Tests on the real datasets: skipped under -short and when the data is
// not on this machine.

func skipShort(t *testing.T) {
	t.Helper()
	if testing.Short() {
		t.Skip("real data: skipped under -short")
	}
}

// sharedFile returns the path of name in the shared data dir, or skips.
func sharedFile(t *testing.T, name string) string {
	t.Helper()
	dir, err := SharedDataDir()
	if err != nil {
		t.Skipf("no shared data dir: %v", err)
	}
	p := filepath.Join(dir, name)
	if _, err := os.Stat(p); err != nil {
		t.Skipf("%s absent: %v", p, err)
	}
	return p
}

// checkBalanced checks every class has exactly want images.
func checkBalanced(t *testing.T, ds *Dataset, want int) {
	t.Helper()
	for c, n := range ds.ClassCounts() {
		if n != want {
			t.Errorf("%s: class %d (%s) has %d images, want %d", ds.Name, c, ds.ClassNames[c], n, want)
		}
	}
}

// checkSaneHistogram checks every class has between lo and hi images.
func checkSaneHistogram(t *testing.T, ds *Dataset, lo, hi int) {
	t.Helper()
	for c, n := range ds.ClassCounts() {
		if n < lo || n > hi {
			t.Errorf("%s: class %d has %d images, want in [%d,%d]", ds.Name, c, n, lo, hi)
		}
	}
}

func TestRealMNIST(t *testing.T) {
	skipShort(t)
	dir, err := MNISTDir()
	if err != nil {
		t.Skipf("MNIST not found: %v", err)
	}
	start := time.Now()
	train, test, err := LoadMNIST(dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("LoadMNIST(%s): %v; %v; %v", dir, time.Since(start), train, test)
	if train.Len() != 60000 || test.Len() != 10000 || train.Height != 28 || train.Width != 28 || train.Channels != 1 {
		t.Fatalf("got %v and %v", train, test)
	}
	checkSaneHistogram(t, train, 5000, 7000)
	checkSaneHistogram(t, test, 800, 1200)
	if err := train.Validate(); err != nil {
		t.Error(err)
	}
	mean, std := ChannelStats(train)
	t.Logf("MNIST train mean %v std %v", mean, std)
	if d := mean[0] - MNISTMean[0]; d*d > 1e-6 {
		t.Errorf("MNIST mean %v, want about %v", mean, MNISTMean)
	}
}

func TestRealFashionMNIST(t *testing.T) {
	skipShort(t)
	dir, err := FashionMNISTDir()
	if err != nil {
		t.Skipf("Fashion-MNIST not found: %v", err)
	}
	start := time.Now()
	train, test, err := LoadFashionMNIST(dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("LoadFashionMNIST(%s): %v; %v; %v", dir, time.Since(start), train, test)
	if train.Len() != 60000 || test.Len() != 10000 {
		t.Fatalf("got %v and %v", train, test)
	}
	checkBalanced(t, train, 6000)
	checkBalanced(t, test, 1000)
	mean, std := ChannelStats(train)
	t.Logf("Fashion-MNIST train mean %v std %v", mean, std)
}

func TestRealCIFAR10TarGz(t *testing.T) {
	skipShort(t)
	p := sharedFile(t, "cifar10-jpg.tar.gz")
	start := time.Now()
	train, test, err := LoadCIFAR10(p)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("LoadCIFAR10(%s): %v; %v; %v", p, time.Since(start), train, test)
	if train.Len() != 50000 || test.Len() != 10000 {
		t.Fatalf("got %v and %v", train, test)
	}
	for i, name := range CIFAR10ClassNames {
		if train.ClassNames[i] != name {
			t.Errorf("class %d is %q, want %q", i, train.ClassNames[i], name)
		}
	}
	checkBalanced(t, train, 5000)
	checkBalanced(t, test, 1000)
	mean, std := ChannelStats(train)
	t.Logf("CIFAR-10 (JPEG) train mean %v std %v", mean, std)
	for k := range mean {
		if d := mean[k] - CIFAR10Mean[k]; d*d > 1e-4 {
			t.Errorf("channel %d mean %v, want about %v", k, mean[k], CIFAR10Mean[k])
		}
	}
	tr, va, err := SplitValidation(train, 5000, 1)
	if err != nil || tr.Len() != 45000 || va.Len() != 5000 {
		t.Fatalf("SplitValidation: %v, %v, %v", tr, va, err)
	}
}

func TestRealPTB(t *testing.T) {
	skipShort(t)
	p := sharedFile(t, "ptb.zip")
	start := time.Now()
	ptb, err := LoadPTB(p)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("LoadPTB(%s): %v; %v", p, time.Since(start), ptb)
	if len(ptb.Train) != 929589 || len(ptb.Valid) != 73760 || len(ptb.Test) != 82430 {
		t.Errorf("token counts %d / %d / %d, want 929589 / 73760 / 82430", len(ptb.Train), len(ptb.Valid), len(ptb.Test))
	}
	if ptb.Vocab.Len() != 10000 {
		t.Errorf("vocab %d, want 10000", ptb.Vocab.Len())
	}
	unk, _ := ptb.Vocab.ID(UNK)
	for _, id := range append(ptb.Valid, ptb.Test...) {
		if id < 0 || int(id) >= ptb.Vocab.Len() {
			t.Fatalf("id %d out of range", id)
		}
	}
	t.Logf("most frequent words: %v; <unk> id %d", ptb.Vocab.Words[:5], unk)
}
