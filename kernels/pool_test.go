package kernels

import (
	"testing"

	"github.com/gomlx/compute/dtypes"
	"github.com/gomlx/compute/shapes"
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
