package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/gonas/gonas/nas/backends"
	"github.com/gonas/gonas/nas/checkpoint"
	"github.com/gonas/gonas/nas/data"
	"github.com/gonas/gonas/nas/train"
)

// mnistReport is what `gonas mnist` writes to <out>/report.json.
type mnistReport struct {
	Dataset         string  `json:"dataset"`
	Backend         string  `json:"backend"`
	Model           string  `json:"model"`
	Epochs          int     `json:"epochs"`
	BatchSize       int     `json:"batch_size"`
	TrainImages     int     `json:"train_images"`
	TestImages      int     `json:"test_images"`
	Parameters      int     `json:"parameters"`
	Steps           int     `json:"steps"`
	FinalLoss       float64 `json:"final_train_loss"`
	TestAccuracy    float64 `json:"test_accuracy"`
	TrainSeconds    float64 `json:"train_seconds"`
	ImagesPerSecond float64 `json:"images_per_second"`
	Date            string  `json:"date"`
}

func runMNIST(args []string) error {
	fs := flag.NewFlagSet("mnist", flag.ContinueOnError)
	dir := fs.String("data", "", "directory with the MNIST idx files (default: the GoMNIST Go module, or $GONAS_MNIST_DIR)")
	fashion := fs.Bool("fashion", false, "use Fashion-MNIST (Debian package dataset-fashion-mnist) instead of MNIST")
	epochs := fs.Int("epochs", 1, "training epochs")
	batch := fs.Int("batch", 64, "batch size")
	lr := fs.Float64("lr", 0.01, "maximum learning rate (cosine schedule down to lr/100)")
	limit := fs.Int("limit", 0, "train on the first N training images only (0: all)")
	seed := fs.Uint64("seed", 1, "random seed")
	out := fs.String("out", "runs/mnist", "directory for report.json")
	if err := fs.Parse(args); err != nil {
		return err
	}

	name := "mnist"
	load, locate := data.LoadMNIST, data.MNISTDir
	if *fashion {
		name, load, locate = "fashion-mnist", data.LoadFashionMNIST, data.FashionMNISTDir
	}
	if *dir == "" {
		d, err := locate()
		if err != nil {
			return err
		}
		*dir = d
	}
	trainSet, testSet, err := load(*dir)
	if err != nil {
		return err
	}
	if *limit > 0 && *limit < trainSet.Len() {
		idx := make([]int, *limit)
		for i := range idx {
			idx[i] = i
		}
		if trainSet, err = trainSet.Subset(idx); err != nil {
			return err
		}
	}
	backend, err := backends.New()
	if err != nil {
		return err
	}
	fmt.Printf("dataset=%s train=%d test=%d backend=%s\n", name, trainSet.Len(), testSet.Len(), backend.String())
	res, _, err := train.Classifier(backend, train.SimpleCNN(10, 32, 64), trainSet, testSet, train.Config{
		Epochs: *epochs, BatchSize: *batch, LearningRate: *lr, MinLR: *lr / 100, Momentum: 0.9,
		WeightDecay: 5e-4, Seed: *seed, Progress: os.Stderr,
	})
	if err != nil {
		return err
	}
	rep := mnistReport{Dataset: name, Backend: backend.String(), Model: "SimpleCNN(conv3x3(32)-BN-ReLU-maxpool, conv3x3(64)-BN-ReLU-maxpool, dense)",
		Epochs: *epochs, BatchSize: *batch, TrainImages: trainSet.Len(), TestImages: testSet.Len(), Parameters: res.Parameters,
		Steps: res.Steps, FinalLoss: res.FinalLoss, TestAccuracy: res.TestAccuracy, TrainSeconds: res.Duration.Seconds(),
		ImagesPerSecond: res.ImagesPerSecond, Date: time.Now().UTC().Format(time.RFC3339)}
	fmt.Printf("test_accuracy=%.4f train_seconds=%.1f images_per_second=%.0f parameters=%d final_train_loss=%.4f\n",
		rep.TestAccuracy, rep.TrainSeconds, rep.ImagesPerSecond, rep.Parameters, rep.FinalLoss)
	if err := os.MkdirAll(*out, 0o755); err != nil {
		return err
	}
	path := filepath.Join(*out, "report.json")
	blob, _ := json.MarshalIndent(rep, "", "  ")
	if err := checkpoint.WriteFileAtomic(path, append(blob, '\n')); err != nil {
		return err
	}
	fmt.Printf("report=%s\n", path)
	return nil
}
