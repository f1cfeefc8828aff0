package kernels

import (
	"reflect"

	"github.com/gomlx/compute"
	"github.com/gomlx/compute/shapes"
	"github.com/pkg/errors"
)

// Executable implements compute.Executable: it runs the steps made by compile in order,
// passing buffers of the wrapped backend between them and releasing each
// intermediate buffer right after its last use (or donating it to the step that
// uses it last, so the wrapped backend can reuse its memory in place).
type Executable struct {
	backend      *Backend
	fn           *Function
	steps        []step
	lastUse      []int                  // by value id: the last step that reads it
	constBuffers map[int]compute.Buffer // by value id
	workingBytes int64                  // see workingMemory
	numValues    int                    // values recorded in fn (ids 0..numValues-1)
}

var _ compute.Executable = (*Executable)(nil)

// Finalize implements compute.Executable.
func (e *Executable) Finalize() {
	for _, st := range e.steps {
		if st.seg != nil && st.seg.exec != nil {
			st.seg.exec.Finalize()
		}
	}
	for _, b := range e.constBuffers {
		_ = b.Finalize()
	}
	e.constBuffers = nil
}

// WorkingMemory is a lower bound of the memory one execution holds at once, in
// bytes: the outputs of kernels and of compiled segments that are alive together
// (see workingMemory). The memory is the backend's pool's, not the executable's:
// a compiled graph that is not running holds only its code, constants and metadata.
func (e *Executable) WorkingMemory() int64 { return e.workingBytes }

// Inputs implements compute.Executable.
func (e *Executable) Inputs() (names []string, inputShapes []shapes.Shape) {
	for _, p := range e.fn.params {
		names = append(names, p.paramName)
		inputShapes = append(inputShapes, p.outputs[0].shape)
	}
	return
}

// Outputs implements compute.Executable.
func (e *Executable) Outputs() (outputShapes []shapes.Shape) {
	for _, v := range e.fn.outputs {
		outputShapes = append(outputShapes, v.shape)
	}
	return
}

// Execute implements compute.Executable.
func (e *Executable) Execute(inputs []compute.Buffer, donate []bool, defaultDevice compute.DeviceNum) (results []compute.Buffer, err error) {
	f := e.fn
	if len(inputs) != len(f.params) {
		return nil, errors.Errorf("%q backend: executable takes %d inputs, got %d", BackendName, len(f.params), len(inputs))
	}
	if defaultDevice != 0 {
		return nil, errors.Errorf("%q backend: only device 0 exists, got %d", BackendName, defaultDevice)
	}
	e.backend.pool.tick()
	bufs := make([]compute.Buffer, e.numValues)
	owned := make([]bool, e.numValues)   // owned buffers are released by us
	recycle := make([]bool, e.numValues) // kernel outputs go back to the pool
	defer func() {
		if err != nil {
			for i, b := range bufs {
				if b != nil && owned[i] {
					_ = b.Finalize()
				}
			}
		}
	}()
	for i, p := range f.params {
		v := p.outputs[0]
		in, err := e.backend.unwrap(inputs[i])
		if err != nil {
			return nil, errors.WithMessagef(err, "input #%d (%q)", i, p.paramName)
		}
		s, err := in.Shape()
		if err != nil {
			return nil, err
		}
		if !s.Equal(v.shape) {
			return nil, errors.Errorf("%q backend: input #%d (%q) has shape %s, want %s", BackendName, i, p.paramName, s, v.shape)
		}
		bufs[v.id] = in
		owned[v.id] = i < len(donate) && donate[i]
		// A donated kernel output of an earlier execution goes back to the pool.
		if w, ok := inputs[i].(*buffer); ok && owned[v.id] && w.take() {
			recycle[v.id] = true
		}
	}
	for id, b := range e.constBuffers {
		bufs[id] = b
	}
	release := func(stepIdx int, v *value) {
		if e.lastUse[v.id] == stepIdx && owned[v.id] && bufs[v.id] != nil {
			if recycle[v.id] {
				e.backend.pool.put(bufs[v.id], v.shape)
			} else {
				_ = bufs[v.id].Finalize()
			}
			bufs[v.id] = nil
		}
	}
	for stepIdx, st := range e.steps {
		if st.seg != nil {
			if err = e.runSegment(stepIdx, st.seg, bufs, owned, recycle); err != nil {
				return nil, err
			}
			for _, v := range st.seg.inputs {
				release(stepIdx, v)
			}
			continue
		}
		if err = e.runKernel(st.kernel, bufs, owned, recycle); err != nil {
			return nil, err
		}
		for _, v := range st.kernel.inputs {
			release(stepIdx, v)
		}
	}
	results = make([]compute.Buffer, len(f.outputs))
	returned := make([]bool, e.numValues)
	for i, v := range f.outputs {
		b := bufs[v.id]
		if b == nil {
			return nil, errors.Errorf("%q backend: output #%d was not computed", BackendName, i)
		}
		pooled := recycle[v.id] && owned[v.id] && !returned[v.id]
		if !owned[v.id] || returned[v.id] {
			if b, err = e.copyBuffer(b, v.shape); err != nil {
				return nil, err
			}
		}
		returned[v.id] = true
		if pooled {
			results[i] = &buffer{Buffer: b, backend: e.backend, pooled: true}
			continue
		}
		results[i] = e.backend.wrap(b)
	}
	// Donated inputs nobody consumed are released.
	for i, b := range bufs {
		if b != nil && owned[i] && !returned[i] && e.lastUse[i] < 0 {
			_ = b.Finalize()
		}
	}
	return results, nil
}

// runSegment executes one compiled segment, donating the inputs it reads last
// (except kernel outputs, which go back to the pool).
func (e *Executable) runSegment(stepIdx int, seg *segment, bufs []compute.Buffer, owned, recycle []bool) error {
	ins := make([]compute.Buffer, len(seg.inputs))
	don := make([]bool, len(seg.inputs))
	for i, v := range seg.inputs {
		ins[i] = bufs[v.id]
		if ins[i] == nil {
			return errors.Errorf("%q backend: segment %d: input value %d missing", BackendName, stepIdx, v.id)
		}
		// Kernel outputs are not donated: gobackend would free them (they are not from
		// its pool), while our pool recycles them after the segment.
		don[i] = owned[v.id] && !recycle[v.id] && e.lastUse[v.id] == stepIdx
	}
	outs, err := seg.exec.Execute(ins, don, 0)
	if err != nil {
		return errors.WithMessagef(err, "%q backend: executing segment %d", BackendName, stepIdx)
	}
	for i, v := range seg.inputs {
		if don[i] {
			bufs[v.id] = nil // consumed by the wrapped backend
		}
	}
	for i, v := range seg.outputs {
		bufs[v.id] = outs[i]
		owned[v.id] = true
	}
	return nil
}

// runKernel executes one kernel op on the flat data of its inputs, into new buffers.
func (e *Executable) runKernel(n *node, bufs []compute.Buffer, owned, recycle []bool) error {
	ins := make([]any, len(n.inputs))
	for i, v := range n.inputs {
		b := bufs[v.id]
		if b == nil {
			return errors.Errorf("%q backend: %s: input #%d missing", BackendName, n.op, i)
		}
		flat, err := b.Data()
		if err != nil {
			return err
		}
		ins[i] = flat
	}
	outs := make([]any, len(n.outputs))
	outBufs := make([]compute.Buffer, len(n.outputs))
	for i, v := range n.outputs {
		b, flat, err := e.backend.pool.get(e.backend.inner, v.shape)
		if err != nil {
			return err
		}
		outBufs[i], outs[i] = b, flat
	}
	if err := n.kernel(ins, outs); err != nil {
		for i, b := range outBufs {
			e.backend.pool.put(b, n.outputs[i].shape)
		}
		return errors.WithMessagef(err, "%q backend: kernel %s", BackendName, n.op)
	}
	for i, v := range n.outputs {
		bufs[v.id] = outBufs[i]
		owned[v.id] = true
		recycle[v.id] = true
	}
	return nil
}

// copyBuffer returns a new buffer with the contents of b.
func (e *Executable) copyBuffer(b compute.Buffer, shape shapes.Shape) (compute.Buffer, error) {
	src, err := b.Data()
	if err != nil {
		return nil, err
	}
	nb, dst, err := e.backend.inner.NewSharedBuffer(0, shape)
	if err != nil {
		return nil, err
	}
	reflect.Copy(reflect.ValueOf(dst), reflect.ValueOf(src))
	return nb, nil
}
