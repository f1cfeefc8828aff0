// Package kerneltest holds test helpers shared by the tests of kernels/ and of the
// layers built on it: random tensors and a finite-difference gradient check that
// compares GoMLX's autodiff on a backend with central differences in float64.
package kerneltest

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/gomlx/compute"
	"github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"
)

// RandTensor returns a float64 tensor with uniform values in [-1, 1).
func RandTensor(rng *rand.Rand, dims ...int) *tensors.Tensor {
	size := 1
	for _, d := range dims {
		size *= d
	}
	flat := make([]float64, size)
	for i := range flat {
		flat[i] = 2*rng.Float64() - 1
	}
	return tensors.FromFlatDataAndDimensions(flat, dims...)
}

// GradCheck compares the gradients GoMLX's autodiff computes on this backend with
// central finite differences of loss = sum(fn(xs) * w), w random, in float64.
// Up to maxCoords coordinates of each input are checked.
func GradCheck(t testing.TB, backend compute.Backend, fn func(xs []*graph.Node) *graph.Node, inputs ...*tensors.Tensor) {
	t.Helper()
	rng := rand.New(rand.NewPCG(7, 11))
	const maxCoords = 24
	const h = 1e-6

	// Output shape, then the random projection w.
	outShape := graph.MustExecOnce(backend, func(xs []*graph.Node) *graph.Node { return fn(xs) }, ToAny(inputs)...).Shape()
	w := RandTensor(rng, outShape.Dimensions...)
	if outShape.Rank() == 0 {
		w = tensors.FromValue(0.5 + rng.Float64())
	}

	lossFn := func(xs []*graph.Node) *graph.Node {
		n := len(xs) - 1
		return graph.ReduceAllSum(graph.Mul(fn(xs[:n]), xs[n]))
	}
	gradExec, err := graph.NewExec(backend, func(xs []*graph.Node) []*graph.Node {
		loss := lossFn(xs)
		return append([]*graph.Node{loss}, graph.Gradient(loss, xs[:len(xs)-1]...)...)
	})
	if err != nil {
		t.Fatal(err)
	}
	lossExec, err := graph.NewExec(backend, func(xs []*graph.Node) *graph.Node { return lossFn(xs) })
	if err != nil {
		t.Fatal(err)
	}
	args := append(ToAny(inputs), w)
	outs, err := gradExec.Call(args...)
	if err != nil {
		t.Fatal(err)
	}
	for i, in := range inputs {
		analytic := tensors.MustCopyFlatData[float64](outs[1+i])
		base := tensors.MustCopyFlatData[float64](in)
		coords := rng.Perm(len(base))
		if len(coords) > maxCoords {
			coords = coords[:maxCoords]
		}
		for _, c := range coords {
			eval := func(delta float64) float64 {
				flat := append([]float64(nil), base...)
				flat[c] += delta
				perturbed := tensors.FromFlatDataAndDimensions(flat, in.Shape().Dimensions...)
				a := ToAny(inputs)
				a[i] = perturbed
				a = append(a, w)
				r, err := lossExec.Call(a...)
				if err != nil {
					t.Fatal(err)
				}
				return tensors.MustCopyFlatData[float64](r[0])[0]
			}
			numeric := (eval(h) - eval(-h)) / (2 * h)
			diff := math.Abs(numeric - analytic[c])
			scale := math.Max(1, math.Abs(numeric)+math.Abs(analytic[c]))
			if diff/scale > 1e-5 {
				t.Errorf("input #%d %s, coordinate %d: autodiff %.8g, finite differences %.8g", i, in.Shape(), c, analytic[c], numeric)
			}
		}
	}
}

// ToAny converts tensors to the []any that graph.Exec.Call takes.
func ToAny(ts []*tensors.Tensor) []any {
	out := make([]any, len(ts))
	for i, t := range ts {
		out[i] = t
	}
	return out
}
