package optim

import (
	"math"
	"math/bits"
	"testing"

	"github.com/gomlx/compute/dtypes"
	"github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"
)

// sgdrClosedForm is SGDR's closed formula [1] for T0 (in epochs) and Tmul = 2, written independently of the
// implementation: with e = ⌊step/stepsPerEpoch⌋ (or the fractional epoch, if perStep), the period index is
// i = ⌊log2(e/T0 + 1)⌋, the period starts at T0·(2^i − 1) and lasts T_i = T0·2^i.
func sgdrClosedForm(step, t0, stepsPerEpoch int64, perStep bool, lrMax, lrMin float64) float64 {
	epoch := step / stepsPerEpoch
	// ⌊log2(x)⌋ = ⌊log2(⌊x⌋)⌋ for x >= 1, computed exactly with integers.
	i := bits.Len64(uint64(epoch/t0+1)) - 1
	start := t0 * (int64(1)<<i - 1)
	tI := float64(t0 * int64(1) << i)
	tCur := float64(epoch - start)
	if perStep {
		tCur = float64(step)/float64(stepsPerEpoch) - float64(start)
	}
	return lrMin + 0.5*(lrMax-lrMin)*(1+math.Cos(math.Pi*tCur/tI))
}

// evalSchedule evaluates the schedule's graph for each of the steps.
func evalSchedule(t *testing.T, s Schedule, dtype dtypes.DType, steps []int64) []float64 {
	t.Helper()
	exec := graph.MustNewExec(backend, func(step *graph.Node) *graph.Node {
		return s.LearningRateGraph(step, dtype)
	})
	defer exec.Finalize()
	out := make([]float64, len(steps))
	for i, step := range steps {
		lr := exec.MustExec1(step)
		switch dtype {
		case dtypes.Float32:
			out[i] = float64(tensors.ToScalar[float32](lr))
		default:
			out[i] = tensors.ToScalar[float64](lr)
		}
		lr.MustFinalizeAll()
	}
	return out
}

func stepsUpTo(n int64) []int64 {
	steps := make([]int64, n+1)
	for i := range steps {
		steps[i] = int64(i)
	}
	return steps
}

func TestSGDRMatchesClosedFormENAS(t *testing.T) {
	const lrMax, lrMin = 0.05, 0.0005
	for _, tc := range []struct {
		name          string
		stepsPerEpoch int64
		perStep       bool
		dtype         dtypes.DType
		tol           float64
	}{
		{"T0 in steps", 1, false, dtypes.Float64, 1e-12},
		{"per-epoch, 7 steps/epoch", 7, false, dtypes.Float64, 1e-12},
		{"per-step, 7 steps/epoch", 7, true, dtypes.Float64, 1e-12},
		{"per-epoch, float32", 3, false, dtypes.Float32, 1e-6},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := ENASSchedule(int(tc.stepsPerEpoch))
			if tc.perStep {
				s.PerStep()
			}
			// 330 epochs: past the 5th restart (epoch 310), across restarts at 10, 30, 70, 150, 310.
			steps := stepsUpTo(330 * tc.stepsPerEpoch)
			got := evalSchedule(t, s, tc.dtype, steps)
			for i, step := range steps {
				want := sgdrClosedForm(step, 10, tc.stepsPerEpoch, tc.perStep, lrMax, lrMin)
				if math.Abs(got[i]-want) > tc.tol {
					t.Fatalf("step %d (epoch %d): graph lr=%.10g, closed form %.10g", step, step/tc.stepsPerEpoch, got[i], want)
				}
				if goLR := s.LearningRateAt(step); math.Abs(goLR-want) > 1e-12 {
					t.Fatalf("step %d: LearningRateAt=%.10g, closed form %.10g", step, goLR, want)
				}
			}
		})
	}
}

func TestSGDRKnownValues(t *testing.T) {
	s := ENASSchedule(1) // T0 = 10 steps, Tmul = 2.
	mid := 0.0005 + 0.5*(0.05-0.0005)
	for _, tc := range []struct {
		step int64
		want float64
	}{
		{0, 0.05}, {5, mid}, {10, 0.05}, {20, mid}, {30, 0.05}, {50, mid}, {70, 0.05}, {150, 0.05}, {310, 0.05}, {230, mid},
		{9, 0.0005 + 0.5*(0.05-0.0005)*(1+math.Cos(math.Pi*9/10))},
		{29, 0.0005 + 0.5*(0.05-0.0005)*(1+math.Cos(math.Pi*19/20))},
	} {
		got := evalSchedule(t, s, dtypes.Float64, []int64{tc.step})[0]
		if math.Abs(got-tc.want) > 1e-12 {
			t.Errorf("step %d: lr=%.10g, want %.10g", tc.step, got, tc.want)
		}
	}
}

func TestSGDROtherTMul(t *testing.T) {
	for _, tc := range []struct {
		t0, tMul, spe int
		perStep       bool
		boundaries    []int64 // Restart epochs.
	}{
		{4, 1, 3, false, []int64{4, 8, 12, 16}},
		{4, 1, 3, true, []int64{4, 8, 12, 16}},
		{2, 3, 2, false, []int64{2, 8, 26, 80}},
		{2, 3, 2, true, []int64{2, 8, 26, 80}},
	} {
		s := SGDR(1, 0.1, tc.t0, tc.tMul).StepsPerEpoch(tc.spe)
		if tc.perStep {
			s.PerStep()
		}
		steps := stepsUpTo(int64(100 * tc.spe))
		got := evalSchedule(t, s, dtypes.Float64, steps)
		for i, step := range steps {
			// Reference from the explicit list of restarts.
			epochF := float64(step) / float64(tc.spe)
			if !tc.perStep {
				epochF = math.Floor(epochF)
			}
			start, end := 0.0, float64(tc.boundaries[0])
			for k, b := range tc.boundaries {
				if epochF >= float64(b) {
					start = float64(b)
					if k+1 < len(tc.boundaries) {
						end = float64(tc.boundaries[k+1])
					} else if tc.tMul == 1 {
						end = start + float64(tc.t0)
					} else {
						end = start + (start-float64(tc.boundaries[k-1]))*float64(tc.tMul)
					}
				}
			}
			if tc.tMul == 1 { // Periodic: beyond the listed boundaries too.
				start = math.Floor(epochF/float64(tc.t0)) * float64(tc.t0)
				end = start + float64(tc.t0)
			}
			want := 0.1 + 0.5*0.9*(1+math.Cos(math.Pi*(epochF-start)/(end-start)))
			if math.Abs(got[i]-want) > 1e-12 {
				t.Fatalf("%+v: step %d: lr=%.10g, want %.10g", tc, step, got[i], want)
			}
			if goLR := s.LearningRateAt(step); math.Abs(goLR-want) > 1e-12 {
				t.Fatalf("%+v: step %d: LearningRateAt=%.10g, want %.10g", tc, step, goLR, want)
			}
		}
	}
}

func TestConstantSchedule(t *testing.T) {
	s := Constant(0.025)
	got := evalSchedule(t, s, dtypes.Float32, []int64{0, 1, 1000})
	for i, lr := range got {
		if math.Abs(lr-0.025) > 1e-9 {
			t.Errorf("constant schedule [%d]=%g, want 0.025", i, lr)
		}
	}
	if s.LearningRateAt(7) != 0.025 {
		t.Errorf("LearningRateAt(7)=%g", s.LearningRateAt(7))
	}
}
