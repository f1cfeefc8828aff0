package multitrial

import (
	"context"
	"path/filepath"
	"sync/atomic"
	"testing"

	"github.com/gonas/gonas/controllers"
	"github.com/gonas/gonas/nas"
)

// The REINFORCE loop written out with SearchTrials and Reward (as notebook 04 does)
// is Search's: the same children, rewards and controller updates; and Search,
// given the loop's trial record, retrains none of its children.
func TestWrittenOutLoopIsSearch(t *testing.T) {
	cfg := fastTiny()
	var calls atomic.Int32
	dir := t.TempDir()
	rec, err := Record(nas.NewLocalExecutor(fakeRunner(&calls), 2), filepath.Join(dir, RecordName))
	if err != nil {
		t.Fatal(err)
	}
	space, err := cfg.Space()
	if err != nil {
		t.Fatal(err)
	}
	ctrl, err := controllers.NewLSTM(space, cfg.Controller, cfg.Seed, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer ctrl.Close()
	var stats []nas.UpdateStats
	var rewards []float64
	for u := range cfg.Updates {
		samples, err := ctrl.Sample(cfg.Batch)
		if err != nil {
			t.Fatal(err)
		}
		archs := make([]nas.Arch, len(samples))
		for k, s := range samples {
			archs[k] = s.Arch
		}
		results, err := rec.Run(context.Background(), cfg.SearchTrials(u, archs))
		if err != nil {
			t.Fatal(err)
		}
		r := make([]float64, len(results))
		for k, res := range results {
			r[k] = Reward(res)
		}
		st, err := ctrl.Update(samples, r)
		if err != nil {
			t.Fatal(err)
		}
		stats, rewards = append(stats, st), append(rewards, r...)
	}
	rec.Close()
	loopCalls := calls.Load()
	res, _ := runSearch(t, cfg, fakeRunner(&calls), dir)
	if len(res.Updates) != cfg.Updates || len(res.Rewards) != len(rewards) {
		t.Fatalf("Search made %d updates of %d rewards, the loop %d of %d", len(res.Updates), len(res.Rewards), len(stats), len(rewards))
	}
	for i, r := range rewards {
		if res.Rewards[i] != r {
			t.Errorf("reward %d: Search %v, the loop %v", i, res.Rewards[i], r)
		}
	}
	for u, st := range stats {
		if got := res.Updates[u]; got.Baseline != st.Baseline || got.Entropy != st.Entropy || got.Loss != st.Loss {
			t.Errorf("update %d: Search baseline %v entropy %v loss %v, the loop %v %v %v", u+1, got.Baseline, got.Entropy, got.Loss,
				st.Baseline, st.Entropy, st.Loss)
		}
	}
	if rewards[0] == rewards[1] && rewards[1] == rewards[2] {
		t.Errorf("the fake runner gave one reward to every child (%v): the comparison tests nothing", rewards[:3])
	}
	// Search ran only the rerank and transfer trials: every search child came from the record.
	if extra := int(calls.Load() - loopCalls); extra != cfg.Rerank.TopK+1+cfg.Transfer.ControlArchs {
		t.Errorf("Search trained %d trials after the loop, want only the %d of the rerank and transfer",
			extra, cfg.Rerank.TopK+1+cfg.Transfer.ControlArchs)
	}
}
