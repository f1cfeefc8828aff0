package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"

	"github.com/pkg/errors"
)

// Output directories of searches, shared by every `gonas search` space: a new
// search refuses a directory that already holds a run unless --force is given,
// and --resume of a finished run says so and does nothing.

// runFiles are the entries a search writes into its output directory: a
// directory holding one of them holds a run, and --force removes exactly these.
var runFiles = []string{"checkpoints", "config.json", "trials.jsonl", "result.json", "history.jsonl", "report.html"}

// holdsRun reports whether dir holds the files of a search.
func holdsRun(dir string) bool {
	for _, name := range runFiles {
		if _, err := os.Lstat(filepath.Join(dir, name)); err == nil {
			return true
		}
	}
	return false
}

// startOutDir prepares dir for a new search. A directory that holds a run is
// refused with a message naming --resume and --force; with force, the run's
// files (runFiles, nothing else) are removed first.
func startOutDir(dir string, force bool) error {
	if dir == "" {
		return errors.New("no output directory (--out)")
	}
	if !holdsRun(dir) {
		return nil
	}
	if !force {
		return errors.Errorf("%s already holds a search: continue it with --resume %s, or start over with --force (which deletes its results)", dir, dir)
	}
	for _, name := range runFiles {
		if err := os.RemoveAll(filepath.Join(dir, name)); err != nil {
			return errors.Wrapf(err, "--force: clearing %s", dir)
		}
	}
	return nil
}

// resumeDir checks the flags of a resume: --resume DIR continues in DIR, so --out
// (if given) must name the same directory, and --force cannot go with it.
func resumeDir(resume, out string, force bool) (string, error) {
	if force {
		return "", errors.New("--force starts over and --resume continues: give one of them")
	}
	if out != "" && filepath.Clean(out) != filepath.Clean(resume) {
		return "", errors.New("--resume DIR continues in DIR; leave --out out")
	}
	if !holdsRun(resume) {
		return "", errors.Errorf("%s holds no search to resume; start one with --out %s", resume, resume)
	}
	return resume, nil
}

// printFinished tells, for --resume of a finished search, that there is nothing
// to do, and prints the run's verdict and where its results are.
func printFinished(w io.Writer, dir, verdict string) {
	fmt.Fprintf(w, "%s holds a finished search; nothing to do (start it over with --out %s --force)\n", dir, dir)
	printOutputs(w, dir, verdict)
}

// printOutputs prints where a search's results are, then its verdict: the last
// line of every search.
func printOutputs(w io.Writer, dir, verdict string) {
	fmt.Fprintf(w, "result=%s report=%s history=%s\n", filepath.Join(dir, "result.json"),
		filepath.Join(dir, "report.html"), filepath.Join(dir, "history.jsonl"))
	if verdict != "" {
		fmt.Fprintln(w, verdict)
	}
}

// hideFlags makes fs's usage list every flag but the hidden ones (aliases kept
// for old command lines).
func hideFlags(fs *flag.FlagSet, hidden ...string) {
	fs.Usage = func() {
		w := fs.Output()
		fmt.Fprintf(w, "Usage of %s:\n", fs.Name())
		shown := flag.NewFlagSet(fs.Name(), flag.ContinueOnError)
		shown.SetOutput(w)
		fs.VisitAll(func(f *flag.Flag) {
			if !slices.Contains(hidden, f.Name) {
				shown.Var(f.Value, f.Name, f.Usage)
				shown.Lookup(f.Name).DefValue = f.DefValue
			}
		})
		shown.PrintDefaults()
	}
}
