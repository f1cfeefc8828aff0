package kernels

import (
	"testing"

	"github.com/gomlx/compute"
	"github.com/gomlx/compute/dtypes"
	"github.com/gomlx/compute/shapes"
	"github.com/janpfeifer/must"
)

// The pool hands back released buffers of the same shape, and frees those of
// shapes nobody asked for during staleExecutions executions.
func TestBufferPoolReuseAndStaleEviction(t *testing.T) {
	inner := testBackend(t).(*Backend).inner
	var p bufferPool
	a, b := shapes.Make(dtypes.Float32, 3, 5), shapes.Make(dtypes.Float32, 7)
	bufA, flatA, err := p.get(inner, a)
	if err != nil {
		t.Fatal(err)
	}
	bufB, _, err := p.get(inner, b)
	if err != nil {
		t.Fatal(err)
	}
	p.put(bufA, a)
	p.put(bufB, b)
	if p.bytes != int64(a.Memory()+b.Memory()) {
		t.Fatalf("pool holds %d bytes, want %d", p.bytes, a.Memory()+b.Memory())
	}
	got, flat, err := p.get(inner, a)
	if err != nil {
		t.Fatal(err)
	}
	if got != bufA || &flat.([]float32)[0] != &flatA.([]float32)[0] {
		t.Fatal("get did not return the released buffer of the same shape")
	}
	p.put(got, a)
	// Shape a is asked for at every execution, shape b never again.
	for range staleExecutions + 1 {
		p.tick()
		buf, _, err := p.get(inner, a)
		if err != nil {
			t.Fatal(err)
		}
		p.put(buf, a)
	}
	if p.free[poolKey(b)] != nil {
		t.Error("the stale shape's buffers are still pooled")
	}
	if l := p.free[poolKey(a)]; l == nil || len(l.bufs) != 1 {
		t.Error("the shape in use lost its buffer")
	}
	if p.bytes != int64(a.Memory()) {
		t.Errorf("pool holds %d bytes, want %d", p.bytes, a.Memory())
	}
	p.clear()
	if p.bytes != 0 || len(p.free) != 0 {
		t.Errorf("clear left %d bytes in %d lists", p.bytes, len(p.free))
	}
}

// A kernel output returned by an execution goes back to the pool when the caller
// finalizes it or donates it to the next execution: the next result reuses its
// memory, and the finalized buffer refuses to be read or used again.
func TestReturnedKernelOutputsAreRecycled(t *testing.T) {
	backend := testBackend(t)
	s := shapes.Make(dtypes.Float32, 64, 64)
	exec := squareExec(t, backend, "recycle", s)
	defer exec.Finalize()
	input := must.M1(backend.BufferFromFlatData(0, make([]float32, 64*64), s))
	run := func(in compute.Buffer, donate bool) (compute.Buffer, *float32) {
		t.Helper()
		outs, err := exec.Execute([]compute.Buffer{in}, []bool{donate}, 0)
		if err != nil {
			t.Fatal(err)
		}
		flat, err := outs[0].Data()
		if err != nil {
			t.Fatal(err)
		}
		return outs[0], &flat.([]float32)[0]
	}
	first, p1 := run(input, false)
	if w, ok := first.(*buffer); !ok || !w.pooled {
		t.Fatalf("the result of a kernel is a %T, not a pooled buffer", first)
	}
	if err := first.Finalize(); err != nil {
		t.Fatal(err)
	}
	if _, err := first.Data(); err == nil {
		t.Error("Data on a finalized buffer did not fail")
	}
	if err := first.Finalize(); err == nil {
		t.Error("a second Finalize did not fail")
	}
	if _, err := exec.Execute([]compute.Buffer{first}, []bool{false}, 0); err == nil {
		t.Error("a finalized buffer was accepted as an input")
	}
	second, p2 := run(input, false)
	if p2 != p1 {
		t.Error("the finalized result's memory was not reused")
	}
	// Donated: consumed by the execution, recycled after it.
	third, p3 := run(second, true)
	if _, err := second.Data(); err == nil {
		t.Error("a donated buffer can still be read")
	}
	if p3 == p2 {
		t.Error("the result shares memory with the donated input it was computed from")
	}
	_, p4 := run(input, false)
	if p4 != p2 {
		t.Error("the donated input's memory was not reused")
	}
	_ = third.Finalize()
}

// ReleaseIdleMemory empties the pool an execution filled, and the next execution
// still computes what it computed before.
func TestReleaseIdleMemory(t *testing.T) {
	backend := testBackend(t).(*Backend)
	s := shapes.Make(dtypes.Float32, 64, 64)
	exec := squareExec(t, backend, "release", s)
	defer exec.Finalize()
	in := make([]float32, 64*64)
	for i := range in {
		in[i] = float32(i%7) - 3
	}
	input := must.M1(backend.BufferFromFlatData(0, in, s))
	run := func() {
		t.Helper()
		outs, err := exec.Execute([]compute.Buffer{input}, []bool{false}, 0)
		if err != nil {
			t.Fatal(err)
		}
		flat := must.M1(outs[0].Data()).([]float32)
		for i, v := range in {
			if flat[i] != v*v {
				t.Fatalf("element %d is %v, want %v", i, flat[i], v*v)
			}
		}
		if err := outs[0].Finalize(); err != nil { // back to the pool
			t.Fatal(err)
		}
	}
	run()
	if backend.pool.idleBytes() == 0 {
		t.Fatal("an execution left nothing in the pool: nothing to release")
	}
	backend.ReleaseIdleMemory()
	if n := backend.pool.idleBytes(); n != 0 {
		t.Errorf("ReleaseIdleMemory left %d bytes in the pool", n)
	}
	run()
}

// squareExec compiles x ↦ x·x for float32 values of shape s.
func squareExec(t *testing.T, backend compute.Backend, name string, s shapes.Shape) compute.Executable {
	t.Helper()
	b := backend.Builder(name)
	f := b.Main()
	x := must.M1(f.Parameter("x", s, nil))
	if err := f.Return([]compute.Value{must.M1(f.Mul(x, x))}, nil); err != nil {
		t.Fatal(err)
	}
	return must.M1(b.Compile())
}
