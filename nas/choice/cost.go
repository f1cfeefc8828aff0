package choice

import (
	"math"

	. "github.com/gomlx/gomlx/core/graph" //nolint:staticcheck
	"github.com/gonas/gonas/nas"
)

// Cost builds architecture a once on a single input and counts its trainable
// parameters (the variables it creates) and the multiply-adds of its convolutions
// and matrix products (dense layers): a convolution costs, per output value, its
// kernel's size divided by its output channels (the last axis); a product without
// batch axes [m,k]·[k,n] costs m·k·n.
func (s *Space) Cost(a nas.Arch, numClasses int) (params int, flops int64, err error) {
	if _, err := s.ImageModel(a, numClasses); err != nil {
		return 0, 0, err
	}
	tr, err := s.run(&build{space: s, arch: a.Choices})
	if err != nil {
		return 0, 0, err
	}
	defer tr.g.Finalize()
	for v := range tr.store.IterVariables() {
		if v.Trainable {
			params += v.Shape().Size()
		}
	}
	for _, n := range tr.g.Nodes() {
		flops += multiplyAdds(n)
	}
	return params, flops, nil
}

// multiplyAdds is the cost of one convolution or matrix product node (0 otherwise).
func multiplyAdds(n *Node) int64 {
	out := n.Shape()
	switch n.Type() {
	case NodeTypeConvGeneral:
		kernel := n.Inputs()[1].Shape()
		dims := out.Dimensions
		if len(dims) == 0 || dims[len(dims)-1] == 0 {
			return 0
		}
		return int64(out.Size()) * int64(kernel.Size()/dims[len(dims)-1])
	case NodeTypeDotGeneral:
		lhs, rhs := n.Inputs()[0].Shape(), n.Inputs()[1].Shape()
		if out.Size() == 0 {
			return 0
		}
		// lhs·rhs/out = k² for a product [m,k]·[k,n] → [m,n].
		k := math.Round(math.Sqrt(float64(lhs.Size()) * float64(rhs.Size()) / float64(out.Size())))
		return int64(out.Size()) * int64(k)
	}
	return 0
}
