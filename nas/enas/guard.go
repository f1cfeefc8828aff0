package enas

import (
	. "github.com/gomlx/gomlx/core/graph" //nolint:staticcheck
	"github.com/gomlx/gomlx/ml/model"
	"github.com/gomlx/gomlx/support/exceptions"
)

// Two graph-building helpers over the variables a graph writes back to the store.

// keepUnless makes the training step in g all-or-nothing: every variable g changes
// (weights, momentum buffers, batch-norm statistics, the global step, the
// learning rate, the random state) gets its new value only when ok (a boolean
// scalar) holds, and keeps its old one otherwise. Called after the optimizer with
// ok = IsFinite(loss), a NaN or infinite loss skips the step and leaves the shared
// weights exactly as they were. It panics (graph builder) if a changed variable
// has no parameter node.
func keepUnless(store *model.Store, g *Graph, ok *Node) {
	for v := range store.IterVariables() {
		if !v.ChangedInGraph(g) {
			continue
		}
		old := g.GetParameterByName(v.Path())
		if old == nil {
			exceptions.Panicf("enas: variable %q changed in the graph but has no parameter node", v.Path())
		}
		cond := ok
		if !old.Shape().IsScalar() {
			cond = BroadcastToDims(ok, old.Shape().Dimensions...)
		}
		v.SetNodeValue(Where(cond, v.NodeValue(g), old))
	}
}

// discardChanges undoes, in g, every change to a variable, so executing g reads
// the store and never writes it: a reward evaluation with batch norm in training
// mode (batch statistics, as ENAS scores its children [3]) then leaves the moving
// averages alone.
func discardChanges(store *model.Store, g *Graph) {
	for v := range store.IterVariables() {
		if v.ChangedInGraph(g) {
			v.SetNodeValue(g.GetParameterByName(v.Path()))
		}
	}
}
