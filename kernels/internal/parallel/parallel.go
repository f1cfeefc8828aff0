// Package parallel splits the work of one kernel call over goroutines that the call
// starts and joins itself (a sync.WaitGroup), so a kernel never waits for a slot in
// a shared pool — the deadlock of a bounded pool whose workers wait on each other
// cannot happen. Used by kernels/window and kernels/batchnorm.
package parallel

import (
	"runtime"
	"sync"
	"sync/atomic"
)

// Limit is a package's setting of how many goroutines one call may use.
type Limit struct {
	max atomic.Int64
	// MinWork is the work (roughly, elements read) below which a call is not split
	// further: starting a goroutine costs about a microsecond. Tests lower it to
	// force splitting of small calls.
	MinWork int
}

// NewLimit returns a Limit of 1 goroutine (every call on the calling goroutine).
func NewLimit(minWork int) *Limit {
	l := &Limit{MinWork: minWork}
	l.max.Store(1)
	return l
}

// Set sets the number of goroutines a call may use and returns the previous
// setting: 1 keeps every call on the calling goroutine, 0 means
// runtime.GOMAXPROCS(0), n > 1 allows up to n. Negative values mean 1. It is safe
// to call while kernels run (they read it once per call).
func (l *Limit) Set(n int) (previous int) {
	if n < 0 {
		n = 1
	}
	return int(l.max.Swap(int64(n)))
}

// Get returns the setting of Set.
func (l *Limit) Get() int { return int(l.max.Load()) }

// Workers returns how many goroutines to use for n independent units whose total
// work is about work.
func (l *Limit) Workers(n, work int) int {
	w := int(l.max.Load())
	if w == 0 {
		w = runtime.GOMAXPROCS(0)
	}
	if w <= 1 || n <= 1 {
		return 1
	}
	return max(min(w, n, max(1, work/max(l.MinWork, 1))), 1)
}

// For calls fn over a partition of [0, n) into contiguous ranges, on Workers(n,
// work) goroutines (the calling one included), and returns when all are done.
func (l *Limit) For(n, work int, fn func(lo, hi int)) {
	w := l.Workers(n, work)
	if w <= 1 {
		if n > 0 {
			fn(0, n)
		}
		return
	}
	var wg sync.WaitGroup
	for i := 1; i < w; i++ {
		lo, hi := i*n/w, (i+1)*n/w
		wg.Add(1)
		go func() {
			defer wg.Done()
			fn(lo, hi)
		}()
	}
	fn(0, n/w)
	wg.Wait()
}

// NumElements returns the product of the dimensions; it panics with pkg's name on a
// negative dimension.
func NumElements(pkg string, dims []int) int {
	n := 1
	for _, d := range dims {
		if d < 0 {
			panic(pkg + ": negative dimension in shape")
		}
		n *= d
	}
	return n
}
