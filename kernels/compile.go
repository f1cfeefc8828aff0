package kernels

import (
	"fmt"
	"math"
	"slices"

	"github.com/gomlx/compute"
	"github.com/pkg/errors"
)

// step is one unit of execution: a segment of standard ops compiled on the wrapped
// backend, or one kernel op.
type step struct {
	seg    *segment
	kernel *node
}

// segment is a group of standard ops of the same level, compiled as one executable of
// the wrapped backend.
type segment struct {
	exec    compute.Executable
	inputs  []*value // fed as the executable's parameters, in order
	outputs []*value // returned by the executable, in order
}

// compile partitions the recorded main function into levels (see the package
// comment) and compiles each level's standard ops on the wrapped backend.
func compile(b *Builder) (*Executable, error) {
	f := b.main
	if fuseElementwise {
		fusedNodes.Add(int64(fuse(f)))
	}
	// Live nodes: those the outputs depend on.
	_, live := liveUses(f)

	// Levels: a value's level is the first segment in which it is available.
	valueLevel := make([]int, len(f.values))
	nodeLevel := make([]int, len(f.nodes)) // segment of a standard node, slot of a kernel
	maxLevel := 0
	for _, n := range f.nodes {
		if !live[n.id] {
			continue
		}
		level := 0
		for _, in := range n.inputs {
			level = max(level, valueLevel[in.id])
		}
		nodeLevel[n.id] = level
		outLevel := level
		if n.kind == kindKernel {
			outLevel = level + 1 // available after the kernel ran, which is after segment `level`
		}
		for _, v := range n.outputs {
			valueLevel[v.id] = outLevel
		}
		maxLevel = max(maxLevel, outLevel)
	}

	// Steps in execution order: segment L, then the kernels of slot L.
	var steps []step
	nodeStep := make([]int, len(f.nodes))
	for i := range nodeStep {
		nodeStep[i] = -1
	}
	// Live standard and kernel nodes by level, in recording order.
	standardAt := make([][]*node, maxLevel+1)
	kernelsAt := make([][]*node, maxLevel+1)
	for _, n := range f.nodes {
		switch {
		case !live[n.id]:
		case n.kind == kindStandard:
			standardAt[nodeLevel[n.id]] = append(standardAt[nodeLevel[n.id]], n)
		case n.kind == kindKernel:
			kernelsAt[nodeLevel[n.id]] = append(kernelsAt[nodeLevel[n.id]], n)
		}
	}
	var segNodes [][]*node
	for level := 0; level <= maxLevel; level++ {
		for _, nodes := range splitSegment(standardAt[level], maxSegmentInputs) {
			for _, n := range nodes {
				nodeStep[n.id] = len(steps)
			}
			steps = append(steps, step{seg: &segment{}})
			segNodes = append(segNodes, nodes)
		}
		for _, n := range kernelsAt[level] {
			nodeStep[n.id] = len(steps)
			steps = append(steps, step{kernel: n})
			segNodes = append(segNodes, nil)
		}
	}

	// Last use of every value, by step; outputs are never released.
	lastUse := make([]int, len(f.values))
	for i := range lastUse {
		lastUse[i] = -1
	}
	for _, n := range f.nodes {
		if !live[n.id] {
			continue
		}
		for _, in := range n.inputs {
			lastUse[in.id] = max(lastUse[in.id], nodeStep[n.id])
		}
	}
	isOutput := make([]bool, len(f.values))
	for _, v := range f.outputs {
		lastUse[v.id] = math.MaxInt
		isOutput[v.id] = true
	}

	// Values read by a step other than the one that computes them.
	readElsewhere := make([]bool, len(f.values))
	for _, m := range f.nodes {
		if nodeStep[m.id] < 0 {
			continue
		}
		for _, in := range m.inputs {
			if nodeStep[in.node.id] != nodeStep[m.id] {
				readElsewhere[in.id] = true
			}
		}
	}

	e := &Executable{backend: b.backend, fn: f, steps: steps, lastUse: lastUse, constBuffers: map[int]compute.Buffer{},
		numValues: len(f.values)}
	for i, st := range steps {
		if st.seg == nil {
			continue
		}
		if err := buildSegment(b, i, st.seg, segNodes[i], readElsewhere, isOutput); err != nil {
			e.Finalize()
			return nil, err
		}
	}
	// Constants read by kernels or returned as outputs are materialised once.
	readByKernel := make([]bool, len(f.values))
	for _, m := range f.nodes {
		if live[m.id] && m.kind == kindKernel {
			for _, in := range m.inputs {
				readByKernel[in.id] = true
			}
		}
	}
	for _, n := range f.nodes {
		if !live[n.id] || n.kind != kindConstant {
			continue
		}
		v := n.outputs[0]
		if isOutput[v.id] || readByKernel[v.id] {
			buf, err := b.backend.inner.BufferFromFlatData(0, n.constFlat, v.shape)
			if err != nil {
				e.Finalize()
				return nil, errors.WithMessage(err, "materialising a constant")
			}
			e.constBuffers[v.id] = buf
		}
	}
	e.workingBytes = workingMemory(f, steps, lastUse)
	if err := checkWorkingMemory(b.name, e.workingBytes); err != nil {
		e.Finalize()
		return nil, err
	}
	f.dropRecording()
	return e, nil
}

// maxSegmentInputs bounds the parameters of one segment: the wrapped backend
// de-duplicates a new parameter against every earlier one of its function, so
// building a segment with P parameters costs O(P²) (≈ 10 ms per compile of an
// ENAS child whose optimizer update reads ~600 values in one level).
const maxSegmentInputs = 32

// splitSegment cuts one level's standard nodes, in recording order (a
// topological order), into consecutive groups that each read at most
// maxInputs values computed outside the group (constants excluded, as they are
// replayed). A group may read what an earlier group of the same level
// computed: groups run in order. A single node with more inputs forms its own
// group.
func splitSegment(nodes []*node, maxInputs int) [][]*node {
	if len(nodes) == 0 {
		return nil
	}
	var groups [][]*node
	start := 0
	inGroup := map[*node]bool{}
	external := map[*value]bool{}
	// freshInputs lists n's inputs the current group does not have yet.
	freshInputs := func(n *node) []*value {
		var fresh []*value
		for _, in := range n.inputs {
			if in.node.kind != kindConstant && !inGroup[in.node] && !external[in] && !slices.Contains(fresh, in) {
				fresh = append(fresh, in)
			}
		}
		return fresh
	}
	for i, n := range nodes {
		fresh := freshInputs(n)
		if i > start && len(external)+len(fresh) > maxInputs {
			groups = append(groups, nodes[start:i])
			start = i
			clear(inGroup)
			clear(external)
			fresh = freshInputs(n)
		}
		for _, v := range fresh {
			external[v] = true
		}
		inGroup[n] = true
	}
	return append(groups, nodes[start:])
}

// buildSegment replays the standard nodes of one segment on a fresh builder of the
// wrapped backend and compiles it. Values produced elsewhere become its parameters;
// values used elsewhere (or returned) become its outputs. Constants are replayed
// inside every segment that uses them.
func buildSegment(b *Builder, stepIdx int, seg *segment, nodes []*node, readElsewhere, isOutput []bool) error {
	inner := b.backend.inner.Builder(fmt.Sprintf("%s#%d", b.name, stepIdx))
	g := inner.Main()
	mapped := map[*value]compute.Value{}
	get := func(v *value) (compute.Value, error) {
		if mv, ok := mapped[v]; ok {
			return mv, nil
		}
		if v.node.kind == kindConstant {
			outs, err := v.node.replay(g, nil)
			if err != nil {
				return nil, err
			}
			mapped[v] = outs[0]
			return outs[0], nil
		}
		p, err := g.Parameter(fmt.Sprintf("in%d", len(seg.inputs)), v.shape, nil)
		if err != nil {
			return nil, err
		}
		seg.inputs = append(seg.inputs, v)
		mapped[v] = p
		return p, nil
	}
	for _, n := range nodes {
		ins := make([]compute.Value, len(n.inputs))
		for i, in := range n.inputs {
			var err error
			if ins[i], err = get(in); err != nil {
				return errors.WithMessagef(err, "%q backend: segment %d, input of %s", BackendName, stepIdx, n.op)
			}
		}
		outs, err := n.replay(g, ins)
		if err != nil {
			return errors.WithMessagef(err, "%q backend: segment %d, replaying %s", BackendName, stepIdx, n.op)
		}
		for i, v := range n.outputs {
			mapped[v] = outs[i]
		}
	}
	// Outputs: values consumed by other steps or returned.
	var returns []compute.Value
	for _, n := range nodes {
		for _, v := range n.outputs {
			if readElsewhere[v.id] || isOutput[v.id] {
				seg.outputs = append(seg.outputs, v)
				returns = append(returns, mapped[v])
			}
		}
	}
	if err := g.Return(returns, nil); err != nil {
		return errors.WithMessagef(err, "%q backend: segment %d", BackendName, stepIdx)
	}
	exec, err := inner.Compile()
	if err != nil {
		return errors.WithMessagef(err, "%q backend: compiling segment %d", BackendName, stepIdx)
	}
	seg.exec = exec
	return nil
}
