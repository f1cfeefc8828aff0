package window

import (
	"runtime"
	"sync"
	"sync/atomic"
)

// maxGoroutines holds the setting of SetMaxGoroutines: 1 (the default) runs every
// call on the calling goroutine, 0 means runtime.GOMAXPROCS(0), n > 1 means n.
var maxGoroutines atomic.Int64

func init() { maxGoroutines.Store(1) }

// minWorkPerGoroutine is the amount of work (roughly, elements read) below which a
// call is not split further: starting a goroutine costs about a microsecond.
// (A variable so that tests can force splitting of small calls.)
var minWorkPerGoroutine = 1 << 15

// SetMaxGoroutines sets how many goroutines one kernel call may use and returns
// the previous setting. 1 (the default) keeps every call on the calling goroutine;
// 0 means runtime.GOMAXPROCS(0); n > 1 allows up to n. Results do not depend on it.
// It is safe to call concurrently with running kernels (they read it once per call).
func SetMaxGoroutines(n int) (previous int) {
	if n < 0 {
		n = 1
	}
	return int(maxGoroutines.Swap(int64(n)))
}

// MaxGoroutines returns the setting of SetMaxGoroutines.
func MaxGoroutines() int { return int(maxGoroutines.Load()) }

// numWorkers returns how many goroutines to use for n independent units whose
// total work is about work.
func numWorkers(n, work int) int {
	w := int(maxGoroutines.Load())
	if w == 0 {
		w = runtime.GOMAXPROCS(0)
	}
	if w <= 1 || n <= 1 {
		return 1
	}
	w = min(w, n, max(1, work/minWorkPerGoroutine))
	return max(w, 1)
}

// parallelFor calls fn over a partition of [0, n) into contiguous ranges, using
// numWorkers(n, work) goroutines (the calling one included) joined with a
// sync.WaitGroup.
func parallelFor(n, work int, fn func(lo, hi int)) {
	w := numWorkers(n, work)
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

// numElements returns the product of the dimensions, panicking on negative ones.
func numElements(dims []int) int {
	n := 1
	for _, d := range dims {
		if d < 0 {
			panic("window: negative dimension in shape")
		}
		n *= d
	}
	return n
}
