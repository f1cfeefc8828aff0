package rss

import (
	"runtime"
	"testing"
)

// Allocating and touching 64 MiB raises the resident and peak sizes by about that.
func TestBytesAndPeakBytesSeeAnAllocation(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("reads /proc")
	}
	before, peakBefore := Bytes(), PeakBytes()
	if before <= 0 || peakBefore < before {
		t.Fatalf("resident %d, peak %d", before, peakBefore)
	}
	buf := make([]byte, 64<<20)
	for i := range buf {
		buf[i] = byte(i)
	}
	after, peakAfter := Bytes(), PeakBytes()
	if after-before < 48<<20 || peakAfter-peakBefore < 32<<20 {
		t.Errorf("after touching 64 MiB: resident %d → %d, peak %d → %d", before, after, peakBefore, peakAfter)
	}
	runtime.KeepAlive(buf)
}
