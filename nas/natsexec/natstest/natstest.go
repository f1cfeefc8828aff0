// Package natstest runs `gonas worker` processes against a NATS server, for the tests
// and benchmarks that exercise package natsexec across real processes: build the
// binary once (BuildGonas), start workers (StartWorker), read their log lines
// (Started, Finished), kill or stop them.
package natstest

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/pkg/errors"
)

// BuildGonas builds the gonas command into dir and returns the binary's path. The
// build inherits the environment, GOFLAGS included (e.g. GOFLAGS=-tags=noxla builds
// the workers without XLA, as the test binary was).
func BuildGonas(ctx context.Context, dir string) (string, error) {
	bin := filepath.Join(dir, "gonas")
	cmd := exec.CommandContext(ctx, "go", "build", "-o", bin, "github.com/gonas/gonas/cmd/gonas")
	if out, err := cmd.CombinedOutput(); err != nil {
		return "", errors.Wrapf(err, "go build ./cmd/gonas:\n%s", out)
	}
	return bin, nil
}

// Log is a log written and read concurrently: a worker's output, or a natsexec.Worker's Log.
type Log struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

// Write implements io.Writer.
func (l *Log) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.Write(p)
}

// String is everything written so far.
func (l *Log) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.String()
}

// Count is how many lines of the log contain every one of parts.
func (l *Log) Count(parts ...string) int {
	n := 0
lines:
	for _, line := range strings.Split(l.String(), "\n") {
		for _, p := range parts {
			if !strings.Contains(line, p) {
				continue lines
			}
		}
		n++
	}
	return n
}

// Worker is one running `gonas worker` process and what it has written so far.
type Worker struct {
	Name string
	Log  // stdout and stderr together
	cmd  *exec.Cmd
	done chan struct{} // closed when the process has exited
	err  error         // its exit status, once done
}

// StartWorker starts `bin worker --nats url --name name --ack-wait ackWait`.
func StartWorker(bin, url, name string, ackWait time.Duration) (*Worker, error) {
	w := &Worker{Name: name, done: make(chan struct{})}
	w.cmd = exec.Command(bin, "worker", "--nats", url, "--name", name, "--ack-wait", ackWait.String())
	w.cmd.Stdout, w.cmd.Stderr = &w.Log, &w.Log
	w.cmd.Env = os.Environ()
	if err := w.cmd.Start(); err != nil {
		return nil, errors.Wrapf(err, "start worker %s", name)
	}
	go func() {
		w.err = w.cmd.Wait()
		close(w.done)
	}()
	return w, nil
}

// startRE matches a worker's "trial started" line.
var startRE = regexp.MustCompile(`(?m)^trial=(\S+) worker=(\S+) status=start`)

// Started returns the IDs of the trials the worker has started, in order.
func (w *Worker) Started() []string {
	var ids []string
	for _, m := range startRE.FindAllStringSubmatch(w.String(), -1) {
		ids = append(ids, m[1])
	}
	return ids
}

// Finished tells whether the worker has logged the end (done, failed or skipped) of trial id.
func (w *Worker) Finished(id string) bool {
	re := regexp.MustCompile(`(?m)^trial=` + regexp.QuoteMeta(id) + ` worker=\S+ status=(done|failed|skip)`)
	return re.MatchString(w.String())
}

// Kill sends SIGKILL (no clean-up of any kind, as a crash or an OOM kill) and waits
// for the process to go.
func (w *Worker) Kill() error {
	if err := w.cmd.Process.Signal(syscall.SIGKILL); err != nil && !errors.Is(err, os.ErrProcessDone) {
		return errors.Wrapf(err, "kill worker %s", w.Name)
	}
	<-w.done
	return nil
}

// Stop sends SIGTERM and waits up to timeout for a clean exit, then kills. The error
// is the exit status when it was not a clean one.
func (w *Worker) Stop(timeout time.Duration) error {
	_ = w.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-w.done:
		if w.err != nil {
			return errors.Wrapf(w.err, "worker %s exited; it wrote:\n%s", w.Name, w.String())
		}
		return nil
	case <-time.After(timeout):
		_ = w.Kill()
		return fmt.Errorf("worker %s did not stop within %v of SIGTERM", w.Name, timeout)
	}
}
