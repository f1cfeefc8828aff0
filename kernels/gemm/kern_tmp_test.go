package gemm

import (
	"fmt"
	"runtime"
	"sync"
	"syscall"
	"testing"
	"time"
	"unsafe"
)

func threadTime() time.Duration {
	var ts syscall.Timespec
	syscall.Syscall(syscall.SYS_CLOCK_GETTIME, 3, uintptr(unsafe.Pointer(&ts)), 0)
	return time.Duration(ts.Nano())
}

func cpuTime() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func TestKernelOnlyMin(t *testing.T) {
	for _, im := range impls {
		kc := 256
		a := alignedSlice(im.mr * kc)
		bb := alignedSlice(im.nr * kc)
		c := alignedSlice(im.mr * im.nr)
		best := time.Hour
		for rep := 0; rep < 2000; rep++ {
			t0 := time.Now()
			for i := 0; i < 50; i++ {
				im.kern(kc, &a[0], 4, uintptr(im.mr)*4, &bb[0], uintptr(im.nr)*4, &c[0], uintptr(im.nr)*4, 1, 1, 0, 0)
			}
			best = min(best, time.Since(t0))
		}
		t.Logf("%s: %.1f GFLOP/s", im.name, 2*float64(im.mr*im.nr*kc)*50/best.Seconds()/1e9)
	}
}

func TestGemmMin(t *testing.T) {
	shapes := []struct {
		ta, tb  bool
		m, n, k int
	}{{false, false, 1024, 1024, 1024}, {false, false, 65536, 32, 288}, {false, true, 65536, 288, 32}, {true, false, 288, 32, 65536}, {false, false, 256, 256, 256}}
	saved := cur
	defer func() { cur, maxThreads = saved, 0 }()
	for _, s := range shapes {
		lda, ldb := s.k, s.n
		if s.ta {
			lda = s.m
		}
		if s.tb {
			ldb = s.k
		}
		a := alignedSlice(s.m * s.k)
		b := alignedSlice(s.k * s.n)
		c := alignedSlice(s.m * s.n)
		for i := range a {
			a[i] = float32(i%7) - 3
		}
		for i := range b {
			b[i] = float32(i%5) - 2
		}
		for _, im := range impls[:2] {
			for _, th := range []int{1, 2} {
				cur, maxThreads = im, th
				best := time.Hour
				c0 := cpuTime()
				const reps = 15
				for rep := 0; rep < reps; rep++ {
					t0 := time.Now()
					Sgemm(s.ta, s.tb, s.m, s.n, s.k, 1, a, lda, b, ldb, 0, c, s.n)
					best = min(best, time.Since(t0))
				}
				ct := cpuTime() - c0
				fl := 2 * float64(s.m*s.n*s.k)
				t.Logf("%v %s th=%d: %.1f GFLOP/s (best wall), %.1f GFLOP/cpu-s", s, im.name, th, fl/best.Seconds()/1e9, fl*reps/ct.Seconds()/1e9)
			}
		}
	}
}

func TestPackSpeed(t *testing.T) {
	for _, im := range impls {
		j := &job{im: im, m: 1024, n: 1024, k: 1024, lda: 1024, ldb: 1024}
		j.a = alignedSlice(1024 * 1024)
		j.b = alignedSlice(1024 * 1024)
		ws := getWorkspace(im)
		for _, tr := range []bool{false, true} {
			j.transA, j.transB = tr, tr
			ba, bb := time.Hour, time.Hour
			mc := im.mc
			for rep := 0; rep < 200; rep++ {
				t0 := time.Now()
				j.packA(ws.a, 0, mc, 0, im.kc)
				ba = min(ba, time.Since(t0))
				t0 = time.Now()
				j.packB(ws.b, 0, im.kc, 0, 1024)
				bb = min(bb, time.Since(t0))
			}
			t.Logf("%s trans=%v packA %.2f ns/elem, packB %.2f ns/elem", im.name, tr, float64(ba.Nanoseconds())/float64(mc*im.kc), float64(bb.Nanoseconds())/float64(1024*im.kc))
		}
	}
}

func TestBlockSweep(t *testing.T) {
	im := impls[0]
	saved := *im
	defer func() { *im = saved; cur = impls[0]; maxThreads = 0 }()
	cur, maxThreads = im, 1
	n := 1024
	a, b, c := alignedSlice(n*n), alignedSlice(n*n), alignedSlice(n*n)
	for _, kc := range []int{128, 192, 256, 384, 512} {
		for _, mc := range []int{14 * 6, 14 * 12, 14 * 24, 14 * 48} {
			im.kc, im.mc = kc, mc
			wsPool = sync.Pool{}
			best := time.Hour
			c0 := cpuTime()
			for rep := 0; rep < 10; rep++ {
				t0 := time.Now()
				Sgemm(false, false, n, n, n, 1, a, n, b, n, 0, c, n)
				best = min(best, time.Since(t0))
			}
			ct := cpuTime() - c0
			fl := 2 * float64(n*n*n)
			t.Logf("kc=%d mc=%d: %.1f GFLOP/s best wall, %.1f per cpu-s", kc, mc, fl/best.Seconds()/1e9, fl*10/ct.Seconds()/1e9)
		}
	}
}

func TestRepeat1024(t *testing.T) {
	defer func() { maxThreads = 0 }()
	maxThreads = 1
	n := 1024
	a, b, c := alignedSlice(n*n), alignedSlice(n*n), alignedSlice(n*n)
	for rep := 0; rep < 30; rep++ {
		t0 := time.Now()
		c0 := cpuTime()
		Sgemm(false, false, n, n, n, 1, a, n, b, n, 0, c, n)
		w, ct := time.Since(t0), cpuTime()-c0
		fl := 2 * float64(n*n*n)
		t.Logf("%.1f wall %.1f cpu", fl/w.Seconds()/1e9, fl/ct.Seconds()/1e9)
	}
}

func TestKernelModes(t *testing.T) {
	im := impls[0]
	kc := 256
	a := alignedSlice(14 * 288 * 64)
	bb := alignedSlice(im.nr * kc)
	c := alignedSlice(im.mr * im.nr)
	for _, mode := range []struct {
		name     string
		ars, aks uintptr
	}{{"packed", 4, 56}, {"direct-rows-1152", 1152, 4}, {"direct-rows-4096", 4096, 4}, {"direct-trans-1152", 4, 1152}, {"direct-trans-4096", 4, 4096}} {
		best := time.Hour
		for rep := 0; rep < 2000; rep++ {
			t0 := time.Now()
			for i := 0; i < 50; i++ {
				im.kern(kc, &a[0], mode.ars, mode.aks, &bb[0], uintptr(im.nr)*4, &c[0], uintptr(im.nr)*4, 1, 1, 0, 0)
			}
			best = min(best, time.Since(t0))
		}
		t.Logf("%s: %.1f GFLOP/s", mode.name, 2*float64(im.mr*im.nr*kc)*50/best.Seconds()/1e9)
	}
}

func TestKCSweep(t *testing.T) {
	im := impls[0]
	saved := *im
	defer func() { *im = saved; cur = impls[0]; maxThreads = 0 }()
	cur, maxThreads = im, 1
	shapes := [][3]int{{1024, 1024, 1024}, {65536, 32, 288}, {8192, 32, 288}}
	for _, s := range shapes {
		m, n, k := s[0], s[1], s[2]
		a, b, c := alignedSlice(m*k), alignedSlice(k*n), alignedSlice(m*n)
		for _, kc := range []int{256, 320, 384, 512} {
			im.kc = kc
			wsPool = sync.Pool{}
			best := time.Hour
			for rep := 0; rep < 25; rep++ {
				t0 := time.Now()
				Sgemm(false, false, m, n, k, 1, a, k, b, n, 0, c, n)
				best = min(best, time.Since(t0))
			}
			fl := 2 * float64(m*n*k)
			t.Logf("%v kc=%d: %.1f GFLOP/s best wall", s, kc, fl/best.Seconds()/1e9)
		}
	}
}

func fill(s []float32) []float32 {
	for i := range s {
		s[i] = float32(i%13)*0.1 - 0.6
	}
	return s
}

func TestQuick(t *testing.T) {
	defer func() { maxThreads = 0; cur = impls[0] }()
	shapes := []struct {
		ta, tb  bool
		m, n, k int
	}{{false, false, 1024, 1024, 1024}, {false, false, 65536, 32, 288}, {false, true, 65536, 288, 32}, {true, false, 288, 32, 65536}}
	for _, s := range shapes {
		lda, ldb := s.k, s.n
		if s.ta {
			lda = s.m
		}
		if s.tb {
			ldb = s.k
		}
		a, b, c := fill(alignedSlice(s.m*s.k)), fill(alignedSlice(s.k*s.n)), fill(alignedSlice(s.m*s.n))
		for _, th := range []int{1, 2} {
			maxThreads = th
			best := time.Hour
			for rep := 0; rep < 30; rep++ {
				t0 := time.Now()
				Sgemm(s.ta, s.tb, s.m, s.n, s.k, 1, a, lda, b, ldb, 0, c, s.n)
				best = min(best, time.Since(t0))
			}
			t.Logf("%v th=%d: %.1f GFLOP/s", s, th, 2*float64(s.m*s.n*s.k)/best.Seconds()/1e9)
		}
	}
}

func TestSweep2(t *testing.T) {
	im := impls[0]
	saved := *im
	defer func() { *im = saved; cur = impls[0]; maxThreads = 0 }()
	cur, maxThreads = im, 1
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	n := 1024
	a, b, c := fill(alignedSlice(n*n)), fill(alignedSlice(n*n)), fill(alignedSlice(n*n))
	type cfg struct {
		ao         bool
		kc, mc, nc int
	}
	cfgs := []cfg{{false, 256, 336, 2048}, {false, 384, 336, 2048}, {false, 192, 336, 2048}, {true, 384, 336, 512}, {true, 384, 336, 768}, {true, 256, 336, 1024}, {true, 512, 336, 512}, {true, 384, 336, 256}}
	best := make([]time.Duration, len(cfgs))
	for i := range best {
		best[i] = time.Hour
	}
	for round := 0; round < 12; round++ {
		for i, cf := range cfgs {
			im.aOuter, im.kc, im.mc, im.nc = cf.ao, cf.kc, cf.mc, cf.nc
			wsPool = sync.Pool{}
			for rep := 0; rep < 2; rep++ {
				t0 := threadTime()
				Sgemm(false, false, n, n, n, 1, a, n, b, n, 0, c, n)
				best[i] = min(best[i], threadTime()-t0)
			}
		}
	}
	for i, cf := range cfgs {
		fl := 2 * float64(n*n*n)
		t.Logf("%+v: %.1f GFLOP/s best wall", cf, fl/best[i].Seconds()/1e9)
	}
}

func TestSweepDW(t *testing.T) {
	im := impls[0]
	saved := *im
	defer func() { *im = saved; cur = impls[0]; maxThreads = 0 }()
	cur, maxThreads = im, 1
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	m, n, k := 288, 32, 65536
	a, b, c := fill(alignedSlice(m*k)), fill(alignedSlice(k*n)), fill(alignedSlice(m*n))
	kcs := []int{32, 64, 128, 192, 320, 640}
	best := make([]time.Duration, len(kcs))
	for i := range best {
		best[i] = time.Hour
	}
	for round := 0; round < 8; round++ {
		for i, kc := range kcs {
			im.kc = kc
			wsPool = sync.Pool{}
			for rep := 0; rep < 2; rep++ {
				t0 := threadTime()
				Sgemm(true, false, m, n, k, 1, a, m, b, n, 0, c, n)
				best[i] = min(best[i], threadTime()-t0)
			}
		}
	}
	for i, kc := range kcs {
		fl := 2 * float64(m*n*k)
		t.Logf("kc=%d: %.1f GFLOP/s per thread-cpu-s", kc, fl/best[i].Seconds()/1e9)
	}
}

func TestSweepKC(t *testing.T) {
	im := impls[0]
	saved := *im
	defer func() { *im = saved; cur = impls[0]; maxThreads = 0 }()
	cur, maxThreads = im, 1
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	shapes := []struct {
		ta, tb  bool
		m, n, k int
	}{{false, false, 1024, 1024, 1024}, {false, false, 65536, 32, 288}, {false, true, 65536, 288, 32}, {true, false, 288, 32, 65536}, {false, false, 256, 256, 256}, {false, false, 2048, 2048, 2048}}
	for _, s := range shapes {
		lda, ldb := s.k, s.n
		if s.ta {
			lda = s.m
		}
		if s.tb {
			ldb = s.k
		}
		a, b, c := fill(alignedSlice(s.m*s.k)), fill(alignedSlice(s.k*s.n)), fill(alignedSlice(s.m*s.n))
		kcs := []int{128, 192, 256, 384, 512}
		best := make([]time.Duration, len(kcs))
		for i := range best {
			best[i] = time.Hour
		}
		for round := 0; round < 6; round++ {
			for i, kc := range kcs {
				im.kc = kc
				wsPool = sync.Pool{}
				for rep := 0; rep < 2; rep++ {
					t0 := threadTime()
					Sgemm(s.ta, s.tb, s.m, s.n, s.k, 1, a, lda, b, ldb, 0, c, s.n)
					best[i] = min(best[i], threadTime()-t0)
				}
			}
		}
		line := ""
		for i, kc := range kcs {
			fl := 2 * float64(s.m*s.n*s.k)
			line += fmt.Sprintf(" kc=%d:%.1f", kc, fl/best[i].Seconds()/1e9)
		}
		t.Logf("%v%s", s, line)
	}
}

func TestSmall(t *testing.T) {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	for _, n := range []int{2, 4, 8, 16, 24, 32, 48, 64, 100, 128} {
		a, b, c := fill(alignedSlice(n*n)), fill(alignedSlice(n*n)), fill(alignedSlice(n*n))
		reps := max(1, 2000000/(n*n*n))
		bp, bn := time.Hour, time.Hour
		for round := 0; round < 20; round++ {
			t0 := threadTime()
			for range reps {
				Sgemm(false, false, n, n, n, 1, a, n, b, n, 0, c, n)
			}
			bp = min(bp, threadTime()-t0)
			t0 = threadTime()
			for range reps {
				sgemmSmall(false, false, n, n, n, 1, a, n, b, n, 0, c, n)
			}
			bn = min(bn, threadTime()-t0)
		}
		fl := 2 * float64(n*n*n*reps)
		t.Logf("n=%d: packed %.2f naive %.2f GFLOP/s", n, fl/bp.Seconds()/1e9, fl/bn.Seconds()/1e9)
	}
}

func TestAllocs(t *testing.T) {
	for _, n := range []int{4, 64, 300} {
		a, b, c := fill(alignedSlice(n*n)), fill(alignedSlice(n*n)), fill(alignedSlice(n*n))
		allocs := testing.AllocsPerRun(20, func() { Sgemm(false, false, n, n, n, 1, a, n, b, n, 0, c, n) })
		t.Logf("n=%d allocs/op %.1f", n, allocs)
	}
}

func TestBDirect(t *testing.T) {
	defer func() { forcePack = false; maxThreads = 0 }()
	maxThreads = 1
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	for _, n := range []int{1000, 2000, 500} {
		a, b, c := fill(alignedSlice(n*n)), fill(alignedSlice(n*n)), fill(alignedSlice(n*n))
		var best [2]time.Duration
		best[0], best[1] = time.Hour, time.Hour
		for round := 0; round < 8; round++ {
			for i, nd := range []bool{false, true} {
				forcePack = nd
				t0 := threadTime()
				Sgemm(false, false, n, n, n, 1, a, n, b, n, 0, c, n)
				best[i] = min(best[i], threadTime()-t0)
			}
		}
		fl := 2 * float64(n*n*n)
		t.Logf("n=%d direct %.1f packed %.1f", n, fl/best[0].Seconds()/1e9, fl/best[1].Seconds()/1e9)
	}
}

func TestSizes(t *testing.T) {
	defer func() { maxThreads = 0 }()
	maxThreads = 1
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	ns := []int{992, 1000, 1008, 1024, 1040}
	best := make([]time.Duration, len(ns))
	var bufs [][3][]float32
	for i, n := range ns {
		best[i] = time.Hour
		bufs = append(bufs, [3][]float32{fill(alignedSlice(n * n)), fill(alignedSlice(n * n)), fill(alignedSlice(n * n))})
	}
	for round := 0; round < 8; round++ {
		for i, n := range ns {
			t0 := threadTime()
			Sgemm(false, false, n, n, n, 1, bufs[i][0], n, bufs[i][1], n, 0, bufs[i][2], n)
			best[i] = min(best[i], threadTime()-t0)
		}
	}
	for i, n := range ns {
		t.Logf("n=%d %.1f", n, 2*float64(n*n*n)/best[i].Seconds()/1e9)
	}
}

func TestDirectVsPack(t *testing.T) {
	defer func() { forcePack = false; maxThreads = 0 }()
	maxThreads = 1
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	shapes := []struct {
		ta, tb  bool
		m, n, k int
	}{{false, false, 16384, 64, 288}, {false, false, 16384, 128, 576}, {true, false, 288, 64, 16384}, {false, false, 1000, 1000, 1000}, {false, false, 2000, 2000, 2000}, {false, true, 65536, 288, 32}, {false, false, 65536, 288, 32}, {false, false, 65536, 32, 288}, {true, false, 288, 32, 65536}}
	for _, s := range shapes {
		lda, ldb := s.k, s.n
		if s.ta {
			lda = s.m
		}
		if s.tb {
			ldb = s.k
		}
		a, b, c := fill(alignedSlice(s.m*s.k)), fill(alignedSlice(s.k*s.n)), fill(alignedSlice(s.m*s.n))
		var best [2]time.Duration
		best[0], best[1] = time.Hour, time.Hour
		for round := 0; round < 8; round++ {
			for i, fp := range []bool{false, true} {
				forcePack = fp
				t0 := threadTime()
				Sgemm(s.ta, s.tb, s.m, s.n, s.k, 1, a, lda, b, ldb, 0, c, s.n)
				best[i] = min(best[i], threadTime()-t0)
			}
		}
		fl := 2 * float64(s.m*s.n*s.k)
		t.Logf("%v direct %.1f packed %.1f", s, fl/best[0].Seconds()/1e9, fl/best[1].Seconds()/1e9)
	}
}

func Test1024Threads(t *testing.T) {
	defer func() { maxThreads = 0; tasksPerWorker = 1 }()
	n := 1024
	a, b, c := fill(alignedSlice(n*n)), fill(alignedSlice(n*n)), fill(alignedSlice(n*n))
	for _, cfg := range [][2]int{{1, 1}, {2, 1}, {2, 2}, {2, 4}} {
		maxThreads, tasksPerWorker = cfg[0], cfg[1]
		best := time.Hour
		c0 := cpuTime()
		for rep := 0; rep < 40; rep++ {
			t0 := time.Now()
			Sgemm(false, false, n, n, n, 1, a, n, b, n, 0, c, n)
			best = min(best, time.Since(t0))
		}
		ct := cpuTime() - c0
		fl := 2 * float64(n*n*n)
		t.Logf("%v: %.1f GFLOP/s wall, %.1f per cpu-s", cfg, fl/best.Seconds()/1e9, fl*40/ct.Seconds()/1e9)
	}
}
