package nn

import (
	"math"
	"math/rand/v2"
	"sync"
	"testing"

	"github.com/gomlx/compute"
	. "github.com/gomlx/gomlx/core/graph" //nolint:staticcheck
	"github.com/gomlx/gomlx/core/tensors"
	"github.com/gomlx/gomlx/ml/model"
	"github.com/gonas/gonas/kernels"
)

var testBackend = sync.OnceValue(func() compute.Backend {
	b, err := kernels.New("")
	if err != nil {
		panic(err)
	}
	return b
})

func randImages(seed uint64, dims ...int) *tensors.Tensor {
	rng := rand.New(rand.NewPCG(seed, 1))
	n := 1
	for _, d := range dims {
		n *= d
	}
	flat := make([]float32, n)
	for i := range flat {
		flat[i] = float32(rng.NormFloat64())*2 + 3
	}
	return tensors.FromFlatDataAndDimensions(flat, dims...)
}

func TestSamePadding(t *testing.T) {
	cases := []struct {
		size, kernel, stride, dilation int
		want                           [2]int
	}{
		{32, 3, 1, 1, [2]int{1, 1}},
		{32, 5, 1, 1, [2]int{2, 2}},
		{32, 3, 2, 1, [2]int{0, 1}}, // TensorFlow puts the odd pixel at the end
		{7, 3, 2, 1, [2]int{1, 1}},
		{32, 3, 1, 2, [2]int{2, 2}},
		{8, 1, 2, 1, [2]int{0, 0}},
	}
	for _, c := range cases {
		if got := SamePadding(c.size, c.kernel, c.stride, c.dilation); got != c.want {
			t.Errorf("SamePadding(%d, k=%d, s=%d, d=%d) = %v, want %v", c.size, c.kernel, c.stride, c.dilation, got, c.want)
		}
	}
}

// A depthwise convolution through Conv2D equals, channel by channel, an ordinary
// convolution of that channel with its own filter.
func TestDepthwiseConvMatchesPerChannelConvs(t *testing.T) {
	store := model.NewStore()
	x := randImages(1, 2, 7, 6, 3)
	exec, err := model.NewExec(testBackend(), store, func(scope *model.Scope, x *Node) []*Node {
		dw := scope.In("dw")
		y := DepthwiseConv2D(dw, x, 3, 2, 1, 2)
		w := dw.GetVariable("weights").NodeValue(x.Graph()) // [3, 3, 1, 6]
		var outs []*Node
		for c := range 3 {
			xc := Slice(x, AxisRange(), AxisRange(), AxisRange(), AxisRange(c, c+1))
			wc := Slice(w, AxisRange(), AxisRange(), AxisRange(), AxisRange(2*c, 2*c+2))
			outs = append(outs, Convolve(xc, wc).StridePerAxis(2, 2).PaddingPerDim([][2]int{{1, 1}, {0, 1}}).Done())
		}
		return []*Node{y, Concatenate(outs, -1)}
	})
	if err != nil {
		t.Fatal(err)
	}
	outs, err := exec.Call(x)
	if err != nil {
		t.Fatal(err)
	}
	if got := outs[0].Shape().Dimensions; got[1] != 4 || got[2] != 3 || got[3] != 6 {
		t.Fatalf("depthwise output shape %v, want [2 4 3 6]", got)
	}
	a, b := tensors.MustCopyFlatData[float32](outs[0]), tensors.MustCopyFlatData[float32](outs[1])
	for i := range a {
		if math.Abs(float64(a[i]-b[i])) > 1e-4 {
			t.Fatalf("depthwise[%d] = %g, per-channel conv %g", i, a[i], b[i])
		}
	}
	if w := store.GetVariable("/dw/weights"); w == nil || w.Shape().Dimensions[2] != 1 {
		t.Fatalf("depthwise kernel should be [3 3 1 6], got %v", w)
	}
}

// BatchNorm normalises with batch statistics in training mode, and with its moving
// averages — which one training step sets to that batch's statistics — in
// evaluation mode.
func TestBatchNormTrainAndEval(t *testing.T) {
	store := model.NewStore()
	x := randImages(2, 8, 5, 5, 4)
	run := func(training bool) []float32 {
		exec, err := model.NewExec(testBackend(), store, func(scope *model.Scope, x *Node) *Node {
			store.SetTraining(x.Graph(), training)
			return BatchNorm(scope.In("bn"), x)
		})
		if err != nil {
			t.Fatal(err)
		}
		out, err := exec.Call(x)
		if err != nil {
			t.Fatal(err)
		}
		return tensors.MustCopyFlatData[float32](out[0])
	}
	train := run(true)
	// Per-channel mean 0 and variance 1 (scale 1, offset 0 at initialisation).
	for c := range 4 {
		var sum, sq float64
		n := 0
		for i := c; i < len(train); i += 4 {
			sum += float64(train[i])
			sq += float64(train[i]) * float64(train[i])
			n++
		}
		mean, variance := sum/float64(n), sq/float64(n)-(sum/float64(n))*(sum/float64(n))
		if math.Abs(mean) > 1e-4 || math.Abs(variance-1) > 1e-3 {
			t.Errorf("channel %d after training-mode BatchNorm: mean %g variance %g, want 0 and 1", c, mean, variance)
		}
	}
	eval := run(false)
	for i := range eval {
		if math.Abs(float64(eval[i]-train[i])) > 1e-3 {
			t.Fatalf("eval-mode output[%d] = %g, training-mode %g: moving averages not used or not updated", i, eval[i], train[i])
		}
	}
	if mean := store.GetVariable("/bn/batch_normalization/mean"); mean == nil {
		t.Fatal("moving mean variable not found")
	} else if m := tensors.MustCopyFlatData[float32](mean.MustValue()); math.Abs(float64(m[0])-3) > 0.5 {
		t.Errorf("moving mean %v, want about 3 (the data mean)", m)
	}
}

func TestAvgPoolExcludesPadding(t *testing.T) {
	x := tensors.FromFlatDataAndDimensions([]float32{1, 2, 3, 4}, 1, 2, 2, 1)
	out := MustExecOnce(testBackend(), func(x *Node) *Node { return AvgPool2D(x, 3, 1) }, x)
	got := tensors.MustCopyFlatData[float32](out)
	// Every 3x3 SAME window covers all four real pixels: each average is 2.5.
	for i, v := range got {
		if math.Abs(float64(v)-2.5) > 1e-6 {
			t.Fatalf("AvgPool2D[%d] = %g, want 2.5 (padding excluded)", i, v)
		}
	}
}
