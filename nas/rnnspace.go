package nas

import (
	"github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/ml/model"
)

// RNNCell is one step of a recurrent cell: the new state h_t [batch, hidden] from the
// input x_t [batch, inputSize] and the previous state h_{t-1} [batch, hidden]. It is
// called once per time step with the same scope, so it must reach its variables with
// scope.At (never scope.In, which refuses a second visit).
type RNNCell func(scope *model.Scope, x, h *graph.Node) *graph.Node

// RNNSpace is a space whose architectures are recurrent cells, such as the ENAS RNN
// cell (cells/). NewLanguageModel turns any cell into a language model.
type RNNSpace interface {
	Space
	// Cell returns the cell of architecture a with the given state size. Weights live
	// in scope under keys that depend on the op's position and kind only, so building
	// two architectures in one store shares the weights of the ops they have in common.
	Cell(a Arch, hidden int) (RNNCell, error)
}
