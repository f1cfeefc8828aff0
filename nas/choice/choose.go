package choice

import (
	"fmt"
	"slices"
	"strconv"

	. "github.com/gomlx/gomlx/core/graph" //nolint:staticcheck
	"github.com/gomlx/gomlx/ml/model"
	"github.com/gomlx/gomlx/support/exceptions"
	"github.com/gonas/gonas/nas"
)

// Candidate is one operation Op may choose: a name (a scope name, also the label
// shown in drawings and architecture files) and the function that builds it.
type Candidate struct {
	Name  string
	Build func(scope *model.Scope, x *Node) *Node
}

// Named returns the candidate called name built by build.
func Named(name string, build func(scope *model.Scope, x *Node) *Node) Candidate {
	return Candidate{Name: name, Build: build}
}

// Op applies to x one operation among candidates, as chosen by the architecture
// being built. The chosen candidate builds in the sub-scope name/<candidate name>,
// so every candidate keeps its own weights: one store trains them all (weight
// sharing). The decision is called after scope's path and name ("block/0/op").
func Op(scope *model.Scope, name string, x *Node, candidates ...Candidate) *Node {
	b := current(scope, "Op", name)
	labels := make([]string, len(candidates))
	for i, c := range candidates {
		if c.Name == "" || c.Build == nil {
			exceptions.Panicf("choice.Op(%q): candidate #%d needs a name and a build function", b.fullName(scope, name), i)
		}
		labels[i] = c.Name
	}
	k := b.decide(scope, "Op", name, nas.Op, labels, 0)
	y := candidates[k].Build(scope.In("%s", name).In("%s", candidates[k].Name), x)
	b.events = append(b.events, event{kind: nas.Op, name: b.fullName(scope, name), label: labels[k], inputs: []*Node{x}, output: y})
	return y
}

// Input returns one of inputs (earlier tensors of the model), as chosen by the
// architecture being built: a skip connection, a choice of which layer feeds the
// next. Its labels are the inputs' positions, "0", "1", ...
func Input(scope *model.Scope, name string, inputs ...*Node) *Node {
	b := current(scope, "Input", name)
	labels := make([]string, len(inputs))
	for i := range inputs {
		labels[i] = strconv.Itoa(i)
	}
	k := b.decide(scope, "Input", name, nas.Input, labels, 0)
	b.events = append(b.events, event{kind: nas.Input, name: b.fullName(scope, name), label: labels[k], inputs: []*Node{inputs[k]}, output: inputs[k]})
	return inputs[k]
}

// Value returns one of values (a width, a kernel size, a rate), as chosen by the
// architecture being built; its labels are the values printed with fmt.Sprint.
//
// A layer whose weight shapes depend on the value (a convolution with a chosen
// number of filters) must build in a scope named after it, e.g.
// scope.In("conv%d", width), for a shared store to hold each width's weights.
func Value[T any](scope *model.Scope, name string, values ...T) T {
	b := current(scope, "Value", name)
	labels := make([]string, len(values))
	for i, v := range values {
		labels[i] = fmt.Sprint(v)
	}
	k := b.decide(scope, "Value", name, nas.Op, labels, 0)
	b.summary = append(b.summary, b.fullName(scope, name)+"="+labels[k])
	return values[k]
}

// Repeat applies block to x a chosen number of times among counts (each ≥ 0):
// x = block(scope_i, i, x) for i = 0, 1, ..., where scope_i is name/<i>, so each
// repetition has its own weights and its own choices ("depth/1/op").
//
// The choices inside the blocks are declared up to the largest count: the trace of
// New runs every block the largest count allows, and an architecture with fewer
// repetitions leaves the choices of the missing blocks unused (any value of theirs
// builds the same network).
func Repeat(scope *model.Scope, name string, x *Node, counts []int, block func(scope *model.Scope, i int, x *Node) *Node) *Node {
	b := current(scope, "Repeat", name)
	labels := make([]string, len(counts))
	for i, c := range counts {
		if c < 0 {
			exceptions.Panicf("choice.Repeat(%q): negative count %d", b.fullName(scope, name), c)
		}
		labels[i] = strconv.Itoa(c)
	}
	largest := 0
	if len(counts) > 0 {
		largest = slices.Index(counts, slices.Max(counts))
	}
	k := b.decide(scope, "Repeat", name, nas.Op, labels, largest)
	b.summary = append(b.summary, b.fullName(scope, name)+"="+labels[k])
	sub := scope.In("%s", name)
	for i := range counts[k] {
		x = block(sub.In("%d", i), i, x)
	}
	return x
}
