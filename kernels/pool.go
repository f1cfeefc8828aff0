package kernels

import (
	"cmp"
	"slices"
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
// gradient): the pool should hold a whole step's worth, or each step allocates the
// excess again (with a 512 MB bound, 15% of a step went to zeroing and faulting in
// fresh memory). The pool belongs to the backend, not to a compiled graph: every
// graph draws from it while it runs and gives back after, so what it holds is
// sized by the graphs that run now, not by how many are compiled. Its idle memory
// is bounded twice: at most PoolBudget (a quarter of the memory budget, see
// budget.go) in total, the shapes asked for least recently going first when a
// release would pass it, and the buffers of a shape that no kernel asked for during
// the last staleExecutions executions are freed (tick), so a search that moves on
// to other shapes does not keep the old ones.
type bufferPool struct {
	mu    sync.Mutex
	free  map[string]*pooledList
	bytes int64  // idle bytes held
	limit int64  // bound on bytes: PoolBudget(), read at every tick, unless fixed
	fixed bool   // limit was set by setLimit
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

// put returns a buffer obtained from get. When the pool would pass its bound, the
// buffers of the shapes asked for least recently (before this execution) are freed
// first; if that is not enough, buf itself is freed.
func (p *bufferPool) put(buf compute.Buffer, s shapes.Shape) {
	flat, err := buf.Data()
	size := int64(s.Memory())
	key := poolKey(s)
	var evicted []pooledBuffer
	p.mu.Lock()
	if p.limit == 0 {
		p.limit = PoolBudget()
	}
	if err == nil && p.bytes+size > p.limit {
		evicted = p.evictLocked(p.bytes+size-p.limit, key)
	}
	if err != nil || p.bytes+size > p.limit {
		p.mu.Unlock()
		finalizeAll(evicted)
		_ = buf.Finalize()
		return
	}
	if p.free == nil {
		p.free = map[string]*pooledList{}
	}
	l := p.free[key]
	if l == nil {
		l = &pooledList{size: size, lastGet: p.epoch}
		p.free[key] = l
	}
	l.bufs = append(l.bufs, pooledBuffer{buf: buf, flat: flat})
	p.bytes += size
	p.mu.Unlock()
	finalizeAll(evicted)
}

// evictLocked removes at least need bytes, if it can, from the shapes other than
// keep that no kernel asked for during the current execution, least recently asked
// first, and returns the removed buffers (to be finalized outside the lock).
func (p *bufferPool) evictLocked(need int64, keep string) []pooledBuffer {
	var cands []string
	for key, l := range p.free {
		if key != keep && l.lastGet < p.epoch && len(l.bufs) > 0 {
			cands = append(cands, key)
		}
	}
	slices.SortFunc(cands, func(a, b string) int { return cmp.Compare(p.free[a].lastGet, p.free[b].lastGet) })
	var out []pooledBuffer
	for _, key := range cands {
		if need <= 0 {
			break
		}
		l := p.free[key]
		for len(l.bufs) > 0 && need > 0 {
			n := len(l.bufs) - 1
			out = append(out, l.bufs[n])
			l.bufs[n] = pooledBuffer{}
			l.bufs = l.bufs[:n]
			p.bytes -= l.size
			need -= l.size
		}
		if len(l.bufs) == 0 {
			delete(p.free, key)
		}
	}
	return out
}

// setLimit fixes the bound on the pool's idle memory (tests), or, with 0, makes it
// follow PoolBudget again; what is beyond the bound is freed at the next tick.
func (p *bufferPool) setLimit(bytes int64) {
	p.mu.Lock()
	p.limit, p.fixed = bytes, bytes > 0
	p.mu.Unlock()
}

// idleBytes is the memory the pool holds.
func (p *bufferPool) idleBytes() int64 {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.bytes
}

func finalizeAll(bufs []pooledBuffer) {
	for _, b := range bufs {
		_ = b.buf.Finalize()
	}
}

// tick counts an execution and frees the buffers of shapes not asked for during the
// last staleExecutions executions, and those beyond the bound.
func (p *bufferPool) tick() {
	var stale []pooledBuffer
	p.mu.Lock()
	p.epoch++
	if !p.fixed {
		p.limit = PoolBudget() // follows SetMaxMemory
	}
	for key, l := range p.free {
		if l.lastGet+staleExecutions < p.epoch {
			stale = append(stale, l.bufs...)
			p.bytes -= l.size * int64(len(l.bufs))
			delete(p.free, key)
		}
	}
	if p.bytes > p.limit { // the budget was lowered
		stale = append(stale, p.evictLocked(p.bytes-p.limit, "")...)
	}
	p.mu.Unlock()
	finalizeAll(stale)
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
