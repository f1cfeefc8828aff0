package cells

// What the NAS-Bench-201 paper [1] reports, and the table seen as a whole, for
// comparing GoNAS's searches with the paper's (notebooks/03_nasbench201.ipynb):
// the paper's search results, every cell of the space with its cost and accuracy,
// and a side-by-side table.
//
// The paper's numbers are the final test accuracies (200 training epochs) of the
// architectures each method chose, searching with the 12-epoch validation accuracy
// as reward; GoNAS's table holds only 12-epoch accuracies, so its test accuracies
// are lower (about 89% against 94% on CIFAR-10) and the comparison is between
// orderings and gaps to the best cell, not between raw numbers.

import (
	"fmt"

	"github.com/gonas/gonas/nas"
	"github.com/pkg/errors"
)

// NB201PaperResult is one row of the paper's Table 5 [1]: test accuracy (%) of the
// architectures a method chose, mean and standard deviation over 500 runs (0 for the
// single architectures ResNet and the optimum).
type NB201PaperResult struct {
	Method    string // "REA", "RS", "REINFORCE", "BOHB", "ResNet", "optimal"
	Mean, Std float64
}

// nb201Paper holds the test accuracies of [1], Table 5, transcribed by hand (not
// checked against the paper in this repository: check before citing them).
var nb201Paper = map[string][]NB201PaperResult{
	"cifar10": {
		{"REA", 93.92, 0.30}, {"RS", 93.70, 0.36}, {"REINFORCE", 93.85, 0.37}, {"BOHB", 93.61, 0.52},
		{"ResNet", 93.97, 0}, {"optimal", 94.37, 0},
	},
	"cifar100": {
		{"REA", 71.84, 0.99}, {"RS", 71.04, 1.07}, {"REINFORCE", 71.71, 1.09}, {"BOHB", 70.85, 1.28},
		{"ResNet", 70.86, 0}, {"optimal", 73.51, 0},
	},
	"imagenet16": {
		{"REA", 45.54, 1.03}, {"RS", 44.57, 1.25}, {"REINFORCE", 45.24, 1.18}, {"BOHB", 44.42, 1.49},
		{"ResNet", 43.63, 0}, {"optimal", 47.31, 0},
	},
}

// NB201PaperMethods maps GoNAS's strategy names (controllers.StrategyNames) to the
// paper's method names.
var NB201PaperMethods = map[string]string{"random": "RS", "reinforce": "REINFORCE", "evolution": "REA"}

// NB201Paper returns the paper's results on dataset (one of NB201Datasets).
func NB201Paper(dataset string) ([]NB201PaperResult, error) {
	rs, ok := nb201Paper[dataset]
	if !ok {
		return nil, errors.Errorf("nb201: unknown dataset %q (have %v)", dataset, NB201Datasets)
	}
	return append([]NB201PaperResult(nil), rs...), nil
}

// nb201PaperResult finds method in rs.
func nb201PaperResult(rs []NB201PaperResult, method string) (NB201PaperResult, bool) {
	for _, r := range rs {
		if r.Method == method {
			return r, true
		}
	}
	return NB201PaperResult{}, false
}

// NB201NumClasses is the number of classes of each dataset of the table.
var NB201NumClasses = map[string]int{"cifar10": 10, "cifar100": 100, "imagenet16": 120}

// NB201Architectures lists the 15,625 cells of the space in NB201Index order.
func NB201Architectures() []nas.Arch {
	n := 1
	for range NB201Edges() {
		n *= len(NB201Ops)
	}
	out := make([]nas.Arch, n)
	for i := range out {
		out[i] = nb201FromIndex(i)
	}
	return out
}

// NB201Point is one cell with its cost and its accuracies (in percent).
type NB201Point struct {
	Arch   nas.Arch
	Params int   // trainable parameters of the network
	FLOPs  int64 // multiply-adds of one forward pass of one image
	NB201Result
}

// Points returns every cell of the table with its cost, computed by space (which
// must be a nas.Counter, such as NewNB201()) for dataset's number of classes, and
// its accuracies on dataset: the data of an accuracy-versus-cost plot.
func (t *NB201Table) Points(space nas.Space, dataset string) ([]NB201Point, error) {
	counter, ok := space.(nas.Counter)
	if !ok {
		return nil, errors.Errorf("nb201: space %q cannot count parameters", space.Name())
	}
	classes, ok := NB201NumClasses[dataset]
	if !ok {
		return nil, errors.Errorf("nb201: unknown dataset %q (have %v)", dataset, NB201Datasets)
	}
	var out []NB201Point
	for i, a := range NB201Architectures() {
		if !t.present[i] {
			continue
		}
		res, err := t.Lookup(a, dataset)
		if err != nil {
			return nil, err
		}
		params, flops, err := counter.Cost(a, classes)
		if err != nil {
			return nil, errors.WithMessagef(err, "nb201: cost of %s", a)
		}
		out = append(out, NB201Point{Arch: a, Params: params, FLOPs: flops, NB201Result: res})
	}
	return out, nil
}

// CompareRows sets GoNAS's search results (summaries from nas.Compare on this
// table, test scores as fractions) beside the paper's for the same method: per
// strategy its mean ± std test accuracy, its gap to the best test accuracy of the
// table, and the paper's numbers and gap to the paper's optimum. The last row is the
// optimum of each. Render it with plot.Table.
func (t *NB201Table) CompareRows(summaries []nas.Summary, dataset string) (header []string, rows [][]string, err error) {
	paper, err := NB201Paper(dataset)
	if err != nil {
		return nil, nil, err
	}
	_, _, _, best, err := t.Best(dataset)
	if err != nil {
		return nil, nil, err
	}
	optimum, _ := nb201PaperResult(paper, "optimal")
	header = []string{"strategy", "runs", "GoNAS test acc. (%, 12-epoch table)", "gap to table's best",
		"paper method", "paper test acc. (%, 200 epochs)", "gap to paper's optimum"}
	for _, s := range summaries {
		row := []string{s.Strategy, fmt.Sprint(s.Runs), fmt.Sprintf("%.2f ± %.2f", 100*s.TestMean, 100*s.TestStd),
			fmt.Sprintf("%.2f", best.Test-100*s.TestMean), "", "", ""}
		if method, ok := NB201PaperMethods[s.Strategy]; ok {
			if r, ok := nb201PaperResult(paper, method); ok {
				row[4], row[5], row[6] = r.Method, fmt.Sprintf("%.2f ± %.2f", r.Mean, r.Std), fmt.Sprintf("%.2f", optimum.Mean-r.Mean)
			}
		}
		rows = append(rows, row)
	}
	rows = append(rows, []string{"best cell of the table", "", fmt.Sprintf("%.2f", best.Test), "0", "optimal",
		fmt.Sprintf("%.2f", optimum.Mean), "0"})
	return header, rows, nil
}
