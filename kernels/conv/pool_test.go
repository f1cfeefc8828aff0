package conv

import "testing"

// TestSizeClasses checks that a request draws from a class whose buffers all
// fit it, at most 25% larger than asked (from 4 elements on), and that a buffer
// of a class's capacity is kept in that class.
func TestSizeClasses(t *testing.T) {
	for n := 1; n < 1<<20; n += 1 + n/97 {
		c := classFor(n)
		if got := classCap(c); got < n || (n >= 4 && 4*got > 5*n) {
			t.Fatalf("classFor(%d) = %d of capacity %d: want at least %d and at most 25%% more", n, c, got, n)
		}
		if c > 0 && classCap(c-1) >= n {
			t.Fatalf("classFor(%d) = %d, but class %d (capacity %d) fits too", n, c, c-1, classCap(c-1))
		}
		if got := classOf(classCap(c)); got != c {
			t.Fatalf("classOf(classCap(%d) = %d) = %d", c, classCap(c), got)
		}
		if k := classOf(n); classCap(k) > n || classCap(k+1) <= n {
			t.Fatalf("classOf(%d) = %d: capacities %d..%d do not bracket it", n, k, classCap(k), classCap(k+1))
		}
	}
	if c := classOf(int(^uint(0) >> 1)); c >= numClasses {
		t.Fatalf("classOf(MaxInt) = %d, beyond the %d classes", c, numClasses)
	}
}

// TestGetBufRecyclesBySize checks that buffers of different sizes are each
// reused. One pool for all sizes failed this: it handed the large buffer to the
// small request, found only the small one for the large request, and allocated
// a new large buffer every round, keeping all of them until the collector
// emptied it.
func TestGetBufRecyclesBySize(t *testing.T) {
	b := getBuf[float64](1000)
	if len(*b) != 1000 {
		t.Fatalf("getBuf(1000) has length %d", len(*b))
	}
	putBuf(b)
	allocs := testing.AllocsPerRun(100, func() {
		small := getBuf[float64](1000)
		large := getBuf[float64](3000)
		putBuf(large)
		putBuf(small)
	})
	if allocs >= 1 {
		t.Fatalf("alternating requests of 1000 and 3000 elements allocate %.1f times per round, want none", allocs)
	}
}
