package multitrial

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"os"
	"path/filepath"

	"github.com/gonas/gonas/nas"
	"github.com/pkg/errors"
)

// Recorder is a nas.Executor that keeps a log of every finished trial in a JSON
// Lines file (trials.jsonl: {"trial": ..., "result": ...} per line, appended with
// one write and synced as each batch returns) and answers a trial already in the
// log from it, without running it again. A search restarted on the same log
// replays the recorded results in order and so follows the same controller
// trajectory: it continues where it stopped. A result with Retry set (the worker's
// environment failed, not the trial) is kept in the log but not replayed: the
// restarted search runs that trial again.
type Recorder struct {
	inner nas.Executor
	path  string
	f     *os.File
	done  map[string]recorded
}

// recorded is one line of the log.
type recorded struct {
	Trial  nas.Trial       `json:"trial"`
	Result nas.TrialResult `json:"result"`
}

// Record opens (or creates, with its directory) the log at path and wraps inner. A line that is not a
// recorded trial is an error naming the line; a last line without its newline (a
// write cut short by a crash) is dropped from the file, since that trial had not
// been recorded.
func Record(inner nas.Executor, path string) (*Recorder, error) {
	done, keep, err := readRecord(path)
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return nil, errors.Wrap(err, "multitrial")
	}
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return nil, errors.Wrap(err, "multitrial: opening the trial record")
	}
	if err := f.Truncate(keep); err == nil {
		_, err = f.Seek(keep, io.SeekStart)
	}
	if err != nil {
		f.Close()
		return nil, errors.Wrapf(err, "multitrial: %s", path)
	}
	return &Recorder{inner: inner, path: path, f: f, done: done}, nil
}

// readRecord reads the log at path (none is an empty log) and returns its trials
// and the length of its complete lines.
func readRecord(path string) (map[string]recorded, int64, error) {
	done := map[string]recorded{}
	blob, err := os.ReadFile(path)
	if os.IsNotExist(err) {
		return done, 0, nil
	}
	if err != nil {
		return nil, 0, errors.Wrap(err, "multitrial: reading the trial record")
	}
	var keep int64
	sc := bufio.NewScanner(bytes.NewReader(blob))
	sc.Buffer(make([]byte, 0, 64<<10), 64<<20)
	for line := 1; sc.Scan(); line++ {
		text := sc.Bytes()
		if int(keep)+len(text) == len(blob) { // no newline: a torn last write
			break
		}
		var r recorded
		dec := json.NewDecoder(bytes.NewReader(text))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&r); err != nil || r.Trial.ID == "" || r.Result.ID != r.Trial.ID {
			return nil, 0, errors.Errorf("multitrial: %s line %d is not a recorded trial (%v); "+
				"the record is corrupt: repair or remove that line, or start in another directory", path, line, err)
		}
		if !r.Result.Retry { // a failure of a worker's environment: run the trial again
			done[r.Trial.ID] = r
		}
		keep += int64(len(text)) + 1
	}
	return done, keep, errors.Wrapf(sc.Err(), "multitrial: reading %s", path)
}

// Len is the number of recorded trials.
func (r *Recorder) Len() int { return len(r.done) }

// Run implements nas.Executor: recorded trials are answered from the log, the
// others run on the wrapped executor in one batch and are appended to the log. A
// recorded trial whose architecture, recipe or seed differ from the one asked is
// an error: the log belongs to another search.
func (r *Recorder) Run(ctx context.Context, trials []nas.Trial) ([]nas.TrialResult, error) {
	results := make([]nas.TrialResult, len(trials))
	var todo []nas.Trial
	var at []int
	for i, t := range trials {
		rec, ok := r.done[t.ID]
		if !ok {
			todo, at = append(todo, t), append(at, i)
			continue
		}
		if !sameTrial(rec.Trial, t) {
			return nil, errors.Errorf("multitrial: %s records trial %s with another architecture, recipe or seed: "+
				"it belongs to another search; use another output directory", r.path, t.ID)
		}
		results[i] = rec.Result
	}
	if len(todo) == 0 {
		return results, nil
	}
	ran, err := r.inner.Run(ctx, todo)
	if err != nil {
		return nil, err
	}
	if len(ran) != len(todo) {
		return nil, errors.Errorf("multitrial: the executor returned %d results for %d trials", len(ran), len(todo))
	}
	var buf bytes.Buffer
	for k, res := range ran {
		if res.ID != todo[k].ID {
			return nil, errors.Errorf("multitrial: the executor answered trial %s with the result of %s", todo[k].ID, res.ID)
		}
		rec := recorded{Trial: todo[k], Result: res}
		blob, err := json.Marshal(rec)
		if err != nil {
			return nil, errors.Wrapf(err, "multitrial: encoding the result of %s", res.ID)
		}
		buf.Write(append(blob, '\n'))
		r.done[res.ID] = rec
		results[at[k]] = res
	}
	if _, err := r.f.Write(buf.Bytes()); err != nil {
		return nil, errors.Wrapf(err, "multitrial: appending to %s", r.path)
	}
	return results, errors.Wrapf(r.f.Sync(), "multitrial: syncing %s", r.path)
}

// sameTrial compares what decides a trial's result.
func sameTrial(a, b nas.Trial) bool {
	return a.ID == b.ID && a.Seed == b.Seed && a.Arch.String() == b.Arch.String() && bytes.Equal(compactJSON(a.Recipe), compactJSON(b.Recipe))
}

func compactJSON(raw json.RawMessage) []byte {
	var b bytes.Buffer
	if err := json.Compact(&b, raw); err != nil {
		return raw
	}
	return b.Bytes()
}

// Close closes the log and the wrapped executor.
func (r *Recorder) Close() error {
	err := r.f.Close()
	if ierr := r.inner.Close(); err == nil {
		err = ierr
	}
	return err
}
