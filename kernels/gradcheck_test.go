package kernels

import (
	"sync"
	"testing"

	"github.com/gomlx/compute"
	"github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"
	"github.com/gonas/gonas/kernels/kerneltest"
)

// testBackend returns the gonas backend for tests.
func testBackend(t testing.TB) compute.Backend {
	t.Helper()
	b, err := sharedTestBackend()
	if err != nil {
		t.Fatal(err)
	}
	return b
}

var sharedTestBackend = sync.OnceValues(func() (compute.Backend, error) { return New("") })

var randTensor = kerneltest.RandTensor

var toAny = kerneltest.ToAny

// gradCheck runs kerneltest.GradCheck on the gonas backend.
func gradCheck(t *testing.T, fn func(xs []*graph.Node) *graph.Node, inputs ...*tensors.Tensor) {
	t.Helper()
	kerneltest.GradCheck(t, testBackend(t), fn, inputs...)
}
