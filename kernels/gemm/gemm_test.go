package gemm

import (
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"
	"sync"
	"testing"
	"time"
)

// refGemm is the naive triple loop with float64 accumulation.
func refGemm[T float32 | float64](transA, transB bool, m, n, k int, alpha T, a []T, lda int, b []T, ldb int, beta T, c []T, ldc int) []float64 {
	out := make([]float64, m*n)
	for i := 0; i < m; i++ {
		for j := 0; j < n; j++ {
			var s float64
			for p := 0; p < k; p++ {
				var av, bv T
				if transA {
					av = a[p*lda+i]
				} else {
					av = a[i*lda+p]
				}
				if transB {
					bv = b[j*ldb+p]
				} else {
					bv = b[p*ldb+j]
				}
				s += float64(av) * float64(bv)
			}
			r := float64(alpha) * s
			if beta != 0 {
				r += float64(beta) * float64(c[i*ldc+j])
			}
			out[i*n+j] = r
		}
	}
	return out
}

func randSlice[T float32 | float64](rng *rand.Rand, n int) []T {
	s := make([]T, n)
	for i := range s {
		s[i] = T(rng.Float64()*2 - 1)
	}
	return s
}

// operands returns random A, B, C with the given extra padding of the
// leading dimensions; C is filled with NaN when nanC.
func operands[T float32 | float64](rng *rand.Rand, transA, transB bool, m, n, k, pad int, nanC bool) (a []T, lda int, b []T, ldb int, c []T, ldc int) {
	ar, ac := m, k
	if transA {
		ar, ac = k, m
	}
	br, bc := k, n
	if transB {
		br, bc = n, k
	}
	lda, ldb, ldc = ac+pad, bc+2*pad, n+3*pad
	lda, ldb, ldc = max(lda, 1), max(ldb, 1), max(ldc, 1)
	// Minimal lengths, so that reads past the last row are caught.
	a = randSlice[T](rng, minLen(ar, ac, lda))
	b = randSlice[T](rng, minLen(br, bc, ldb))
	c = randSlice[T](rng, minLen(m, n, ldc))
	if nanC {
		for i := range c {
			c[i] = T(math.NaN())
		}
	}
	return
}

func minLen(rows, cols, ld int) int {
	if rows == 0 || cols == 0 {
		return 0
	}
	return (rows-1)*ld + cols
}

// sentinel values follow the copies of C made by cloneC, within their
// capacity; checkSentinel verifies that they were not overwritten.
const sentinel = 64

func cloneC[T float32 | float64](c []T) []T {
	s := make([]T, len(c), len(c)+sentinel)
	copy(s, c)
	tail := s[len(c) : len(c)+sentinel]
	for i := range tail {
		tail[i] = 12345
	}
	return s
}

func checkSentinel[T float32 | float64](t *testing.T, name string, c []T) {
	t.Helper()
	for _, v := range c[len(c) : len(c)+sentinel] {
		if v != 12345 {
			t.Fatalf("%s: memory after C overwritten", name)
		}
	}
}

// check compares C against the reference and checks that the padding
// between rows of C was left untouched.
func check[T float32 | float64](t *testing.T, name string, m, n, k int, got, orig []T, ldc int, want []float64, tol float64) {
	t.Helper()
	for i := 0; i < m; i++ {
		for j := 0; j < ldc && i*ldc+j < len(got); j++ {
			g := float64(got[i*ldc+j])
			if j >= n {
				if o := float64(orig[i*ldc+j]); g != o && !(math.IsNaN(g) && math.IsNaN(o)) {
					t.Fatalf("%s: padding C[%d,%d] modified", name, i, j)
				}
				continue
			}
			w := want[i*n+j]
			if math.IsNaN(g) || math.Abs(g-w) > tol*(1+math.Sqrt(float64(k))) {
				t.Fatalf("%s: C[%d,%d] = %v, want %v", name, i, j, g, w)
			}
		}
	}
}

var testSizes = []int{1, 3, 7, 17, 33, 65, 129}

// withImpl runs f for every micro-kernel the CPU supports.
// With pack, operands are always packed instead of being read in place
// where possible (forcePack), to cover both code paths.
func withImpl(t *testing.T, f func(t *testing.T)) {
	saved := cur
	defer func() { cur, forcePack = saved, false }()
	for _, im := range impls {
		for _, fp := range []bool{false, true} {
			cur, forcePack = im, fp
			name := im.name
			if fp {
				name += "/pack"
			}
			t.Run(name, f)
		}
	}
}

type testCase struct {
	m, n, k     int
	alpha, beta float64
	pad         int
	nanC        bool
}

func testCases(short bool) []testCase {
	var cs []testCase
	sizes := testSizes
	for _, m := range sizes {
		for _, n := range sizes {
			for _, k := range sizes {
				if short && (m+n+k)%3 != 0 && m*n*k > 1000 {
					continue
				}
				cs = append(cs, testCase{m, n, k, 1.5, -0.75, (m + n + k) % 3, false})
			}
		}
	}
	cs = append(cs,
		testCase{m: 31, n: 47, k: 29, alpha: -2, beta: 0, pad: 1, nanC: true},
		testCase{m: 130, n: 200, k: 300, alpha: 0.5, beta: 0, pad: 0, nanC: true},
		testCase{m: 28, n: 64, k: 513, alpha: 1, beta: 1, pad: 5},
		testCase{m: 15, n: 33, k: 0, alpha: 1, beta: 0.5, pad: 2},
		testCase{m: 15, n: 33, k: 0, alpha: 1, beta: 0, pad: 2, nanC: true},
		testCase{m: 9, n: 5, k: 7, alpha: 0, beta: 2, pad: 1},
		testCase{m: 0, n: 5, k: 7, alpha: 1, beta: 2},
		testCase{m: 5, n: 0, k: 7, alpha: 1, beta: 2},
		testCase{m: 350, n: 97, k: 600, alpha: 1.25, beta: 0.25, pad: 3}, // several k and m blocks
		testCase{m: 1, n: 1000, k: 70, alpha: 1, beta: 0},
		testCase{m: 1000, n: 1, k: 70, alpha: 1, beta: 0},
		testCase{m: 100, n: 32, k: 1000, alpha: 1, beta: 0, pad: 0}, // in-place B (ldb = 32)
		testCase{m: 70, n: 64, k: 50, alpha: 1, beta: 0.5, pad: 0},  // packed B (ldb = 64)
		// At most 16 columns (the narrow AVX-512 kernel): full tiles with
		// in-place B, edge tiles, several k blocks and a long k (the
		// kernel gradient of a 16-channel convolution).
		testCase{m: 100, n: 16, k: 300, alpha: 1, beta: 0, pad: 0},
		testCase{m: 97, n: 16, k: 777, alpha: -1, beta: 0.5, pad: 1},
		testCase{m: 60, n: 15, k: 40, alpha: 1, beta: 1, pad: 2, nanC: false},
		testCase{m: 144, n: 16, k: 900, alpha: 1, beta: 0, pad: 0, nanC: true},
	)
	return cs
}

func TestSgemm(t *testing.T) {
	// Operands and reference results are computed once and reused for
	// every micro-kernel.
	type prepared struct {
		name          string
		tc            testCase
		ta, tb        bool
		a, b, c       []float32
		lda, ldb, ldc int
		want          []float64
	}
	var cases []prepared
	rng := rand.New(rand.NewPCG(1, 2))
	for _, tc := range testCases(testing.Short()) {
		for _, ta := range []bool{false, true} {
			for _, tb := range []bool{false, true} {
				p := prepared{name: fmt.Sprintf("ta=%v tb=%v %+v", ta, tb, tc), tc: tc, ta: ta, tb: tb}
				p.a, p.lda, p.b, p.ldb, p.c, p.ldc = operands[float32](rng, ta, tb, tc.m, tc.n, tc.k, tc.pad, tc.nanC)
				p.want = refGemm(ta, tb, tc.m, tc.n, tc.k, float32(tc.alpha), p.a, p.lda, p.b, p.ldb, float32(tc.beta), p.c, p.ldc)
				cases = append(cases, p)
			}
		}
	}
	withImpl(t, func(t *testing.T) {
		for _, p := range cases {
			tc := p.tc
			c := cloneC(p.c)
			Sgemm(p.ta, p.tb, tc.m, tc.n, tc.k, float32(tc.alpha), p.a, p.lda, p.b, p.ldb, float32(tc.beta), c, p.ldc)
			check(t, p.name, tc.m, tc.n, tc.k, c, p.c, p.ldc, p.want, 1e-5)
			checkSentinel(t, p.name, c)
		}
	})
}

func TestDgemm(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for _, tc := range testCases(true) {
		for _, ta := range []bool{false, true} {
			for _, tb := range []bool{false, true} {
				a, lda, b, ldb, c, ldc := operands[float64](rng, ta, tb, tc.m, tc.n, tc.k, tc.pad, tc.nanC)
				orig := c
				c = cloneC(c)
				want := refGemm(ta, tb, tc.m, tc.n, tc.k, tc.alpha, a, lda, b, ldb, tc.beta, c, ldc)
				Dgemm(ta, tb, tc.m, tc.n, tc.k, tc.alpha, a, lda, b, ldb, tc.beta, c, ldc)
				name := fmt.Sprintf("ta=%v tb=%v %+v", ta, tb, tc)
				check(t, name, tc.m, tc.n, tc.k, c, orig, ldc, want, 1e-12)
				checkSentinel(t, name, c)
			}
		}
	}
}

func TestBatched(t *testing.T) {
	withImpl(t, func(t *testing.T) {
		rng := rand.New(rand.NewPCG(5, 6))
		const batch = 3
		for _, ta := range []bool{false, true} {
			for _, tb := range []bool{false, true} {
				m, n, k := 19, 37, 23
				a, lda, b, ldb, c, ldc := operands[float32](rng, ta, tb, m, n, k, 1, false)
				sa, sb, sc := len(a)+5, len(b)+3, len(c)+7
				ab := randSlice[float32](rng, sa*(batch-1)+len(a))
				bb := randSlice[float32](rng, sb*(batch-1)+len(b))
				cb := randSlice[float32](rng, sc*(batch-1)+len(c))
				cb64 := make([]float64, len(cb))
				ab64, bb64 := make([]float64, len(ab)), make([]float64, len(bb))
				for i, v := range ab {
					ab64[i] = float64(v)
				}
				for i, v := range bb {
					bb64[i] = float64(v)
				}
				for i, v := range cb {
					cb64[i] = float64(v)
				}
				var wants [][]float64
				for i := 0; i < batch; i++ {
					wants = append(wants, refGemm(ta, tb, m, n, k, float32(0.5), ab[i*sa:], lda, bb[i*sb:], ldb, float32(2), cb[i*sc:], ldc))
				}
				orig := append([]float32(nil), cb...)
				orig64 := append([]float64(nil), cb64...)
				SgemmBatched(ta, tb, m, n, k, 0.5, ab, lda, sa, bb, ldb, sb, 2, cb, ldc, sc, batch)
				DgemmBatched(ta, tb, m, n, k, 0.5, ab64, lda, sa, bb64, ldb, sb, 2, cb64, ldc, sc, batch)
				for i := 0; i < batch; i++ {
					name := fmt.Sprintf("ta=%v tb=%v batch %d", ta, tb, i)
					check(t, "S "+name, m, n, k, cb[i*sc:i*sc+len(c)], orig[i*sc:], ldc, wants[i], 1e-5)
					check(t, "D "+name, m, n, k, cb64[i*sc:i*sc+len(c)], orig64[i*sc:], ldc, wants[i], 1e-5)
				}
				// Gaps between matrices must be untouched.
				for i := 0; i < batch-1; i++ {
					for p := i*sc + len(c); p < (i+1)*sc; p++ {
						if cb[p] != orig[p] || cb64[p] != orig64[p] {
							t.Fatalf("gap element %d modified", p)
						}
					}
				}
			}
		}
	})
}

// TestThreadIndependence checks that the result is bitwise identical for
// 1 and several goroutines (and several task grids).
func TestThreadIndependence(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(4))
	savedTPW := tasksPerWorker
	defer func() { maxThreads, tasksPerWorker = 0, savedTPW }()
	withImpl(t, func(t *testing.T) {
		rng := rand.New(rand.NewPCG(7, 8))
		shapes := [][3]int{{300, 260, 700}, {1000, 32, 288}, {288, 32, 3000}, {70, 500, 600}}
		if testing.Short() && cur.name == "generic" {
			shapes = [][3]int{{300, 100, 300}, {288, 32, 1200}}
		}
		before := parallelCalls.Load()
		for _, s := range shapes {
			for _, ta := range []bool{false, true} {
				for _, tb := range []bool{false, true} {
					m, n, k := s[0], s[1], s[2]
					a, lda, b, ldb, c0, ldc := operands[float32](rng, ta, tb, m, n, k, 1, false)
					var ref []float32
					for _, cfg := range [][2]int{{1, 1}, {2, 1}, {2, 4}, {3, 3}} {
						maxThreads, tasksPerWorker = cfg[0], cfg[1]
						c := append([]float32(nil), c0...)
						Sgemm(ta, tb, m, n, k, 0.7, a, lda, b, ldb, 0.3, c, ldc)
						if ref == nil {
							ref = c
							continue
						}
						for i := range c {
							if math.Float32bits(c[i]) != math.Float32bits(ref[i]) {
								t.Fatalf("shape %v ta=%v tb=%v threads=%v: element %d differs: %v vs %v", s, ta, tb, cfg, i, c[i], ref[i])
							}
						}
					}
				}
			}
		}
		if parallelCalls.Load() == before {
			t.Fatal("no call used more than one goroutine")
		}
	})
}

// TestConcurrentCalls runs 4 large products at once with GOMAXPROCS=2: they
// must all finish (a previous backend deadlocked here) and be correct.
func TestConcurrentCalls(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(2))
	const m, n, k = 500, 400, 600
	rng := rand.New(rand.NewPCG(9, 10))
	a, lda, b, ldb, c0, ldc := operands[float32](rng, false, false, m, n, k, 0, false)
	want := make([]float32, len(c0))
	Sgemm(false, false, m, n, k, 1, a, lda, b, ldb, 0, want, ldc)
	done := make(chan error, 4)
	var wg sync.WaitGroup
	for g := 0; g < 4; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for it := 0; it < 5; it++ {
				c := append([]float32(nil), c0...)
				Sgemm(false, false, m, n, k, 1, a, lda, b, ldb, 0, c, ldc)
				for i := range c {
					if c[i] != want[i] {
						done <- fmt.Errorf("goroutine %d: element %d = %v, want %v", g, i, c[i], want[i])
						return
					}
				}
			}
		}()
	}
	go func() { wg.Wait(); close(done) }()
	select {
	case err, ok := <-done:
		if ok {
			t.Fatal(err)
		}
	case <-time.After(60 * time.Second):
		t.Fatal("concurrent Sgemm calls did not finish: deadlock?")
	}
	if h := busyHelpers.Load(); h != 0 {
		t.Fatalf("busyHelpers = %d after all calls returned", h)
	}
}

func TestImplementation(t *testing.T) {
	if got := Implementation(); got != impls[0].name {
		t.Logf("Implementation() = %q (forced by GONAS_GEMM?), best available %q", got, impls[0].name)
	}
	if selectImpl("generic").name != "generic" || selectImpl("nonsense") != impls[0] {
		t.Fatal("selectImpl")
	}
}
