// Package notebooks holds GoNAS's GoNB notebooks (the *.ipynb files of this
// directory) and the code that sets up their kernel and executes them headless:
// `gonas jupyter install` and `gonas jupyter run` call it, and the package's test
// executes every notebook and checks its outputs.
//
// The kernel is GoNB [1] v0.11.5, a Go tool of GoNAS's go.mod. InstallKernel builds
// it (`go install tool`), checks that Jupyter is installed, and registers it with
// `gonb --install --go_work=<repository root>`, so every notebook starts with a
// go.work that uses this repository: `import "github.com/gonas/gonas/nas"` works in
// the first cell, with no set-up cell. Execute runs a notebook with
// `jupyter nbconvert --to notebook --execute` on that kernel; Read and the
// Notebook methods check the executed notebook's outputs.
//
// References:
//
//	[1] GoNB, a Go notebook kernel for Jupyter: github.com/janpfeifer/gonb.
package notebooks

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"time"

	"github.com/pkg/errors"
)

// KernelName is the name the GoNB kernel is registered under; notebooks name it in
// their metadata (kernelspec.name).
const KernelName = "gonb"

// JupyterAptPackages are the Debian packages that provide what Execute needs
// (jupyter, nbconvert and the kernel client).
const JupyterAptPackages = "jupyter-nbconvert jupyter-client"

// gonasModule is the module path that marks the repository root.
const gonasModule = "github.com/gonas/gonas"

// ErrNoJupyter is returned (wrapped) when Jupyter or nbconvert is missing.
var ErrNoJupyter = errors.New("jupyter nbconvert not found; install it with " +
	"`apt-get install -y --no-install-recommends " + JupyterAptPackages + "` (Debian/Ubuntu) or `pip install nbconvert jupyter_client`")

// RepoRoot returns the root of the GoNAS repository (the directory of the go.mod of
// module github.com/gonas/gonas) at or above dir.
func RepoRoot(dir string) (string, error) {
	dir, err := filepath.Abs(dir)
	if err != nil {
		return "", err
	}
	for d := dir; ; d = filepath.Dir(d) {
		if modulePath(filepath.Join(d, "go.mod")) == gonasModule {
			return d, nil
		}
		if filepath.Dir(d) == d {
			return "", errors.Errorf("no go.mod of %s at or above %s", gonasModule, dir)
		}
	}
}

func modulePath(goMod string) string {
	f, err := os.Open(goMod)
	if err != nil {
		return ""
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(strings.TrimSpace(sc.Text()), "module "); ok {
			return strings.Trim(strings.TrimSpace(rest), `"`)
		}
	}
	return ""
}

// CheckJupyter reports whether `jupyter nbconvert` runs, and its version.
func CheckJupyter(ctx context.Context) (version string, err error) {
	if _, err := exec.LookPath("jupyter"); err != nil {
		return "", ErrNoJupyter
	}
	out, err := exec.CommandContext(ctx, "jupyter", "nbconvert", "--version").CombinedOutput()
	if err != nil {
		return "", errors.WithMessagef(ErrNoJupyter, "`jupyter nbconvert --version` failed: %v: %s", err, bytes.TrimSpace(out))
	}
	return strings.TrimSpace(string(out)), nil
}

// KernelOptions says where to install the kernel.
type KernelOptions struct {
	// Root is the repository root (default: RepoRoot of the working directory).
	Root string
	// BinDir receives the gonb and goimports binaries (default: `go env GOBIN`, else
	// $(go env GOPATH)/bin, where `go install` puts them).
	BinDir string
	// DataDir is the Jupyter data directory to register the kernel in (default:
	// $JUPYTER_DATA_DIR, else ~/.local/share/jupyter — Jupyter's default, where
	// JupyterLab finds it). Tests use a temporary one.
	DataDir string
	// Log receives the commands run and their output (nil: discarded).
	Log io.Writer
}

// Kernel is an installed GoNB kernel.
type Kernel struct {
	Spec    string // path of its kernel.json
	DataDir string // the Jupyter data directory it is registered in
	BinDir  string // where gonb and goimports are
	Root    string // the repository its notebooks' go.work uses
}

// Env is the environment to run Jupyter with so that it finds this kernel, and the
// kernel finds goimports and go: os.Environ with JUPYTER_DATA_DIR and PATH set.
func (k *Kernel) Env() []string {
	env := setEnv(os.Environ(), "JUPYTER_DATA_DIR", k.DataDir)
	return setEnv(env, "PATH", prependPath(os.Getenv("PATH"), k.BinDir, goBinDir()))
}

// InstallKernel builds GoNB and goimports (`go install tool` in the repository),
// checks that Jupyter is installed, registers the GoNB kernel with a go.work that
// uses the repository, and sets the kernel's PATH to find goimports and go.
func InstallKernel(ctx context.Context, opts KernelOptions) (*Kernel, error) {
	logw := opts.Log
	if logw == nil {
		logw = io.Discard
	}
	root := opts.Root
	if root == "" {
		wd, err := os.Getwd()
		if err != nil {
			return nil, err
		}
		if root, err = RepoRoot(wd); err != nil {
			return nil, err
		}
	}
	if _, err := CheckJupyter(ctx); err != nil {
		return nil, err
	}
	binDir, err := toolBinDir(ctx, root, opts.BinDir)
	if err != nil {
		return nil, err
	}
	k := &Kernel{DataDir: opts.DataDir, BinDir: binDir, Root: root}
	if k.DataDir == "" {
		if k.DataDir, err = defaultDataDir(); err != nil {
			return nil, err
		}
	}
	// 1. The tools, built from the module cache at the versions go.mod pins.
	install := exec.CommandContext(ctx, "go", "install", "tool")
	install.Dir = root
	install.Env = setEnv(os.Environ(), "GOBIN", binDir)
	if err := runLogged(install, logw); err != nil {
		return nil, errors.WithMessage(err, "building gonb and goimports (`go install tool`; run `go mod download` first when offline)")
	}
	gonb := filepath.Join(binDir, "gonb")
	// 2. Register the kernel.
	reg := exec.CommandContext(ctx, gonb, "--install", "--force_deps", "--raw_error", "--go_work="+root)
	reg.Env = k.Env()
	if err := runLogged(reg, logw); err != nil {
		return nil, errors.WithMessage(err, "registering the GoNB kernel")
	}
	// 3. The kernel's PATH: Jupyter started from a desktop may not have GOPATH/bin or
	// go on its PATH. ${PATH} is expanded by jupyter_client ≥ 7 at kernel start.
	k.Spec = filepath.Join(k.DataDir, "kernels", KernelName, "kernel.json")
	if err := setKernelPath(k.Spec, prependPath("${PATH}", binDir, goBinDir())); err != nil {
		return nil, err
	}
	fmt.Fprintf(logw, "GoNB kernel %q registered in %s, notebooks use %s\n", KernelName, k.Spec, root)
	return k, nil
}

// toolBinDir is where `go install` puts binaries: dir when set, else GOBIN, else
// GOPATH/bin.
func toolBinDir(ctx context.Context, root, dir string) (string, error) {
	if dir != "" {
		return filepath.Abs(dir)
	}
	cmd := exec.CommandContext(ctx, "go", "env", "GOBIN", "GOPATH")
	cmd.Dir = root
	out, err := cmd.Output()
	if err != nil {
		return "", errors.Wrap(err, "`go env GOBIN GOPATH` (is go on PATH?)")
	}
	lines := strings.Split(string(out), "\n") // GOBIN's line is empty when it is unset
	if strings.TrimSpace(lines[0]) != "" {
		return strings.TrimSpace(lines[0]), nil
	}
	if len(lines) < 2 || strings.TrimSpace(lines[1]) == "" {
		return "", errors.New("`go env` gives neither GOBIN nor GOPATH")
	}
	return filepath.Join(filepath.SplitList(strings.TrimSpace(lines[1]))[0], "bin"), nil
}

// defaultDataDir is where GoNB installs kernels: $JUPYTER_DATA_DIR, else Jupyter's
// per-user default.
func defaultDataDir() (string, error) {
	if d := os.Getenv("JUPYTER_DATA_DIR"); d != "" {
		return d, nil
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return "", err
	}
	if runtime.GOOS == "darwin" {
		return filepath.Join(home, "Library", "Jupyter"), nil
	}
	return filepath.Join(home, ".local", "share", "jupyter"), nil
}

// goBinDir is the directory of the go command (empty when it is not on PATH).
func goBinDir() string {
	p, err := exec.LookPath("go")
	if err != nil {
		return ""
	}
	if abs, err := filepath.Abs(p); err == nil {
		p = abs
	}
	return filepath.Dir(p)
}

// prependPath puts dirs (skipping empty ones and ones already there) before path.
func prependPath(path string, dirs ...string) string {
	parts := filepath.SplitList(path)
	var front []string
	for _, d := range dirs {
		if d != "" && !slices.Contains(parts, d) && !slices.Contains(front, d) {
			front = append(front, d)
		}
	}
	return strings.Join(append(front, parts...), string(os.PathListSeparator))
}

// setEnv returns env with key set to value (value "" leaves env unchanged).
func setEnv(env []string, key, value string) []string {
	if value == "" {
		return env
	}
	out := slices.DeleteFunc(slices.Clone(env), func(kv string) bool { return strings.HasPrefix(kv, key+"=") })
	return append(out, key+"="+value)
}

// setKernelPath sets env.PATH in a kernel.json, keeping everything else.
func setKernelPath(spec, path string) error {
	blob, err := os.ReadFile(spec)
	if err != nil {
		return errors.Wrap(err, "reading the kernel spec GoNB wrote")
	}
	var cfg map[string]any
	if err := json.Unmarshal(blob, &cfg); err != nil {
		return errors.Wrapf(err, "parsing %s", spec)
	}
	env, _ := cfg["env"].(map[string]any)
	if env == nil {
		env = map[string]any{}
	}
	env["PATH"] = path
	cfg["env"] = env
	out, err := json.MarshalIndent(cfg, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(spec, append(out, '\n'), 0o644)
}

// runLogged runs cmd with its output to w (and in the error when it fails).
func runLogged(cmd *exec.Cmd, w io.Writer) error {
	fmt.Fprintf(w, "$ %s\n", strings.Join(cmd.Args, " "))
	var buf bytes.Buffer
	cmd.Stdout = io.MultiWriter(w, &buf)
	cmd.Stderr = io.MultiWriter(w, &buf)
	if err := cmd.Run(); err != nil {
		return errors.Errorf("%s: %v\n%s", strings.Join(cmd.Args, " "), err, tail(buf.String(), 3000))
	}
	return nil
}

func tail(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return "..." + s[len(s)-n:]
}

// RunOptions says how to execute notebooks.
type RunOptions struct {
	// OutDir receives the executed notebooks (same file names).
	OutDir string
	// CellTimeout bounds each cell (default 10 minutes).
	CellTimeout time.Duration
	// Env is the environment of jupyter (nil: os.Environ()); Kernel.Env gives one
	// that finds a kernel installed in a non-default data dir.
	Env []string
	// Log receives nbconvert's output (nil: discarded; it is in the error anyway).
	Log io.Writer
}

// Execute runs every cell of the notebook on the GoNB kernel with
// `jupyter nbconvert --to notebook --execute` and writes the executed notebook to
// OutDir. Cells that fail do not stop the run (--allow-errors): the executed
// notebook shows every error, and Notebook.Errors lists them.
func Execute(ctx context.Context, notebook string, opts RunOptions) (executed string, err error) {
	if opts.OutDir == "" {
		return "", errors.New("Execute: no output directory")
	}
	if opts.CellTimeout <= 0 {
		opts.CellTimeout = 10 * time.Minute
	}
	outDir, err := filepath.Abs(opts.OutDir)
	if err != nil {
		return "", err
	}
	if err := os.MkdirAll(outDir, 0o755); err != nil {
		return "", err
	}
	cmd := exec.CommandContext(ctx, "jupyter", "nbconvert", "--to", "notebook", "--execute", "--allow-errors",
		"--ExecutePreprocessor.kernel_name="+KernelName,
		fmt.Sprintf("--ExecutePreprocessor.timeout=%d", int(opts.CellTimeout.Seconds())),
		"--output-dir", outDir, notebook)
	cmd.Env = opts.Env
	logw := opts.Log
	if logw == nil {
		logw = io.Discard
	}
	if err := runLogged(cmd, logw); err != nil {
		return "", errors.WithMessagef(err, "executing %s", notebook)
	}
	return filepath.Join(outDir, filepath.Base(notebook)), nil
}

// MathJaxDir is where Debian's libjs-mathjax package puts MathJax 2, which the HTML
// pages of the notebooks load to typeset the $...$ math of their markdown cells.
const MathJaxDir = "/usr/share/javascript/mathjax"

// MathJaxConfig is the MathJax 2 configuration the pages load: TeX input, SVG output
// (its glyphs are paths in JavaScript, so no web font has to load from file://), and
// the Safe extension nbconvert's default uses.
const MathJaxConfig = "TeX-AMS_SVG,Safe"

// ErrNoMathJax is returned (wrapped) when no local MathJax is found for the HTML pages.
var ErrNoMathJax = errors.New("MathJax not found in " + MathJaxDir + " (the pages typeset their math offline with it); " +
	"install it with `apt-get install -y --no-install-recommends libjs-mathjax`, or give a MathJax URL")

// LocalMathJax returns the file:// URL of the MathJax of dir (MathJaxDir when ""),
// with MathJaxConfig, for ToHTML: a page that loads it typesets its math without a
// network.
func LocalMathJax(dir string) (string, error) {
	if dir == "" {
		dir = MathJaxDir
	}
	dir, err := filepath.Abs(dir)
	if err != nil {
		return "", err
	}
	if _, err := os.Stat(filepath.Join(dir, "MathJax.js")); err != nil {
		return "", errors.WithMessagef(ErrNoMathJax, "%v", err)
	}
	u := url.URL{Scheme: "file", Path: filepath.ToSlash(filepath.Join(dir, "MathJax.js")), RawQuery: "config=" + MathJaxConfig}
	return u.String(), nil
}

// ToHTML renders an executed notebook as a standalone HTML page in outDir
// (`jupyter nbconvert --to html`) and returns its path. The page loads MathJax from
// mathjaxURL (LocalMathJax when "", so that it needs no network), never from
// nbconvert's default CDN.
func ToHTML(ctx context.Context, notebook, outDir string, env []string, mathjaxURL string) (string, error) {
	if mathjaxURL == "" {
		var err error
		if mathjaxURL, err = LocalMathJax(""); err != nil {
			return "", err
		}
	}
	cmd := exec.CommandContext(ctx, "jupyter", "nbconvert", "--to", "html",
		"--HTMLExporter.mathjax_url="+mathjaxURL, "--output-dir", outDir, notebook)
	cmd.Env = env
	if err := runLogged(cmd, io.Discard); err != nil {
		return "", err
	}
	return filepath.Join(outDir, strings.TrimSuffix(filepath.Base(notebook), ".ipynb")+".html"), nil
}

// List returns the notebooks (*.ipynb) of dir, sorted, skipping checkpoints.
func List(dir string) ([]string, error) {
	paths, err := filepath.Glob(filepath.Join(dir, "*.ipynb"))
	if err != nil {
		return nil, err
	}
	slices.Sort(paths)
	return paths, nil
}
