package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/gonas/gonas/cells"
	"github.com/gonas/gonas/nas"
	"github.com/pkg/errors"
)

// runInfo prints the trainable parameters and multiply-adds of an architecture's
// network, so a count can be checked against a paper:
//
//	gonas info --space nasnet --arch darts-v2 --filters 36 --cells-per-stage 6
//	gonas info --space nasnet --arch nasnet-a --concat tf
//	gonas info --space enas-macro --arch @cells/testdata/enas_macro_final.txt
//
// The architecture is read as gonas draw reads it (cells.FitSpace): a genotype
// fixes its number of blocks and concat lists, an ENAS arc its length.
func runInfo(args []string) error { return info(args, os.Stdout) }

// info is runInfo writing to w.
func info(args []string, w io.Writer) error {
	fs := flag.NewFlagSet("info", flag.ContinueOnError)
	space := fs.String("space", "", "search space: "+strings.Join(cells.SpaceNames(), ", "))
	arch := fs.String("arch", "", "the architecture: a name (nasnet-a, darts-v2, amoebanet-a, enas, ...), canonical JSON, "+
		"an ENAS string, a genotype or an NB201 string; @file reads it from a file")
	filters := fs.Int("filters", 0, "C, the width of the first stage (0: the space's default)")
	perStage := fs.Int("cells-per-stage", 0, "N, normal cells per stage: 3N+2 cells (0: the space's default)")
	layers := fs.Int("layers", 0, "enas-macro: the number of layers (0: read from the arc)")
	fixed := fs.Bool("fixed", false, "enas-macro: the reference's final child (skips concatenated, C doubling at each pooling)")
	concat := fs.String("concat", "", "nasnet: which states a cell outputs, unused (default) or tf (TensorFlow's NASNet)")
	imagenet := fs.Bool("imagenet", false, "nasnet: NASNet Mobile's ImageNet stem on 224x224 images (C=44, N=4 unless set)")
	classes := fs.Int("classes", 10, "number of classes of the classifier")
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
	s, a, err := cells.FitSpace(*space, text, cells.Sizes{Filters: *filters, CellsPerStage: *perStage, Layers: *layers, Fixed: *fixed, Concat: *concat, ImageNet: *imagenet})
	if err != nil {
		return err
	}
	return printInfo(w, s, a, *classes)
}

// printInfo writes params=N and madds=M lines (the auxiliary head excluded, one
// image of the space's size).
func printInfo(w io.Writer, s nas.Space, a nas.Arch, classes int) error {
	c, ok := s.(nas.Counter)
	if !ok {
		return errors.Errorf("space %q cannot count its networks", s.Name())
	}
	params, madds, err := c.Cost(a, classes)
	if err != nil {
		return err
	}
	_, err = fmt.Fprintf(w, "params=%d\nmadds=%d\n", params, madds)
	return err
}
