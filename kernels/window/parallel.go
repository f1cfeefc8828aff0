package window

import "github.com/gonas/gonas/kernels/internal/parallel"

// limit is this package's setting of SetMaxGoroutines (see kernels/internal/parallel).
var limit = parallel.NewLimit(1 << 15)

// SetMaxGoroutines sets how many goroutines one kernel call may use and returns
// the previous setting. 1 (the default) keeps every call on the calling goroutine;
// 0 means runtime.GOMAXPROCS(0); n > 1 allows up to n. Results do not depend on it.
// It is safe to call concurrently with running kernels (they read it once per call).
func SetMaxGoroutines(n int) (previous int) { return limit.Set(n) }

// MaxGoroutines returns the setting of SetMaxGoroutines.
func MaxGoroutines() int { return limit.Get() }

// parallelFor calls fn over a partition of [0, n) into contiguous ranges on up to
// MaxGoroutines goroutines, joined before it returns.
func parallelFor(n, work int, fn func(lo, hi int)) { limit.For(n, work, fn) }

// numElements returns the product of the dimensions, panicking on negative ones.
func numElements(dims []int) int { return parallel.NumElements("window", dims) }
