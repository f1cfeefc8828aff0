package nn

import (
	"testing"

	. "github.com/gomlx/gomlx/core/graph" //nolint:staticcheck
	"github.com/gomlx/gomlx/core/tensors"
	"github.com/gomlx/gomlx/ml/model"
)

func TestReluRecorderAndBatchNormBypass(t *testing.T) {
	x := randImages(1, 2, 3, 3, 4)
	var recorded int
	run := func(hooks bool) (relu, bn []float32) {
		store := model.NewStore()
		exec, err := model.NewExec(testBackend(), store, func(scope *model.Scope, in *Node) (*Node, *Node) {
			if hooks {
				RecordRelus(in.Graph(), func(rin, rout *Node) {
					if rin != in {
						t.Errorf("recorded input %s, want the graph's input", rin.Shape())
					}
					recorded++
				})
				BypassBatchNorm(in.Graph())
			}
			return Relu(in), BatchNorm(scope.In("bn"), in)
		})
		if err != nil {
			t.Fatal(err)
		}
		defer exec.Finalize()
		outs, err := exec.Exec(x)
		if err != nil {
			t.Fatal(err)
		}
		return tensors.MustCopyFlatData[float32](outs[0]), tensors.MustCopyFlatData[float32](outs[1])
	}
	plainRelu, plainBN := run(false)
	hookRelu, hookBN := run(true)
	if recorded != 1 {
		t.Errorf("recorder called %d times, want 1", recorded)
	}
	flat := tensors.MustCopyFlatData[float32](x)
	for i, v := range flat {
		if want := max(v, 0); plainRelu[i] != want || hookRelu[i] != want {
			t.Fatalf("Relu(%g) = %g without hooks, %g with, want %g", v, plainRelu[i], hookRelu[i], want)
		}
		if hookBN[i] != v {
			t.Fatalf("bypassed BatchNorm changed %g to %g", v, hookBN[i])
		}
	}
	if plainBN[0] == flat[0] {
		t.Errorf("BatchNorm without the bypass left %g unchanged", flat[0])
	}
}
