package enas

import (
	"os"
	"strconv"
	"strings"
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
