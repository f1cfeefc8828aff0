package conv

import (
	"fmt"
	"math"
	"math/rand"
	"testing"

	"github.com/gomlx/compute"
	"github.com/gomlx/compute/dtypes"
	"github.com/gomlx/compute/shapes"
)

// refConv is the naive reference (refTerms, written straight from the XLA
// definition) with float64 accumulation. It also returns, for every output, the sum of
// the absolute values of its terms (to scale tolerances).
func refConv(p Params, in []float64, inShape shapes.Shape, ker []float64, kShape shapes.Shape) (out, absOut []float64, outShape shapes.Shape) {
	outShape, err := OutputShape(inShape, kShape, p)
	if err != nil {
		panic(err)
	}
	out, absOut = make([]float64, outShape.Size()), make([]float64, outShape.Size())
	refTerms(p, inShape, kShape, func(o, i, k int) {
		v := in[i] * ker[k]
		out[o] += v
		absOut[o] += math.Abs(v)
	})
	return
}

// refTerms calls fn(outFlat, inFlat, kernelFlat) for every product term of
// the convolution (the same loops as refConv).
func refTerms(p Params, inShape, kShape shapes.Shape, fn func(o, i, k int)) {
	outShape, err := OutputShape(inShape, kShape, p)
	if err != nil {
		panic(err)
	}
	a := p.Axes
	nd := inShape.Rank() - 2
	cg, bg := max(p.ChannelGroupCount, 1), max(p.BatchGroupCount, 1)
	O := kShape.Dimensions[a.KernelOutputChannels]
	Ig := kShape.Dimensions[a.KernelInputChannels]
	Bo := outShape.Dimensions[a.OutputBatch]
	inStr, kStr := inShape.Strides(), kShape.Strides()
	st, id, kd := orOnes(p.Strides, nd), orOnes(p.InputDilations, nd), orOnes(p.KernelDilations, nd)
	idx := make([]int, outShape.Rank())
	kdims := gather(a.KernelSpatial, kShape.Dimensions)
	kk := make([]int, nd)
	for flat := 0; flat < outShape.Size(); flat++ {
		x := flat
		for ax := outShape.Rank() - 1; ax >= 0; ax-- {
			idx[ax] = x % outShape.Dimensions[ax]
			x /= outShape.Dimensions[ax]
		}
		bp, o := idx[a.OutputBatch], idx[a.OutputChannels]
		gc, gb := 0, 0
		if cg > 1 {
			gc = o / (O / cg)
		}
		if bg > 1 {
			gb = o / (O / bg)
		}
		b := gb*Bo + bp
	taps:
		for kf := 0; kf < prod(kdims); kf++ {
			y := kf
			for d := nd - 1; d >= 0; d-- {
				kk[d] = y % kdims[d]
				y /= kdims[d]
			}
			inOff := b * inStr[a.InputBatch]
			kOff := o * kStr[a.KernelOutputChannels]
			for d := 0; d < nd; d++ {
				n := inShape.Dimensions[a.InputSpatial[d]]
				u := idx[a.OutputSpatial[d]]*st[d] + kk[d]*kd[d]
				if len(p.Paddings) > 0 {
					u -= p.Paddings[d][0]
				}
				if u < 0 || u > (n-1)*id[d] || u%id[d] != 0 {
					continue taps
				}
				inOff += u / id[d] * inStr[a.InputSpatial[d]]
				kOff += kk[d] * kStr[a.KernelSpatial[d]]
			}
			for i := 0; i < Ig; i++ {
				fn(flat, inOff+(gc*Ig+i)*inStr[a.InputChannels], kOff+i*kStr[a.KernelInputChannels])
			}
		}
	}
}

// tcase describes a test convolution by role sizes and layouts.
type tcase struct {
	name                string
	B, C, O             int
	in, k               []int // spatial sizes of input and kernel
	stride, inDil, kDil []int
	pad                 [][2]int
	cg, bg              int
	// Layouts: perm[axis] = role; roles are 0 (batch / kernel input
	// channels), 1 (channels / kernel output channels), 2+d (spatial d).
	// nil means channels-last (NHWC / HWIO / NHWC).
	inPerm, kPerm, outPerm []int
}

func channelsLastPerm(nd int, kernel bool) []int {
	p := make([]int, nd+2)
	if kernel {
		for d := 0; d < nd; d++ {
			p[d] = 2 + d
		}
		p[nd], p[nd+1] = 0, 1
		return p
	}
	p[0] = 0
	for d := 0; d < nd; d++ {
		p[1+d] = 2 + d
	}
	p[nd+1] = 1
	return p
}

func channelsFirstPerm(nd int, kernel bool) []int {
	p := make([]int, nd+2)
	if kernel {
		p[0], p[1] = 1, 0 // OIHW
	} else {
		p[0], p[1] = 0, 1
	}
	for d := 0; d < nd; d++ {
		p[2+d] = 2 + d
	}
	return p
}

// rolesToAxes returns, for a perm, the axis of role 0, role 1 and the
// spatial roles.
func rolesToAxes(perm []int) (r0, r1 int, sp []int) {
	sp = make([]int, len(perm)-2)
	for ax, r := range perm {
		switch r {
		case 0:
			r0 = ax
		case 1:
			r1 = ax
		default:
			sp[r-2] = ax
		}
	}
	return
}

// build returns the Params and the input and kernel shapes of tc.
func (tc *tcase) build(dt dtypes.DType) (Params, shapes.Shape, shapes.Shape) {
	nd := len(tc.in)
	inPerm, kPerm, outPerm := tc.inPerm, tc.kPerm, tc.outPerm
	if inPerm == nil {
		inPerm = channelsLastPerm(nd, false)
	}
	if kPerm == nil {
		kPerm = channelsLastPerm(nd, true)
	}
	if outPerm == nil {
		outPerm = channelsLastPerm(nd, false)
	}
	var ax compute.ConvolveAxesConfig
	ax.InputBatch, ax.InputChannels, ax.InputSpatial = rolesToAxes(inPerm)
	ax.KernelInputChannels, ax.KernelOutputChannels, ax.KernelSpatial = rolesToAxes(kPerm)
	ax.OutputBatch, ax.OutputChannels, ax.OutputSpatial = rolesToAxes(outPerm)
	cg, bg := max(tc.cg, 1), max(tc.bg, 1)
	ig := tc.C / cg
	inDims := make([]int, nd+2)
	kDims := make([]int, nd+2)
	for axis, r := range inPerm {
		switch r {
		case 0:
			inDims[axis] = tc.B
		case 1:
			inDims[axis] = tc.C
		default:
			inDims[axis] = tc.in[r-2]
		}
	}
	for axis, r := range kPerm {
		switch r {
		case 0:
			kDims[axis] = ig
		case 1:
			kDims[axis] = tc.O
		default:
			kDims[axis] = tc.k[r-2]
		}
	}
	p := Params{Axes: ax, Strides: tc.stride, Paddings: tc.pad, InputDilations: tc.inDil,
		KernelDilations: tc.kDil, ChannelGroupCount: cg, BatchGroupCount: bg}
	return p, shapes.Make(dt, inDims...), shapes.Make(dt, kDims...)
}

func randFloats(rng *rand.Rand, n int) []float64 {
	s := make([]float64, n)
	for i := range s {
		s[i] = rng.Float64()*2 - 1
	}
	return s
}

func toF32(s []float64) []float32 {
	r := make([]float32, len(s))
	for i, v := range s {
		r[i] = float32(v)
	}
	return r
}

// checkClose compares got with want; tol is relative to absWant (the sum of
// the magnitudes of the terms of each output).
func checkClose[T float](t *testing.T, name string, got []T, want, absWant []float64, tol float64) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: got %d values, want %d", name, len(got), len(want))
	}
	bad := 0
	for i, w := range want {
		g := float64(got[i])
		if math.IsNaN(g) || math.Abs(g-w) > tol*(absWant[i]+1e-3) {
			if bad < 5 {
				t.Errorf("%s: element %d: got %g, want %g (abs terms %g)", name, i, g, w, absWant[i])
			}
			bad++
		}
	}
	if bad > 0 {
		t.Errorf("%s: %d of %d elements differ", name, bad, len(want))
	}
}

// runCase checks Float32 and Float64 against the reference for tc.
func runCase(t *testing.T, tc tcase, seed int64) {
	t.Helper()
	rng := rand.New(rand.NewSource(seed))
	p, inS64, kS64 := tc.build(dtypes.Float64)
	in := randFloats(rng, inS64.Size())
	ker := randFloats(rng, kS64.Size())
	want, abs, outS64 := refConv(p, in, inS64, ker, kS64)

	got64 := make([]float64, outS64.Size())
	for i := range got64 {
		got64[i] = math.NaN() // every output must be written
	}
	if err := Float64(p, in, inS64, ker, kS64, got64, outS64); err != nil {
		t.Fatalf("%s: Float64: %v", tc.name, err)
	}
	checkClose(t, tc.name+"/float64", got64, want, abs, 1e-12)

	_, inS32, kS32 := tc.build(dtypes.Float32)
	outS32 := outS64.Clone()
	outS32.DType = dtypes.Float32
	got32 := make([]float32, outS32.Size())
	for i := range got32 {
		got32[i] = float32(math.NaN())
	}
	if err := Float32(p, toF32(in), inS32, toF32(ker), kS32, got32, outS32); err != nil {
		t.Fatalf("%s: Float32: %v", tc.name, err)
	}
	checkClose(t, tc.name+"/float32", got32, want, abs, 2e-6)
}

func (tc tcase) String() string {
	return fmt.Sprintf("%s B=%d C=%d O=%d in=%v k=%v st=%v id=%v kd=%v pad=%v cg=%d bg=%d perms=%v/%v/%v",
		tc.name, tc.B, tc.C, tc.O, tc.in, tc.k, tc.stride, tc.inDil, tc.kDil, tc.pad, tc.cg, tc.bg, tc.inPerm, tc.kPerm, tc.outPerm)
}
