package kernels

import (
	"strconv"
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
// a fresh, zeroed allocation.
//
// An ENAS child step releases about 1.4 GB of kernel outputs (every activation and
// gradient): the pool must hold a whole step's worth, or each step allocates the
// excess again (with a 512 MB bound, 15% of a step went to zeroing and faulting in
// fresh memory). The memory is bounded twice: at most maxPooledBytes in total
// (beyond that buffers are freed), and the buffers of a shape that no kernel asked
// for during the last staleExecutions executions are freed (tick), so a search that
// moves on to other shapes does not keep the old ones.
type bufferPool struct {
	mu    sync.Mutex
	free  map[string]*pooledList
	bytes int64
	epoch uint64 // executions started
}

// pooledList holds the free buffers of one shape.
type pooledList struct {
	bufs    []pooledBuffer
	size    int64  // bytes of one buffer
	lastGet uint64 // epoch of the last get (or of the first put)
}

type pooledBuffer struct {
	buf  compute.Buffer
	flat any
}

// maxPooledBytes bounds the memory the pool holds between executions.
const maxPooledBytes = 3 << 30

// staleExecutions is how many executions a shape's free buffers wait for a get.
const staleExecutions = 16

// poolKey names a shape's dtype and dimensions (axis names do not matter here).
func poolKey(s shapes.Shape) string { return string(appendShapeKey(make([]byte, 0, 48), s)) }

// appendShapeKey appends the dtype and dimensions of s to b, as "dtype:d0,d1,...":
// a cheap map key (fmt.Sprint was 7% of a compile and ran for every kernel output).
func appendShapeKey(b []byte, s shapes.Shape) []byte {
	b = strconv.AppendInt(b, int64(s.DType), 10)
	b = append(b, ':')
	for i, d := range s.Dimensions {
		if i > 0 {
			b = append(b, ',')
		}
		b = strconv.AppendInt(b, int64(d), 10)
	}
	return b
}

// get returns a buffer of the given shape, recycled or new; its content is undefined.
func (p *bufferPool) get(inner compute.Backend, s shapes.Shape) (compute.Buffer, any, error) {
	key := poolKey(s)
	p.mu.Lock()
	if l := p.free[key]; l != nil {
		l.lastGet = p.epoch
		if n := len(l.bufs); n > 0 {
			b := l.bufs[n-1]
			l.bufs[n-1] = pooledBuffer{}
			l.bufs = l.bufs[:n-1]
			p.bytes -= l.size
			p.mu.Unlock()
			return b.buf, b.flat, nil
		}
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
		p.free = map[string]*pooledList{}
	}
	key := poolKey(s)
	l := p.free[key]
	if l == nil {
		l = &pooledList{size: size, lastGet: p.epoch}
		p.free[key] = l
	}
	l.bufs = append(l.bufs, pooledBuffer{buf: buf, flat: flat})
	p.bytes += size
	p.mu.Unlock()
}

// tick counts an execution and frees the buffers of shapes not asked for during the
// last staleExecutions executions.
func (p *bufferPool) tick() {
	var stale []pooledBuffer
	p.mu.Lock()
	p.epoch++
	for key, l := range p.free {
		if l.lastGet+staleExecutions < p.epoch {
			stale = append(stale, l.bufs...)
			p.bytes -= l.size * int64(len(l.bufs))
			delete(p.free, key)
		}
	}
	p.mu.Unlock()
	for _, b := range stale {
		_ = b.buf.Finalize()
	}
}

// clear frees every pooled buffer.
func (p *bufferPool) clear() {
	p.mu.Lock()
	free := p.free
	p.free, p.bytes = nil, 0
	p.mu.Unlock()
	for _, l := range free {
		for _, b := range l.bufs {
			_ = b.buf.Finalize()
		}
	}
}
