package enas

import (
	"math"
	"testing"

	"github.com/gomlx/compute/dtypes"
	"github.com/gomlx/compute/shapes"
	. "github.com/gomlx/gomlx/core/graph" //nolint:staticcheck
	"github.com/gomlx/gomlx/core/tensors"
	"github.com/gomlx/gomlx/ml/model"
	"github.com/gomlx/gomlx/ml/model/initializer"
	"github.com/gonas/gonas/nas/backends"
	"github.com/gonas/gonas/nas/optim"
)

// A training step whose loss is NaN or infinite must leave every variable as it was:
// weights, momentum buffers, the global step, the learning rate.
func TestKeepUnlessSkipsNonFiniteSteps(t *testing.T) {
	backend, err := backends.New()
	if err != nil {
		t.Fatal(err)
	}
	store := model.NewStore()
	sgd := optim.SGD().Momentum(0.9).Nesterov().Schedule(optim.Constant(0.1)).ClipByGlobalNorm(1)
	opt := sgd.Done()
	exec, err := model.NewExec(backend, store, func(scope *model.Scope, x *Node) *Node {
		g := x.Graph()
		w := scope.WithInitializer(initializer.One).VariableWithShape("w", shapes.Make(dtypes.Float32, 3)).NodeValue(g)
		loss := ReduceAllSum(Mul(w, x))
		opt.UpdateGraph(scope, g, loss)
		ok := IsFinite(loss)
		if v := sgd.GradNormVar(scope); v != nil && v.InUseByGraph(g) {
			ok = LogicalAnd(ok, IsFinite(v.NodeValue(g)))
		}
		keepUnless(store, g, ok)
		return loss
	})
	if err != nil {
		t.Fatal(err)
	}
	defer exec.Finalize()
	step := func(x []float32) {
		t.Helper()
		if _, err := exec.Call(tensors.FromFlatDataAndDimensions(x, 3)); err != nil {
			t.Fatal(err)
		}
	}
	step([]float32{1, 2, 3})
	before, err := storeSHA256(store)
	if err != nil {
		t.Fatal(err)
	}
	nan, inf := float32(math.NaN()), float32(math.Inf(1))
	// NaN and infinite losses; then a finite loss whose gradient norm overflows float32.
	for _, x := range [][]float32{{nan, 1, 1}, {inf, 1, 1}, {1e30, 1e30, 1e30}} {
		step(x)
		after, _ := storeSHA256(store)
		if after != before {
			t.Fatalf("input %v: a non-finite step changed the store", x)
		}
	}
	if optim.GlobalStep(store) != 1 {
		t.Errorf("global step %d after one finite and three skipped steps, want 1", optim.GlobalStep(store))
	}
	step([]float32{1, 1, 1})
	if after, _ := storeSHA256(store); after == before || optim.GlobalStep(store) != 2 {
		t.Errorf("a finite step after skipped ones did not update the store (global step %d)", optim.GlobalStep(store))
	}
}
