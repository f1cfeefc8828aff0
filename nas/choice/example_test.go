package choice_test

import (
	"fmt"
	"os"
	"path/filepath"

	. "github.com/gomlx/gomlx/core/graph" //nolint:staticcheck
	"github.com/gomlx/gomlx/ml/layers"
	"github.com/gomlx/gomlx/ml/layers/activation"
	"github.com/gomlx/gomlx/ml/model"
	"github.com/gonas/gonas/nas"
	"github.com/gonas/gonas/nas/backends"
	"github.com/gonas/gonas/nas/choice"
	"github.com/gonas/gonas/nas/data"
	"github.com/gonas/gonas/nas/nn"
	"github.com/gonas/gonas/nas/train"
)

// Net is a user's model with six choices: the width, the stem, the depth, the op of
// each block and the features the classifier reads.
func Net(scope *model.Scope, x *Node) *Node {
	width := choice.Value(scope, "width", 8, 16)
	conv := func(name string, k int) choice.Candidate {
		return choice.Named(name, func(s *model.Scope, x *Node) *Node {
			s = s.In("w%d", width) // each width keeps its own weights
			return nn.BatchNorm(s, nn.Conv2D(s.In("conv"), x, nn.ConvConfig{Filters: width, Kernel: k}))
		})
	}
	pool := choice.Named("max3x3", func(_ *model.Scope, x *Node) *Node { return nn.MaxPool2D(x, 3, 1) })
	stem := activation.Relu(choice.Op(scope, "stem", x, conv("conv3x3", 3), conv("conv5x5", 5)))
	x = choice.Repeat(scope, "depth", stem, []int{1, 2}, func(s *model.Scope, _ int, x *Node) *Node {
		x = choice.Op(s, "op", x, conv("conv3x3", 3), conv("conv1x1", 1), pool)
		return nn.MaxPool2D(activation.Relu(x), 2, 2)
	})
	features := nn.GlobalAvgPool(choice.Input(scope, "features", stem, x))
	return layers.DenseWithBias(scope.In("head%d", width), features, 10)
}

// Example searches the six choices of Net on a small part of Fashion-MNIST by
// REINFORCE, by regularized evolution and with weight sharing, then retrains the
// pick, saves it and classifies images with the saved model.
func Example() {
	// Fashion-MNIST from its Debian package; MNIST (in a Go module) where it is missing.
	mean, std := data.FashionMNISTMean, data.FashionMNISTStd
	trainSet, test, err := data.LoadNormalized("fashion-mnist", "")
	if err != nil {
		mean, std = data.MNISTMean, data.MNISTStd
		if trainSet, test, err = data.LoadNormalized("mnist", ""); err != nil {
			panic(err)
		}
	}
	trainSet, _ = data.First(trainSet, 600)
	trainSet, valid, _ := data.SplitValidation(trainSet, 200, 1)
	test, _ = data.First(test, 200)
	backend, _ := backends.Default()

	space, err := choice.New("net", Net, 28, 28, 1)
	if err != nil {
		panic(err)
	}
	fmt.Println(space)
	quick := train.Config{Epochs: 1, BatchSize: 50, LearningRate: 0.05, Momentum: 0.9, Seed: 1}
	var best nas.Arch
	for _, cfg := range []choice.SearchConfig{
		{Strategy: "reinforce", Queries: 4, Train: quick},
		{Strategy: "evolution", Queries: 4, Train: quick},
		{Strategy: "reinforce", Queries: 12, Shared: &choice.SharedConfig{StepsPerArch: 4}},
	} {
		h, err := choice.Search(backend, space, trainSet, valid, cfg)
		if err != nil {
			panic(err)
		}
		fmt.Printf("%s (shared weights: %v): %d architectures scored\n", cfg.Strategy, cfg.Shared != nil, len(h.Curve))
		best = h.Best
	}

	dir := filepath.Join(os.TempDir(), "gonas-example-net")
	defer os.RemoveAll(dir)
	prep := choice.Preprocessing{Mean: mean, Std: std} // how the images were normalised
	if _, err := choice.Retrain(backend, space, best, trainSet, test, quick, prep, dir); err != nil {
		panic(err)
	}
	clf, err := choice.LoadSpace(backend, dir, space)
	if err != nil {
		panic(err)
	}
	defer clf.Close()
	raw := make([]float32, 3*28*28) // three test images, pixels back in [0,1]
	for i, v := range test.Images[:len(raw)] {
		raw[i] = v*std[0] + mean[0]
	}
	preds, err := clf.Classify(raw)
	if err != nil {
		panic(err)
	}
	fmt.Println("the saved model classified", len(preds), "images into its", len(clf.Meta.Classes), "classes")
	// Output:
	// net: 6 choices, 144 architectures
	// reinforce (shared weights: false): 4 architectures scored
	// evolution (shared weights: false): 4 architectures scored
	// reinforce (shared weights: true): 12 architectures scored
	// the saved model classified 3 images into its 10 classes
}
