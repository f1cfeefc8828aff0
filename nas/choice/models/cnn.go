package models

import (
	. "github.com/gomlx/gomlx/core/graph" //nolint:staticcheck
	"github.com/gomlx/gomlx/ml/layers"
	"github.com/gomlx/gomlx/ml/layers/activation"
	"github.com/gomlx/gomlx/ml/model"
	"github.com/gonas/gonas/nas"
	"github.com/gonas/gonas/nas/choice"
	"github.com/gonas/gonas/nas/nn"
)

// CNN is a small convolutional network with six choices, for images of any size:
// its width (8 or 16 filters), its stem (a 3×3 or 5×5 convolution), its depth (1 or 2
// blocks, each a chosen op — 3×3 convolution, 3×3 separable convolution or 3×3 max
// pooling — then ReLU and 2×2 max pooling) and which features the classifier reads
// (the stem's or the last block's). Layers whose shapes depend on the width build in
// a scope named after it, so one store holds every width's weights.
func CNN(numClasses int) nas.ImageModel {
	return func(scope *model.Scope, x *Node) *Node {
		width := choice.Value(scope, "width", 8, 16)
		conv := func(name string, k int) choice.Candidate {
			return choice.Named(name, func(s *model.Scope, x *Node) *Node {
				s = s.In("w%d", width)
				return nn.BatchNorm(s, nn.Conv2D(s.In("conv"), x, nn.ConvConfig{Filters: width, Kernel: k}))
			})
		}
		sep := choice.Named("sep3x3", func(s *model.Scope, x *Node) *Node {
			s = s.In("w%d", width)
			return nn.BatchNorm(s, nn.SeparableConv2D(s.In("sep"), x, width, 3, 1, 1))
		})
		pool := choice.Named("max3x3", func(_ *model.Scope, x *Node) *Node { return nn.MaxPool2D(x, 3, 1) })
		stem := activation.Relu(choice.Op(scope, "stem", x, conv("conv3x3", 3), conv("conv5x5", 5)))
		x = choice.Repeat(scope, "depth", stem, []int{1, 2}, func(s *model.Scope, _ int, x *Node) *Node {
			x = choice.Op(s, "op", x, conv("conv3x3", 3), sep, pool)
			return nn.MaxPool2D(activation.Relu(x), 2, 2)
		})
		features := nn.GlobalAvgPool(choice.Input(scope, "features", stem, x))
		return layers.DenseWithBias(scope.In("head%d", width), features, numClasses)
	}
}
