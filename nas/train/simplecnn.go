package train

import (
	. "github.com/gomlx/gomlx/core/graph" //nolint:staticcheck
	"github.com/gomlx/gomlx/ml/layers"
	"github.com/gomlx/gomlx/ml/model"
	"github.com/gonas/gonas/nas"
	"github.com/gonas/gonas/nas/nn"
)

// SimpleCNN is a small fixed network for sanity checks and the MNIST demo:
// for each width w in widths, conv3x3(w)-BN-ReLU-maxpool2; then a dense layer to
// numClasses logits over the flattened features.
func SimpleCNN(numClasses int, widths ...int) nas.ImageModel {
	return func(scope *model.Scope, x *Node) *Node {
		for i, w := range widths {
			s := scope.In("block%d", i)
			x = nn.Conv2D(s.In("conv"), x, nn.ConvConfig{Filters: w, Kernel: 3})
			x = nn.Relu(nn.BatchNorm(s, x))
			x = nn.MaxPool2D(x, 2, 2)
		}
		x = Reshape(x, x.Shape().Dimensions[0], -1)
		return layers.DenseWithBias(scope.In("logits"), x, numClasses)
	}
}
