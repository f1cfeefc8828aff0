package cells

import (
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/gomlx/compute/dtypes"
	"github.com/gomlx/compute/shapes"
	. "github.com/gomlx/gomlx/core/graph" //nolint:staticcheck
	"github.com/gomlx/gomlx/core/tensors"
	"github.com/gomlx/gomlx/ml/model"
	"github.com/gomlx/gomlx/ml/train/optimizer"
	"github.com/gonas/gonas/kernels/kerneltest"
	"github.com/gonas/gonas/nas"
	"github.com/gonas/gonas/nas/train"
)

// regularized returns a copy of the test-size space s with drop-path and dropout
// keep probabilities set.
func regularized(t *testing.T, s nas.ImageSpace, pathKeep, dropKeep float64) nas.ImageSpace {
	t.Helper()
	var out nas.ImageSpace
	var err error
	switch s := s.(type) {
	case *ENASMicro:
		cfg := s.Config()
		cfg.DropPathKeep, cfg.DropoutKeep = pathKeep, dropKeep
		out, err = NewENASMicro(cfg)
	case *NASNet:
		cfg := s.Config()
		cfg.DropPathKeep, cfg.DropoutKeep = pathKeep, dropKeep
		out, err = NewNASNet(cfg)
	case *ENASMacro:
		m := *s
		m.DropoutKeep = dropKeep
		out = &m
	}
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// logitsAt runs a's network of s on images in store, in training mode at global
// step `step` of a run of `total` steps (total 0: no training progress given), or
// in inference mode when training is false.
func logitsAt(t *testing.T, s nas.ImageSpace, store *model.Store, a nas.Arch, images *tensors.Tensor, training bool, step, total int) []float32 {
	t.Helper()
	m, err := s.ImageModel(a, 10)
	if err != nil {
		t.Fatal(err)
	}
	if err := optimizer.GetGlobalStepVar(store).SetValue(tensors.FromValue(int64(step))); err != nil {
		t.Fatal(err)
	}
	return tensors.MustCopyFlatData[float32](runModel(t, store, m, images, func(g *Graph) {
		store.SetTraining(g, training)
		if total > 0 {
			train.SetTrainingSteps(g, total)
		}
	}))
}

// Drop-path at keep 1, or at the first step (where the schedule keeps 1), and both
// regularizers in inference mode leave the logits bit for bit as without them;
// at the last step of training they change them.
func TestRegularizersOffAreBitwiseIdentity(t *testing.T) {
	micro := smallENASMicro(t, false)
	// NASNet's ImageNet stem (its two stem cells take drop-path too), at 32x32.
	icfg := smallNASNet(t).Config()
	icfg.ImageNetStem, icfg.ImageSize = true, 32
	imagenetNASNet, err := NewNASNet(icfg)
	if err != nil {
		t.Fatal(err)
	}
	spaces := []struct {
		name string
		s    nas.ImageSpace
		a    nas.Arch
		size int
	}{
		{"enas-micro", micro, micro.Architectures()["enas"], 16},
		{"nasnet", smallNASNet(t), smallNASNet(t).Architectures()["nasnet-a"], 16},
		{"nasnet-imagenet-stem", imagenetNASNet, imagenetNASNet.Architectures()["nasnet-a"], 32},
		{"enas-macro", smallMacro(), nas.Arch{Space: "enas-macro", Choices: make([]int, len(smallMacro().Decisions()))}, 16},
	}
	for _, c := range spaces {
		images := testImages(3, 4, c.size)
		t.Run(c.name, func(t *testing.T) {
			store := model.NewStore()
			if err := store.SetRNGStateFromSeed(5); err != nil {
				t.Fatal(err)
			}
			const total = 100
			plain := logitsAt(t, c.s, store, c.a, images, true, 0, total)
			same := func(name string, got, want []float32) {
				t.Helper()
				if !slices.Equal(got, want) {
					t.Errorf("%s: logits %v, want %v bit for bit", name, got[:4], want[:4])
				}
			}
			changed := func(name string, got []float32) {
				t.Helper()
				if slices.Equal(got, plain) {
					t.Errorf("%s left the logits unchanged", name)
				}
			}
			if c.s.Name() != "enas-macro" {
				same("keep 1", logitsAt(t, regularized(t, c.s, 1, 1), store, c.a, images, true, total-1, total), plain)
				dp := regularized(t, c.s, 0.6, 0)
				same("drop-path 0.6 at step 0", logitsAt(t, dp, store, c.a, images, true, 0, total), plain)
				changed("drop-path 0.6 at the last step", logitsAt(t, dp, store, c.a, images, true, total-1, total))
			}
			changed("dropout 0.5", logitsAt(t, regularized(t, c.s, 0, 0.5), store, c.a, images, true, 0, total))
			reg := regularized(t, c.s, 0.6, 0.5)
			// (Training runs update the moving averages: no training between these two.)
			plainEval := logitsAt(t, c.s, store, c.a, images, false, 0, 0)
			same("inference", logitsAt(t, reg, store, c.a, images, false, total-1, 0), plainEval)
		})
	}
}

// A training graph with drop-path but without the training progress is refused
// with a message saying what to call.
func TestDropPathNeedsTrainingProgress(t *testing.T) {
	s := regularized(t, smallENASMicro(t, false), 0.6, 0)
	m, err := s.ImageModel(s.(*ENASMicro).Architectures()["enas"], 10)
	if err != nil {
		t.Fatal(err)
	}
	store := model.NewStore()
	_, err = model.CallOnce(cellBackend(), store, func(scope *model.Scope, x *Node) *Node {
		store.SetTraining(x.Graph(), true)
		return m(scope, x)
	}, testImages(1, 2, 16))
	if err == nil || !strings.Contains(err.Error(), "train.SetTrainingSteps") {
		t.Errorf("error %v, want one naming train.SetTrainingSteps", err)
	}
}

// The keep probabilities out of [0, 1] are refused by every space, naming the field.
func TestKeepProbabilitiesAreChecked(t *testing.T) {
	mc := DefaultENASMicroConfig()
	mc.DropPathKeep = 1.5
	if _, err := NewENASMicro(mc); err == nil || !strings.Contains(err.Error(), "DropPathKeep") {
		t.Errorf("ENAS micro DropPathKeep 1.5: %v", err)
	}
	nc := DefaultNASNetConfig()
	nc.DropoutKeep = -0.1
	if _, err := NewNASNet(nc); err == nil || !strings.Contains(err.Error(), "DropoutKeep") {
		t.Errorf("NASNet DropoutKeep -0.1: %v", err)
	}
	m := smallMacro()
	m.DropoutKeep = math.NaN()
	if err := m.Validate(nas.Arch{Space: m.Name(), Choices: make([]int, len(m.Decisions()))}); err == nil || !strings.Contains(err.Error(), "DropoutKeep") {
		t.Errorf("ENAS macro DropoutKeep NaN: %v", err)
	}
}

// regularizerOutput runs f on a [n, 2, 2, 3] tensor of ones in training mode (or
// not) and returns the result.
func regularizerOutput(t *testing.T, n int, training bool, f func(scope *model.Scope, x *Node) *Node) []float32 {
	t.Helper()
	store := model.NewStore()
	if err := store.SetRNGStateFromSeed(11); err != nil {
		t.Fatal(err)
	}
	out, err := model.CallOnce(cellBackend(), store, func(scope *model.Scope, g *Graph) *Node {
		store.SetTraining(g, training)
		return f(scope, Ones(g, shapes.Make(dtypes.Float32, n, 2, 2, 3)))
	})
	if err != nil {
		t.Fatal(err)
	}
	return tensors.MustCopyFlatData[float32](out)
}

// Over 20,000 examples, drop-path at keep 0.7 zeroes whole examples, 30% of them
// (±1.5%, about 5 standard deviations), scales the others by 1/0.7 and keeps the
// mean at 1 (±2%); outside training it is the identity. Dropout at keep 0.7 zeroes
// 30% of the values, scales the others and keeps the mean alike.
func TestDropPathAndDropoutStatistics(t *testing.T) {
	const n, keep, per = 20000, 0.7, 12
	scaled := float32(1 / keep)
	check := func(name string, out []float32, wholeExamples bool) {
		t.Helper()
		zeros, sum := 0, 0.0
		for i, v := range out {
			switch {
			case v == 0:
				zeros++
			case math.Abs(float64(v-scaled)) > 1e-6:
				t.Fatalf("%s: value %d is %g, want 0 or %g", name, i, v, scaled)
			}
			sum += float64(v)
		}
		if wholeExamples {
			for e := range n {
				ex := out[e*per : (e+1)*per]
				if slices.Min(ex) != slices.Max(ex) {
					t.Fatalf("%s: example %d is partly dropped: %v", name, e, ex)
				}
			}
		}
		if f := float64(zeros) / float64(len(out)); math.Abs(f-(1-keep)) > 0.015 {
			t.Errorf("%s: dropped a fraction %.4f, want %.2f ± 0.015", name, f, 1-keep)
		}
		if mean := sum / float64(len(out)); math.Abs(mean-1) > 0.02 {
			t.Errorf("%s: mean %.4f, want 1 ± 0.02", name, mean)
		}
	}
	check("drop-path", regularizerOutput(t, n, true, func(scope *model.Scope, x *Node) *Node {
		return dropPath(scope, x, Scalar(x.Graph(), x.DType(), keep))
	}), true)
	check("dropout", regularizerOutput(t, n, true, func(scope *model.Scope, x *Node) *Node {
		return dropout(scope, x, keep)
	}), false)
	for _, v := range regularizerOutput(t, 10, false, func(scope *model.Scope, x *Node) *Node {
		return dropout(scope, dropPath(scope, x, Scalar(x.Graph(), x.DType(), keep)), keep)
	}) {
		if v != 1 {
			t.Fatalf("inference: %g, want the input 1", v)
		}
	}
}

// The schedule: every cell keeps 1 at progress 0; at progress p cell i keeps
// 1 - p·(i+1)/cells·(1-final), so the last cell reaches final at the end.
func TestScheduledKeep(t *testing.T) {
	const final, cells = 0.6, 8
	for _, p := range []float64{0, 0.25, 1} {
		for _, pos := range []int{0, 3, cells - 1} {
			got, err := ExecOnce(cellBackend(), func(g *Graph) *Node {
				return scheduledKeep(Scalar(g, dtypes.Float32, p), final, pos, cells)
			})
			if err != nil {
				t.Fatal(err)
			}
			want := 1 - p*float64(pos+1)/cells*(1-final)
			if v := float64(got.Value().(float32)); math.Abs(v-want) > 1e-6 {
				t.Errorf("progress %g, cell %d: keep %g, want %g", p, pos, v, want)
			}
			if p == 0 && got.Value().(float32) != 1 {
				t.Errorf("cell %d keeps %g at progress 0, want exactly 1", pos, got.Value())
			}
		}
	}
}

// The gradient of x·mask/keep against float64 finite differences, in x, the mask
// and keep.
func TestKeepPathsGradient(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	x := kerneltest.RandTensor(rng, 4, 3, 2, 2)
	mask := tensors.FromFlatDataAndDimensions([]float64{1, 0, 1, 1}, 4, 1, 1, 1)
	keep := tensors.FromValue(0.6)
	kerneltest.GradCheck(t, cellBackend(), func(xs []*Node) *Node {
		return keepPaths(xs[0], xs[1], xs[2])
	}, x, mask, keep)
}
