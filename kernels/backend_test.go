package kernels

import (
	"math"
	"math/rand/v2"
	"runtime"
	"testing"
	"time"

	"github.com/gomlx/compute"
	"github.com/gomlx/compute/dtypes"
	"github.com/gomlx/compute/gobackend"
	"github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"
	"github.com/janpfeifer/must"
)

func TestRegisteredUnderGonas(t *testing.T) {
	b, err := compute.NewWithConfig(BackendName)
	if err != nil {
		t.Fatal(err)
	}
	if b.String() != "gonas" {
		t.Errorf("backend name %q, want gonas", b.String())
	}
	if !b.Capabilities().Operations[compute.OpTypeDotGeneral] {
		t.Error("capabilities lack DotGeneral")
	}
}

// A graph of standard ops (replayed on gobackend), kernels and levels in between
// must give what gobackend alone gives.
func TestMixedGraphMatchesGoBackend(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	x := randTensor(rng, 4, 6)
	y := randTensor(rng, 6, 5)
	fn := func(x, y *graph.Node) []*graph.Node {
		a := graph.Add(graph.MulScalar(x, 2), graph.Sin(x)) // level 0
		m := graph.MatMul(a, y)                             // kernel
		b := graph.Tanh(graph.AddScalar(m, 1))              // level 1
		m2 := graph.MatMul(graph.Transpose(b, 0, 1), a)     // kernel on level-1 value and level-0 value
		c := graph.ReduceSum(m2, 1)                         // level 2
		return []*graph.Node{c, a, x, graph.Const(x.Graph(), []float64{1, 2, 3}), c}
	}
	x2, y2 := must.M1(x.LocalClone()), must.M1(y.LocalClone())
	want := graph.MustExecOnceN(gobackend.GetBackend(), fn, x2, y2)
	got := graph.MustExecOnceN(testBackend(t), fn, x, y)
	for i := range want {
		w := tensors.MustCopyFlatData[float64](want[i])
		g := tensors.MustCopyFlatData[float64](got[i])
		if !got[i].Shape().Equal(want[i].Shape()) {
			t.Fatalf("output %d: shape %s, want %s", i, got[i].Shape(), want[i].Shape())
		}
		for j := range w {
			if math.Abs(w[j]-g[j]) > 1e-12 {
				t.Fatalf("output %d[%d] = %g, want %g", i, j, g[j], w[j])
			}
		}
	}
}

// naiveDot computes an einsum-like reference: out[b, i, j] = sum_k l[b, i, k] r[b, k, j].
func naiveDot(l, r []float64, batch, m, k, n int) []float64 {
	out := make([]float64, batch*m*n)
	for b := range batch {
		for i := range m {
			for j := range n {
				var s float64
				for c := range k {
					s += l[b*m*k+i*k+c] * r[b*k*n+c*n+j]
				}
				out[b*m*n+i*n+j] = s
			}
		}
	}
	return out
}

func TestDotGeneralLayouts(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	const B, M, K, N = 3, 5, 7, 4
	l := randTensor(rng, B, M, K)
	r := randTensor(rng, B, K, N)
	want := naiveDot(tensors.MustCopyFlatData[float64](l), tensors.MustCopyFlatData[float64](r), B, M, K, N)
	cases := map[string]func(l, r *graph.Node) *graph.Node{
		"bmk,bkn": func(l, r *graph.Node) *graph.Node {
			return graph.DotGeneral(l, []int{2}, []int{0}, r, []int{1}, []int{0})
		},
		"bkm,bnk (both transposed)": func(l, r *graph.Node) *graph.Node {
			lt := graph.TransposeAllAxes(l, 0, 2, 1)
			rt := graph.TransposeAllAxes(r, 0, 2, 1)
			return graph.DotGeneral(lt, []int{1}, []int{0}, rt, []int{2}, []int{0})
		},
		"mbk,knb (needs copies)": func(l, r *graph.Node) *graph.Node {
			lt := graph.TransposeAllAxes(l, 1, 0, 2)
			rt := graph.TransposeAllAxes(r, 1, 2, 0)
			return graph.DotGeneral(lt, []int{2}, []int{1}, rt, []int{0}, []int{2})
		},
	}
	for name, fn := range cases {
		for _, f32 := range []bool{false, true} {
			g := func(l, r *graph.Node) *graph.Node {
				if f32 {
					l, r = graph.ConvertDType(l, dtypes.Float32), graph.ConvertDType(r, dtypes.Float32)
				}
				return graph.ConvertDType(fn(l, r), dtypes.Float64)
			}
			out := graph.MustExecOnce(testBackend(t), g, l, r)
			got := tensors.MustCopyFlatData[float64](out)
			tol := 1e-12
			if f32 {
				tol = 1e-5
			}
			for i := range want {
				if math.Abs(got[i]-want[i]) > tol {
					t.Fatalf("%s (float32=%v): out[%d] = %g, want %g", name, f32, i, got[i], want[i])
				}
			}
		}
	}
}

func TestDotGeneralGradient(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	gradCheck(t, func(xs []*graph.Node) *graph.Node {
		return graph.DotGeneral(xs[0], []int{1}, []int{0}, xs[1], []int{2}, []int{0})
	}, randTensor(rng, 2, 5, 3), randTensor(rng, 2, 4, 5))
}

// Four large independent matmuls in one graph with GOMAXPROCS=2 must finish:
// gobackend v0.1.2 deadlocks here.
func TestParallelMatmulsDoNotDeadlock(t *testing.T) {
	prev := runtime.GOMAXPROCS(2)
	defer runtime.GOMAXPROCS(prev)
	rng := rand.New(rand.NewPCG(8, 9))
	const n = 384
	inputs := make([]any, 8)
	for i := range inputs {
		inputs[i] = randTensor(rng, n, n)
	}
	done := make(chan []*tensors.Tensor, 1)
	go func() {
		done <- graph.MustExecOnceN(testBackend(t), func(xs []*graph.Node) []*graph.Node {
			var outs []*graph.Node
			for i := 0; i < 8; i += 2 {
				a := graph.ConvertDType(xs[i], dtypes.Float32)
				b := graph.ConvertDType(xs[i+1], dtypes.Float32)
				outs = append(outs, graph.ReduceAllSum(graph.MatMul(a, b)))
			}
			return outs
		}, inputs...)
	}()
	select {
	case outs := <-done:
		if len(outs) != 4 {
			t.Fatalf("got %d outputs, want 4", len(outs))
		}
	case <-time.After(2 * time.Minute):
		t.Fatal("4 parallel matmuls with GOMAXPROCS=2 did not finish in 2 minutes (deadlock?)")
	}
}

func TestSignMatchesDefinition(t *testing.T) {
	in := []float64{-3, -0.5, -1e-300, 0, 1e-300, 2, math.Inf(1), math.Inf(-1), math.NaN()}
	want := []float64{-1, -1, -1, 0, 1, 1, 1, -1, math.NaN()}
	for _, dtype := range []dtypes.DType{dtypes.Float32, dtypes.Float64} {
		out := graph.MustExecOnce(testBackend(t), func(x *graph.Node) *graph.Node {
			return graph.ConvertDType(graph.Sign(graph.ConvertDType(x, dtype)), dtypes.Float64)
		}, in)
		got := tensors.MustCopyFlatData[float64](out)
		for i := range want {
			if dtype == dtypes.Float32 && (in[i] == 1e-300 || in[i] == -1e-300) {
				continue // underflows to ±0 in float32
			}
			if got[i] != want[i] && !(math.IsNaN(want[i]) && math.IsNaN(got[i])) {
				t.Errorf("%s Sign(%g) = %g, want %g", dtype, in[i], got[i], want[i])
			}
		}
	}
}
