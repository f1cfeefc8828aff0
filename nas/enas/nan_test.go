package enas

import (
	"context"
	"math"
	"testing"

	"github.com/gomlx/gomlx/ml/model"
	"github.com/gonas/gonas/nas"
)

// poisonChild wraps a child and puts a NaN into one training image, one of the
// minibatch of the given step, during that step: the loss is NaN for real.
type poisonChild struct {
	*imageChild
	epoch, step, image int
}

func (p *poisonChild) trainStep(a nas.Arch, epoch, step int) (float64, error) {
	if epoch == p.epoch && step == p.step {
		px := p.image * p.train.ImageSize()
		saved := p.train.Images[px]
		p.train.Images[px] = float32(math.NaN())
		defer func() { p.train.Images[px] = saved }()
	}
	return p.imageChild.trainStep(a, epoch, step)
}

// A NaN child loss skips the step (the shared weights are untouched), gives the
// architecture the worst reward, and the search goes on to the end.
func TestNaNChildLossIsSkipped(t *testing.T) {
	if testing.Short() {
		t.Skip("trains a child network (~20 s)")
	}
	cfg, err := Preset("enas-micro", "tiny")
	if err != nil {
		t.Fatal(err)
	}
	cfg.Child.Epochs, cfg.Child.StepsPerEpoch, cfg.Controller.TrainSteps = 1, 4, 1
	s, err := New(cfg, Options{Out: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ic := s.child.(*imageChild)
	const poisoned = 1
	s.child = &poisonChild{imageChild: ic, epoch: 0, step: poisoned, image: ic.order.at(0, poisoned*cfg.Child.BatchSize)}

	var before map[string]string
	run := func(steps int) {
		t.Helper()
		for s.st.Pos.Step < steps {
			if s.st.Pos.Step == poisoned {
				before = snapshot(ic.st)
			}
			if err := s.childStep(); err != nil {
				t.Fatal(err)
			}
			if s.st.Pos.Step == poisoned {
				// Variables the step's graph created (ops never sampled before) were
				// initialised; every variable that existed is as it was.
				after := snapshot(ic.st)
				for path, v := range before {
					if after[path] != v && path != rngStatePath {
						t.Errorf("the NaN step changed %s", path)
					}
				}
			}
			s.st.Pos.Step++
		}
	}
	run(cfg.Child.StepsPerEpoch)
	if len(s.st.History.Skips) != 1 || s.st.History.Skips[0].Step != poisoned {
		t.Fatalf("skips %+v, want one at step %d", s.st.History.Skips, poisoned)
	}
	if u := s.st.History.Updates; len(u) != 1 || u[0].RewardMean != worstReward {
		t.Fatalf("updates %+v, want one penalty update with reward %g", u, worstReward)
	}
	if s.st.Acc.Steps != cfg.Child.StepsPerEpoch-1 || s.st.Acc.Skipped != 1 {
		t.Errorf("steps %d skipped %d", s.st.Acc.Steps, s.st.Acc.Skipped)
	}
	// The rest of the search runs.
	if err := s.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	if !s.Done() || len(s.st.History.Epochs) != 1 || s.st.History.Epochs[0].Skipped != 1 {
		t.Fatalf("search not finished as expected: %+v", s.st.History.Epochs)
	}
}

// rngStatePath is the store's random state, which initialising new variables advances.
const rngStatePath = "/" + model.RNGStateVariableName

// snapshot maps every variable of store to its bytes.
func snapshot(store *model.Store) map[string]string {
	out := map[string]string{}
	for v := range store.IterVariables() {
		if t, err := v.Value(); err == nil {
			_ = t.ConstBytes(func(b []byte) { out[v.Path()] = string(b) })
		}
	}
	return out
}
