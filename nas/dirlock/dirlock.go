// Package dirlock makes one process the only writer of a directory: a search, a
// resumed search and a NATS server each hold an exclusive lock on their directory for
// as long as they run, and a second one is refused with a message naming the holder.
//
// The lock is flock(2) on DIR/.lock, which holds the holder's PID for the message.
// The kernel releases a flock when its process ends, however it ends, so a crash
// never leaves a stale lock behind: the .lock file of a dead holder is simply taken
// again. (flock is advisory and per open file; it does not work across NFS on every
// system.)
package dirlock

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/pkg/errors"
)

// FileName is the lock file inside a locked directory.
const FileName = ".lock"

// Lock is a held lock on a directory; Release gives it up.
type Lock struct {
	dir string
	f   *os.File
}

// HeldError is the error of Acquire when another process holds the lock.
type HeldError struct {
	Dir string
	PID int // the holder's PID as its lock file says (0: unknown)
}

// Error implements error.
func (e *HeldError) Error() string {
	who := "another process"
	if e.PID > 0 {
		who = fmt.Sprintf("process %d", e.PID)
	}
	return fmt.Sprintf("%s is in use by %s (lock %s): wait for it to end, stop it, or use another directory",
		e.Dir, who, filepath.Join(e.Dir, FileName))
}

// Acquire creates dir if needed and takes its lock without waiting; what is a
// description of the holder for its lock file ("gonas search"). When another process
// holds it, the error is a *HeldError naming that process's PID.
func Acquire(dir, what string) (*Lock, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, errors.Wrapf(err, "cannot create the directory %s", dir)
	}
	path := filepath.Join(dir, FileName)
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return nil, errors.Wrapf(err, "cannot write in %s (its lock file %s)", dir, FileName)
	}
	held, err := tryLock(f)
	if err != nil {
		f.Close()
		return nil, errors.Wrapf(err, "dirlock: locking %s", path)
	}
	if held {
		pid := readPID(path)
		f.Close()
		return nil, &HeldError{Dir: dir, PID: pid}
	}
	// Ours now: say who holds it. A reader may see the file empty for a moment.
	if err := f.Truncate(0); err == nil {
		_, err = f.WriteAt([]byte(fmt.Sprintf("%d %s\n", os.Getpid(), what)), 0)
	}
	if err != nil {
		unlock(f)
		f.Close()
		return nil, errors.Wrapf(err, "dirlock: writing %s", path)
	}
	return &Lock{dir: dir, f: f}, nil
}

// Dir is the locked directory.
func (l *Lock) Dir() string { return l.dir }

// Release gives the lock up; the lock file stays (an empty one means "free").
// Releasing twice is harmless.
func (l *Lock) Release() error {
	if l == nil || l.f == nil {
		return nil
	}
	_ = l.f.Truncate(0)
	err := unlock(l.f)
	if cerr := l.f.Close(); err == nil {
		err = cerr
	}
	l.f = nil
	return errors.Wrap(err, "dirlock: release")
}

// HolderPID reads the PID in dir's lock file: the holder's while it is held, 0 when
// none is written.
func HolderPID(dir string) int { return readPID(filepath.Join(dir, FileName)) }

// readPID is the PID at the start of a lock file, 0 when there is none.
func readPID(path string) int {
	blob, err := os.ReadFile(path)
	if err != nil {
		return 0
	}
	field, _, _ := strings.Cut(strings.TrimSpace(string(blob)), " ")
	pid, err := strconv.Atoi(field)
	if err != nil || pid < 0 {
		return 0
	}
	return pid
}
