package zerocost

import (
	"math"
	"testing"
)

// Hand-computed: layer 0 has one weight whose gradients differ, (|1|+|3|)/|1-3| = 2,
// and one whose gradients agree (std 0: skipped); layer 1's gradients all agree, so
// its sum is 0 and the layer is skipped too.
func TestZiCoOfGradients(t *testing.T) {
	a := [][]float32{{1, 2}, {3, -1}}
	b := [][]float32{{3, 2}, {3, -1}}
	got, err := zicoOfGradients(a, b)
	if err != nil {
		t.Fatal(err)
	}
	if want := math.Log(2); math.Abs(got-want) > 1e-12 {
		t.Errorf("zico = %g, want log 2 = %g", got, want)
	}
	// Opposite signs: the mean of |g| over its spread, (2+2)/4 = 1 → log 1 = 0.
	if got, _ := zicoOfGradients([][]float32{{2}}, [][]float32{{-2}}); got != 0 {
		t.Errorf("zico of gradients 2 and -2 = %g, want 0", got)
	}
}
