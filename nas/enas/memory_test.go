package enas

import (
	"fmt"
	"os"
	"runtime"
	"runtime/debug"
	"runtime/pprof"
	"strconv"
	"testing"

	"github.com/gonas/gonas/controllers"
	"github.com/gonas/gonas/nas/backends"
	"github.com/gonas/gonas/nas/rss"
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
	backend, err := backends.New()
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
				last = float64(rss.Bytes()) / (1 << 20)
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

// BenchmarkCachedGraphsPeakRSS measures what cached graphs cost: it compiles the
// training graphs of K sampled architectures of an ENAS micro preset on one shared
// store (a cache of K graphs, so none is evicted), runs two steps of each (the
// second round finds every graph cached) and reports the process's peak resident
// memory (VmHWM) and its resident memory after a GC. Peak memory is per process,
// so run one K per process:
//
//	go test -c -o /tmp/enas.test ./nas/enas/
//	for k in 1 4 16; do GONAS_MEMTEST_K=$k /tmp/enas.test -test.run XXX -test.bench CachedGraphsPeakRSS -test.benchtime 1x; done
//
// GONAS_MEMTEST_K is K (default 4); GONAS_MEMTEST_PRESET the enas-micro preset
// (default "short", the README's search); GONAS_MEMTEST_CHILD=scaled takes the
// child's filters, nodes and batch from the scaled preset (on the preset's data);
// GONAS_MEMTEST_HEAPPROFILE=FILE writes a heap profile while the graphs are held;
// GONAS_MAX_MEMORY sets the memory budget (kernels.MaxMemory), which the graph
// cache gives way to.
func BenchmarkCachedGraphsPeakRSS(b *testing.B) {
	k := envInt("GONAS_MEMTEST_K", 4)
	preset := os.Getenv("GONAS_MEMTEST_PRESET")
	if preset == "" {
		preset = "short"
	}
	cfg, err := Preset("enas-micro", preset)
	if err != nil {
		b.Fatal(err)
	}
	cfg.GraphCache = k
	if os.Getenv("GONAS_MEMTEST_CHILD") == "scaled" {
		sc, _ := Preset("enas-micro", "scaled")
		cfg.Child.Filters, cfg.Child.Nodes, cfg.Child.BatchSize = sc.Child.Filters, sc.Child.Nodes, sc.Child.BatchSize
	}
	d, err := LoadData(&cfg)
	if err != nil {
		b.Fatal(err)
	}
	backend, err := backends.New()
	if err != nil {
		b.Fatal(err)
	}
	for range b.N {
		c, err := newChild(backend, &cfg, d)
		if err != nil {
			b.Fatal(err)
		}
		sp, _ := searchSpace(&cfg, d, false)
		samples, err := controllers.NewRandom(sp, 7).Sample(k)
		if err != nil {
			b.Fatal(err)
		}
		for round := range 2 {
			for i, smp := range samples {
				if _, err := c.trainStep(smp.Arch, round, i%c.stepsPerEpoch()); err != nil {
					b.Fatal(err)
				}
			}
		}
		held, _, misses, _ := c.cacheStats()
		runtime.GC()
		debug.FreeOSMemory()
		now := float64(rss.Bytes()) / (1 << 20)
		peak := float64(rss.PeakBytes()) / (1 << 20)
		b.Logf("preset=%s K=%d graphs_held=%d compiled=%d rss_mb=%.0f peak_rss_mb=%.0f", preset, k, held, misses, now, peak)
		b.ReportMetric(float64(held), "graphs_held")
		if p := os.Getenv("GONAS_MEMTEST_HEAPPROFILE"); p != "" {
			f, _ := os.Create(p)
			_ = pprof.WriteHeapProfile(f)
			f.Close()
		}
		c.close()
		b.ReportMetric(now, "rss_mb")
		b.ReportMetric(peak, "peak_rss_mb")
	}
}
