package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/gonas/gonas/notebooks"
	"github.com/pkg/errors"
)

// runJupyter sets up the GoNB kernel and executes notebooks headless:
//
//	gonas jupyter install                      build GoNB, register the kernel wired to this repository
//	gonas jupyter run [-o DIR] [-html] [NB...] execute notebooks (default: all of notebooks/); -html also
//	                                           renders pages that typeset their math with a local MathJax
func runJupyter(args []string) error {
	const usage = "usage:\n  gonas jupyter install [-data-dir DIR] [-bin-dir DIR] [-v]\n" +
		"  gonas jupyter run [-o DIR] [-html] [-mathjax URL] [-timeout D] [-data-dir DIR] [NOTEBOOK.ipynb ...]"
	if len(args) > 0 && (args[0] == "-h" || args[0] == "--help" || args[0] == "help") {
		fmt.Fprintln(os.Stderr, usage)
		return flag.ErrHelp
	}
	if len(args) == 0 {
		fmt.Fprintln(os.Stderr, usage)
		return errors.New("jupyter: want a subcommand, install or run")
	}
	switch args[0] {
	case "install":
		return jupyterInstall(args[1:])
	case "run":
		return jupyterRun(args[1:])
	}
	return errors.Errorf("jupyter: unknown subcommand %q (want install or run)", args[0])
}

func jupyterInstall(args []string) error {
	fs := flag.NewFlagSet("jupyter install", flag.ContinueOnError)
	dataDir := fs.String("data-dir", "", "Jupyter data dir to register the kernel in (default $JUPYTER_DATA_DIR or ~/.local/share/jupyter)")
	binDir := fs.String("bin-dir", "", "where to put gonb and goimports (default GOBIN or GOPATH/bin)")
	verbose := fs.Bool("v", false, "show the commands run and their output")
	if err := fs.Parse(args); err != nil {
		return err
	}
	var logw io.Writer = io.Discard
	if *verbose {
		logw = os.Stderr
	}
	ctx := context.Background()
	k, err := notebooks.InstallKernel(ctx, notebooks.KernelOptions{DataDir: *dataDir, BinDir: *binDir, Log: logw})
	if err != nil {
		return err
	}
	fmt.Printf("kernel=%s spec=%s\ntools=%s\ngo_work=%s\n", notebooks.KernelName, k.Spec, k.BinDir, k.Root)
	fmt.Printf("Open the notebooks with: jupyter lab %s (or run them headless: go run ./cmd/gonas jupyter run)\n",
		filepath.Join(k.Root, "notebooks"))
	return nil
}

func jupyterRun(args []string) error {
	fs := flag.NewFlagSet("jupyter run", flag.ContinueOnError)
	out := fs.String("o", "runs/notebooks", "directory for the executed notebooks (and HTML)")
	html := fs.Bool("html", false, "also render each executed notebook to HTML (jupyter nbconvert --to html)")
	timeout := fs.Duration("timeout", 10*time.Minute, "limit per cell")
	dataDir := fs.String("data-dir", "", "Jupyter data dir the kernel is registered in (default Jupyter's)")
	mathjax := fs.String("mathjax", "", "URL of MathJax.js (with ?config=...) for the -html pages (default: Debian's libjs-mathjax, "+notebooks.MathJaxDir+", so the pages need no network)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	ctx := context.Background()
	if _, err := notebooks.CheckJupyter(ctx); err != nil {
		return err
	}
	if *html && *mathjax == "" {
		u, err := notebooks.LocalMathJax("")
		if err != nil {
			return err // before minutes of executing
		}
		*mathjax = u
	}
	paths := fs.Args()
	if len(paths) == 0 {
		wd, err := os.Getwd()
		if err != nil {
			return err
		}
		root, err := notebooks.RepoRoot(wd)
		if err != nil {
			return err
		}
		if paths, err = notebooks.List(filepath.Join(root, "notebooks")); err != nil {
			return err
		}
	}
	env := os.Environ()
	if *dataDir != "" {
		env = append(env, "JUPYTER_DATA_DIR="+*dataDir)
	}
	var failed []string
	for _, p := range paths {
		start := time.Now()
		executed, err := notebooks.Execute(ctx, p, notebooks.RunOptions{OutDir: *out, CellTimeout: *timeout, Env: env})
		if err != nil {
			return err
		}
		nb, err := notebooks.Read(executed)
		if err != nil {
			return err
		}
		status := "ok"
		if errs := nb.Errors(); len(errs) > 0 {
			status = "FAIL"
			failed = append(failed, filepath.Base(p))
			for _, e := range errs {
				fmt.Fprintf(os.Stderr, "%s: %s\n", filepath.Base(p), e)
			}
		}
		fmt.Printf("%-4s %s seconds=%.1f svg=%d html=%d executed=%s\n", status, filepath.Base(p), time.Since(start).Seconds(),
			nb.CountSVG(), nb.CountMIME("text/html"), executed)
		if *html {
			page, err := notebooks.ToHTML(ctx, executed, *out, env, *mathjax)
			if err != nil {
				return err
			}
			fmt.Printf("     html=%s\n", page)
		}
	}
	if len(failed) > 0 {
		return errors.Errorf("%d notebook(s) with errors: %s", len(failed), strings.Join(failed, ", "))
	}
	return nil
}
