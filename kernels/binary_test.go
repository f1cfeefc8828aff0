package kernels

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/gomlx/compute/dtypes"
	"github.com/gomlx/compute/gobackend"
	"github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"
	"github.com/janpfeifer/must"
)

// The elementwise kernels against gobackend, with every broadcasting pattern
// (rows repeated, columns repeated, both, scalars), odd sizes above the size at
// which the kernels take over, and NaN propagation through Max and Min.
func TestBinaryKernelsMatchGoBackend(t *testing.T) {
	rng := rand.New(rand.NewPCG(51, 52))
	shapes := [][2][]int{
		{{9, 37, 17}, {9, 37, 17}},
		{{9, 37, 17}, {1, 1, 17}},
		{{9, 37, 17}, {9, 37, 1}},
		{{1, 37, 1}, {9, 1, 17}},
		{{9, 37, 17}, {}},
		{{}, {9, 37, 17}},
		{{4, 5, 7, 33}, {1, 5, 7, 1}},
	}
	ops := map[string]func(a, b *graph.Node) *graph.Node{
		"Add": graph.Add, "Sub": graph.Sub, "Mul": graph.Mul, "Div": graph.Div, "Max": graph.Max, "Min": graph.Min,
	}
	for _, sh := range shapes {
		a, b := randTensor(rng, sh[0]...), randTensor(rng, sh[1]...)
		if len(sh[0]) > 0 {
			flat := tensors.MustCopyFlatData[float64](a)
			flat[len(flat)/2] = math.NaN()
			a = tensors.FromFlatDataAndDimensions(flat, sh[0]...)
		}
		for name, op := range ops {
			for _, dtype := range []dtypes.DType{dtypes.Float32, dtypes.Float64} {
				fn := func(x, y *graph.Node) *graph.Node {
					return graph.ConvertDType(op(graph.ConvertDType(x, dtype), graph.ConvertDType(y, dtype)), dtypes.Float64)
				}
				want := tensors.MustCopyFlatData[float64](graph.MustExecOnce(gobackend.GetBackend(), fn,
					must.M1(a.LocalClone()), must.M1(b.LocalClone())))
				got := tensors.MustCopyFlatData[float64](graph.MustExecOnce(testBackend(t), fn, a, b))
				for i := range want {
					if got[i] != want[i] && !(math.IsNaN(got[i]) && math.IsNaN(want[i])) {
						t.Fatalf("%s %s %v,%v: out[%d] = %g, gobackend %g", name, dtype, sh[0], sh[1], i, got[i], want[i])
					}
				}
			}
		}
	}
}
