package multitrial

import (
	"os"
	"path/filepath"
	"strings"

	"github.com/gonas/gonas/nas/data"
	"github.com/pkg/errors"
)

// DefaultDataRoots are the places a worker reads data from when its recipe names
// no path: the shared data directory and the MNIST and Fashion-MNIST directories,
// those of them that exist here.
func DefaultDataRoots() []string {
	var roots []string
	for _, find := range []func() (string, error){data.SharedDataDir, data.MNISTDir, data.FashionMNISTDir} {
		if dir, err := find(); err == nil {
			roots = append(roots, dir)
		}
	}
	return roots
}

// confine checks that path (a recipe's data_path) lies inside one of roots, after
// symbolic links are followed; an empty path, or no roots, is always accepted. The
// error names neither the roots nor what is at path: the recipe's publisher learns
// only that the path is refused.
func confine(path string, roots []string) error {
	if path == "" || len(roots) == 0 {
		return nil
	}
	refused := errors.Errorf("data_path %q is not inside this worker's data roots (gonas worker --data-root adds one)", path)
	abs, err := filepath.Abs(path)
	if err != nil {
		return refused
	}
	real, err := filepath.EvalSymlinks(abs)
	if err != nil {
		return refused // missing or unreadable: say no more than for a path outside
	}
	for _, root := range roots {
		r, err := filepath.Abs(root)
		if err != nil {
			continue
		}
		if rr, err := filepath.EvalSymlinks(r); err == nil {
			r = rr
		}
		if real == r || strings.HasPrefix(real, r+string(os.PathSeparator)) {
			return nil
		}
	}
	return refused
}
