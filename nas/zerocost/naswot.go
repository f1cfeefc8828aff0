package zerocost

import (
	"math"

	"github.com/gomlx/compute/dtypes"
	. "github.com/gomlx/gomlx/core/graph" //nolint:staticcheck
	"github.com/gomlx/gomlx/support/exceptions"
)

// naswotKernel builds NASWOT's kernel, float64 [N, N]: the sum over the network's
// ReLUs of c·cᵀ + (1-c)·(1-c)ᵀ, c the [N, D] binary code (input > 0) of the ReLU: the
// number of units on which two images agree.
//
// Which ReLUs: the reference counts the ReLU modules its backward pass visits. On
// NAS-Bench-201 that is every one, even on a node whose outgoing edges are all
// "none": the benchmark's none op multiplies by zero, which still passes (zero)
// gradients. GoNAS omits none edges instead of multiplying by zero, so the same set
// is every ReLU built, reached from the output or not.
//
// With σ = 2c - 1 (±1), σ_i·σ_j = D - 2·hamming(c_i, c_j), so the agreements are
// (D + σ·σᵀ)/2: one product per ReLU. σ is Sign(Sign(x) - ½), which maps x > 0 to 1
// and x ≤ 0 to -1 with the backend's fast elementwise ops. ReLUs that share an input
// (two edges out of one node) are computed once and counted with their multiplicity,
// as the reference's separate ReLU modules are. Entries are integers below 2^24,
// exact in float32.
//
// reluInputs holds the input of every ReLU built, in order (one entry per ReLU).
func naswotKernel(reluInputs []*Node) *Node {
	if len(reluInputs) == 0 {
		exceptions.Panicf("zerocost: naswot: the network has no ReLU built with nn.Relu")
	}
	count := map[*Node]int{}
	var inputs []*Node
	for _, x := range reluInputs {
		if count[x] == 0 {
			inputs = append(inputs, x)
		}
		count[x]++
	}
	var kernel *Node
	for _, x := range inputs {
		n := x.Shape().Dimensions[0]
		sigma := Reshape(Sign(AddScalar(Sign(ConvertDType(x, dtypes.Float32)), -0.5)), n, -1)
		d := sigma.Shape().Dimensions[1]
		agree := MulScalar(AddScalar(Einsum("nd,md->nm", sigma, sigma), float64(d)), 0.5)
		k := ConvertDType(agree, dtypes.Float64)
		if m := count[x]; m > 1 {
			k = MulScalar(k, float64(m))
		}
		if kernel == nil {
			kernel = k
		} else {
			kernel = Add(kernel, k)
		}
	}
	return kernel
}

// LogAbsDet is log|det A| of the n×n row-major matrix a (numpy's slogdet's second
// value), by LU decomposition with partial pivoting in float64; -Inf when A is
// singular. a is not modified.
func LogAbsDet(a []float64, n int) float64 {
	if len(a) != n*n {
		panic("zerocost.LogAbsDet: matrix is not n×n")
	}
	lu := append([]float64(nil), a...)
	logDet := 0.0
	for col := range n {
		pivot := col
		for r := col + 1; r < n; r++ {
			if math.Abs(lu[r*n+col]) > math.Abs(lu[pivot*n+col]) {
				pivot = r
			}
		}
		p := lu[pivot*n+col]
		if p == 0 {
			return math.Inf(-1)
		}
		if pivot != col {
			for k := range n {
				lu[pivot*n+k], lu[col*n+k] = lu[col*n+k], lu[pivot*n+k]
			}
		}
		logDet += math.Log(math.Abs(p))
		for r := col + 1; r < n; r++ {
			f := lu[r*n+col] / p
			if f == 0 {
				continue
			}
			for k := col + 1; k < n; k++ {
				lu[r*n+k] -= f * lu[col*n+k]
			}
		}
	}
	return logDet
}
