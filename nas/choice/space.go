package choice

import (
	"fmt"
	"sync"

	"github.com/gomlx/compute"
	"github.com/gomlx/compute/dtypes"
	"github.com/gomlx/compute/shapes"
	. "github.com/gomlx/gomlx/core/graph" //nolint:staticcheck
	"github.com/gomlx/gomlx/ml/model"
	"github.com/gomlx/gomlx/support/exceptions"
	"github.com/gonas/gonas/kernels"
	"github.com/gonas/gonas/nas"
	"github.com/pkg/errors"
)

// Space is the search space of a model function with choices: a nas.Space (and
// nas.ImageSpace, nas.Counter, nas.Drawer, nas.Format) whose decisions are the
// choices the function declares, in the order a trace meets them.
type Space struct {
	name                    string
	model                   nas.ImageModel
	height, width, channels int
	classes                 int // the size of the logits the trace returned
	decisions               []nas.Decision
	index                   map[string]int
}

// traceBackend builds the graphs of traces, costs and drawings; they are never
// compiled, so the embedded backend serves whatever backend trains the model.
var traceBackend = sync.OnceValues(func() (compute.Backend, error) { return kernels.New("") })

// New traces m once, on a single height×width×channels input, and returns its
// space. Every choice the trace meets becomes a decision named after its scope
// path below the model's scope and its name ("depth", "depth/1/op"). The trace takes
// the first candidate of every Op, Input and Value and the largest count of every
// Repeat, so the choices of every block a Repeat may build are declared; a choice
// met only under other values is an error when an architecture reaches it.
//
// It fails on a model that panics, a choice with no candidates, a candidate given
// twice, two choices of one name, or a model with no choice at all.
func New(name string, m nas.ImageModel, height, width, channels int) (*Space, error) {
	if name == "" || m == nil || height <= 0 || width <= 0 || channels <= 0 {
		return nil, errors.Errorf("choice.New(%q): need a name, a model function and a positive input shape (got %d×%d×%d)", name, height, width, channels)
	}
	s := &Space{name: name, model: m, height: height, width: width, channels: channels}
	b := &build{}
	tr, err := s.run(b)
	if err != nil {
		return nil, errors.WithMessagef(err, "choice.New(%q): tracing the model", name)
	}
	defer tr.g.Finalize()
	if len(b.trace) == 0 {
		return nil, errors.Errorf("choice.New(%q): the model declares no choice (use choice.Op, Input, Value or Repeat)", name)
	}
	dims := tr.logits.Shape().Dimensions
	if len(dims) != 2 || dims[0] != 1 {
		return nil, errors.Errorf("choice.New(%q): the model returns %s, want logits [batch, classes]", name, tr.logits.Shape())
	}
	s.classes = dims[1]
	s.decisions = b.trace
	s.index = make(map[string]int, len(b.trace))
	for i, d := range b.trace {
		s.index[d.Name] = i
	}
	return s, nil
}

// traced is the graph of one run of the model on a single input.
type traced struct {
	g         *Graph
	store     *model.Store
	x, logits *Node
}

// traceArch builds architecture a once (after checking it), recording the choices
// it meets in the returned build; the caller finalizes tr.g when done with it.
func (s *Space) traceArch(a nas.Arch) (*build, *traced, error) {
	if err := s.Validate(a); err != nil {
		return nil, nil, err
	}
	b := &build{space: s, arch: a.Choices}
	tr, err := s.run(b)
	if err != nil {
		return nil, nil, err
	}
	return b, tr, nil
}

// run builds the model once with b (a trace, or one architecture) on one input, in a
// fresh store, and catches what it panics with.
func (s *Space) run(b *build) (*traced, error) {
	backend, err := traceBackend()
	if err != nil {
		return nil, err
	}
	tr := &traced{g: NewGraph(backend, "choice-"+s.name), store: model.NewStore()}
	if exc := exceptions.Try(func() {
		tr.x = Parameter(tr.g, "x", shapes.Make(dtypes.Float32, 1, s.height, s.width, s.channels))
		tr.logits = run(b, s.model, tr.store.RootScope(), tr.x)
	}); exc != nil {
		tr.g.Finalize()
		if err, ok := exc.(error); ok {
			return nil, err
		}
		return nil, errors.Errorf("%v", exc)
	}
	return tr, nil
}

// Name is the space's name, as given to New.
func (s *Space) Name() string { return s.name }

// Decisions lists the choices of the model, in the order the trace met them.
func (s *Space) Decisions() []nas.Decision { return s.decisions }

// InputShape is the height, width and channels of the model's input.
func (s *Space) InputShape() (height, width, channels int) { return s.height, s.width, s.channels }

// NumClasses is the number of logits the model returns.
func (s *Space) NumClasses() int { return s.classes }

// Validate checks a's space, length and the range of each choice.
func (s *Space) Validate(a nas.Arch) error { return nas.ValidateChoices(s, a) }

// ImageModel returns the network of architecture a: the model function with each
// choice answered from a. numClasses must be the model's number of logits.
func (s *Space) ImageModel(a nas.Arch, numClasses int) (nas.ImageModel, error) {
	if err := s.Validate(a); err != nil {
		return nil, err
	}
	if numClasses != s.classes {
		return nil, errors.Errorf("space %q: the model returns %d logits, not %d", s.name, s.classes, numClasses)
	}
	choices := append([]int(nil), a.Choices...)
	return func(scope *model.Scope, x *Node) *Node {
		return run(&build{space: s, arch: choices}, s.model, scope, x)
	}, nil
}

// Describe lists a's choices as "name=label" lines.
func (s *Space) Describe(a nas.Arch) string { return nas.Describe(s, a) }

// String summarises the space: "name: 6 choices, 96 architectures".
func (s *Space) String() string {
	return fmt.Sprintf("%s: %d choices, %g architectures", s.name, len(s.decisions), nas.NumArchitectures(s))
}
