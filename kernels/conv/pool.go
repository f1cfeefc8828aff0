package conv

import (
	"math/bits"
	"sync"
)

// Scratch buffers (im2col panels, transposed copies, partial sums) are
// recycled through sync.Pools, one per element type and size class. Buffers
// are returned uninitialised: users overwrite every element they read.
//
// A size class holds the buffers whose capacity lies in [classCap(c),
// classCap(c+1)), so any buffer taken from the class of n (the smallest class
// whose capacity reaches n) fits. With a single pool for all sizes, a Get
// that found a buffer too small put it back and allocated a new one; the pool
// then kept every buffer handed out since the collector last emptied it — in
// the zero-cost search of NAS-Bench-201 (float64 synflow graphs with many
// small convolutions) up to 150 MB of idle scratch, which the collector counts
// as live memory and doubles in its heap target (BENCHMARKS.md "Memory").

// classBits is how many bits below the leading one a class capacity keeps:
// four classes per power of two, so a buffer is at most 25% larger than asked.
const classBits = 2

// numClasses covers every capacity an int can hold.
const numClasses = (bits.UintSize + 1) << classBits

type slicePool[T float] struct{ classes [numClasses]sync.Pool }

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

// classOf is the largest class whose capacity is at most n (n ≥ 1): the class
// a buffer of capacity n is kept in.
func classOf(n int) int {
	if n < 1<<classBits {
		return n
	}
	e := bits.Len(uint(n)) - 1 - classBits // bits below the kept ones
	return (e+1)<<classBits + (n>>e)&(1<<classBits-1)
}

// classCap is the capacity of class c: the smallest capacity kept in c.
func classCap(c int) int {
	if c < 1<<classBits {
		return c
	}
	e := c>>classBits - 1
	return (1<<classBits | c&(1<<classBits-1)) << e
}

// classFor is the smallest class whose capacity is at least n: the class a
// request for n elements draws from.
func classFor(n int) int {
	c := classOf(n)
	if classCap(c) < n {
		c++
	}
	return c
}

// getBuf returns a scratch slice of length n (contents undefined).
func getBuf[T float](n int) *[]T {
	c := classFor(n)
	if v, ok := poolFor[T]().classes[c].Get().(*[]T); ok {
		*v = (*v)[:n]
		return v
	}
	s := make([]T, n, classCap(c))
	return &s
}

// putBuf returns a slice obtained from getBuf to the pool.
func putBuf[T float](b *[]T) {
	if b == nil || cap(*b) == 0 {
		return
	}
	poolFor[T]().classes[classOf(cap(*b))].Put(b)
}
