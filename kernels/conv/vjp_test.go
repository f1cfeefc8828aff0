package conv

import (
	"fmt"
	"math"
	"math/rand"
	"slices"
	"testing"

	"github.com/gomlx/compute"
	"github.com/gomlx/compute/dtypes"
	"github.com/gomlx/compute/shapes"
)

// This file reproduces the ConvGeneral calls made by the gradients of a
// convolution and checks them against a naive gradient:
//
//   - GoMLX v0.28.2 (core/graph/ops_convolve.go): convVJPWrtX and
//     convVJPWrtKernel, whose parameter derivations are copied below; grouped
//     convolutions are split per group (convGeneralWithChannelGroupingVJP).
//   - XLA/JAX style (jax/_src/lax/convolution.py,
//     _conv_general_dilated_transpose_lhs/_rhs): grouped convolutions keep
//     feature_group_count for the input gradient (with the kernel's group
//     axis moved into its input-channel axis) and use batch_group_count for
//     the kernel gradient. These are the patterns the depthwise fast paths
//     recognise.

// tensor is a float64 test tensor.
type tensor struct {
	s shapes.Shape
	v []float64
}

func (t tensor) f32() ([]float32, shapes.Shape) {
	s := t.s.Clone()
	s.DType = dtypes.Float32
	return toF32(t.v), s
}

// convWith runs Float32 or Float64 and returns the result as float64,
// after checking it against refConv for the same call.
func convWith(tb testing.TB, use32 bool, p Params, x, k tensor) tensor {
	tb.Helper()
	res := convRaw(tb, use32, p, x, k)
	want, abs, _ := refConv(p, x.v, x.s, k.v, k.s)
	tol := 1e-12
	if use32 {
		tol = 2e-6
	}
	if t, ok := tb.(*testing.T); ok {
		checkClose(t, fmt.Sprintf("call %+v", p), res.v, want, abs, tol)
	}
	return res
}

// convRaw runs Float32 or Float64 and returns the result as float64.
func convRaw(tb testing.TB, use32 bool, p Params, x, k tensor) tensor {
	tb.Helper()
	outS, err := OutputShape(x.s, k.s, p)
	if err != nil {
		tb.Fatalf("OutputShape: %v", err)
	}
	res := tensor{s: outS, v: make([]float64, outS.Size())}
	if !use32 {
		if err := Float64(p, x.v, x.s, k.v, k.s, res.v, outS); err != nil {
			tb.Fatalf("Float64: %v", err)
		}
		return res
	}
	xv, xs := x.f32()
	kv, ks := k.f32()
	os := outS.Clone()
	os.DType = dtypes.Float32
	o := make([]float32, outS.Size())
	if err := Float32(p, xv, xs, kv, ks, o, os); err != nil {
		tb.Fatalf("Float32: %v", err)
	}
	for i, v := range o {
		res.v[i] = float64(v)
	}
	return res
}

// reverseAxes returns t reversed along the given axes.
func reverseAxes(t tensor, axes []int) tensor {
	r := tensor{s: t.s, v: make([]float64, len(t.v))}
	str := t.s.Strides()
	idx := make([]int, t.s.Rank())
	for flat := range t.v {
		x := flat
		for a := t.s.Rank() - 1; a >= 0; a-- {
			idx[a] = x % t.s.Dimensions[a]
			x /= t.s.Dimensions[a]
		}
		src := 0
		for a, i := range idx {
			if slices.Contains(axes, a) {
				i = t.s.Dimensions[a] - 1 - i
			}
			src += i * str[a]
		}
		r.v[flat] = t.v[src]
	}
	return r
}

// split returns part i of n equal parts of t along axis.
func split(t tensor, axis, n, i int) tensor {
	dims := slices.Clone(t.s.Dimensions)
	size := dims[axis] / n
	dims[axis] = size
	r := tensor{s: shapes.Make(t.s.DType, dims...), v: make([]float64, prod(dims))}
	str := t.s.Strides()
	idx := make([]int, len(dims))
	for flat := range r.v {
		x := flat
		for a := len(dims) - 1; a >= 0; a-- {
			idx[a] = x % dims[a]
			x /= dims[a]
		}
		src := 0
		for a, v := range idx {
			if a == axis {
				v += i * size
			}
			src += v * str[a]
		}
		r.v[flat] = t.v[src]
	}
	return r
}

// concat concatenates ts along axis.
func concat(ts []tensor, axis int) tensor {
	dims := slices.Clone(ts[0].s.Dimensions)
	dims[axis] = 0
	for _, t := range ts {
		dims[axis] += t.s.Dimensions[axis]
	}
	r := tensor{s: shapes.Make(ts[0].s.DType, dims...), v: make([]float64, prod(dims))}
	rs := r.s.Strides()
	idx := make([]int, len(dims))
	start := 0
	for _, t := range ts {
		for flat, v := range t.v {
			x := flat
			for a := len(dims) - 1; a >= 0; a-- {
				idx[a] = x % t.s.Dimensions[a]
				x /= t.s.Dimensions[a]
			}
			dst := 0
			for a, i := range idx {
				if a == axis {
					i += start
				}
				dst += i * rs[a]
			}
			r.v[dst] = v
		}
		start += t.s.Dimensions[axis]
	}
	return r
}

func gather(idx, vals []int) []int {
	r := make([]int, len(idx))
	for i, x := range idx {
		r[i] = vals[x]
	}
	return r
}

// gomlxVJPWrtX is GoMLX v0.28.2's convVJPWrtX: the input gradient is
// ConvGeneral(v, Reverse(kernel, spatial axes)) with these parameters.
func gomlxVJPWrtX(axes compute.ConvolveAxesConfig, xS, kS, outS shapes.Shape, strides []int, paddings [][2]int, kernelDilations []int) Params {
	nd := xS.Rank() - 2
	inputSpatialDims := gather(axes.InputSpatial, xS.Dimensions)
	outputSpatialDims := gather(axes.OutputSpatial, outS.Dimensions)
	kernelSpatialDims := gather(axes.KernelSpatial, kS.Dimensions)
	reverseAxes := axes.Clone()
	reverseAxes.KernelInputChannels, reverseAxes.KernelOutputChannels = axes.KernelOutputChannels, axes.KernelInputChannels
	reversePaddings := make([][2]int, nd)
	dilation := 1
	for axis := range nd {
		kernelSize := kernelSpatialDims[axis]
		if len(kernelDilations) > 0 {
			dilation = kernelDilations[axis]
		}
		kernelSize = (kernelSize-1)*dilation + 1
		inputDimSize := inputSpatialDims[axis]
		outputDimSize := outputSpatialDims[axis]
		dimStride := 1
		if len(strides) > 0 {
			dimStride = strides[axis]
		}
		var dimPadding [2]int
		if len(paddings) > 0 {
			dimPadding = paddings[axis]
		}
		inputDimStart := (kernelSize-1)/2 - dimPadding[0]
		inputDimEnd := inputDimSize - kernelSize/2 + dimPadding[1]
		if (inputDimEnd-inputDimStart+(dimStride-1))/dimStride != outputDimSize {
			panic(fmt.Sprintf("GoMLX convVJPWrtX would fail on axis %d", axis))
		}
		outputDimStart := -inputDimStart - ((kernelSize - 1) / 2)
		outputDimEnd := inputDimSize - inputDimStart + kernelSize/2
		numInjectedZeros := (outputDimSize - 1) * (dimStride - 1)
		outputDimEnd -= numInjectedZeros
		reversePaddings[axis][0] = -outputDimStart
		reversePaddings[axis][1] = outputDimEnd - outputDimSize
	}
	p := Params{Axes: reverseAxes, Paddings: reversePaddings, KernelDilations: kernelDilations}
	if len(strides) > 0 {
		p.InputDilations = strides
	}
	return p
}

func expectedOutputSize(inputSize, kernelSize, dilation, stride int, padding [2]int) int {
	effectiveKernelSize := (kernelSize-1)*dilation + 1
	inputStart := (effectiveKernelSize-1)/2 - padding[0]
	inputEnd := inputSize - effectiveKernelSize/2 + padding[1]
	return (inputEnd - inputStart + (stride - 1)) / stride
}

// gomlxVJPWrtKernel is GoMLX v0.28.2's convVJPWrtKernel: the kernel
// gradient is ConvGeneral(x, v) with these parameters.
func gomlxVJPWrtKernel(axes compute.ConvolveAxesConfig, xS, kS, outS shapes.Shape, strides []int, paddings [][2]int, kernelDilations []int) Params {
	nd := xS.Rank() - 2
	var reverseAxes compute.ConvolveAxesConfig
	reverseAxes.InputBatch, reverseAxes.InputChannels = axes.InputChannels, axes.InputBatch
	reverseAxes.InputSpatial = slices.Clone(axes.InputSpatial)
	reverseAxes.OutputBatch, reverseAxes.OutputChannels = axes.KernelInputChannels, axes.KernelOutputChannels
	reverseAxes.OutputSpatial = slices.Clone(axes.KernelSpatial)
	reverseAxes.KernelInputChannels, reverseAxes.KernelOutputChannels = axes.OutputBatch, axes.OutputChannels
	reverseAxes.KernelSpatial = slices.Clone(axes.OutputSpatial)
	reverseDilations := strides
	reverseStrides := kernelDilations
	reversePaddings := make([][2]int, nd)
	copy(reversePaddings, paddings)
	inputSpatialDims := gather(axes.InputSpatial, xS.Dimensions)
	outputSpatialDims := gather(axes.OutputSpatial, outS.Dimensions)
	kernelSpatialDims := gather(axes.KernelSpatial, kS.Dimensions)
	for axisIdx := range nd {
		kernelDimSize := kernelSpatialDims[axisIdx]
		dimFilterDilation := 1
		if len(kernelDilations) > 0 {
			dimFilterDilation = kernelDilations[axisIdx]
		}
		inputDimSize := inputSpatialDims[axisIdx]
		outputDimSize := outputSpatialDims[axisIdx]
		dimStride := 1
		if len(strides) > 0 {
			dimStride = strides[axisIdx]
		}
		var dimPadding [2]int
		if len(paddings) > 0 {
			dimPadding = paddings[axisIdx]
		}
		if expectedOutputSize(inputDimSize, kernelDimSize, dimFilterDilation, dimStride, dimPadding) != outputDimSize {
			panic(fmt.Sprintf("GoMLX convVJPWrtKernel would fail on axis %d", axisIdx))
		}
		revKernelDimSize := outputDimSize
		revDimDilation := 1
		if len(reverseDilations) > 0 {
			revDimDilation = reverseDilations[axisIdx]
		}
		revDimStride := 1
		if len(reverseStrides) > 0 {
			revDimStride = reverseStrides[axisIdx]
		}
		revDimPadding := reversePaddings[axisIdx]
		revExpectedOutputDimSize := expectedOutputSize(inputDimSize, revKernelDimSize, revDimDilation, revDimStride, revDimPadding)
		revDimExtraPadding := (kernelDimSize - revExpectedOutputDimSize) * revDimStride
		reversePaddings[axisIdx][1] += revDimExtraPadding
	}
	return Params{Axes: reverseAxes, Strides: reverseStrides, Paddings: reversePaddings, KernelDilations: reverseDilations}
}

// gomlxGrads computes (dx, dkernel) for the forward p the way GoMLX v0.28.2
// does, with this package's convolution.
func gomlxGrads(tb testing.TB, use32 bool, p Params, x, k, v tensor) (tensor, tensor) {
	a := p.Axes
	if p.ChannelGroupCount > 1 {
		g := p.ChannelGroupCount
		var gxs, gks []tensor
		for i := 0; i < g; i++ {
			xi, ki, vi := split(x, a.InputChannels, g, i), split(k, a.KernelOutputChannels, g, i), split(v, a.OutputChannels, g, i)
			q := p
			q.ChannelGroupCount = 1
			gx, gk := gomlxGrads(tb, use32, q, xi, ki, vi)
			gxs, gks = append(gxs, gx), append(gks, gk)
		}
		return concat(gxs, a.InputChannels), concat(gks, a.KernelOutputChannels)
	}
	px := gomlxVJPWrtX(a, x.s, k.s, v.s, p.Strides, p.Paddings, p.KernelDilations)
	gx := convWith(tb, use32, px, v, reverseAxes(k, a.KernelSpatial))
	pk := gomlxVJPWrtKernel(a, x.s, k.s, v.s, p.Strides, p.Paddings, p.KernelDilations)
	gk := convWith(tb, use32, pk, x, v)
	return gx, gk
}

func dilateShape(n, d int) int {
	if n == 0 {
		return 0
	}
	return (n-1)*d + 1
}

func ones(n int) []int {
	r := make([]int, n)
	for i := range r {
		r[i] = 1
	}
	return r
}

func orOnes(s []int, n int) []int {
	if len(s) == 0 {
		return ones(n)
	}
	return s
}

// xlaGrads computes (dx, dkernel) the way JAX transposes
// conv_general_dilated (feature_group_count kept for dx, turned into
// batch_group_count for dkernel).
func xlaGrads(tb testing.TB, use32 bool, p Params, x, k, v tensor) (gx, gk tensor) {
	xlaCalls(p, x, k, v,
		func(q Params, in, ker tensor) { gx = convWith(tb, use32, q, in, ker) },
		func(q Params, in, ker tensor) { gk = convWith(tb, use32, q, in, ker) })
	return
}

// xlaCalls builds the two ConvGeneral calls of the XLA-style gradients and
// passes them (parameters, input, kernel) to dxCall and dkCall (if not nil).
func xlaCalls(p Params, x, k, v tensor, dxCall, dkCall func(q Params, in, ker tensor)) {
	a := p.Axes
	nd := x.s.Rank() - 2
	strides := orOnes(p.Strides, nd)
	kdil := orOnes(p.KernelDilations, nd)
	ldil := orOnes(p.InputDilations, nd)
	pads := p.Paddings
	if len(pads) == 0 {
		pads = make([][2]int, nd)
	}
	inSp := gather(a.InputSpatial, x.s.Dimensions)
	kSp := gather(a.KernelSpatial, k.s.Dimensions)
	outSp := gather(a.OutputSpatial, v.s.Dimensions)
	G := max(p.ChannelGroupCount, 1)

	// dx: _conv_general_dilated_transpose_lhs.
	kk := k
	if G > 1 {
		// _reshape_axis_out_of(O, G) then _reshape_axis_into(G, I): the
		// kernel becomes [.., I·G (group-major), O/G ..].
		ig, og := k.s.Dimensions[a.KernelInputChannels], k.s.Dimensions[a.KernelOutputChannels]/G
		dims := slices.Clone(k.s.Dimensions)
		dims[a.KernelInputChannels] = ig * G
		dims[a.KernelOutputChannels] = og
		nk := tensor{s: shapes.Make(k.s.DType, dims...), v: make([]float64, prod(dims))}
		ks, ns := k.s.Strides(), nk.s.Strides()
		idx := make([]int, len(dims))
		for flat := range k.v {
			x := flat
			for ax := len(dims) - 1; ax >= 0; ax-- {
				idx[ax] = x % k.s.Dimensions[ax]
				x /= k.s.Dimensions[ax]
			}
			src, dst := 0, 0
			for ax, i := range idx {
				src += i * ks[ax]
				switch ax {
				case a.KernelInputChannels:
					g := idx[a.KernelOutputChannels] / og
					dst += (g*ig + i) * ns[ax]
				case a.KernelOutputChannels:
					dst += (i % og) * ns[ax]
				default:
					dst += i * ns[ax]
				}
			}
			nk.v[dst] = k.v[src]
		}
		kk = nk
	}
	tAxes := compute.ConvolveAxesConfig{
		InputBatch: a.OutputBatch, InputChannels: a.OutputChannels, InputSpatial: a.OutputSpatial,
		KernelInputChannels: a.KernelOutputChannels, KernelOutputChannels: a.KernelInputChannels, KernelSpatial: a.KernelSpatial,
		OutputBatch: a.InputBatch, OutputChannels: a.InputChannels, OutputSpatial: a.InputSpatial,
	}
	padX := make([][2]int, nd)
	for d := 0; d < nd; d++ {
		lhsD := dilateShape(inSp[d], ldil[d])
		rhsD := dilateShape(kSp[d], kdil[d])
		outD := dilateShape(outSp[d], strides[d])
		before := rhsD - pads[d][0] - 1
		padX[d] = [2]int{before, lhsD + rhsD - 1 - outD - before}
	}
	px := Params{Axes: tAxes, Strides: ldil, Paddings: padX, InputDilations: strides, KernelDilations: kdil, ChannelGroupCount: G}
	if dxCall != nil {
		dxCall(px, v, reverseAxes(kk, a.KernelSpatial))
	}

	// dkernel: _conv_general_dilated_transpose_rhs.
	kAxes := compute.ConvolveAxesConfig{
		InputBatch: a.InputChannels, InputChannels: a.InputBatch, InputSpatial: a.InputSpatial,
		KernelInputChannels: a.OutputBatch, KernelOutputChannels: a.OutputChannels, KernelSpatial: a.OutputSpatial,
		OutputBatch: a.KernelInputChannels, OutputChannels: a.KernelOutputChannels, OutputSpatial: a.KernelSpatial,
	}
	padK := make([][2]int, nd)
	for d := 0; d < nd; d++ {
		lhsD := dilateShape(inSp[d], ldil[d])
		rhsD := dilateShape(kSp[d], kdil[d])
		outD := dilateShape(outSp[d], strides[d])
		padK[d] = [2]int{pads[d][0], (outD - lhsD) + (rhsD - pads[d][0] - 1)}
	}
	pk := Params{Axes: kAxes, Strides: kdil, Paddings: padK, InputDilations: ldil, KernelDilations: strides, BatchGroupCount: G}
	if dkCall != nil {
		dkCall(pk, x, v)
	}
}

// refGrads returns the exact gradients of Σ out·v with respect to x and the
// kernel (naive adjoint loops, float64).
func refGrads(p Params, x, k, v tensor) (gx, gk, absX, absK []float64) {
	gx, gk = make([]float64, len(x.v)), make([]float64, len(k.v))
	absX, absK = make([]float64, len(x.v)), make([]float64, len(k.v))
	refTerms(p, x.s, k.s, func(o, i, kk int) {
		gx[i] += v.v[o] * k.v[kk]
		absX[i] += math.Abs(v.v[o] * k.v[kk])
		gk[kk] += v.v[o] * x.v[i]
		absK[kk] += math.Abs(v.v[o] * x.v[i])
	})
	return
}

type gradCase struct {
	tc   tcase
	xla  bool // XLA-style patterns instead of GoMLX v0.28.2's
	name string
	// gomlxBadDX: GoMLX v0.28.2's convVJPWrtX derives wrong paddings for
	// even-sized kernels with asymmetric ("SAME") padding: it uses
	// (pad_lo, pad_hi) where (k-1-pad_lo, k-1-pad_hi) is needed. The calls
	// are still checked against the reference; only the comparison with the
	// true gradient is skipped.
	gomlxBadDX bool
}

func gradCases() []gradCase {
	nchw := func(tc tcase) tcase {
		nd := len(tc.in)
		tc.inPerm, tc.kPerm, tc.outPerm = channelsFirstPerm(nd, false), channelsFirstPerm(nd, true), channelsFirstPerm(nd, false)
		tc.name += "-nchw"
		return tc
	}
	base := []tcase{
		{name: "3x3-same", B: 3, C: 5, O: 7, in: []int{9, 11}, k: []int{3, 3}, pad: same2(3, 3)},
		{name: "3x3-valid", B: 2, C: 3, O: 4, in: []int{9, 8}, k: []int{3, 3}},
		{name: "3x3-stride2-same", B: 3, C: 5, O: 6, in: []int{11, 9}, k: []int{3, 3}, stride: []int{2, 2}, pad: same2(3, 3)},
		{name: "4x4-stride2-same-even", B: 2, C: 3, O: 5, in: []int{10, 12}, k: []int{4, 4}, stride: []int{2, 2}, pad: same2(4, 4)},
		{name: "3x3-stride2-valid", B: 2, C: 3, O: 4, in: []int{9, 10}, k: []int{3, 3}, stride: []int{2, 2}},
		{name: "5x5-stride3", B: 2, C: 2, O: 3, in: []int{13, 11}, k: []int{5, 5}, stride: []int{3, 3}, pad: same2(5, 5)},
		{name: "3x3-kdil2", B: 2, C: 3, O: 4, in: []int{11, 10}, k: []int{3, 3}, kDil: []int{2, 2}, pad: [][2]int{{2, 2}, {2, 2}}},
		{name: "1d-stride2", B: 3, C: 4, O: 5, in: []int{15}, k: []int{3}, stride: []int{2}, pad: [][2]int{{1, 1}}},
		{name: "3d-stride2", B: 2, C: 3, O: 2, in: []int{5, 7, 6}, k: []int{3, 3, 3}, stride: []int{2, 2, 2}, pad: [][2]int{{1, 1}, {1, 1}, {1, 1}}},
		// 16 channels, as in NB201's first stage: the products have 16
		// columns, so float32 runs on kernels/gemm's 14×16 micro-kernel.
		{name: "3x3-same-16ch", B: 2, C: 16, O: 16, in: []int{8, 9}, k: []int{3, 3}, pad: same2(3, 3)},
		{name: "1x1-16ch", B: 2, C: 16, O: 16, in: []int{8, 9}, k: []int{1, 1}},
		{name: "1x1", B: 3, C: 5, O: 7, in: []int{9, 11}, k: []int{1, 1}},
		{name: "1x1-groups2", B: 3, C: 6, O: 4, in: []int{5, 7}, k: []int{1, 1}, cg: 2},
		{name: "groups2", B: 2, C: 6, O: 4, in: []int{9, 8}, k: []int{3, 3}, cg: 2, pad: same2(3, 3)},
		{name: "groups2-stride2", B: 2, C: 4, O: 6, in: []int{9, 8}, k: []int{3, 3}, cg: 2, stride: []int{2, 2}, pad: same2(3, 3)},
		{name: "depthwise", B: 3, C: 19, O: 19, in: []int{9, 10}, k: []int{3, 3}, cg: 19, pad: same2(3, 3)},
		{name: "depthwise-5x5-stride2", B: 2, C: 17, O: 17, in: []int{11, 10}, k: []int{5, 5}, cg: 17, stride: []int{2, 2}, pad: same2(5, 5)},
		{name: "depthwise-32", B: 2, C: 32, O: 32, in: []int{9, 7}, k: []int{3, 3}, cg: 32, pad: same2(3, 3)},
		{name: "depthwise-32-stride2", B: 3, C: 32, O: 32, in: []int{9, 10}, k: []int{3, 3}, cg: 32, stride: []int{2, 2}, pad: same2(3, 3)},
		{name: "depthwise-16x2", B: 2, C: 16, O: 32, in: []int{7, 9}, k: []int{5, 5}, cg: 16, pad: same2(5, 5)},
		{name: "depthwise-wide", B: 2, C: 3, O: 3, in: []int{5, 41}, k: []int{3, 3}, cg: 3, pad: same2(3, 3)},
		{name: "depthwise-mult2", B: 2, C: 9, O: 18, in: []int{9, 8}, k: []int{3, 3}, cg: 9, pad: same2(3, 3)},
		{name: "depthwise-mult2-stride2", B: 2, C: 9, O: 18, in: []int{9, 8}, k: []int{3, 3}, cg: 9, stride: []int{2, 2}, pad: same2(3, 3)},
		{name: "depthwise-kdil2", B: 2, C: 20, O: 20, in: []int{9, 11}, k: []int{3, 3}, cg: 20, kDil: []int{2, 2}, pad: [][2]int{{2, 2}, {2, 2}}},
	}
	var res []gradCase
	for _, tc := range base {
		for _, xla := range []bool{false, true} {
			for _, layout := range []bool{false, true} {
				c := tc
				if layout {
					c = nchw(c)
				}
				n := c.name + "/gomlx"
				if xla {
					n = c.name + "/xla"
				}
				bad := !xla && c.pad != nil && c.k[0]%2 == 0
				res = append(res, gradCase{tc: c, xla: xla, name: n, gomlxBadDX: bad})
			}
		}
	}
	// XLA style also covers input dilation and negative padding.
	res = append(res,
		gradCase{xla: true, name: "negpad/xla", tc: tcase{B: 2, C: 3, O: 4, in: []int{9, 8}, k: []int{3, 3}, stride: []int{2, 1}, pad: [][2]int{{-1, 0}, {1, -2}}}},
		gradCase{xla: true, name: "depthwise-negpad/xla", tc: tcase{B: 2, C: 16, O: 32, in: []int{9, 8}, k: []int{3, 3}, cg: 16, stride: []int{2, 1}, pad: [][2]int{{-1, 0}, {1, -2}}}},
		gradCase{xla: true, name: "indil/xla", tc: tcase{B: 2, C: 3, O: 4, in: []int{5, 4}, k: []int{3, 3}, inDil: []int{2, 2}, pad: [][2]int{{1, 1}, {2, 1}}}},
	)
	return res
}

func TestGradients(t *testing.T) {
	for i, gc := range gradCases() {
		t.Run(gc.name, func(t *testing.T) {
			rng := rand.New(rand.NewSource(int64(100 + i)))
			p, xs, ks := gc.tc.build(dtypes.Float64)
			outS, err := OutputShape(xs, ks, p)
			if err != nil {
				t.Fatal(err)
			}
			x := tensor{xs, randFloats(rng, xs.Size())}
			k := tensor{ks, randFloats(rng, ks.Size())}
			v := tensor{outS, randFloats(rng, outS.Size())}
			wantX, wantK, absX, absK := refGrads(p, x, k, v)
			grads := gomlxGrads
			if gc.xla {
				grads = xlaGrads
			}
			for _, use32 := range []bool{false, true} {
				tol := 1e-12
				if use32 {
					tol = 3e-6
				}
				gx, gk := grads(t, use32, p, x, k, v)
				if !slices.Equal(gx.s.Dimensions, xs.Dimensions) || !slices.Equal(gk.s.Dimensions, ks.Dimensions) {
					t.Fatalf("gradient shapes %s, %s; want %s, %s", gx.s, gk.s, xs, ks)
				}
				if gc.gomlxBadDX {
					t.Logf("skipping dx: GoMLX v0.28.2's input-gradient paddings are wrong for even kernels")
				} else {
					checkClose(t, fmt.Sprintf("dx(float32=%v)", use32), gx.v, wantX, absX, tol)
				}
				checkClose(t, fmt.Sprintf("dkernel(float32=%v)", use32), gk.v, wantK, absK, tol)
			}
		})
	}
}

// TestFiniteDifferences checks the naive adjoint used above against central
// finite differences of Float64, for a few entries of a strided, dilated,
// grouped convolution.
func TestFiniteDifferences(t *testing.T) {
	tc := tcase{B: 2, C: 4, O: 6, in: []int{7, 6}, k: []int{3, 2}, cg: 2, stride: []int{2, 1}, kDil: []int{1, 2}, pad: [][2]int{{1, 0}, {-1, 2}}}
	rng := rand.New(rand.NewSource(7))
	p, xs, ks := tc.build(dtypes.Float64)
	outS, _ := OutputShape(xs, ks, p)
	x := tensor{xs, randFloats(rng, xs.Size())}
	k := tensor{ks, randFloats(rng, ks.Size())}
	v := tensor{outS, randFloats(rng, outS.Size())}
	loss := func() float64 {
		o := convRaw(t, false, p, x, k)
		var s float64
		for i, y := range o.v {
			s += y * v.v[i]
		}
		return s
	}
	gx, gk, _, _ := refGrads(p, x, k, v)
	const h = 1e-6
	for _, tt := range []struct {
		vals []float64
		grad []float64
	}{{x.v, gx}, {k.v, gk}} {
		for n := 0; n < 20; n++ {
			i := rng.Intn(len(tt.vals))
			orig := tt.vals[i]
			tt.vals[i] = orig + h
			lp := loss()
			tt.vals[i] = orig - h
			lm := loss()
			tt.vals[i] = orig
			fd := (lp - lm) / (2 * h)
			if math.Abs(fd-tt.grad[i]) > 1e-6*(1+math.Abs(fd)) {
				t.Errorf("element %d: finite difference %g, adjoint %g", i, fd, tt.grad[i])
			}
		}
	}
}
