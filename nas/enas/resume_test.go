package enas

import (
	"bytes"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// The crash test: a search run as a subprocess is killed with SIGKILL at a random
// moment after its first checkpoint, then resumed. The resumed process must start
// from the last checkpoint with shared weights and controller verified bit for bit
// against it, and end exactly where a run of the same seed that was never killed
// ends: same checkpoint bytes, same controller, same derived architecture. Then a
// corrupt checkpoint, a mismatched resume and a new search over an old one must be
// refused without writing anything.
func TestKillAndResume(t *testing.T) {
	if testing.Short() {
		t.Skip("runs three searches in subprocesses (a few minutes)")
	}
	tmp := t.TempDir()
	bin := filepath.Join(tmp, "gonas")
	if out, err := exec.Command("go", "build", "-o", bin, "github.com/gonas/gonas/cmd/gonas").CombinedOutput(); err != nil {
		t.Fatalf("building the CLI: %v\n%s", err, out)
	}
	args := func(out string) []string {
		return []string{"search", "--space", "enas-micro", "--preset", "tiny", "--epochs", "3", "--no-retrain", "--out", out}
	}
	run := func(args ...string) (string, error) {
		cmd := exec.Command(bin, args...)
		var buf bytes.Buffer
		cmd.Stdout, cmd.Stderr = &buf, &buf
		err := cmd.Run()
		return buf.String(), err
	}

	// The reference: never killed.
	whole := filepath.Join(tmp, "whole")
	if out, err := run(args(whole)...); err != nil {
		t.Fatalf("uninterrupted search: %v\n%s", err, out)
	}

	// Killed at a random moment after its first checkpoint.
	killed := filepath.Join(tmp, "killed")
	first := stopAfterFirstCheckpoint(t, bin, args(killed), os.Kill)
	at := readLatest(t, killed)
	t.Logf("killed with LATEST = %s", at)
	// The checkpoint the kill left is the one the uninterrupted run wrote at that point.
	if ref := filepath.Join(whole, checkpointsDir, at, storeDataName); fileExists(ref) {
		sameFile(t, ref, filepath.Join(killed, checkpointsDir, at, storeDataName))
	}
	if strings.Contains(first, "result=") {
		t.Fatalf("the search finished before it was killed:\n%s", first)
	}

	out, err := run("search", "--resume", killed)
	if err != nil {
		t.Fatalf("resume: %v\n%s", err, out)
	}
	if !strings.Contains(out, "resumed from "+filepath.Join(killed, checkpointsDir, at)) || !strings.Contains(out, "verified") {
		t.Fatalf("the resume did not start from %s with verified weights and controller:\n%s", at, out)
	}

	// Same end as the uninterrupted run.
	endA, endB := readLatest(t, whole), readLatest(t, killed)
	if endA != endB {
		t.Fatalf("final checkpoints %s and %s", endA, endB)
	}
	sameFile(t, filepath.Join(whole, checkpointsDir, endA, storeDataName), filepath.Join(killed, checkpointsDir, endB, storeDataName))
	var stA, stB searchState
	if err := readJSON(filepath.Join(whole, checkpointsDir, endA, stateName), &stA); err != nil {
		t.Fatal(err)
	}
	if err := readJSON(filepath.Join(killed, checkpointsDir, endB, stateName), &stB); err != nil {
		t.Fatal(err)
	}
	if !equalProbes(stA.Probe, stB.Probe) || len(stA.Controller) != len(stB.Controller) || stA.StoreHash != stB.StoreHash {
		t.Fatal("the controllers or shared weights of the two runs differ")
	}
	for i := range stA.History.Updates {
		if stA.History.Updates[i] != stB.History.Updates[i] {
			t.Fatalf("controller update %d differs: %+v vs %+v", i, stA.History.Updates[i], stB.History.Updates[i])
		}
	}
	var resA, resB Result
	if err := readJSON(filepath.Join(whole, "result.json"), &resA); err != nil {
		t.Fatal(err)
	}
	if err := readJSON(filepath.Join(killed, "result.json"), &resB); err != nil {
		t.Fatal(err)
	}
	if resA.Derived == nil || resB.Derived == nil || resA.Derived.Arch.String() != resB.Derived.Arch.String() || resA.Derived.Reward != resB.Derived.Reward {
		t.Fatalf("derived %+v vs %+v", resA.Derived, resB.Derived)
	}

	// SIGINT checkpoints where the search stands (mid-epoch) and exits; the resumed
	// search ends like the others.
	stopped := filepath.Join(tmp, "interrupted")
	first = stopAfterFirstCheckpoint(t, bin, args(stopped), syscall.SIGINT)
	if !strings.Contains(first, "interrupted at epoch") || !strings.Contains(first, "--resume "+stopped) {
		t.Fatalf("SIGINT did not checkpoint and exit:\n%s", first)
	}
	if out, err := run("search", "--resume", stopped); err != nil || !strings.Contains(out, "verified") {
		t.Fatalf("resume after SIGINT: %v\n%s", err, out)
	}
	endC := readLatest(t, stopped)
	sameFile(t, filepath.Join(whole, checkpointsDir, endA, storeDataName), filepath.Join(stopped, checkpointsDir, endC, storeDataName))
	var resC Result
	if err := readJSON(filepath.Join(stopped, "result.json"), &resC); err != nil || resC.Derived == nil || resA.Derived == nil || resC.Derived.Arch.String() != resA.Derived.Arch.String() {
		t.Fatalf("after SIGINT and resume the derived architecture is %+v, not %+v (%v)", resC.Derived, resA.Derived, err)
	}

	// A resume of a finished search does nothing; once its result is gone, a
	// corrupt checkpoint is refused, and left as it is.
	if out, err := run("search", "--resume", killed); err != nil || !strings.Contains(out, "holds a finished search; nothing to do") {
		t.Fatalf("resume of a finished search: %v\n%s", err, out)
	}
	if err := os.Remove(filepath.Join(killed, "result.json")); err != nil {
		t.Fatal(err)
	}
	corrupt := filepath.Join(killed, checkpointsDir, endB, storeDataName)
	blob, _ := os.ReadFile(corrupt)
	blob[len(blob)/2] ^= 1
	if err := os.WriteFile(corrupt, blob, 0o644); err != nil {
		t.Fatal(err)
	}
	before := listDir(t, filepath.Join(killed, checkpointsDir))
	out, err = run("search", "--resume", killed)
	if err == nil || !strings.Contains(out, "checksum") {
		t.Fatalf("a corrupt checkpoint was not refused: %v\n%s", err, out)
	}
	if after := listDir(t, filepath.Join(killed, checkpointsDir)); after != before {
		t.Fatalf("refusing a corrupt checkpoint changed the directory:\n%s\n%s", before, after)
	}

	// A checkpoint of another search is refused; so is a new search over it.
	out, err = run("search", "--resume", whole, "--preset", "short")
	if err == nil || !strings.Contains(out, `holds a search of enas-micro (preset "tiny"`) {
		t.Fatalf("a mismatched resume was not refused: %v\n%s", err, out)
	}
	out, err = run(args(whole)...)
	if err == nil || !strings.Contains(out, "already holds a search") {
		t.Fatalf("a new search over an old one was not refused: %v\n%s", err, out)
	}
}

// stopAfterFirstCheckpoint runs the search, waits for its first checkpoint, then
// sends sig after a random delay (under 8 s) and returns the output. A search that
// ends before the signal (a fast machine) is started again, from an empty output
// directory, with delays under half the bound, up to three times.
func stopAfterFirstCheckpoint(t *testing.T, bin string, args []string, sig os.Signal) string {
	t.Helper()
	dir := args[len(args)-1]
	maxDelay := 8 * time.Second
	for attempt := 1; ; attempt++ {
		out, finished := signalAfterFirstCheckpoint(t, bin, args, sig, maxDelay)
		if !finished {
			return out
		}
		if attempt == 4 {
			t.Fatalf("the search ended before the signal %d times:\n%s", attempt, out)
		}
		maxDelay /= 2
		t.Logf("the search ended before the signal; again with a delay under %v", maxDelay)
		if err := os.RemoveAll(dir); err != nil {
			t.Fatal(err)
		}
	}
}

// signalAfterFirstCheckpoint is one try of stopAfterFirstCheckpoint; finished
// reports that the search ended before the signal could be sent.
func signalAfterFirstCheckpoint(t *testing.T, bin string, args []string, sig os.Signal, maxDelay time.Duration) (out string, finished bool) {
	t.Helper()
	cmd := exec.Command(bin, args...)
	var buf bytes.Buffer
	cmd.Stdout, cmd.Stderr = &buf, &buf
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	latest := filepath.Join(args[len(args)-1], checkpointsDir, "LATEST")
	for deadline := time.Now().Add(5 * time.Minute); ; time.Sleep(20 * time.Millisecond) {
		if _, err := os.Stat(latest); err == nil {
			break
		}
		select {
		case err := <-done:
			t.Fatalf("the search ended (%v) before its first checkpoint:\n%s", err, buf.String())
		default:
		}
		if time.Now().After(deadline) {
			_ = cmd.Process.Kill()
			<-done
			t.Fatalf("no checkpoint after 5 minutes:\n%s", buf.String())
		}
	}
	seed := uint64(time.Now().UnixNano())
	delay := time.Duration(rand.New(rand.NewPCG(seed, 1)).Int64N(int64(maxDelay)))
	t.Logf("sending %v %v after the first checkpoint (seed %d)", sig, delay, seed)
	select {
	case <-done:
		return buf.String(), true
	case <-time.After(delay):
	}
	if err := cmd.Process.Signal(sig); err != nil {
		<-done
		return buf.String(), true // it ended between the timer and the signal
	}
	<-done
	// A signal that came as the search was writing its result is too late as well.
	return buf.String(), strings.Contains(buf.String(), "result=")
}

func fileExists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}

func sameFile(t *testing.T, a, b string) {
	t.Helper()
	x, err := os.ReadFile(a)
	if err != nil {
		t.Fatal(err)
	}
	y, err := os.ReadFile(b)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(x, y) {
		t.Fatalf("%s and %s differ", a, b)
	}
}

func readLatest(t *testing.T, out string) string {
	t.Helper()
	name, err := os.ReadFile(filepath.Join(out, checkpointsDir, "LATEST"))
	if err != nil {
		t.Fatal(err)
	}
	return strings.TrimSpace(string(name))
}

func listDir(t *testing.T, dir string) string {
	t.Helper()
	var b strings.Builder
	err := filepath.Walk(dir, func(p string, info os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		b.WriteString(p + " " + info.ModTime().String() + "\n")
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return b.String()
}
