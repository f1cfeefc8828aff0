package main

import (
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gonas/gonas/nas/multitrial"
)

// TestKatibExperimentIsUpToDate: docker/katib-experiment.yaml is what `gonas
// katib` writes for its defaults, so it names every decision of the space.
func TestKatibExperimentIsUpToDate(t *testing.T) {
	want, err := katibExperiment("proxy", "gonas-notebooks:latest", "random")
	if err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(filepath.Join("..", "..", "docker", "katib-experiment.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != want {
		t.Fatal("docker/katib-experiment.yaml is stale: regenerate it with go run ./cmd/gonas katib > docker/katib-experiment.yaml")
	}
	if n := strings.Count(want, "parameterType: int"); n != 50 || strings.Count(want, "${trialParameters.") != 50 {
		t.Fatalf("%d parameters, want one per decision (50)", n)
	}
	if _, err := katibExperiment("huge", "x", "random"); err == nil {
		t.Fatal("an unknown preset was accepted")
	}
}

func TestNASNetCommandsRejectBadInput(t *testing.T) {
	dir := t.TempDir()
	for _, tc := range []struct {
		name string
		run  func([]string) error
		args []string
		want string
	}{
		{"trial without arch", runTrial, []string{"--preset", "tiny"}, "--arch is required"},
		{"trial unknown preset", runTrial, []string{"--preset", "huge", "--arch", "nasnet-a"}, `no preset "huge"`},
		{"trial other space", runTrial, []string{"--space", "nb201", "--arch", "x"}, "NASNet children only"},
		{"trial malformed arch", runTrial, []string{"--preset", "tiny", "--arch", "{\"space\":\"nasnet\",\"choices\":[1,2]}"}, "has 20 decisions"},
		{"trial garbage arch", runTrial, []string{"--preset", "tiny", "--arch", "Genotype(normal=[('sep_conv_9x9', 0)"}, "--arch"},
		{"trial missing file", runTrial, []string{"--preset", "tiny", "--arch", "@" + filepath.Join(dir, "none.json")}, "none.json"},
		{"search bad executor", runSearch, []string{"--space", "nasnet", "--preset", "tiny", "--out", dir, "--executor", "tcp://x"}, "want local or nats://"},
		{"search unknown preset", runSearch, []string{"--space=nasnet", "--preset", "huge"}, `no preset "huge"`},
		{"resume of nothing", runNASNetSearch, []string{"--resume", dir}, "holds no search to resume"},
		{"resume and force", runNASNetSearch, []string{"--resume", dir, "--force"}, "give one of them"},
	} {
		err := tc.run(tc.args)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: got %v, want an error containing %q", tc.name, err, tc.want)
		}
	}
	// A directory holding another search is refused, and left as it was.
	other := filepath.Join(dir, "other")
	if err := os.MkdirAll(other, 0o755); err != nil {
		t.Fatal(err)
	}
	cfgPath := filepath.Join(other, nasnetConfigName)
	if err := os.WriteFile(cfgPath, []byte(`{"preset":"tiny","seed":9}`), 0o644); err != nil {
		t.Fatal(err)
	}
	err := runSearch([]string{"--space", "nasnet", "--preset", "tiny", "--out", other})
	if err == nil || !strings.Contains(err.Error(), "--resume "+other) || !strings.Contains(err.Error(), "--force") {
		t.Fatalf("a directory holding a search, without --resume: got %v, want a refusal naming --resume and --force", err)
	}
	err = runSearch([]string{"--resume", other, "--preset", "tiny"})
	if err == nil || !strings.Contains(err.Error(), "holds search") {
		t.Fatalf("--resume with other settings: got %v", err)
	}
	if blob, _ := os.ReadFile(cfgPath); string(blob) != `{"preset":"tiny","seed":9}` {
		t.Fatalf("the other search's configuration was changed: %s", blob)
	}
	if !isNASNetRun(other) || isNASNetRun(dir) || flagValue([]string{"--resume=" + other}, "resume") != other {
		t.Fatal("the NASNet dispatch of gonas search does not recognise its directories")
	}
}

// TestNASNetResumeOfAFinishedSearchDoesNothing: --resume of a directory holding a
// finished search's result returns at once, writes nothing, and is not an error.
func TestNASNetResumeOfAFinishedSearchDoesNothing(t *testing.T) {
	dir := t.TempDir()
	cfg, err := multitrial.Preset("tiny")
	if err != nil {
		t.Fatal(err)
	}
	blob, _ := json.Marshal(cfg)
	if err := os.WriteFile(filepath.Join(dir, nasnetConfigName), blob, 0o644); err != nil {
		t.Fatal(err)
	}
	res := multitrial.SearchResult{Config: cfg, Transfer: &multitrial.TransferResult{TestAccuracy: 0.9},
		Control: &multitrial.ControlResult{Archs: []multitrial.TransferResult{{TestAccuracy: 0.5}, {TestAccuracy: 0.7}}}}
	if err := res.Write(dir); err != nil {
		t.Fatal(err)
	}
	before, _ := os.ReadDir(dir)
	out := captureStdout(t, func() {
		if err := runSearch([]string{"--resume", dir}); err != nil {
			t.Errorf("--resume of a finished search: %v", err)
		}
	})
	if !strings.Contains(out, "finished") || !strings.Contains(out, "verdict: best cell 90.00% test accuracy") {
		t.Errorf("output %q", out)
	}
	if after, _ := os.ReadDir(dir); len(after) != len(before) {
		t.Errorf("the finished search's directory changed: %d entries, then %d", len(before), len(after))
	}
}

// captureStdout runs f with os.Stdout sent to a pipe and returns what f wrote there.
func captureStdout(t *testing.T, f func()) string {
	t.Helper()
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	saved := os.Stdout
	os.Stdout = w
	done := make(chan string)
	go func() {
		b, _ := io.ReadAll(r)
		done <- string(b)
	}()
	defer func() { os.Stdout = saved }()
	f()
	w.Close()
	os.Stdout = saved
	return <-done
}
