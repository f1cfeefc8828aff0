package bench

import (
	"testing"

	"github.com/gonas/gonas/nas/rss"
)

// reportPeak reports the process's peak resident memory so far as "peak-MB": run
// one benchmark per process (bench/run.sh does) for it to be that benchmark's.
func reportPeak(b *testing.B) {
	b.ReportMetric(float64(rss.PeakBytes())/(1<<20), "peak-MB")
}
