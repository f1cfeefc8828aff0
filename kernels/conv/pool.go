package conv

import "sync"

// Scratch buffers (im2col panels, transposed copies, partial sums) are
// recycled through one sync.Pool per element type. Buffers are returned
// uninitialised: users overwrite every element they read.

type slicePool[T float] struct{ p sync.Pool }

var (
	pool32 slicePool[float32]
	pool64 slicePool[float64]
)

func poolFor[T float]() *slicePool[T] {
	var z T
	switch any(z).(type) {
	case float32:
		return any(&pool32).(*slicePool[T])
	case float64:
		return any(&pool64).(*slicePool[T])
	}
	panic("conv: unsupported element type")
}

// getBuf returns a scratch slice of length n (contents undefined).
func getBuf[T float](n int) *[]T {
	p := poolFor[T]()
	if v, ok := p.p.Get().(*[]T); ok {
		if cap(*v) >= n {
			*v = (*v)[:n]
			return v
		}
		p.p.Put(v)
	}
	s := make([]T, n, n+n/8+64)
	return &s
}

// putBuf returns a slice obtained from getBuf to the pool.
func putBuf[T float](b *[]T) {
	if b != nil {
		poolFor[T]().p.Put(b)
	}
}
