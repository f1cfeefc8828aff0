package conv

import (
	"fmt"

	"github.com/gomlx/compute"
	"github.com/gomlx/compute/shapeinference"
	"github.com/gomlx/compute/shapes"
)

// Params mirrors the arguments of compute.Builder.ConvGeneral (XLA's
// ConvGeneralDilated):
//
//   - Axes: positions of the batch, channel and spatial axes of the input, the
//     kernel and the output (any permutation; any number of spatial axes).
//   - Strides: window strides, one per spatial axis (nil: all 1).
//   - Paddings: low and high padding per spatial axis (nil: no padding);
//     negative values crop the input.
//   - InputDilations: lhs dilation per spatial axis (nil: all 1); dilation d
//     virtually inserts d-1 zeros between consecutive input elements.
//   - KernelDilations: rhs (window, "atrous") dilation per spatial axis (nil:
//     all 1).
//   - ChannelGroupCount: XLA's feature_group_count (<= 1: no grouping).
//   - BatchGroupCount: XLA's batch_group_count (<= 1: no grouping).
type Params struct {
	Axes                            compute.ConvolveAxesConfig
	Strides                         []int
	Paddings                        [][2]int
	InputDilations, KernelDilations []int
	ChannelGroupCount               int
	BatchGroupCount                 int
}

// OutputShape returns the shape of ConvGeneral's output for the given input
// and kernel shapes, using compute's shape inference (so it reports the same
// errors as the GoMLX backends). Group counts <= 0 are treated as 1.
func OutputShape(input, kernel shapes.Shape, p Params) (shapes.Shape, error) {
	return shapeinference.ConvGeneral(input, kernel, p.Axes, p.Strides, p.Paddings,
		p.InputDilations, p.KernelDilations, max(p.ChannelGroupCount, 1), max(p.BatchGroupCount, 1))
}

// problem is a validated convolution with every parameter made explicit and
// the tensors described by the element strides of their roles. All the
// algorithms of this package work on a problem, never on Params.
type problem struct {
	nd          int // number of spatial axes
	B, C, O, Bo int // input batch, input channels, output channels, output batch
	cg, bg, G   int // channel groups, batch groups, G = cg*bg (at most one > 1)
	Ig, Og      int // kernel input channels; output channels per group (O/G)
	// gChan, gBatch: offset of group g's first input channel / input batch
	// element is g*gChan / g*gBatch.
	gChan, gBatch int

	in, ker, out             []int // spatial sizes of input, kernel and output
	stride, pad, inDil, kDil []int // pad is the low padding

	// Element strides of the roles within each flat tensor.
	inB, inC   int
	inS        []int
	kI, kO     int
	kS         []int
	outB, outO int
	outS       []int
}

// newProblem validates the arguments (the output shape must be the one
// inferred by OutputShape) and builds the problem.
func newProblem(p Params, inShape, kShape, outShape shapes.Shape) (*problem, error) {
	want, err := OutputShape(inShape, kShape, p)
	if err != nil {
		return nil, err
	}
	if want.Rank() != outShape.Rank() {
		return nil, fmt.Errorf("conv: output shape %s does not match the expected %s", outShape, want)
	}
	for i, d := range want.Dimensions {
		if outShape.Dimensions[i] != d {
			return nil, fmt.Errorf("conv: output shape %s does not match the expected %s", outShape, want)
		}
	}
	if inShape.IsDynamic() || kShape.IsDynamic() {
		return nil, fmt.Errorf("conv: dynamic shapes are not supported (input %s, kernel %s)", inShape, kShape)
	}
	a := p.Axes
	nd := inShape.Rank() - 2
	pr := &problem{
		nd: nd,
		B:  inShape.Dimensions[a.InputBatch],
		C:  inShape.Dimensions[a.InputChannels],
		O:  kShape.Dimensions[a.KernelOutputChannels],
		Bo: outShape.Dimensions[a.OutputBatch],
		cg: max(p.ChannelGroupCount, 1),
		bg: max(p.BatchGroupCount, 1),
		Ig: kShape.Dimensions[a.KernelInputChannels],
	}
	pr.G = pr.cg * pr.bg
	pr.Og = pr.O / pr.G
	if pr.cg > 1 {
		pr.gChan = pr.Ig
	}
	if pr.bg > 1 {
		pr.gBatch = pr.Bo
	}
	inStr, kStr, outStr := inShape.Strides(), kShape.Strides(), outShape.Strides()
	pr.inB, pr.inC = inStr[a.InputBatch], inStr[a.InputChannels]
	pr.kI, pr.kO = kStr[a.KernelInputChannels], kStr[a.KernelOutputChannels]
	pr.outB, pr.outO = outStr[a.OutputBatch], outStr[a.OutputChannels]
	for d := 0; d < nd; d++ {
		pr.in = append(pr.in, inShape.Dimensions[a.InputSpatial[d]])
		pr.ker = append(pr.ker, kShape.Dimensions[a.KernelSpatial[d]])
		pr.out = append(pr.out, outShape.Dimensions[a.OutputSpatial[d]])
		pr.inS = append(pr.inS, inStr[a.InputSpatial[d]])
		pr.kS = append(pr.kS, kStr[a.KernelSpatial[d]])
		pr.outS = append(pr.outS, outStr[a.OutputSpatial[d]])
		st, id, kd := 1, 1, 1
		var pad [2]int
		if len(p.Strides) > 0 {
			st = p.Strides[d]
		}
		if len(p.Paddings) > 0 {
			pad = p.Paddings[d]
		}
		if len(p.InputDilations) > 0 {
			id = p.InputDilations[d]
		}
		if len(p.KernelDilations) > 0 {
			kd = p.KernelDilations[d]
		}
		pr.stride = append(pr.stride, st)
		pr.pad = append(pr.pad, pad[0])
		pr.inDil = append(pr.inDil, id)
		pr.kDil = append(pr.kDil, kd)
	}
	return pr, nil
}

// clone returns a copy of pr whose slices can be modified independently.
func (pr *problem) clone() *problem {
	c := *pr
	cl := func(s []int) []int { return append([]int(nil), s...) }
	c.in, c.ker, c.out = cl(pr.in), cl(pr.ker), cl(pr.out)
	c.stride, c.pad, c.inDil, c.kDil = cl(pr.stride), cl(pr.pad), cl(pr.inDil), cl(pr.kDil)
	c.inS, c.kS, c.outS = cl(pr.inS), cl(pr.kS), cl(pr.outS)
	return &c
}

// prod returns the product of dims (1 for none).
func prod(dims []int) int {
	n := 1
	for _, d := range dims {
		n *= d
	}
	return n
}

// kernelVolume is the number of kernel spatial positions.
func (pr *problem) kernelVolume() int { return prod(pr.ker) }

// outputVolume is the number of output spatial positions.
func (pr *problem) outputVolume() int { return prod(pr.out) }

// inputVolume is the number of input spatial positions.
func (pr *problem) inputVolume() int { return prod(pr.in) }
