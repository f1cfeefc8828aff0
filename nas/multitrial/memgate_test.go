package multitrial

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// TestMemoryGateKeepsChildrenWithinTheBudget: children of 6 units in a budget of
// 10 run one at a time, children of 4 two at a time, a child of 12 alone; a
// cancelled context stops the wait.
func TestMemoryGateKeepsChildrenWithinTheBudget(t *testing.T) {
	for _, c := range []struct {
		need    int64
		maxBusy int64
	}{{6, 1}, {4, 2}, {12, 1}} {
		g := newMemoryGate(10)
		var busy, most atomic.Int64
		var wg sync.WaitGroup
		for range 4 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				release, err := g.admit(context.Background(), c.need)
				if err != nil {
					t.Error(err)
					return
				}
				n := busy.Add(1)
				for m := most.Load(); n > m && !most.CompareAndSwap(m, n); m = most.Load() {
				}
				time.Sleep(20 * time.Millisecond)
				busy.Add(-1)
				release()
			}()
		}
		wg.Wait()
		if most.Load() != c.maxBusy {
			t.Errorf("children of %d in a budget of 10: %d ran at once, want %d", c.need, most.Load(), c.maxBusy)
		}
	}
	g := newMemoryGate(10)
	release, err := g.admit(context.Background(), 10)
	if err != nil {
		t.Fatal(err)
	}
	defer release()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	if _, err := g.admit(ctx, 1); err == nil {
		t.Error("a child admitted into a full budget")
	}
	if g := newMemoryGate(0); g.budget <= 0 {
		t.Error("an unknown budget must not block every child")
	}
}
