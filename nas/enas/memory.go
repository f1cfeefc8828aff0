package enas

import (
	"os"
	"runtime/metrics"
	"strconv"
	"strings"

	"github.com/gonas/gonas/kernels"
)

// residentBytes is the process's resident set size from /proc/self/statm (Linux),
// or 0 where that file does not exist.
func residentBytes() int64 {
	blob, err := os.ReadFile("/proc/self/statm")
	if err != nil {
		return 0
	}
	fields := strings.Fields(string(blob))
	if len(fields) < 2 {
		return 0
	}
	pages, err := strconv.ParseInt(fields[1], 10, 64)
	if err != nil {
		return 0
	}
	return pages * int64(os.Getpagesize())
}

// peakResidentBytes is the process's peak resident set size (VmHWM of
// /proc/self/status, Linux), or 0 where it cannot be read.
func peakResidentBytes() int64 {
	blob, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(blob), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			fields := strings.Fields(rest) // "<n> kB"
			if len(fields) == 0 {
				return 0
			}
			kb, err := strconv.ParseInt(fields[0], 10, 64)
			if err != nil {
				return 0
			}
			return kb << 10
		}
	}
	return 0
}

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
