package cells

import (
	"fmt"
	"slices"
	"sync"

	"github.com/pkg/errors"
)

// ConcatRule says which hidden states a cell's output concatenates. The papers
// and their code differ here, and the choice changes the widths of every later
// layer (so the parameter count), though not the ops:
//
//   - ConcatUnused: the states no block reads, cell inputs included: the NASNet
//     paper's text [1], ENAS [2], and DARTS's PyTorch builds of NASNet-A and
//     AmoebaNet (genotypes.py's normal_concat/reduce_concat [3]). NASNet-A 6@768
//     then has 3,061,738 parameters and a penultimate width of 640 (5 states of
//     128), not the 768 its name says.
//   - ConcatTF: TensorFlow's reference build [1] (nasnet_utils.py). TensorFlow
//     hard-codes with each cell the states its output leaves out
//     (used_hiddenstates); the states it concatenates are, for NASNet-A's normal
//     cell, h_{i-1} (though blocks read it) and the five blocks, and for its
//     reduction cell blocks 1 to 4 (block 1 though block 3 reads it, not block 0).
//     ConcatTF uses those lists for NASNet-A's two cells and, for any other cell
//     (TensorFlow defines none), the same reading of its normal cell: h_{i-1} and
//     the states no block reads. It also builds TensorFlow's first cell, which
//     has no previous layer and takes the stem's output unfitted for h_{i-1}
//     (see cellStyle.rawFirstInput). NASNet-A's normal cell then outputs 6
//     states: 6@768 and 4@1056 are the penultimate widths built, and the counts
//     are TensorFlow's (3,346,538 for CIFAR-10 6@768, the paper's 3.3M; 5,289,978
//     for Mobile 4@1056 with 1000 classes, Keras's trainable count, the paper's
//     5.3M).
//
// A genotype's explicit concat lists (NASNetConfig.NormalConcat, ReduceConcat)
// override the rule; DARTS's own cells concatenate every block (range(2, 2+B)),
// read or not.
type ConcatRule int

const (
	// ConcatUnused concatenates the states no block reads.
	ConcatUnused ConcatRule = iota
	// ConcatTF is TensorFlow's NASNet build: NASNet-A's hard-coded lists, for
	// other cells h_{i-1} and the states no block reads; its first cell takes the
	// stem's output unfitted.
	ConcatTF
)

// String is "unused" or "tf".
func (r ConcatRule) String() string {
	switch r {
	case ConcatUnused:
		return "unused"
	case ConcatTF:
		return "tf"
	}
	return fmt.Sprintf("ConcatRule(%d)", int(r))
}

// ParseConcatRule reads "unused" or "tf".
func ParseConcatRule(name string) (ConcatRule, error) {
	for _, r := range []ConcatRule{ConcatUnused, ConcatTF} {
		if r.String() == name {
			return r, nil
		}
	}
	return 0, errors.Errorf("unknown concat rule %q, expected unused or tf", name)
}

// outputs lists the states the cell's output concatenates under rule r.
func (r ConcatRule) outputs(spec cellSpec) []int {
	if r == ConcatTF {
		if list, ok := nasnetATFConcat(spec); ok {
			return list
		}
	}
	unused := spec.unused()
	if r == ConcatTF && !slices.Contains(unused, 0) {
		return append([]int{0}, unused...)
	}
	return unused
}

// cellConcat is how a stack picks the output states of its cells: a rule, or the
// explicit lists of a genotype (nil: the rule's).
type cellConcat struct {
	rule           ConcatRule
	normal, reduce []int
}

// outputs lists the states the output of a normal (reduction false) or
// reduction cell concatenates.
func (c cellConcat) outputs(spec cellSpec, reduction bool) []int {
	explicit := c.normal
	if reduction {
		explicit = c.reduce
	}
	if explicit != nil {
		return explicit
	}
	return c.rule.outputs(spec)
}

// checkConcatList checks an explicit concat list against a cell of blocks blocks:
// at least one state, each in range and listed once.
func checkConcatList(cell string, list []int, blocks int) error {
	if len(list) == 0 {
		return errors.Errorf("%s_concat is empty: a cell must output at least one state", cell)
	}
	seen := map[int]bool{}
	for _, k := range list {
		if k < 0 || k >= blocks+2 {
			return errors.Errorf("%s_concat names state %d, expected 0 to %d (the two cell inputs and %d blocks)", cell, k, blocks+1, blocks)
		}
		if seen[k] {
			return errors.Errorf("%s_concat names state %d twice", cell, k)
		}
		seen[k] = true
	}
	return nil
}

// nasnetATFConcat is, when spec is one of NASNet-A's cells, the states
// TensorFlow's code concatenates into its output: the complement of
// nasnet_utils.py's used_hiddenstates ([1, 0, 0, 0, 0, 0, 0] for the normal cell,
// [1, 1, 1, 0, 0, 0, 0] for the reduction cell), its states 0 and 1 (h_i,
// h_{i-1}) being this package's 1 and 0.
func nasnetATFConcat(spec cellSpec) ([]int, bool) {
	normal, reduce := nasnetACells()
	switch {
	case slices.Equal(spec, normal):
		return []int{0, 2, 3, 4, 5, 6}, true
	case slices.Equal(spec, reduce):
		return []int{3, 4, 5, 6}, true
	}
	return nil, false
}

// nasnetACells are NASNet-A's two cells, parsed once.
var nasnetACells = sync.OnceValues(func() (normal, reduce cellSpec) {
	normal, reduce, err := genotypeFormat{ops: NASNetOps, blocks: 5}.parseCells(NASNetAGenotype)
	if err != nil {
		panic(err) // the constant is tested
	}
	return normal, reduce
})
