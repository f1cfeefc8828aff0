package conv

import (
	"runtime"
	"sync"
	"sync/atomic"
)

// Parallelism: work is cut into items whose results do not depend on which
// goroutine computes them (each item writes its own part of the output, or
// its own partial sum that is reduced in a fixed order), and the items are
// handed out dynamically to at most GOMAXPROCS goroutines. Nothing ever waits
// for a shared pool of workers, so concurrent calls cannot deadlock.

// numWorkers returns the number of goroutines to use for n items.
func numWorkers(n int) int {
	return max(1, min(runtime.GOMAXPROCS(0), n))
}

// parallelWorkers runs worker in numWorkers(n) goroutines (the caller's
// included). Each worker pulls item indices from next until it returns
// false; every index in [0, n) is handed out exactly once.
func parallelWorkers(n int, worker func(next func() (int, bool))) {
	if n <= 0 {
		return
	}
	w := numWorkers(n)
	var counter atomic.Int64
	next := func() (int, bool) {
		i := int(counter.Add(1) - 1)
		return i, i < n
	}
	if w == 1 {
		worker(next)
		return
	}
	var wg sync.WaitGroup
	wg.Add(w - 1)
	for range w - 1 {
		go func() {
			defer wg.Done()
			worker(next)
		}()
	}
	worker(next)
	wg.Wait()
}

// parallelFor calls fn(i) for every i in [0, n), in parallel.
func parallelFor(n int, fn func(i int)) {
	parallelWorkers(n, func(next func() (int, bool)) {
		for i, ok := next(); ok; i, ok = next() {
			fn(i)
		}
	})
}
