package nb201search

import (
	"github.com/gonas/gonas/cells"
	"github.com/gonas/gonas/controllers"
	"github.com/gonas/gonas/nas"
	"github.com/pkg/errors"
)

// FixedCells draws n distinct random cells of the NB201 space from seed alone: the
// set an evaluator's rank agreement with the table is measured on (the same cells
// for every strategy, preset and evaluator of a seed).
func FixedCells(n int, seed uint64) ([]nas.Arch, error) {
	if n < 2 || n > 15625 {
		return nil, errors.Errorf("nb201search: a fixed set needs 2 to 15,625 cells, got %d", n)
	}
	space := cells.NewNB201()
	r := controllers.NewRandom(space, subSeed(seed, 0x7a0))
	seen := map[string]bool{}
	var out []nas.Arch
	for len(out) < n {
		smp, err := r.Sample(1)
		if err != nil {
			return nil, err
		}
		if a := smp[0].Arch; !seen[a.String()] {
			seen[a.String()] = true
			out = append(out, a)
		}
	}
	return out, nil
}

// TableAgreement scores archs with eval and compares the scores with the table's
// column ("cifar10-val", "cifar10-test", "cifar100-val", ...) by Kendall τ-b and
// Spearman ρ; it returns the scores too. For example, with any nas.Evaluator:
//
//	archs, _ := nb201search.FixedCells(100, seed)
//	agree, scores, err := nb201search.TableAgreement(table, archs, eval, "cifar10-test")
func TableAgreement(table *cells.NB201Table, archs []nas.Arch, eval nas.Evaluator, column string) (nas.RankAgreement, []float64, error) {
	truth, err := tableColumn(table, column)
	if err != nil {
		return nas.RankAgreement{}, nil, err
	}
	return nas.ScoreAgainst(archs, eval, truth)
}

// TableColumn is the accuracy (percent) of each of archs in one column of the
// table ("cifar10-val", "cifar10-test", "cifar100-val", ...), in order: the truth a
// rank agreement or a scatter plot sets scores against. With
// cells.NB201Architectures() it is the whole column.
func TableColumn(table *cells.NB201Table, archs []nas.Arch, column string) ([]float64, error) {
	truth, err := tableColumn(table, column)
	if err != nil {
		return nil, err
	}
	out := make([]float64, len(archs))
	for i, a := range archs {
		if out[i], err = truth(a); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// tableColumn reads one column of the table ("<dataset>-val" or "<dataset>-test").
func tableColumn(table *cells.NB201Table, column string) (func(nas.Arch) (float64, error), error) {
	for _, ds := range cells.NB201Datasets {
		for _, split := range []string{"val", "test"} {
			if column != ds+"-"+split {
				continue
			}
			return func(a nas.Arch) (float64, error) {
				r, err := table.Lookup(a, ds)
				if split == "val" {
					return r.Val, err
				}
				return r.Test, err
			}, nil
		}
	}
	return nil, errors.Errorf("nb201search: no table column %q (have <dataset>-val and <dataset>-test for %v)", column, cells.NB201Datasets)
}
