package enas

import (
	"fmt"
	"os"
	"runtime"
	"runtime/debug"
	"strconv"
	"testing"

	"github.com/gonas/gonas/controllers"
	"github.com/gonas/gonas/nas"
)

// BenchmarkGraphCacheRSS measures resident memory while the child trains 1,000
// sampled architectures (one step each, a new compiled graph each) of the tiny
// ENAS micro preset, with the bounded graph cache. It logs RSS (after a GC) every
// 100 architectures and reports the growth between the 100th and the last. Run:
//
//	go test -run XXX -bench GraphCacheRSS -benchtime 1x ./nas/enas/
//
// GONAS_MEMTEST_ARCHS changes the count; GONAS_MEMTEST_CACHE the cache capacity.
func BenchmarkGraphCacheRSS(b *testing.B) {
	archs := envInt("GONAS_MEMTEST_ARCHS", 1000)
	cfg, err := Preset("enas-micro", "tiny")
	if err != nil {
		b.Fatal(err)
	}
	cfg.GraphCache = envInt("GONAS_MEMTEST_CACHE", 0)
	d, err := LoadData(&cfg)
	if err != nil {
		b.Fatal(err)
	}
	backend, err := nas.NewBackend()
	if err != nil {
		b.Fatal(err)
	}
	for range b.N {
		c, err := newChild(backend, &cfg, d)
		if err != nil {
			b.Fatal(err)
		}
		sp, _ := searchSpace(&cfg, d, false)
		samples, err := controllers.NewRandom(sp, 7).Sample(archs)
		if err != nil {
			b.Fatal(err)
		}
		var at100, last float64
		for i, smp := range samples {
			if _, err := c.trainStep(smp.Arch, i/c.stepsPerEpoch(), i%c.stepsPerEpoch()); err != nil {
				b.Fatal(err)
			}
			if (i+1)%100 == 0 {
				runtime.GC()
				debug.FreeOSMemory()
				last = float64(residentBytes()) / (1 << 20)
				held, _, misses, evictions := c.cacheStats()
				b.Logf("archs=%d rss_mb=%.0f graphs_held=%d compiled=%d evicted=%d", i+1, last, held, misses, evictions)
				if i+1 == 100 {
					at100 = last
				}
			}
		}
		c.close()
		b.ReportMetric(at100, "rss_mb@100")
		b.ReportMetric(last, fmt.Sprintf("rss_mb@%d", archs))
	}
}

func envInt(name string, dflt int) int {
	if v, err := strconv.Atoi(os.Getenv(name)); err == nil {
		return v
	}
	return dflt
}
