package enas

import (
	"runtime/metrics"

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
