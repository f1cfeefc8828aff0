package models

import (
	. "github.com/gomlx/gomlx/core/graph" //nolint:staticcheck
	"github.com/gomlx/gomlx/ml/layers"
	"github.com/gomlx/gomlx/ml/layers/activation"
	"github.com/gomlx/gomlx/ml/model"
	"github.com/gonas/gonas/nas"
	"github.com/gonas/gonas/nas/choice"
)

// MLP is a multilayer perceptron with choices, for tables (a data.LoadCSV dataset)
// or any input it flattens: 1 to 3 hidden layers, each of 16, 32 or 64 units with
// ReLU or tanh.
func MLP(numClasses int) nas.ImageModel {
	return func(scope *model.Scope, x *Node) *Node {
		x = Reshape(x, x.Shape().Dimensions[0], -1)
		x = choice.Repeat(scope, "layers", x, []int{1, 2, 3}, func(s *model.Scope, _ int, x *Node) *Node {
			units := choice.Value(s, "units", 16, 32, 64)
			// the weights' shape is inputs × units: one set of weights per pair
			x = layers.DenseWithBias(s.In("dense%dx%d", x.Shape().Dimensions[1], units), x, units)
			return choice.Op(s, "act", x,
				choice.Named("relu", func(_ *model.Scope, x *Node) *Node { return activation.Relu(x) }),
				choice.Named("tanh", func(_ *model.Scope, x *Node) *Node { return Tanh(x) }))
		})
		return layers.DenseWithBias(scope.In("head%d", x.Shape().Dimensions[1]), x, numClasses)
	}
}
