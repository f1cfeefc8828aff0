// Package rss reads the process's resident memory (Linux /proc), for the memory
// lines of search histories and the peak memory of benchmarks. Elsewhere it reads 0.
package rss

import (
	"os"
	"strconv"
	"strings"
)

// Bytes is the process's resident set size now, from /proc/self/statm, or 0 where
// that file does not exist.
func Bytes() int64 {
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

// PeakBytes is the process's peak resident set size so far (VmHWM of
// /proc/self/status), or 0 where it cannot be read: what `/usr/bin/time -v` reports
// as "Maximum resident set size" when the process ends.
func PeakBytes() int64 {
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
