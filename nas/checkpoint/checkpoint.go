// Package checkpoint saves and restores the state of a long search atomically, so
// that a crash, a SIGKILL or a full disk never leaves a half-written checkpoint in
// place of the last good one.
//
// Layout of a checkpoint directory:
//
//	dir/
//	  LATEST                 name of the newest complete checkpoint ("step-00000042")
//	  step-00000042/
//	    MANIFEST             one line per file: sha256, size, name
//	    <files written by the caller: model variables, controller state, history...>
//
// Save has the caller write the files of a new checkpoint into a fresh temporary
// directory, adds the MANIFEST, syncs everything to disk, renames the directory to
// its final name and only then replaces LATEST (itself written to a temporary file
// and renamed). Load checks every file against the MANIFEST; a checkpoint that fails
// is reported with the file and what is wrong, and nothing is deleted or
// overwritten. Older checkpoints beyond Keep are pruned after a successful Save.
package checkpoint

import (
	"bufio"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"github.com/pkg/errors"
)

const (
	manifestName = "MANIFEST"
	latestName   = "LATEST"
	prefix       = "step-"
)

// Dir manages the checkpoints of one search in a directory.
type Dir struct {
	Path string // the directory holding LATEST and the step-* checkpoints
	Keep int    // how many complete checkpoints to keep (at least 1; 0 means 2)
}

// Save writes checkpoint number step: write is called with an empty temporary
// directory and must put the checkpoint's files in it (no sub-directories named
// MANIFEST). It returns the final directory of the checkpoint.
func (d Dir) Save(step int, write func(tmpDir string) error) (string, error) {
	if step < 0 {
		return "", errors.Errorf("checkpoint: negative step %d", step)
	}
	if err := os.MkdirAll(d.Path, 0o755); err != nil {
		return "", errors.Wrap(err, "checkpoint")
	}
	d.removeTemporaries()
	tmp, err := os.MkdirTemp(d.Path, ".tmp-"+prefix)
	if err != nil {
		return "", errors.Wrap(err, "checkpoint")
	}
	cleanup := func() { _ = os.RemoveAll(tmp) }
	if err := write(tmp); err != nil {
		cleanup()
		return "", errors.WithMessagef(err, "checkpoint step %d: writing its files", step)
	}
	if err := writeManifest(tmp); err != nil {
		cleanup()
		return "", err
	}
	final := filepath.Join(d.Path, stepName(step))
	if _, err := os.Stat(final); err == nil {
		// Re-saving a step (e.g. after a resume): move the old one aside first, so
		// LATEST never names a missing directory for long.
		if err := os.RemoveAll(final); err != nil {
			cleanup()
			return "", errors.Wrap(err, "checkpoint")
		}
	}
	if err := os.Rename(tmp, final); err != nil {
		cleanup()
		return "", errors.Wrap(err, "checkpoint")
	}
	syncDir(d.Path)
	if err := WriteFileAtomic(filepath.Join(d.Path, latestName), []byte(stepName(step)+"\n")); err != nil {
		return "", err
	}
	d.prune()
	return final, nil
}

// Latest returns the step and directory of the newest checkpoint after verifying
// it. ok is false (with a nil error) when the directory holds no checkpoint yet.
func (d Dir) Latest() (step int, path string, ok bool, err error) {
	blob, err := os.ReadFile(filepath.Join(d.Path, latestName))
	if os.IsNotExist(err) {
		return 0, "", false, nil
	}
	if err != nil {
		return 0, "", false, errors.Wrap(err, "checkpoint")
	}
	name := strings.TrimSpace(string(blob))
	step, err = parseStep(name)
	if err != nil {
		return 0, "", false, errors.Errorf("checkpoint %s: LATEST names %q, not a checkpoint", d.Path, name)
	}
	path = filepath.Join(d.Path, name)
	if err := Verify(path); err != nil {
		return 0, "", false, errors.WithMessage(err, d.fallbackHint(step))
	}
	return step, path, true, nil
}

// fallbackHint says how to resume from the newest intact checkpoint older than
// step, when there is one (nothing is changed: which checkpoint to trust is the
// user's call).
func (d Dir) fallbackHint(step int) string {
	steps := d.Steps()
	for i := len(steps) - 1; i >= 0; i-- {
		if steps[i] >= step || Verify(filepath.Join(d.Path, stepName(steps[i]))) != nil {
			continue
		}
		older := stepName(steps[i])
		return fmt.Sprintf("the newest checkpoint is unusable; %s is intact: to go on from it, move %s aside and run: echo %s > %s",
			older, filepath.Join(d.Path, stepName(step)), older, filepath.Join(d.Path, latestName))
	}
	return "the newest checkpoint is unusable and no older one is intact"
}

// Steps lists the steps of the complete checkpoints present, oldest first.
func (d Dir) Steps() []int {
	entries, _ := os.ReadDir(d.Path)
	var steps []int
	for _, e := range entries {
		if s, err := parseStep(e.Name()); err == nil && e.IsDir() {
			steps = append(steps, s)
		}
	}
	sort.Ints(steps)
	return steps
}

// Verify checks every file of the checkpoint at path against its MANIFEST.
func Verify(path string) error {
	f, err := os.Open(filepath.Join(path, manifestName))
	if err != nil {
		return errors.Errorf("checkpoint %s: no readable MANIFEST (%v): incomplete or not a checkpoint", path, err)
	}
	defer f.Close()
	listed := map[string]bool{}
	sc := bufio.NewScanner(f)
	for line := 1; sc.Scan(); line++ {
		fields := strings.Fields(sc.Text())
		if len(fields) != 3 {
			return errors.Errorf("checkpoint %s: MANIFEST line %d malformed: %q", path, line, sc.Text())
		}
		sum, size, name := fields[0], fields[1], fields[2]
		listed[name] = true
		gotSum, gotSize, err := hashFile(filepath.Join(path, name))
		if err != nil {
			return errors.Errorf("checkpoint %s: file %s listed in MANIFEST: %v", path, name, err)
		}
		if strconv.FormatInt(gotSize, 10) != size {
			return errors.Errorf("checkpoint %s: file %s has %d bytes, MANIFEST says %s: truncated or modified", path, name, gotSize, size)
		}
		if gotSum != sum {
			return errors.Errorf("checkpoint %s: file %s fails its checksum (sha256 %s, MANIFEST %s): corrupt", path, name, gotSum[:12], sum[:min(12, len(sum))])
		}
	}
	if err := sc.Err(); err != nil {
		return errors.Wrapf(err, "checkpoint %s: reading MANIFEST", path)
	}
	files, err := listFiles(path)
	if err != nil {
		return err
	}
	for _, name := range files {
		if name != manifestName && !listed[name] {
			return errors.Errorf("checkpoint %s: file %s is not in the MANIFEST", path, name)
		}
	}
	return nil
}

func stepName(step int) string { return fmt.Sprintf("%s%08d", prefix, step) }

func parseStep(name string) (int, error) {
	if !strings.HasPrefix(name, prefix) {
		return 0, errors.New("not a checkpoint name")
	}
	return strconv.Atoi(strings.TrimPrefix(name, prefix))
}

// removeTemporaries removes the temporary directories (.tmp-step-*) that a Save cut
// short by a crash left behind. Only one process writes a search's directory (its
// command holds the directory's lock, package nas/dirlock), so none is in use.
func (d Dir) removeTemporaries() {
	stale, _ := filepath.Glob(filepath.Join(d.Path, ".tmp-"+prefix+"*"))
	for _, p := range stale {
		_ = os.RemoveAll(p)
	}
}

// prune removes the oldest complete checkpoints beyond Keep, never the one LATEST names.
func (d Dir) prune() {
	keep := d.Keep
	if keep <= 0 {
		keep = 2
	}
	steps := d.Steps()
	for len(steps) > keep {
		_ = os.RemoveAll(filepath.Join(d.Path, stepName(steps[0])))
		steps = steps[1:]
	}
}

// listFiles returns the relative paths of the regular files under root.
func listFiles(root string) ([]string, error) {
	var files []string
	err := filepath.WalkDir(root, func(p string, e os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if e.Type().IsRegular() {
			rel, _ := filepath.Rel(root, p)
			files = append(files, filepath.ToSlash(rel))
		}
		return nil
	})
	sort.Strings(files)
	return files, errors.Wrapf(err, "checkpoint %s", root)
}

func hashFile(path string) (string, int64, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", 0, err
	}
	defer f.Close()
	h := sha256.New()
	n, err := io.Copy(h, f)
	return hex.EncodeToString(h.Sum(nil)), n, err
}

// writeManifest hashes and syncs every file of dir, then writes and syncs MANIFEST.
func writeManifest(dir string) error {
	files, err := listFiles(dir)
	if err != nil {
		return err
	}
	var b strings.Builder
	for _, name := range files {
		if name == manifestName {
			return errors.Errorf("checkpoint: the caller wrote a file named %s", manifestName)
		}
		if strings.ContainsAny(name, " \t\n") {
			return errors.Errorf("checkpoint: file name %q has white space", name)
		}
		p := filepath.Join(dir, name)
		if err := syncFile(p); err != nil {
			return err
		}
		sum, size, err := hashFile(p)
		if err != nil {
			return errors.Wrap(err, "checkpoint")
		}
		fmt.Fprintf(&b, "%s %d %s\n", sum, size, name)
	}
	mp := filepath.Join(dir, manifestName)
	if err := os.WriteFile(mp, []byte(b.String()), 0o644); err != nil {
		return errors.Wrap(err, "checkpoint")
	}
	if err := syncFile(mp); err != nil {
		return err
	}
	syncDir(dir)
	return nil
}

func syncFile(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return errors.Wrap(err, "checkpoint")
	}
	defer f.Close()
	return errors.Wrap(f.Sync(), "checkpoint")
}

func syncDir(path string) {
	if f, err := os.Open(path); err == nil {
		_ = f.Sync()
		_ = f.Close()
	}
}

// WriteFileAtomic writes a file under a temporary name, syncs it and renames it
// over path, so a reader never sees a half-written file.
func WriteFileAtomic(path string, content []byte) error {
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, content, 0o644); err != nil {
		return errors.Wrap(err, "checkpoint")
	}
	if err := syncFile(tmp); err != nil {
		return err
	}
	if err := os.Rename(tmp, path); err != nil {
		return errors.Wrap(err, "checkpoint")
	}
	syncDir(filepath.Dir(path))
	return nil
}
