package cells

// The NAS-Bench-201 table [1]: the accuracies of all 15,625 cells, so a search on the
// space costs a lookup per query. GoNAS reads the 12-epoch table (the cheap search
// signal the NAS-Bench-201 paper's baselines use) from the shared data dir:
// nb201/nb201_12epoch.csv, columns arch, cellstr, then <dataset>-test and
// <dataset>-val in percent for cifar10, cifar100 and imagenet (ImageNet16-120).

import (
	"encoding/csv"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"

	"github.com/gonas/gonas/nas"
	"github.com/gonas/gonas/nas/data"
	"github.com/pkg/errors"
)

// NB201Datasets are the datasets of the table, by the names the CLI takes.
var NB201Datasets = []string{"cifar10", "cifar100", "imagenet16"}

// nb201Columns maps a dataset name to its column prefix in the CSV.
var nb201Columns = map[string]string{"cifar10": "cifar10", "cifar100": "cifar100", "imagenet16": "imagenet"}

// NB201TableFile is the table's path inside the shared data dir.
const NB201TableFile = "nb201/nb201_12epoch.csv"

// NB201Result is one cell's accuracies on one dataset, in percent.
type NB201Result struct {
	Val  float64 // validation accuracy: the search's reward
	Test float64 // test accuracy: how the chosen cell is judged
}

// NB201Table holds the table, indexed by NB201Index.
type NB201Table struct {
	Path string
	// acc[dataset][index] is the cell's result; present[index] says whether the
	// table has that cell.
	acc     map[string][]NB201Result
	present []bool
	rows    int
}

// DefaultNB201TablePath is NB201TableFile in data.SharedDataDir() ($GONAS_DATA_DIR or
// ../shared/data next to the repository).
func DefaultNB201TablePath() (string, error) {
	dir, err := data.SharedDataDir()
	if err != nil {
		return "", err
	}
	return filepath.Join(dir, NB201TableFile), nil
}

// LoadNB201Table reads the CSV table at path.
func LoadNB201Table(path string) (*NB201Table, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, errors.Wrap(err, "nb201 table")
	}
	defer f.Close()
	t, err := ReadNB201Table(f)
	if err != nil {
		return nil, errors.WithMessagef(err, "nb201 table %s", path)
	}
	t.Path = path
	return t, nil
}

// ReadNB201Table reads the CSV table from r: a header naming the columns cellstr and
// <dataset>-val, <dataset>-test for every dataset (any order, other columns ignored),
// then one row per cell. A cell listed twice is an error.
func ReadNB201Table(r io.Reader) (*NB201Table, error) {
	space := NewNB201()
	n := 1
	for range space.Decisions() {
		n *= len(NB201Ops)
	}
	t := &NB201Table{acc: map[string][]NB201Result{}, present: make([]bool, n)}
	cr := csv.NewReader(r)
	header, err := cr.Read()
	if err != nil {
		return nil, errors.Wrap(err, "reading the header")
	}
	col := func(name string) (int, error) {
		i := slices.Index(header, name)
		if i < 0 {
			return 0, errors.Errorf("header %v has no column %q", header, name)
		}
		return i, nil
	}
	cellCol, err := col("cellstr")
	if err != nil {
		return nil, err
	}
	type cols struct{ val, test int }
	dsCols := map[string]cols{}
	for _, ds := range NB201Datasets {
		v, err := col(nb201Columns[ds] + "-val")
		if err != nil {
			return nil, err
		}
		te, err := col(nb201Columns[ds] + "-test")
		if err != nil {
			return nil, err
		}
		dsCols[ds] = cols{v, te}
		t.acc[ds] = make([]NB201Result, n)
	}
	for line := 2; ; line++ {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, errors.Wrapf(err, "line %d", line)
		}
		a, err := space.Parse(rec[cellCol])
		if err != nil {
			return nil, errors.WithMessagef(err, "line %d", line)
		}
		idx, _ := NB201Index(a)
		if t.present[idx] {
			return nil, errors.Errorf("line %d: cell %s listed twice", line, rec[cellCol])
		}
		t.present[idx] = true
		t.rows++
		for ds, c := range dsCols {
			val, err1 := strconv.ParseFloat(rec[c.val], 64)
			test, err2 := strconv.ParseFloat(rec[c.test], 64)
			if err1 != nil || err2 != nil {
				return nil, errors.Errorf("line %d: %s accuracies %q, %q are not numbers", line, ds, rec[c.val], rec[c.test])
			}
			t.acc[ds][idx] = NB201Result{Val: val, Test: test}
		}
	}
	if t.rows == 0 {
		return nil, errors.New("no rows")
	}
	return t, nil
}

// Len is the number of cells in the table (15,625 for the full benchmark).
func (t *NB201Table) Len() int { return t.rows }

// Lookup returns a's accuracies on dataset.
func (t *NB201Table) Lookup(a nas.Arch, dataset string) (NB201Result, error) {
	accs, ok := t.acc[dataset]
	if !ok {
		return NB201Result{}, errors.Errorf("nb201: unknown dataset %q (have %v)", dataset, NB201Datasets)
	}
	idx, err := NB201Index(a)
	if err != nil {
		return NB201Result{}, err
	}
	if !t.present[idx] {
		return NB201Result{}, errors.Errorf("nb201: architecture %s is not in the table", a)
	}
	return accs[idx], nil
}

// Evaluator scores an architecture by its validation accuracy on dataset, as a
// fraction in [0, 1]: the reward of a search.
func (t *NB201Table) Evaluator(dataset string) (nas.Evaluator, error) {
	if _, ok := t.acc[dataset]; !ok {
		return nil, errors.Errorf("nb201: unknown dataset %q (have %v)", dataset, NB201Datasets)
	}
	return func(a nas.Arch) (float64, error) {
		r, err := t.Lookup(a, dataset)
		return r.Val / 100, err
	}, nil
}

// TestScore scores an architecture by its test accuracy on dataset, as a fraction:
// how the architecture a search chose is judged.
func (t *NB201Table) TestScore(dataset string) (func(a nas.Arch) (float64, error), error) {
	if _, ok := t.acc[dataset]; !ok {
		return nil, errors.Errorf("nb201: unknown dataset %q (have %v)", dataset, NB201Datasets)
	}
	return func(a nas.Arch) (float64, error) {
		r, err := t.Lookup(a, dataset)
		return r.Test / 100, err
	}, nil
}

// Best returns the cell with the best validation accuracy on dataset (what an
// exhaustive search would choose) and the one with the best test accuracy (the
// oracle), with their results.
func (t *NB201Table) Best(dataset string) (byVal, byTest nas.Arch, valRes, testRes NB201Result, err error) {
	accs, ok := t.acc[dataset]
	if !ok {
		err = errors.Errorf("nb201: unknown dataset %q (have %v)", dataset, NB201Datasets)
		return
	}
	bv, bt := -1, -1
	for i, r := range accs {
		if !t.present[i] {
			continue
		}
		if bv < 0 || r.Val > accs[bv].Val {
			bv = i
		}
		if bt < 0 || r.Test > accs[bt].Test {
			bt = i
		}
	}
	return nb201FromIndex(bv), nb201FromIndex(bt), accs[bv], accs[bt], nil
}

// nb201FromIndex inverts NB201Index.
func nb201FromIndex(idx int) nas.Arch {
	edges := len(NB201Edges())
	a := nas.Arch{Space: "nb201", Choices: make([]int, edges)}
	for k := edges - 1; k >= 0; k-- {
		a.Choices[k] = idx % len(NB201Ops)
		idx /= len(NB201Ops)
	}
	return a
}
