package kernels

import (
	"fmt"
	"reflect"

	"github.com/gomlx/compute"
	"github.com/gomlx/compute/notimplemented"
	"github.com/gomlx/compute/shapes"
	"github.com/pkg/errors"
)

// nodeKind tells how a recorded node is computed.
type nodeKind int

const (
	kindParameter nodeKind = iota // an input of the computation
	kindConstant                  // a constant, materialised where needed
	kindStandard                  // an op replayed on the wrapped pure-Go backend
	kindKernel                    // an op computed by a kernel of this module
)

// replayFunc re-issues a standard op on a function of the wrapped backend.
type replayFunc func(g compute.Function, in []compute.Value) ([]compute.Value, error)

// kernelFunc computes a kernel op: inputs and outputs are flat Go slices
// ([]float32, []float64, ...) of the recorded shapes; outputs are freshly allocated.
type kernelFunc func(inputs, outputs []any) error

// node is one recorded operation.
type node struct {
	id      int
	kind    nodeKind
	op      compute.OpType
	inputs  []*value
	outputs []*value

	replay replayFunc // kindStandard and kindConstant
	kernel kernelFunc // kindKernel

	paramName  string // kindParameter
	paramIndex int    // kindParameter

	constFlat any // kindConstant

	broadcastAxes []int // BroadcastInDim (broadcast.go)
}

// value is one output of a node: what compute.Value holds for this backend.
type value struct {
	fn     *Function
	node   *node
	index  int // output index in node.outputs
	id     int // unique within the function
	shape  shapes.Shape
	shadow compute.Value // the value in the shape-inference function
}

// Function implements compute.Function by recording the graph. Ops are checked and
// their shapes inferred by replaying them on a "shadow" function of the wrapped
// backend as they are recorded, so errors surface at build time, where GoMLX expects them.
type Function struct {
	notimplemented.Function
	builder  *Builder
	name     string
	shadow   compute.Function
	nodes    []*node
	values   []*value
	params   []*node
	outputs  []*value
	returned bool
	// placeholders are the shadow parameters standing for values computed outside
	// the shadow function (parameters, kernel outputs), one per shape: gobackend
	// compares a new parameter with every earlier one, which made recording
	// quadratic in the number of kernel ops (a third of a new architecture's cost).
	placeholders map[string]compute.Value
}

var _ compute.Function = (*Function)(nil)

func newFunction(b *Builder, name string) *Function {
	shadowBuilder := b.backend.inner.Builder(b.name + "#shapes")
	return &Function{
		Function: notimplemented.Function{ErrFn: notImplementedError},
		builder:  b,
		name:     name,
		shadow:   shadowBuilder.Main(),
	}
}

// Name implements compute.Function.
func (f *Function) Name() string { return f.name }

// Builder implements compute.Function.
func (f *Function) Builder() compute.Builder { return f.builder }

// Parent implements compute.Function: always nil (no closures).
func (f *Function) Parent() compute.Function { return nil }

// Closure implements compute.Function: not supported.
func (f *Function) Closure() (compute.Function, error) {
	return nil, errors.Wrapf(compute.ErrNotImplemented, "%q backend: closures are not supported", BackendName)
}

// Shape implements compute.Function.
func (f *Function) Shape(v compute.Value) (shapes.Shape, error) {
	val, err := f.checkValue("Shape", v)
	if err != nil {
		return shapes.Invalid(), err
	}
	return val.shape, nil
}

func (f *Function) checkValue(op string, v compute.Value) (*value, error) {
	val, ok := v.(*value)
	if !ok || val == nil {
		return nil, errors.Errorf("%q backend: %s got a value of type %T, not one of this backend", BackendName, op, v)
	}
	if val.fn != f {
		return nil, errors.Errorf("%q backend: %s got a value from another function or builder", BackendName, op)
	}
	return val, nil
}

func (f *Function) checkValues(op string, vs []compute.Value) ([]*value, error) {
	out := make([]*value, len(vs))
	for i, v := range vs {
		val, err := f.checkValue(op, v)
		if err != nil {
			return nil, errors.WithMessagef(err, "input #%d", i)
		}
		out[i] = val
	}
	return out, nil
}

func (f *Function) checkBuilding(op string) error {
	if f.returned {
		return errors.Errorf("%q backend: cannot add %s after Return()", BackendName, op)
	}
	return nil
}

// addNode appends n with outputs of the given shapes and shadow values.
func (f *Function) addNode(n *node, outShapes []shapes.Shape, shadows []compute.Value) []compute.Value {
	n.id = len(f.nodes)
	f.nodes = append(f.nodes, n)
	result := make([]compute.Value, len(outShapes))
	for i, s := range outShapes {
		v := &value{fn: f, node: n, index: i, id: len(f.values), shape: s, shadow: shadows[i]}
		f.values = append(f.values, v)
		n.outputs = append(n.outputs, v)
		result[i] = v
	}
	return result
}

// Parameter implements compute.Function.
func (f *Function) Parameter(name string, shape shapes.Shape, sharding *compute.ShardingSpec) (compute.Value, error) {
	if err := f.checkBuilding("Parameter"); err != nil {
		return nil, err
	}
	if sharding != nil {
		return nil, errors.Errorf("%q backend: parameter %q: sharding is not supported", BackendName, name)
	}
	sv, err := f.placeholder(shape)
	if err != nil {
		return nil, err
	}
	n := &node{kind: kindParameter, op: compute.OpTypeParameter, paramName: name, paramIndex: len(f.params)}
	f.params = append(f.params, n)
	return f.addNode(n, []shapes.Shape{shape}, []compute.Value{sv})[0], nil
}

// Constant implements compute.Function. The flat data is copied.
func (f *Function) Constant(flat any, dims ...int) (compute.Value, error) {
	if err := f.checkBuilding("Constant"); err != nil {
		return nil, err
	}
	sv, err := f.shadow.Constant(flat, dims...)
	if err != nil {
		return nil, err
	}
	shape, err := f.shadow.Shape(sv)
	if err != nil {
		return nil, err
	}
	rv := reflect.ValueOf(flat)
	clone := reflect.MakeSlice(rv.Type(), rv.Len(), rv.Len())
	reflect.Copy(clone, rv)
	flatCopy := clone.Interface()
	dimsCopy := append([]int(nil), dims...)
	n := &node{kind: kindConstant, op: compute.OpTypeConstant, constFlat: flatCopy,
		replay: func(g compute.Function, _ []compute.Value) ([]compute.Value, error) {
			v, err := g.Constant(flatCopy, dimsCopy...)
			return []compute.Value{v}, err
		}}
	return f.addNode(n, []shapes.Shape{shape}, []compute.Value{sv})[0], nil
}

// recordStandard records an op executed by the wrapped backend; it is replayed at
// once on the shadow function to check it and infer its output shapes.
func (f *Function) recordStandard(op compute.OpType, inputs []compute.Value, replay replayFunc) ([]compute.Value, error) {
	if err := f.checkBuilding(op.String()); err != nil {
		return nil, err
	}
	vals, err := f.checkValues(op.String(), inputs)
	if err != nil {
		return nil, err
	}
	shadowIn := make([]compute.Value, len(vals))
	for i, v := range vals {
		shadowIn[i] = v.shadow
	}
	shadowOut, err := replay(f.shadow, shadowIn)
	if err != nil {
		return nil, err
	}
	outShapes := make([]shapes.Shape, len(shadowOut))
	for i, sv := range shadowOut {
		if outShapes[i], err = f.shadow.Shape(sv); err != nil {
			return nil, err
		}
	}
	n := &node{kind: kindStandard, op: op, inputs: vals, replay: replay}
	return f.addNode(n, outShapes, shadowOut), nil
}

// recordKernel records an op computed by one of this module's kernels, with
// output shapes already inferred by the caller.
func (f *Function) recordKernel(op compute.OpType, inputs []compute.Value, outShapes []shapes.Shape, kernel kernelFunc) ([]compute.Value, error) {
	if err := f.checkBuilding(op.String()); err != nil {
		return nil, err
	}
	vals, err := f.checkValues(op.String(), inputs)
	if err != nil {
		return nil, err
	}
	n := &node{kind: kindKernel, op: op, inputs: vals, kernel: kernel}
	// Downstream standard ops are shape-checked against a placeholder parameter.
	shadows := make([]compute.Value, len(outShapes))
	for i, s := range outShapes {
		if shadows[i], err = f.placeholder(s); err != nil {
			return nil, err
		}
	}
	return f.addNode(n, outShapes, shadows), nil
}

// placeholder returns the shadow parameter of shape s (see Function.placeholders).
func (f *Function) placeholder(s shapes.Shape) (compute.Value, error) {
	b := appendShapeKey(make([]byte, 0, 64), s)
	for _, name := range s.AxisNames {
		b = append(append(b, '|'), name...)
	}
	key := string(b)
	if v, ok := f.placeholders[key]; ok {
		return v, nil
	}
	v, err := f.shadow.Parameter(fmt.Sprintf("#placeholder%d", len(f.placeholders)), s, nil)
	if err != nil {
		return nil, err
	}
	if f.placeholders == nil {
		f.placeholders = map[string]compute.Value{}
	}
	f.placeholders[key] = v
	return v, nil
}

// Return implements compute.Function.
func (f *Function) Return(outputs []compute.Value, shardings []*compute.ShardingSpec) error {
	if err := f.checkBuilding("Return"); err != nil {
		return err
	}
	for _, s := range shardings {
		if s != nil {
			return errors.Errorf("%q backend: output sharding is not supported", BackendName)
		}
	}
	vals, err := f.checkValues("Return", outputs)
	if err != nil {
		return err
	}
	f.outputs = vals
	f.returned = true
	return nil
}

// dropRecording frees, once the function is compiled, what only recording and
// compiling needed: the shadow function of the wrapped backend (a node for every
// recorded op), and the graph itself — the standard and constant nodes (replayed
// into the segments or materialised by compile) and every value no step, input
// or output refers to. What executing needs stays: the parameters, the outputs,
// and the values and kernel nodes the steps hold (values keep their id and shape,
// no longer their node).
func (f *Function) dropRecording() {
	for _, v := range f.values {
		v.shadow, v.node = nil, nil
	}
	f.shadow, f.placeholders, f.nodes, f.values = nil, nil, nil, nil
}
