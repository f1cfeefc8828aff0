package optim

import (
	"math"
	"testing"

	"github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"
)

// runClip runs ClipByGlobalNorm on the two float64 gradients and returns the clipped values and the norm.
func runClip(t *testing.T, g1 []float64, g2 [][]float64, maxNorm float64) (c1 []float64, c2 [][]float64, norm float64) {
	t.Helper()
	exec := graph.MustNewExec(backend, func(a, b *graph.Node) (*graph.Node, *graph.Node, *graph.Node) {
		clipped, n := ClipByGlobalNorm([]*graph.Node{a, b}, maxNorm)
		return clipped[0], clipped[1], n
	})
	defer exec.Finalize()
	outs := exec.MustExec(g1, g2)
	return outs[0].Value().([]float64), outs[1].Value().([][]float64), tensors.ToScalar[float64](outs[2])
}

func TestClipByGlobalNorm(t *testing.T) {
	// Global norm: sqrt(6² + 0² + 0² + 8²) = 10.
	g1 := []float64{6, 0}
	g2 := [][]float64{{0, 8}}

	c1, c2, norm := runClip(t, g1, g2, 1)
	if math.Abs(norm-10) > 1e-12 {
		t.Fatalf("pre-clip norm = %g, want 10", norm)
	}
	clippedNorm := math.Sqrt(c1[0]*c1[0] + c1[1]*c1[1] + c2[0][0]*c2[0][0] + c2[0][1]*c2[0][1])
	if math.Abs(clippedNorm-1) > 1e-5 {
		t.Errorf("clipped norm = %g, want 1", clippedNorm)
	}
	// Same direction: each component scaled by exactly 1/10.
	want1, want2 := []float64{0.6, 0}, [][]float64{{0, 0.8}}
	for i := range want1 {
		if math.Abs(c1[i]-want1[i]) > 1e-12 {
			t.Errorf("clipped g1[%d] = %g, want %g", i, c1[i], want1[i])
		}
	}
	for i := range want2[0] {
		if math.Abs(c2[0][i]-want2[0][i]) > 1e-12 {
			t.Errorf("clipped g2[0][%d] = %g, want %g", i, c2[0][i], want2[0][i])
		}
	}

	// Below the threshold: untouched (exactly).
	for _, maxNorm := range []float64{10, 20} {
		c1, c2, norm = runClip(t, g1, g2, maxNorm)
		if math.Abs(norm-10) > 1e-12 {
			t.Fatalf("maxNorm=%g: pre-clip norm = %g, want 10", maxNorm, norm)
		}
		if c1[0] != 6 || c1[1] != 0 || c2[0][0] != 0 || c2[0][1] != 8 {
			t.Errorf("maxNorm=%g: gradients changed: %v %v", maxNorm, c1, c2)
		}
	}
}

func TestClipByGlobalNormFloat32AndNil(t *testing.T) {
	exec := graph.MustNewExec(backend, func(a *graph.Node) (*graph.Node, *graph.Node) {
		clipped, n := ClipByGlobalNorm([]*graph.Node{nil, a, nil}, 2.5)
		if clipped[0] != nil || clipped[2] != nil {
			t.Errorf("nil gradients must stay nil")
		}
		return clipped[1], n
	})
	defer exec.Finalize()
	outs := exec.MustExec([]float32{3, -4}) // Norm 5.
	got := outs[0].Value().([]float32)
	if math.Abs(float64(got[0])-1.5) > 1e-6 || math.Abs(float64(got[1])+2) > 1e-6 {
		t.Errorf("clipped = %v, want [1.5 -2]", got)
	}
	if n := tensors.ToScalar[float32](outs[1]); math.Abs(float64(n)-5) > 1e-6 {
		t.Errorf("norm = %g, want 5", n)
	}
}
