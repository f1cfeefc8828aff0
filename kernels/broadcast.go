package kernels

import (
	"slices"

	"github.com/gomlx/compute"
	"github.com/gomlx/compute/shapes"
)

// BroadcastInDim implements compute.StandardOps: it is replayed on the wrapped
// backend like the generated ops, and the node keeps its broadcast axes so that the
// elementwise kernels reading it can broadcast the operand themselves (fuse.go)
// instead of reading a materialised copy.
func (f *Function) BroadcastInDim(x compute.Value, outputShape shapes.Shape, broadcastAxes []int) (compute.Value, error) {
	outs, err := f.recordStandard(compute.OpTypeBroadcastInDim, []compute.Value{x},
		func(g compute.Function, in []compute.Value) ([]compute.Value, error) {
			v, err := g.BroadcastInDim(in[0], outputShape, broadcastAxes)
			return []compute.Value{v}, err
		})
	if err != nil {
		return nil, err
	}
	outs[0].(*value).node.broadcastAxes = slices.Clone(broadcastAxes)
	return outs[0], nil
}

// broadcastSource returns the operand of a BroadcastInDim that an elementwise kernel
// can read in place of v (its implicit broadcasting repeats axes of size 1 and
// scalars): a rank-0 operand, or one of v's rank whose axes map to themselves and
// are either v's size or 1. It returns nil for any other value.
func broadcastSource(v *value) *value {
	n := v.node
	if n.kind != kindStandard || n.op != compute.OpTypeBroadcastInDim || len(n.inputs) != 1 {
		return nil
	}
	x := n.inputs[0]
	if x.shape.DType != v.shape.DType {
		return nil
	}
	if x.shape.Rank() == 0 {
		return x
	}
	if x.shape.Rank() != v.shape.Rank() || len(n.broadcastAxes) != x.shape.Rank() {
		return nil
	}
	for i, a := range n.broadcastAxes {
		if a != i || (x.shape.Dimensions[i] != v.shape.Dimensions[i] && x.shape.Dimensions[i] != 1) {
			return nil
		}
	}
	return x
}
