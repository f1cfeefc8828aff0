package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/gonas/gonas/nas/backends"
	_ "github.com/gonas/gonas/nas/choice/models" // the registered choice models a saved model may name
	_ "github.com/gonas/gonas/nas/enas"          // rebuilds the retrained ENAS networks
	"github.com/gonas/gonas/nas/savedmodel"
	"github.com/pkg/errors"
)

// runPredict classifies images or CSV rows with a saved model (package savedmodel:
// made by gonas retrain --out, gonas search, choice.Retrain):
//
//	gonas predict --model runs/enas-short/model digit.png
//	gonas predict --model runs/net shoe.png bag.jpg
//	gonas predict --model runs/iris flowers.csv
func runPredict(args []string) error { return predict(args, os.Stdout) }

// predict prints one line per prediction, "INPUT<TAB>LABEL<TAB>PROBABILITY", where
// INPUT is an image file or FILE.csv:ROW (rows counted from 1 after the header).
func predict(args []string, w io.Writer) error {
	fs := flag.NewFlagSet("predict", flag.ContinueOnError)
	dir := fs.String("model", "", "directory of a saved model (gonas-model.json and checkpoint/), made by gonas retrain --out DIR (DIR/model), gonas search (OUT/model) or choice.Retrain")
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), "usage: gonas predict --model DIR INPUT...   (INPUT: .png/.jpg images, or .csv tables)")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *dir == "" || fs.NArg() == 0 {
		fs.Usage()
		return errors.New("--model and at least one input are required")
	}
	backend, err := backends.Default()
	if err != nil {
		return err
	}
	clf, err := savedmodel.Load(backend, *dir)
	if err != nil {
		return err
	}
	defer clf.Close()
	for _, in := range fs.Args() {
		preds, err := clf.ClassifyFiles(in)
		if err != nil {
			return err
		}
		for i, p := range preds {
			name := in
			if strings.EqualFold(filepath.Ext(in), ".csv") {
				name = fmt.Sprintf("%s:%d", in, i+1)
			}
			if _, err := fmt.Fprintf(w, "%s\t%s\t%.3f\n", name, p.Label, p.Probability); err != nil {
				return err
			}
		}
	}
	return nil
}
