package gemm

import (
	"fmt"
	"testing"
)

// TestCopyRuns checks both implementations of copyRuns (AVX-512 masked moves
// where available, and the portable code) against the definition: each run
// copied, the rest of its width zeroed, nothing after the last run written.
func TestCopyRuns(t *testing.T) {
	saved := useCopyRunsAVX512
	defer func() { useCopyRunsAVX512 = saved }()
	impls := []bool{false}
	if hasAVX512 {
		impls = append(impls, true)
	}
	shapes := [][2]int{{14, 14}, {32, 32}, {16, 16}, {6, 6}, {1, 1}, {5, 14}, {13, 32}, {17, 32}, {16, 20}, {20, 40}, {3, 7}}
	for _, avx := range impls {
		useCopyRunsAVX512 = avx
		for _, sh := range shapes {
			w, width := sh[0], sh[1]
			for _, n := range []int{1, 2, 7} {
				ld := w + 3
				name := fmt.Sprintf("avx512=%v/w=%d/width=%d/n=%d", avx, w, width, n)
				// src ends right after the last run, so a read past w
				// would be out of the slice (and is caught by the masks).
				src := make([]float32, (n-1)*ld+w)
				for i := range src {
					src[i] = float32(i + 1)
				}
				const sentinel = -7
				dst := make([]float32, n*width+5)
				for i := range dst {
					dst[i] = sentinel
				}
				copyRuns(dst[:n*width], width, src, ld, w, n)
				for p := 0; p < n; p++ {
					for j := 0; j < width; j++ {
						want := float32(0)
						if j < w {
							want = src[p*ld+j]
						}
						if got := dst[p*width+j]; got != want {
							t.Fatalf("%s: dst[%d] = %v, want %v", name, p*width+j, got, want)
						}
					}
				}
				for i := n * width; i < len(dst); i++ {
					if dst[i] != sentinel {
						t.Fatalf("%s: dst[%d] past the runs overwritten", name, i)
					}
				}
			}
		}
	}
}

// TestRunMasks checks the lane masks of copyRunsAVX512.
func TestRunMasks(t *testing.T) {
	for _, c := range []struct {
		w, width int
		lo, hi   uint64
	}{
		{14, 14, 0x3fff | 0x3fff<<16, 0},
		{32, 32, 0xffff | 0xffff<<16, 0xffff | 0xffff<<16},
		{5, 20, 0x1f | 0xffff<<16, 0xf << 16},
		{17, 32, 0xffff | 0xffff<<16, 0x1 | 0xffff<<16},
	} {
		lo, hi := runMasks(c.w, c.width)
		if lo != c.lo || hi != c.hi {
			t.Errorf("runMasks(%d, %d) = %#x, %#x, want %#x, %#x", c.w, c.width, lo, hi, c.lo, c.hi)
		}
	}
}
