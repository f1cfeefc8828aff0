package multitrial

import (
	"context"
	"math"
	"sync"

	"github.com/gonas/gonas/kernels"
	"golang.org/x/sync/semaphore"
)

// memoryGate admits trials while the memory their children are estimated to need
// (Recipe.MemoryEstimate) fits, all together, in a budget: with two local
// workers and a budget that holds one child, the children train one at a time
// instead of both at once. A child whose estimate alone exceeds the budget waits
// until it can run alone (the runner's limit, not the gate, refuses children too
// large for the machine).
type memoryGate struct {
	budget int64
	sem    *semaphore.Weighted
}

func newMemoryGate(budget int64) *memoryGate {
	if budget <= 0 {
		budget = math.MaxInt64 // no budget known: no gate
	}
	return &memoryGate{budget: budget, sem: semaphore.NewWeighted(budget)}
}

// admit waits until a child estimated at need bytes fits beside the children
// running, and returns the function that gives its share back; it returns
// ctx's error if ctx ends first.
func (g *memoryGate) admit(ctx context.Context, need int64) (release func(), err error) {
	w := min(max(need, 1), g.budget)
	if err := g.sem.Acquire(ctx, w); err != nil {
		return nil, err
	}
	return func() { g.sem.Release(w) }, nil
}

// processGate is the gate of this process's trials, sized on first use by the
// process's memory budget (kernels.MaxMemory: --max-memory, GONAS_MAX_MEMORY, or
// half the physical memory), so it sees a budget set from the command line.
var processGate = sync.OnceValue(func() *memoryGate { return newMemoryGate(kernels.MaxMemory()) })
