package choice

import (
	"strings"
	"sync"

	. "github.com/gomlx/gomlx/core/graph" //nolint:staticcheck
	"github.com/gomlx/gomlx/ml/model"
	"github.com/gomlx/gomlx/support/exceptions"
	"github.com/gonas/gonas/nas"
)

// build is the state of one run of a model function: either a trace, which declares
// every choice it meets (space == nil), or the build of one architecture, which
// answers every choice from it.
type build struct {
	space   *Space         // nil while tracing
	arch    []int          // the architecture's choices, by decision index (builds only)
	root    string         // scope path the model function was called with
	trace   []nas.Decision // decisions declared, in order (trace only)
	seen    map[string]int // decision name → index, for this run
	events  []event        // what each Op and Input chose, for drawing
	summary []string       // "name=label" of Value and Repeat choices, for drawing
}

// event is one Op or Input choice met while building: its inputs, its output.
type event struct {
	kind   nas.DecisionKind // nas.Op or nas.Input
	name   string           // decision name
	label  string           // the chosen candidate
	inputs []*Node          // Op: its input; Input: the chosen tensor
	output *Node
}

// active maps each store being built to its build: a choice finds its build from the
// scope it is given. Two models built at once in one store are not supported.
var active sync.Map // *model.Store → *build

// run calls m with scope and x while b is the active build of scope's store.
func run(b *build, m nas.ImageModel, scope *model.Scope, x *Node) *Node {
	store := scope.Store()
	if _, busy := active.LoadOrStore(store, b); busy {
		exceptions.Panicf("choice: a model of a choice.Space is already being built in this store (build one at a time)")
	}
	defer active.Delete(store)
	b.root = scope.Scope()
	b.seen = map[string]int{}
	return m(scope, x)
}

// current returns the build of scope's store; it panics when the model function runs
// outside Space.ImageModel (or the trace of New).
func current(scope *model.Scope, fn, name string) *build {
	v, ok := active.Load(scope.Store())
	if !ok {
		exceptions.Panicf("choice.%s(%q): the model is built outside a choice.Space: build it with Space.ImageModel(arch, classes)", fn, name)
	}
	return v.(*build)
}

// decide declares (trace) or answers (build) the decision name of scope: its kind and
// labels. traceChoice is the choice a trace takes.
func (b *build) decide(scope *model.Scope, fn, name string, kind nas.DecisionKind, labels []string, traceChoice int) int {
	if name == "" || strings.Contains(name, "/") {
		exceptions.Panicf("choice.%s(%q): a choice name must be non-empty and without '/'", fn, name)
	}
	full := b.fullName(scope, name)
	if len(labels) == 0 {
		exceptions.Panicf("choice.%s(%q): no candidates", fn, full)
	}
	for i, l := range labels {
		for _, m := range labels[:i] {
			if l == m {
				exceptions.Panicf("choice.%s(%q): candidate %q given twice", fn, full, l)
			}
		}
	}
	if _, dup := b.seen[full]; dup {
		exceptions.Panicf("choice.%s(%q): duplicate choice name (every choice of a model needs its own name within its scope)", fn, full)
	}
	if b.space == nil {
		b.seen[full] = len(b.trace)
		b.trace = append(b.trace, nas.Decision{Name: full, Kind: kind, NumChoices: len(labels), Labels: labels, Node: -1, Group: "choice"})
		return traceChoice
	}
	i, ok := b.space.index[full]
	if !ok {
		exceptions.Panicf("choice.%s(%q): not a choice of space %q; a choice may depend on other choices only through choice.Repeat (see the package doc)", fn, full, b.space.name)
	}
	d := b.space.decisions[i]
	if d.Kind != kind || !equalStrings(d.Labels, labels) {
		exceptions.Panicf("choice.%s(%q): candidates %v differ from those traced, %v: candidates must not depend on other choices", fn, full, labels, d.Labels)
	}
	b.seen[full] = i
	return b.arch[i]
}

// fullName is the decision name: scope's path below the model's root, then name.
func (b *build) fullName(scope *model.Scope, name string) string {
	rel := strings.TrimPrefix(scope.Scope(), b.root)
	rel = strings.Trim(rel, "/")
	if rel == "" {
		return name
	}
	return rel + "/" + name
}

func equalStrings(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
