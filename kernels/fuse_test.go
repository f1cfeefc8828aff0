package kernels

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/gomlx/compute"
	"github.com/gomlx/compute/dtypes"
	"github.com/gomlx/compute/gobackend"
	"github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"
	"github.com/gomlx/gomlx/ml/layers/activation"
	"github.com/janpfeifer/must"
)

// reluGraph is ReLU and its gradient as GoMLX builds them, in dtype, returned in float64.
func reluGraph(dtype dtypes.DType) func(x, v *graph.Node) []*graph.Node {
	return func(x, v *graph.Node) []*graph.Node {
		x, v = graph.ConvertDType(x, dtype), graph.ConvertDType(v, dtype)
		y := activation.Relu(x)
		dx := graph.Gradient(graph.ReduceAllSum(graph.Mul(y, v)), x)[0]
		// The indicator on the left of the Mul too: Mul(Sign(...), v).
		z := graph.ZerosLike(x)
		ind := graph.NonNegativeIndicator(graph.Sub(x, z))
		return []*graph.Node{
			graph.ConvertDType(y, dtypes.Float64),
			graph.ConvertDType(dx, dtypes.Float64),
			graph.ConvertDType(graph.Mul(ind, v), dtypes.Float64),
		}
	}
}

// specialValues puts NaN, ±Inf, ±0 and tiny values at the start of a random tensor.
func specialValues(rng *rand.Rand, dims ...int) *tensors.Tensor {
	flat := tensors.MustCopyFlatData[float64](randTensor(rng, dims...))
	specials := []float64{math.NaN(), math.Inf(1), math.Inf(-1), 0, math.Copysign(0, -1), 1e-40, -1e-40, 5e-324, -5e-324}
	copy(flat, specials)
	return tensors.FromFlatDataAndDimensions(flat, dims...)
}

func sameBits(a, b float64) bool {
	return math.Float64bits(a) == math.Float64bits(b) || (math.IsNaN(a) && math.IsNaN(b))
}

// The ReLU rewrites (fuse.go) must fire on GoMLX's graph and give bitwise what the
// unfused kernels and gobackend give, on an odd size, for every special value, in
// float32 and float64, and with one thread as with all.
func TestFusedReluMatchesUnfused(t *testing.T) {
	rng := rand.New(rand.NewPCG(61, 62))
	dims := []int{3, 29, 67} // 5829 elements: above smallElementwise, not a multiple of 8 or 16
	x, v := specialValues(rng, dims...), specialValues(rng, dims...)
	// v's specials sit where x is ordinary, and x's where v is: shift v's.
	vf := tensors.MustCopyFlatData[float64](v)
	copy(vf[20:], vf[:9])
	v = tensors.FromFlatDataAndDimensions(vf, dims...)
	for _, dtype := range []dtypes.DType{dtypes.Float32, dtypes.Float64} {
		run := func(b compute.Backend) [][]float64 {
			outs := graph.MustExecOnceN(b, reluGraph(dtype), must.M1(x.LocalClone()), must.M1(v.LocalClone()))
			res := make([][]float64, len(outs))
			for i, o := range outs {
				res[i] = tensors.MustCopyFlatData[float64](o)
			}
			return res
		}
		before := fusedNodes.Load()
		fused := run(testBackend(t))
		if n := fusedNodes.Load() - before; n < 5 {
			t.Errorf("%s: %d nodes rewritten, want at least 5 (Max, two Subs, two gradients)", dtype, n)
		}
		prevLimit := elementwiseLimit.Set(1)
		oneThread := run(testBackend(t))
		fuseElementwise = false
		unfused := run(testBackend(t))
		fuseElementwise = true
		elementwiseLimit.Set(prevLimit)
		reference := run(gobackend.GetBackend())
		names := []string{"relu", "relu gradient", "indicator on the left"}
		for k, name := range names {
			for i := range reference[k] {
				for _, other := range []struct {
					what string
					got  []float64
				}{{"unfused", unfused[k]}, {"one thread", oneThread[k]}, {"gobackend", reference[k]}} {
					if !sameBits(fused[k][i], other.got[i]) {
						t.Fatalf("%s %s[%d] (x=%g, v=%g): fused %g, %s %g", dtype, name, i,
							tensors.MustCopyFlatData[float64](x)[i], vf[i], fused[k][i], other.what, other.got[i])
					}
				}
			}
		}
	}
}

// The gradient through the fused ReLU against finite differences.
func TestFusedReluGradCheck(t *testing.T) {
	rng := rand.New(rand.NewPCG(63, 64))
	gradCheck(t, func(xs []*graph.Node) *graph.Node {
		return activation.Relu(graph.MulScalar(xs[0], 1.5))
	}, randTensor(rng, 5, 31, 29))
}

// Elementwise kernels read the operands of broadcasts themselves (rewrite 1): a
// tensor with axes of size 1 (as an average pool's counts), a computed scalar, on
// either side; bitwise equal to the unfused graph and to gobackend.
func TestFusedBroadcastOperands(t *testing.T) {
	rng := rand.New(rand.NewPCG(65, 66))
	x, y := specialValues(rng, 4, 5, 7, 33), specialValues(rng, 1, 5, 7, 1)
	fn := func(x, y *graph.Node) []*graph.Node {
		full := x.Shape()
		by := graph.BroadcastToShape(y, full)
		s := graph.BroadcastToShape(graph.ReduceAllSum(graph.Abs(y)), full)
		return []*graph.Node{graph.Div(x, by), graph.Sub(by, x), graph.Mul(s, x), graph.Add(x, graph.Add(by, s))}
	}
	run := func() [][]float64 {
		outs := graph.MustExecOnceN(testBackend(t), fn, must.M1(x.LocalClone()), must.M1(y.LocalClone()))
		res := make([][]float64, len(outs))
		for i, o := range outs {
			res[i] = tensors.MustCopyFlatData[float64](o)
		}
		return res
	}
	before := fusedNodes.Load()
	fused := run()
	if n := fusedNodes.Load() - before; n != 4 {
		t.Errorf("%d nodes rewritten, want 4 (Div, Sub, Mul, the inner Add)", n)
	}
	fuseElementwise = false
	unfused := run()
	fuseElementwise = true
	reference := graph.MustExecOnceN(gobackend.GetBackend(), fn, must.M1(x.LocalClone()), must.M1(y.LocalClone()))
	for k := range fused {
		want := tensors.MustCopyFlatData[float64](reference[k])
		for i := range want {
			if !sameBits(fused[k][i], unfused[k][i]) || !sameBits(fused[k][i], want[i]) {
				t.Fatalf("output %d[%d]: fused %g, unfused %g, gobackend %g", k, i, fused[k][i], unfused[k][i], want[i])
			}
		}
	}
}
