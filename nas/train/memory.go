package train

import (
	"runtime/debug"

	"github.com/gomlx/compute"
)

// ReleaseIdleMemory frees the kernel outputs backend keeps idle for later
// executions, on a backend that keeps some (kernels.Backend.ReleaseIdleMemory),
// then collects and returns the freed memory to the operating system
// (debug.FreeOSMemory); on other backends it does nothing. Call it between phases
// whose graphs have other shapes (a child's training steps, then its evaluation in
// larger batches; a search's child steps, then its controller's updates), so that
// one phase's idle buffers are not live memory in the next and the collector's
// next goal is set from what the next phase holds. It costs tens of milliseconds
// of collection; what is computed does not change.
func ReleaseIdleMemory(backend compute.Backend) {
	if r, ok := backend.(interface{ ReleaseIdleMemory() }); ok {
		r.ReleaseIdleMemory()
		debug.FreeOSMemory()
	}
}
