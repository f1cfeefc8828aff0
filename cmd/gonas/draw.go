package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/gonas/gonas/cells"
	"github.com/gonas/gonas/nas"
	"github.com/pkg/errors"
)

// runDraw draws an architecture of a search space as SVG or graphviz DOT:
//
//	gonas draw --space nasnet --arch nasnet-a --cell normal -o normal.svg
//	gonas draw --space enas-micro --arch "0 2 0 0 ..." -o cells.dot
func runDraw(args []string) error {
	fs := flag.NewFlagSet("draw", flag.ContinueOnError)
	space := fs.String("space", "", "search space: "+strings.Join(cells.SpaceNames(), ", "))
	arch := fs.String("arch", "", "the architecture: a name (nasnet-a, enas, ...), canonical JSON, an ENAS string, "+
		"a genotype or an NB201 string; @file reads it from a file")
	cell := fs.String("cell", "", "for cell spaces: draw only the normal or the reduce cell (default both)")
	out := fs.String("o", "", "output file, its directory created if needed; .dot writes graphviz DOT, anything else SVG (default: SVG on stdout)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *space == "" || *arch == "" || fs.NArg() > 0 {
		fs.Usage()
		return errors.New("--space and --arch are required, and nothing else")
	}
	text, err := archArg(*arch)
	if err != nil {
		return err
	}
	s, a, err := cells.FitSpace(*space, text, cells.Sizes{})
	if err != nil {
		return err
	}
	dot := strings.EqualFold(filepath.Ext(*out), ".dot")
	doc, err := drawArch(s, a, *cell, dot)
	if err != nil {
		return err
	}
	if *out == "" {
		_, err = fmt.Print(doc)
		return err
	}
	if dir := filepath.Dir(*out); dir != "." {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return errors.Wrapf(err, "-o %s: creating its directory", *out)
		}
	}
	if err := os.WriteFile(*out, []byte(doc), 0o644); err != nil {
		return err
	}
	fmt.Fprintf(os.Stderr, "wrote %s\n", *out)
	return nil
}

// drawArch draws a, one cell of it when cell is set.
func drawArch(s nas.Space, a nas.Arch, cell string, dot bool) (string, error) {
	if cell != "" {
		cd, ok := s.(cells.CellDrawer)
		if !ok {
			return "", errors.Errorf("space %q has no cells to pick with --cell", s.Name())
		}
		g, err := cd.CellGraph(a, cell)
		if err != nil {
			return "", err
		}
		if dot {
			return g.DOT()
		}
		return g.SVG()
	}
	d, ok := s.(nas.Drawer)
	if !ok {
		return "", errors.Errorf("space %q cannot draw its architectures", s.Name())
	}
	if dot {
		return d.DOT(a)
	}
	return d.SVG(a)
}
