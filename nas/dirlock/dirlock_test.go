package dirlock

import (
	"bufio"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// childEnv makes the test binary a lock holder: it locks the directory the variable
// names, prints "locked", and waits for its standard input to close.
const childEnv = "GONAS_DIRLOCK_TEST_CHILD"

func TestMain(m *testing.M) {
	if dir := os.Getenv(childEnv); dir != "" {
		l, err := Acquire(dir, "dirlock test child")
		if err != nil {
			fmt.Println("error:", err)
			os.Exit(2)
		}
		fmt.Println("locked")
		_, _ = bufio.NewReader(os.Stdin).ReadString('\n')
		_ = l.Release()
		os.Exit(0)
	}
	os.Exit(m.Run())
}

func TestSecondAcquireIsRefusedWithThePID(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "run")
	l, err := Acquire(dir, "test")
	if err != nil {
		t.Fatal(err)
	}
	if got := HolderPID(dir); got != os.Getpid() {
		t.Errorf("HolderPID = %d, want %d", got, os.Getpid())
	}
	_, err = Acquire(dir, "second")
	var held *HeldError
	if !errors.As(err, &held) || held.PID != os.Getpid() {
		t.Fatalf("second Acquire: %v, want a HeldError naming PID %d", err, os.Getpid())
	}
	if !strings.Contains(err.Error(), fmt.Sprint(os.Getpid())) {
		t.Errorf("message %q does not name the PID", err)
	}
	if err := l.Release(); err != nil {
		t.Fatal(err)
	}
	if err := l.Release(); err != nil {
		t.Errorf("second Release: %v", err)
	}
	l2, err := Acquire(dir, "after release")
	if err != nil {
		t.Fatalf("Acquire after Release: %v", err)
	}
	l2.Release()
}

// TestLockHeldByAnotherProcess takes the lock in a child process: the parent is
// refused with the child's PID, and once the child is killed (no Release) the lock
// is free again.
func TestLockHeldByAnotherProcess(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "run")
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), childEnv+"="+dir)
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	defer stdin.Close()
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	line, err := bufio.NewReader(stdout).ReadString('\n')
	if err != nil || strings.TrimSpace(line) != "locked" {
		_ = cmd.Process.Kill()
		t.Fatalf("child said %q (%v), want \"locked\"", line, err)
	}
	_, err = Acquire(dir, "parent")
	var held *HeldError
	if !errors.As(err, &held) || held.PID != cmd.Process.Pid {
		_ = cmd.Process.Kill()
		t.Fatalf("Acquire beside the child: %v, want a HeldError naming PID %d", err, cmd.Process.Pid)
	}
	// A crash: the child dies holding the lock; the kernel drops its flock.
	if err := cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	_ = cmd.Wait()
	l, err := Acquire(dir, "parent after the crash")
	if err != nil {
		t.Fatalf("Acquire after the holder was killed: %v (a stale lock)", err)
	}
	if got := HolderPID(dir); got != os.Getpid() {
		t.Errorf("HolderPID = %d after taking over, want %d", got, os.Getpid())
	}
	l.Release()
}

func TestAcquireReportsAnUnusableDirectory(t *testing.T) {
	file := filepath.Join(t.TempDir(), "file")
	if err := os.WriteFile(file, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	for _, dir := range []string{file, filepath.Join(file, "sub")} {
		if _, err := Acquire(dir, "test"); err == nil || !strings.Contains(err.Error(), "cannot create the directory "+dir) {
			t.Errorf("Acquire(%s) under a regular file: %v", dir, err)
		}
	}
}

// An unwritable output directory is found when the lock is taken, before any work.
func TestAcquireReportsAnUnwritableDirectory(t *testing.T) {
	if os.Geteuid() == 0 {
		t.Skip("root writes anywhere")
	}
	dir := filepath.Join(t.TempDir(), "ro")
	if err := os.Mkdir(dir, 0o555); err != nil {
		t.Fatal(err)
	}
	_, err := Acquire(dir, "test")
	if err == nil || !strings.Contains(err.Error(), "cannot write in "+dir) {
		t.Fatalf("Acquire on a read-only directory: %v", err)
	}
}
