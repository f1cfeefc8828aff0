package train

import (
	"testing"

	"github.com/gonas/gonas/nas/backends"
	"github.com/gonas/gonas/nas/data"
)

// Trains SimpleCNN on 2,000 real MNIST images on the embedded backend: the accuracy
// on the 10,000 test images must be far above chance (10%).
func TestTrainClassifierOnMNISTSubset(t *testing.T) {
	if testing.Short() {
		t.Skip("trains a CNN for a few seconds")
	}
	dir, err := data.MNISTDir()
	if err != nil {
		t.Skipf("MNIST not found: %v", err)
	}
	trainSet, testSet, err := data.LoadMNIST(dir)
	if err != nil {
		t.Fatal(err)
	}
	idx := make([]int, 2000)
	for i := range idx {
		idx[i] = i
	}
	if trainSet, err = trainSet.Subset(idx); err != nil {
		t.Fatal(err)
	}
	t.Setenv("GOMLX_BACKEND", "gonas")
	backend, err := backends.New()
	if err != nil {
		t.Fatal(err)
	}
	res, _, err := Classifier(backend, SimpleCNN(10, 16, 32), trainSet, testSet, Config{
		Epochs: 2, BatchSize: 50, LearningRate: 0.01, MinLR: 0.0001, Momentum: 0.9, WeightDecay: 5e-4, Seed: 3,
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("2,000 MNIST images, 2 epochs: test accuracy %.4f, %.0f images/s, %d parameters", res.TestAccuracy, res.ImagesPerSecond, res.Parameters)
	if res.TestAccuracy < 0.85 {
		t.Errorf("test accuracy %.4f after training on 2,000 images: want at least 0.85", res.TestAccuracy)
	}
	if res.Parameters != 3*3*1*16+2*16+3*3*16*32+2*32+7*7*32*10+10 {
		t.Errorf("parameter count %d does not match the architecture", res.Parameters)
	}
}

func TestTrainClassifierRejectsBadConfig(t *testing.T) {
	ds := &data.Dataset{Height: 2, Width: 2, Channels: 1, NumClasses: 2}
	if _, _, err := Classifier(nil, SimpleCNN(2, 4), ds, ds, Config{Epochs: 1}); err == nil {
		t.Error("want an error for batch size 0")
	}
	if _, _, err := Classifier(nil, SimpleCNN(2, 4), ds, ds, Config{Epochs: 1, BatchSize: 8}); err == nil {
		t.Error("want an error for a training set smaller than one batch")
	}
}
