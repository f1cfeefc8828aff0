package nn

import (
	"math"
	"testing"

	. "github.com/gomlx/gomlx/core/graph" //nolint:staticcheck
	"github.com/gomlx/gomlx/core/tensors"
	"github.com/gomlx/gomlx/ml/model"
)

// StrideTwoShifts of a 3x3 image: even takes rows/cols 0 and 2, odd takes row/col 1
// and a zero pad.
func TestStrideTwoShifts(t *testing.T) {
	x := tensors.FromFlatDataAndDimensions([]float32{1, 2, 3, 4, 5, 6, 7, 8, 9}, 1, 3, 3, 1)
	outs := MustExecOnceN(testBackend(), func(x *Node) []*Node {
		e, o := StrideTwoShifts(x)
		return []*Node{e, o}
	}, x)
	even, odd := tensors.MustCopyFlatData[float32](outs[0]), tensors.MustCopyFlatData[float32](outs[1])
	wantEven, wantOdd := []float32{1, 3, 7, 9}, []float32{5, 0, 0, 0}
	for i := range wantEven {
		if even[i] != wantEven[i] || odd[i] != wantOdd[i] {
			t.Fatalf("StrideTwoShifts: even %v odd %v, want %v and %v", even, odd, wantEven, wantOdd)
		}
	}
}

func TestFactorizedReduceShapeAndParams(t *testing.T) {
	store := model.NewStore()
	exec, err := model.NewExec(testBackend(), store, func(scope *model.Scope, x *Node) *Node {
		return FactorizedReduce(scope.In("fr"), x, 8)
	})
	if err != nil {
		t.Fatal(err)
	}
	out, err := exec.Call(randImages(3, 2, 7, 6, 4))
	if err != nil {
		t.Fatal(err)
	}
	if d := out[0].Shape().Dimensions; d[1] != 4 || d[2] != 3 || d[3] != 8 {
		t.Fatalf("FactorizedReduce output %v, want [2 4 3 8]", d)
	}
	n := 0
	for v := range store.RootScope().IterVariables() {
		if v.Trainable {
			n += v.Shape().Size()
		}
	}
	if want := 2*4*4 + 2*8; n != want {
		t.Errorf("FactorizedReduce has %d parameters, want %d (two 1x1 convs 4→4, BN of 8)", n, want)
	}
}

func TestConv2DRectAndValidPool(t *testing.T) {
	store := model.NewStore()
	exec, err := model.NewExec(testBackend(), store, func(scope *model.Scope, x *Node) []*Node {
		a := Conv2DRect(scope.In("a"), x, RectConfig{Filters: 5, KH: 1, KW: 7, StrideW: 2})
		b := Conv2DRect(scope.In("b"), x, RectConfig{Filters: 3, KH: 3, KW: 3, StrideH: 2, StrideW: 2, Valid: true})
		return []*Node{a, b, AvgPool2DValid(x, 5, 3)}
	})
	if err != nil {
		t.Fatal(err)
	}
	outs, err := exec.Call(randImages(4, 2, 8, 8, 2))
	if err != nil {
		t.Fatal(err)
	}
	checks := [][]int{{2, 8, 4, 5}, {2, 3, 3, 3}, {2, 2, 2, 2}}
	for i, want := range checks {
		got := outs[i].Shape().Dimensions
		for k := range want {
			if got[k] != want[k] {
				t.Fatalf("output %d shape %v, want %v", i, got, want)
			}
		}
	}
	if w := store.GetVariable("/a/weights"); w == nil || w.Shape().Dimensions[0] != 1 || w.Shape().Dimensions[1] != 7 {
		t.Fatalf("1x7 kernel variable: %v", w)
	}
	if got := ConvOutputSize(8, 3, 2, true); got != 3 {
		t.Errorf("ConvOutputSize VALID = %d, want 3", got)
	}
	if got := ConvOutputSize(7, 3, 2, false); got != 4 {
		t.Errorf("ConvOutputSize SAME = %d, want 4", got)
	}
	pooled := tensors.MustCopyFlatData[float32](outs[2])
	for _, v := range pooled {
		if math.IsNaN(float64(v)) {
			t.Fatal("NaN in valid pooling")
		}
	}
}
