package kernels

import (
	"math"

	"github.com/pkg/errors"
)

// workingMemory is the most memory one execution of the steps holds at once in the
// buffers passed between steps (kernel outputs and segment outputs): each step
// allocates its outputs, and a value is freed after the step that reads it last.
// Inputs (the caller's) and constants are not counted, nor the temporaries the
// wrapped backend keeps inside one segment, so it is a lower bound of what an
// execution needs.
func workingMemory(f *Function, steps []step, lastUse []int) int64 {
	// freedAfter[i] lists the bytes released once step i has run.
	freedAfter := make([]int64, len(steps))
	counted := make([]bool, len(f.values))
	var live, peak int64
	for i, st := range steps {
		outs := st.kernelOutputs()
		if st.seg != nil {
			outs = st.seg.outputs
		}
		for _, v := range outs {
			if counted[v.id] {
				continue
			}
			counted[v.id] = true
			size := int64(v.shape.Memory())
			live += size
			if last := lastUse[v.id]; last >= 0 && last < len(steps) && last != math.MaxInt {
				freedAfter[max(last, i)] += size
			}
		}
		peak = max(peak, live)
		live -= freedAfter[i]
	}
	return peak
}

// kernelOutputs are the outputs of a kernel step (nil for a segment).
func (st step) kernelOutputs() []*value {
	if st.kernel == nil {
		return nil
	}
	return st.kernel.outputs
}

// checkWorkingMemory returns a clear error when one execution of a graph needs
// more memory than the whole budget: the child cannot run within it, whatever else
// is freed.
func checkWorkingMemory(name string, need int64) error {
	limit, source := MaxMemorySource()
	if need <= limit {
		return nil
	}
	return errors.Errorf("%q backend: graph %q needs at least %s of working memory to run once, more than the "+
		"memory budget of %s (%s): raise the budget (--max-memory or %s) or make the child smaller "+
		"(fewer filters, cells or nodes, or a smaller batch)",
		BackendName, name, FormatMemory(need), FormatMemory(limit), source, MaxMemoryEnv)
}
