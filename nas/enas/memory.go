package enas

import (
	"runtime/debug"
	"runtime/metrics"

	"github.com/gomlx/compute"
	"github.com/gonas/gonas/kernels"
)

// heapOverBudget reports whether the Go heap that was live at the end of the last
// garbage collection exceeds half the memory budget (kernels.MaxMemory): the other
// half is for the step that runs and for the garbage between collections.
func heapOverBudget() bool {
	return liveHeapBytes() > kernels.MaxMemory()/2
}

// liveHeapBytes is the heap that was live at the end of the last garbage
// collection (runtime/metrics "/gc/heap/live:bytes").
func liveHeapBytes() int64 {
	s := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
	metrics.Read(s)
	if s[0].Value.Kind() != metrics.KindUint64 {
		return 0
	}
	return int64(s[0].Value.Uint64())
}

// releaseIdleMemory frees the kernel outputs backend keeps idle for later
// executions, on a backend that keeps some (kernels.Backend.ReleaseIdleMemory),
// then collects and returns the freed memory to the operating system
// (debug.FreeOSMemory). It is called between phases whose graphs have other
// shapes (child steps, controller updates, a retraining, its evaluation), so
// that one phase's idle buffers are not live memory in the next, and the heap's
// next goal (twice the live heap) is set from what the next phase holds, not
// from what the last one held at its end. It costs tens of milliseconds (the
// short preset's 20 calls: 10–45 ms of collection each); the phases last
// seconds to minutes. What is computed does not change.
func releaseIdleMemory(backend compute.Backend) {
	if r, ok := backend.(interface{ ReleaseIdleMemory() }); ok {
		r.ReleaseIdleMemory()
		debug.FreeOSMemory()
	}
}
