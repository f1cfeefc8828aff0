package kernels

import (
	"fmt"
	"sync"

	"github.com/gomlx/compute"
	"github.com/gomlx/compute/shapes"
)

// bufferPool recycles the output buffers of kernel ops across executions.
//
// A kernel writes every element of its outputs, so a buffer released by one
// execution can be handed to the next kernel of the same shape without clearing it.
// gobackend returns its own buffers to its pool, but not the "shared" buffers this
// backend creates for kernel outputs: without this pool every kernel output would be
// a fresh, zeroed allocation (10% of an ENAS child step went to clearing memory).
// The pool keeps at most maxPooledBytes in total; beyond that buffers are freed.
type bufferPool struct {
	mu    sync.Mutex
	free  map[string][]pooledBuffer
	bytes int64
}

type pooledBuffer struct {
	buf  compute.Buffer
	flat any
}

// maxPooledBytes bounds the memory the pool holds between executions.
const maxPooledBytes = 512 << 20

func poolKey(s shapes.Shape) string { return fmt.Sprint(s.DType, s.Dimensions) }

// get returns a buffer of the given shape, recycled or new; its content is undefined.
func (p *bufferPool) get(inner compute.Backend, s shapes.Shape) (compute.Buffer, any, error) {
	key := poolKey(s)
	p.mu.Lock()
	if list := p.free[key]; len(list) > 0 {
		b := list[len(list)-1]
		p.free[key] = list[:len(list)-1]
		p.bytes -= int64(s.Memory())
		p.mu.Unlock()
		return b.buf, b.flat, nil
	}
	p.mu.Unlock()
	return inner.NewSharedBuffer(0, s)
}

// put returns a buffer obtained from get; it is freed if the pool is full.
func (p *bufferPool) put(buf compute.Buffer, s shapes.Shape) {
	flat, err := buf.Data()
	size := int64(s.Memory())
	p.mu.Lock()
	if err != nil || p.bytes+size > maxPooledBytes {
		p.mu.Unlock()
		_ = buf.Finalize()
		return
	}
	if p.free == nil {
		p.free = map[string][]pooledBuffer{}
	}
	key := poolKey(s)
	p.free[key] = append(p.free[key], pooledBuffer{buf: buf, flat: flat})
	p.bytes += size
	p.mu.Unlock()
}
