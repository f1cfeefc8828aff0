package optim

import (
	"math"
	"testing"

	"github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"
	"github.com/gomlx/gomlx/ml/model"
	"github.com/gomlx/gomlx/ml/train/optimizer"
)

// Tiny model: pred_j = Σ_k x_jk·w_k + b, loss = Σ_j (pred_j − y_j)², with w = "/lin/weights" (3 values)
// and b = "/lin/biases" (1 value).
var (
	tinyX  = [][]float64{{1, 2, -1}, {0.5, -1, 2}, {-1.5, 0.5, 1}, {2, 1, 0.5}}
	tinyY  = []float64{3, -2, 1, 5}
	tinyW0 = []float64{0.1, -0.2, 0.3}
	tinyB0 = []float64{0.5}
)

// refConfig describes the reference SGD run in plain Go.
type refConfig struct {
	lr          func(step int) float64
	mu          float64
	nesterov    bool
	wd          float64
	excludeBias bool
	clip        float64
	clipAfterWD bool
}

// refState is the state after a step of the reference.
type refState struct {
	params, buf []float64 // w0, w1, w2, b.
	lr, norm    float64   // Learning rate used and pre-clip gradient norm of the step.
}

// refSGD runs the PyTorch SGD equations in plain Go on the tiny model, returning the state after each step.
func refSGD(cfg refConfig, steps int) []refState {
	p := append(append([]float64{}, tinyW0...), tinyB0...)
	buf := make([]float64, 4)
	var states []refState
	for step := range steps {
		// Gradient of Σ_j (x_j·w + b − y_j)².
		grad := make([]float64, 4)
		for j, xj := range tinyX {
			r := xj[0]*p[0] + xj[1]*p[1] + xj[2]*p[2] + p[3] - tinyY[j]
			for k := range 3 {
				grad[k] += 2 * r * xj[k]
			}
			grad[3] += 2 * r
		}
		var norm float64
		clip := func() {
			if cfg.clip <= 0 {
				return
			}
			var sum float64
			for _, gk := range grad {
				sum += gk * gk
			}
			norm = math.Sqrt(sum)
			scale := cfg.clip / math.Max(norm, cfg.clip)
			for k := range grad {
				grad[k] *= scale
			}
		}
		if !cfg.clipAfterWD {
			clip()
		}
		for k := range grad {
			if k == 3 && cfg.excludeBias {
				continue
			}
			grad[k] += cfg.wd * p[k]
		}
		if cfg.clipAfterWD {
			clip()
		}
		lr := cfg.lr(step)
		for k := range p {
			d := grad[k]
			if cfg.mu > 0 {
				buf[k] = cfg.mu*buf[k] + grad[k]
				if cfg.nesterov {
					d = grad[k] + cfg.mu*buf[k]
				} else {
					d = buf[k]
				}
			}
			p[k] -= lr * d
		}
		states = append(states, refState{
			params: append([]float64{}, p...), buf: append([]float64{}, buf...), lr: lr, norm: norm})
	}
	return states
}

func constLR(lr float64) func(int) float64 { return func(int) float64 { return lr } }

// runTinySGD trains the tiny model with opt for the given number of steps, checking each step against want.
func runTinySGD(t *testing.T, cfg *SGDConfig, want []refState) {
	t.Helper()
	store := model.NewStore()
	opt := cfg.Done()
	exec := model.MustNewExec(backend, store, func(scope *model.Scope, x, y *graph.Node) *graph.Node {
		g := x.Graph()
		lin := scope.At("lin")
		w := lin.VariableWithValue("weights", tinyW0).NodeValue(g)
		b := lin.VariableWithValue("biases", tinyB0).NodeValue(g)
		pred := graph.Add(graph.ReduceSum(graph.Mul(x, graph.ExpandAxes(w, 0)), 1), b)
		loss := graph.ReduceAllSum(graph.Square(graph.Sub(pred, y)))
		opt.UpdateGraph(scope, g, loss)
		return loss
	})
	defer exec.Finalize()
	root := store.RootScope()
	const tol = 1e-6
	for step, ws := range want {
		exec.MustExec(tinyX, tinyY)[0].MustFinalizeAll()
		wVar, bVar := store.GetVariable("/lin/weights"), store.GetVariable("/lin/biases")
		got := append(tensors.MustCopyFlatData[float64](wVar.MustValue()), tensors.MustCopyFlatData[float64](bVar.MustValue())...)
		for k := range got {
			if math.Abs(got[k]-ws.params[k]) > tol {
				t.Fatalf("step %d: params = %v, reference %v", step, got, ws.params)
			}
		}
		if gs := optimizer.GetGlobalStep(store); gs != int64(step+1) {
			t.Fatalf("step %d: global step = %d, want %d", step, gs, step+1)
		}
		lrVar := store.GetVariable("/" + optimizer.Scope + "/" + optimizer.ParamLearningRate)
		if lr := tensors.ToScalar[float64](lrVar.MustValue()); math.Abs(lr-ws.lr) > 1e-12 {
			t.Fatalf("step %d: learning-rate variable = %g, reference %g", step, lr, ws.lr)
		}
		for k, v := range []*model.Variable{wVar, bVar} {
			m := cfg.MomentumVar(root, v)
			if cfg.momentum == 0 {
				if m != nil {
					t.Fatalf("momentum buffer %s created without momentum", m.Path())
				}
				continue
			}
			if m == nil || m.Trainable {
				t.Fatalf("step %d: momentum buffer of %s missing or trainable: %v", step, v.Path(), m)
			}
			gotBuf := tensors.MustCopyFlatData[float64](m.MustValue())
			wantBuf := ws.buf[:3]
			if k == 1 {
				wantBuf = ws.buf[3:]
			}
			for i := range gotBuf {
				if math.Abs(gotBuf[i]-wantBuf[i]) > tol {
					t.Fatalf("step %d: momentum buffer %s = %v, reference %v", step, m.Path(), gotBuf, wantBuf)
				}
			}
		}
		if cfg.clipNorm > 0 {
			n := cfg.GradNormVar(root)
			if n == nil {
				t.Fatalf("gradient norm variable not created")
			}
			if got := tensors.ToScalar[float64](n.MustValue()); math.Abs(got-ws.norm) > tol*math.Max(1, ws.norm) {
				t.Fatalf("step %d: recorded gradient norm %g, reference %g", step, got, ws.norm)
			}
		}
	}
	// Clear removes the optimizer state (momentum buffers, norm).
	if err := opt.Clear(root); err != nil {
		t.Fatal(err)
	}
	for v := range store.IterVariables() {
		if cfg.MomentumVar(root, v) != nil || cfg.GradNormVar(root) != nil {
			t.Fatalf("Clear left optimizer state behind")
		}
	}
}

func TestSGDAgainstReference(t *testing.T) {
	const steps = 6
	sgdr := SGDR(0.02, 0.001, 2, 2) // Restarts at steps 2, 6 and 14.
	sgdrLR := func(step int) float64 { return sgdr.LearningRateAt(int64(step)) }
	for _, tc := range []struct {
		name           string
		opt            func() *SGDConfig
		ref, mutant    refConfig // The mutant must be distinguishable: it guards the test's power.
		wantSteps      int
		minClippedNorm float64
	}{
		{"plain", func() *SGDConfig { return SGD().LearningRate(0.01) },
			refConfig{lr: constLR(0.01)}, refConfig{lr: constLR(0.011)}, steps, 0},
		{"momentum", func() *SGDConfig { return SGD().LearningRate(0.01).Momentum(0.9) },
			refConfig{lr: constLR(0.01), mu: 0.9}, refConfig{lr: constLR(0.01), mu: 0.9, nesterov: true}, steps, 0},
		{"nesterov", func() *SGDConfig { return SGD().LearningRate(0.01).Momentum(0.9).Nesterov() },
			refConfig{lr: constLR(0.01), mu: 0.9, nesterov: true}, refConfig{lr: constLR(0.01), mu: 0.9}, steps, 0},
		{"weight decay", func() *SGDConfig {
			return SGD().LearningRate(0.01).Momentum(0.9).Nesterov().WeightDecay(0.5)
		}, refConfig{lr: constLR(0.01), mu: 0.9, nesterov: true, wd: 0.5},
			refConfig{lr: constLR(0.01), mu: 0.9, nesterov: true}, steps, 0},
		{"weight decay excluding biases", func() *SGDConfig {
			return SGD().LearningRate(0.01).Momentum(0.9).Nesterov().WeightDecay(0.5).
				ExcludeFromWeightDecay(ExcludeBiasesAndNorms)
		}, refConfig{lr: constLR(0.01), mu: 0.9, nesterov: true, wd: 0.5, excludeBias: true},
			refConfig{lr: constLR(0.01), mu: 0.9, nesterov: true, wd: 0.5}, steps, 0},
		{"clip then decay", func() *SGDConfig {
			return SGD().LearningRate(0.05).Momentum(0.9).WeightDecay(2).ClipByGlobalNorm(1)
		}, refConfig{lr: constLR(0.05), mu: 0.9, wd: 2, clip: 1},
			refConfig{lr: constLR(0.05), mu: 0.9, wd: 2, clip: 1, clipAfterWD: true}, steps, 1},
		{"decay then clip (ENAS)", func() *SGDConfig {
			return SGD().LearningRate(0.05).Momentum(0.9).WeightDecay(2).ClipByGlobalNorm(1).ClipAfterWeightDecay()
		}, refConfig{lr: constLR(0.05), mu: 0.9, wd: 2, clip: 1, clipAfterWD: true},
			refConfig{lr: constLR(0.05), mu: 0.9, wd: 2, clip: 1}, steps, 1},
		{"SGDR schedule", func() *SGDConfig {
			return SGD().LearningRate(0.5).Momentum(0.9).Nesterov().Schedule(sgdr)
		}, refConfig{lr: sgdrLR, mu: 0.9, nesterov: true},
			refConfig{lr: constLR(0.02), mu: 0.9, nesterov: true}, 8, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			want := refSGD(tc.ref, tc.wantSteps)
			mutant := refSGD(tc.mutant, tc.wantSteps)
			var maxDiff float64
			for k := range want[len(want)-1].params {
				maxDiff = math.Max(maxDiff, math.Abs(want[len(want)-1].params[k]-mutant[len(mutant)-1].params[k]))
			}
			if maxDiff < 1e-4 {
				t.Fatalf("test has no power: reference and mutant differ by only %g", maxDiff)
			}
			for _, s := range want {
				if s.norm < tc.minClippedNorm {
					t.Fatalf("clipping inactive in the reference (norm %g): test has no power", s.norm)
				}
			}
			runTinySGD(t, tc.opt(), want)
		})
	}
}

func TestSGDNesterovRequiresMomentum(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Errorf("Nesterov without momentum should panic")
		}
	}()
	SGD().Nesterov().Done()
}

func TestExcludeNames(t *testing.T) {
	store := model.NewStore()
	w := store.RootScope().At("a").VariableWithValue("weights", []float32{1})
	b := store.RootScope().At("a").VariableWithValue("biases", []float32{1})
	s := store.RootScope().At("bn").VariableWithValue("scale", []float32{1})
	ex := ExcludeNames("biases")
	if ex(w) || !ex(b) || ex(s) {
		t.Errorf("ExcludeNames(\"biases\") wrong")
	}
	if ExcludeBiasesAndNorms(w) || !ExcludeBiasesAndNorms(b) || !ExcludeBiasesAndNorms(s) {
		t.Errorf("ExcludeBiasesAndNorms wrong")
	}
}
