//go:build !unix

package zerocost

import "math"

// cpuTime is NaN where the process's CPU time is not read.
func cpuTime() float64 { return math.NaN() }
