package main

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestStartOutDirRefusesARunUnlessForced(t *testing.T) {
	dir := t.TempDir()
	if err := startOutDir(filepath.Join(dir, "new"), false); err != nil {
		t.Fatalf("a new directory: %v", err)
	}
	mine := filepath.Join(dir, "notes.txt")
	if err := os.WriteFile(mine, []byte("keep"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := startOutDir(dir, false); err != nil {
		t.Fatalf("a directory without a run: %v", err)
	}
	for _, name := range []string{"result.json", "checkpoints/LATEST"} {
		p := filepath.Join(dir, name)
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, []byte("{}"), 0o444); err != nil {
			t.Fatal(err)
		}
	}
	err := startOutDir(dir, false)
	if err == nil || !strings.Contains(err.Error(), "--resume "+dir) || !strings.Contains(err.Error(), "--force") {
		t.Fatalf("a directory holding a run: got %v, want a refusal naming --resume and --force", err)
	}
	if err := startOutDir(dir, true); err != nil {
		t.Fatal(err)
	}
	if holdsRun(dir) {
		t.Error("--force left the run's files")
	}
	if blob, err := os.ReadFile(mine); err != nil || string(blob) != "keep" {
		t.Errorf("--force removed a file that is not the run's: %v", err)
	}
}

func TestResumeDirChecksItsFlags(t *testing.T) {
	dir := t.TempDir()
	if _, err := resumeDir(dir, "", false); err == nil || !strings.Contains(err.Error(), "holds no search") {
		t.Errorf("an empty directory: %v", err)
	}
	os.WriteFile(filepath.Join(dir, "history.jsonl"), nil, 0o644)
	if got, err := resumeDir(dir, dir+"/", false); err != nil || got != dir {
		t.Errorf("--out naming the same directory: %q, %v", got, err)
	}
	if _, err := resumeDir(dir, "elsewhere", false); err == nil || !strings.Contains(err.Error(), "leave --out out") {
		t.Errorf("--out elsewhere: %v", err)
	}
	if _, err := resumeDir(dir, "", true); err == nil || !strings.Contains(err.Error(), "--force") {
		t.Errorf("--force with --resume: %v", err)
	}
}

func TestPrintFinishedEndsWithTheVerdict(t *testing.T) {
	var b bytes.Buffer
	printFinished(&b, "runs/x", "verdict: derived cell 1.00% test accuracy")
	lines := strings.Split(strings.TrimSpace(b.String()), "\n")
	if len(lines) != 3 || !strings.Contains(lines[0], "finished") || !strings.HasPrefix(lines[1], "result=runs/x/result.json") ||
		lines[2] != "verdict: derived cell 1.00% test accuracy" {
		t.Errorf("got %q", b.String())
	}
}

func TestHiddenFlagsWork(t *testing.T) {
	fs := flag.NewFlagSet("x", flag.ContinueOnError)
	var out bytes.Buffer
	fs.SetOutput(&out)
	fs.String("data-dir", "", "where")
	old := fs.String("data-path", "", "old name")
	fs.Int("control", 0, "K (default: the preset's)")
	hideFlags(fs, "data-path")
	if err := fs.Parse([]string{"--data-path", "p", "-h"}); err != flag.ErrHelp || *old != "p" {
		t.Fatalf("parse: %v, %q", err, *old)
	}
	if u := out.String(); strings.Contains(u, "data-path") || !strings.Contains(u, "-data-dir") || strings.Count(u, "default") != 1 {
		t.Errorf("usage shows the hidden flag or two defaults:\n%s", u)
	}
}

// TestSearchUsageShowsOneDefaultPerFlag: no flag of the searches or of retrain
// has both a "(default: ...)" text and Go's own "(default X)".
func TestSearchUsageShowsOneDefaultPerFlag(t *testing.T) {
	for _, c := range [][]string{{"search", "-h"}, {"search", "--space", "nasnet", "-h"}, {"retrain", "-h"}} {
		out := captureStderr(t, func() { commands[c[0]].run(c[1:]) })
		for _, line := range strings.Split(out, "\n") {
			if strings.Contains(line, "(default:") && strings.Contains(line, "(default ") {
				t.Errorf("gonas %v: two defaults in %q", c, line)
			}
		}
		for _, f := range []string{"-data ", "-data-dir", "-seed", "-out", "-resume", "-force", "-preset ", "-presets"} {
			if c[0] == "search" && !strings.Contains(out, f) {
				t.Errorf("gonas %v lacks %s:\n%s", c, f, out)
			}
		}
	}
}
