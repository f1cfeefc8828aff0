package multitrial

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/gonas/gonas/nas"
)

// fakeRunner scores an architecture without training: a deterministic function
// of its choices and of the recipe's kind; trial b0001_s01 fails.
func fakeRunner(calls *atomic.Int32) nas.TrialRunner {
	return func(_ context.Context, t nas.Trial) (map[string]float64, error) {
		calls.Add(1)
		r, err := ParseRecipe(t.Recipe)
		if err != nil {
			return nil, err
		}
		if strings.HasSuffix(t.ID, "_b0001_s01") {
			return nil, errors.New("training loss is NaN at epoch 1 step 3")
		}
		var s float64
		for i, c := range t.Arch.Choices {
			s += float64(c*(i%7+1)) / 100
		}
		acc := 0.5 + 0.5*math.Sin(s)*0.9
		m := map[string]float64{MetricTrainLoss: 1 - acc, MetricParams: float64(1000 + len(t.Arch.Choices)), MetricFLOPs: 5e5}
		if r.Test {
			m[MetricTestAccuracy] = acc * 0.9
		} else {
			m[MetricValidAccuracy] = acc
		}
		return m, nil
	}
}

// fastTiny is the tiny preset with more updates, for the fake runner.
func fastTiny() Config {
	cfg, _ := Preset("tiny")
	cfg.Updates = 5
	return cfg
}

// runSearch runs cfg on a recorded local executor over runner in dir.
func runSearch(t *testing.T, cfg Config, runner nas.TrialRunner, dir string) (*SearchResult, string) {
	t.Helper()
	rec, err := Record(nas.NewLocalExecutor(runner, 2), filepath.Join(dir, "trials.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	defer rec.Close()
	var out bytes.Buffer
	res, err := Search(context.Background(), &cfg, rec, &out)
	if err != nil {
		t.Fatal(err)
	}
	return res, out.String()
}

// sameResult compares what two runs must agree on bit for bit.
func sameResult(t *testing.T, a, b *SearchResult) {
	t.Helper()
	if len(a.Trials) != len(b.Trials) {
		t.Fatalf("%d vs %d trials", len(a.Trials), len(b.Trials))
	}
	for i := range a.Trials {
		if a.Trials[i].ID != b.Trials[i].ID || !reflect.DeepEqual(a.Trials[i].Metrics, b.Trials[i].Metrics) ||
			a.Archs[i].String() != b.Archs[i].String() || a.Trials[i].Error != b.Trials[i].Error {
			t.Fatalf("trial %d differs:\n%+v %s\n%+v %s", i, a.Trials[i], a.Archs[i], b.Trials[i], b.Archs[i])
		}
	}
	if !reflect.DeepEqual(a.ControllerLogProbs, b.ControllerLogProbs) || !reflect.DeepEqual(a.Updates, b.Updates) {
		t.Fatalf("controller differs:\n%v %+v\n%v %+v", a.ControllerLogProbs, a.Updates, b.ControllerLogProbs, b.Updates)
	}
	if !reflect.DeepEqual(a.Rerank, b.Rerank) || a.Best.String() != b.Best.String() {
		t.Fatalf("rerank differs:\n%+v\n%+v", a.Rerank, b.Rerank)
	}
	ta, tb := *a.Transfer, *b.Transfer
	ta.Seconds, tb.Seconds = 0, 0
	if ta.String() != tb.String() || !reflect.DeepEqual(a.Control.Archs[0].Arch, b.Control.Archs[0].Arch) || a.Control.Mean != b.Control.Mean {
		t.Fatalf("transfer differs:\n%+v %+v\n%+v %+v", ta, a.Control, tb, b.Control)
	}
}

func (t TransferResult) String() string {
	blob, _ := json.Marshal(t)
	return string(blob)
}

func TestSearchIsDeterministicAndResumes(t *testing.T) {
	cfg := fastTiny()
	var calls atomic.Int32
	dirA := t.TempDir()
	a, out := runSearch(t, cfg, fakeRunner(&calls), dirA)
	n := cfg.Batch*cfg.Updates + len(a.Rerank) + 1 + cfg.Transfer.ControlArchs
	if int(calls.Load()) != n || len(a.Trials) != cfg.Batch*cfg.Updates || len(a.Updates) != cfg.Updates {
		t.Fatalf("%d runner calls, %d trials, %d updates; want %d, %d, %d", calls.Load(), len(a.Trials), len(a.Updates),
			n, cfg.Batch*cfg.Updates, cfg.Updates)
	}
	for i, tr := range a.Trials {
		want := cfg.SearchID() + "_b000" + string(rune('0'+i/cfg.Batch)) + "_s0" + string(rune('0'+i%cfg.Batch))
		if tr.ID != want {
			t.Fatalf("trial %d is %q, want %q", i, tr.ID, want)
		}
		if (tr.Error != "") != (a.Rewards[i] == 0) {
			t.Fatalf("trial %d: error %q with reward %v", i, tr.Error, a.Rewards[i])
		}
	}
	for _, want := range []string{"update=1/5 reward_mean=", "best_arch={", "transfer_test_accuracy=", "control_k="} {
		if !strings.Contains(out, want) {
			t.Errorf("progress lacks %q:\n%s", want, out)
		}
	}
	if a.Failed() != 1 || a.Rewards[cfg.Batch+1] != 0 || a.Updates[1].Failed != 1 ||
		!strings.Contains(out, "warning: search trial "+a.Trials[cfg.Batch+1].ID+" failed: training loss is NaN") {
		t.Errorf("%d failed children (want 1, b0001_s01, reward 0, with a warning):\n%s", a.Failed(), out)
	}
	// The winner is the best reranked cell; the rerank holds distinct cells.
	seen := map[string]bool{}
	for _, c := range a.Rerank {
		if seen[c.Arch.String()] || c.ValidAccuracy > a.Rerank[0].ValidAccuracy && a.Best.String() == a.Rerank[0].Arch.String() {
			t.Fatalf("rerank %+v, best %s", a.Rerank, a.Best)
		}
		seen[c.Arch.String()] = true
	}

	// The same seed in another directory: the same search.
	b, _ := runSearch(t, cfg, fakeRunner(&calls), t.TempDir())
	sameResult(t, a, b)

	// Resume from a record cut after 7 trials, with a torn 8th line.
	blob, err := os.ReadFile(filepath.Join(dirA, "trials.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.SplitAfter(string(blob), "\n")
	dirC := t.TempDir()
	cut := strings.Join(lines[:7], "") + lines[7][:len(lines[7])/2]
	if err := os.WriteFile(filepath.Join(dirC, "trials.jsonl"), []byte(cut), 0o644); err != nil {
		t.Fatal(err)
	}
	calls.Store(0)
	c, _ := runSearch(t, cfg, fakeRunner(&calls), dirC)
	sameResult(t, a, c)
	if got := int(calls.Load()); got != n-7 {
		t.Errorf("the resumed search ran %d trials, want %d (7 came from the record)", got, n-7)
	}
	again, _ := os.ReadFile(filepath.Join(dirC, "trials.jsonl"))
	if strings.Count(string(again), "\n") != n {
		t.Errorf("the resumed record holds %d lines, want %d", strings.Count(string(again), "\n"), n)
	}

	// Outputs.
	if err := a.Write(dirA); err != nil {
		t.Fatal(err)
	}
	page, _ := os.ReadFile(filepath.Join(dirA, "report.html"))
	for _, want := range []string{"<svg", "NASNet normal cell", "random control", "Rerank"} {
		if !bytes.Contains(page, []byte(want)) {
			t.Errorf("report.html lacks %q", want)
		}
	}
	for _, want := range []string{"verdict", "chance (10 classes)", "uniform policy"} {
		if !bytes.Contains(page, []byte(want)) {
			t.Errorf("report.html lacks %q", want)
		}
	}
	back, err := ReadResult(dirA)
	if err != nil || back.Best.String() != a.Best.String() || back.Transfer == nil {
		t.Errorf("result.json: %v, %+v", err, back)
	}
	resBlob, _ := os.ReadFile(filepath.Join(dirA, "result.json"))
	if bytes.Contains(resBlob, []byte(`"{\"space`)) || !bytes.Contains(resBlob, []byte(`"verdict": "verdict: best cell `)) {
		t.Errorf("result.json holds an architecture as a JSON string, or no verdict:\n%s", resBlob)
	}
	hist, _ := os.ReadFile(filepath.Join(dirA, "history.jsonl"))
	if got, want := strings.Count(string(hist), "\n"), n+cfg.Updates; got != want ||
		strings.Count(string(hist), `"kind":"update"`) != cfg.Updates {
		t.Errorf("history.jsonl has %d lines, want %d", got, want)
	}
}

func TestRecordRejectsCorruptAndForeignLogs(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "trials.jsonl")
	if err := os.WriteFile(path, []byte("{\"trial\":{\"id\":\"a\"},\"result\":{\"id\":\"a\"}}\nnot json\n{}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := Record(nas.NewLocalExecutor(nil, 1), path); err == nil || !strings.Contains(err.Error(), "line 2") {
		t.Fatalf("corrupt record: got %v, want an error naming line 2", err)
	}
	before, _ := os.ReadFile(path)
	if !strings.Contains(string(before), "not json") {
		t.Fatal("a rejected record was modified")
	}

	// A record of another search answers nothing: its trial differs.
	var calls atomic.Int32
	cfg := fastTiny()
	runSearch(t, cfg, fakeRunner(&calls), dir+"/x")
	rec, err := Record(nas.NewLocalExecutor(fakeRunner(&calls), 1), filepath.Join(dir+"/x", "trials.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	defer rec.Close()
	other := cfg
	other.Train.LRMax = 0.02 // same preset and seed, other settings: other IDs
	if other.SearchID() == cfg.SearchID() {
		t.Fatal("settings do not change the search ID")
	}
	trial := nas.Trial{ID: cfg.SearchID() + "_b0000_s00", Arch: nas.Arch{Space: "nasnet", Choices: make([]int, 20)}, Recipe: cfg.SearchRecipe().JSON(), Seed: 7}
	if _, err := rec.Run(context.Background(), []nas.Trial{trial}); err == nil || !strings.Contains(err.Error(), "another search") {
		t.Fatalf("foreign trial: got %v", err)
	}
}
