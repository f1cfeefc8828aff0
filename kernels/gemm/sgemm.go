package gemm

import (
	"os"
	"runtime"
	"sync"
	"sync/atomic"
	"unsafe"
)

// impl describes one micro-kernel and its blocking parameters.
type impl struct {
	name       string
	mr, nr     int  // micro-tile: mr rows of C × nr columns of C
	kc, mc, nc int  // maximal cache blocks along k, m and n
	aOuter     bool // macro-kernel loop order (see macro)
	// kern computes the mr×nr tile C = alpha*A*B + beta*C over k steps.
	// Row r of A at step p is at a + r*ars + p*aks; the nr values of B at
	// step p are contiguous at b + p*bks; row r of C is at c + r*ldc; all
	// strides in bytes. beta == 0: C is written without being read. If
	// pf != 0, the kernel may prefetch addresses pf, pf+pfs, pf+2*pfs, ...
	// (one per step; they need not be valid).
	kern func(k int, a *float32, ars, aks uintptr, b *float32, bks uintptr, c *float32, ldc uintptr, alpha, beta float32, pf, pfs uintptr)
	// narrow, if not nil, is the micro-kernel used instead for products
	// with at most narrow.nr columns.
	narrow *impl
	// workspaces recycles this micro-kernel's packing buffers.
	workspaces sync.Pool
}

var (
	// impls lists the available micro-kernels, fastest first.
	impls = availableImpls()
	// cur is the micro-kernel in use. Tests switch it; it is read once per call.
	cur = selectImpl(os.Getenv("GONAS_GEMM"))
	// maxThreads, if > 0, caps the number of goroutines a single call uses
	// (otherwise runtime.GOMAXPROCS(0)). Used by tests.
	maxThreads int
)

// selectImpl returns the fastest available micro-kernel, or the one named by
// name ("avx512", "avx512n16", "avx2", "generic") if it is available.
func selectImpl(name string) *impl {
	for _, im := range impls {
		if im.name == name {
			return im
		}
	}
	return impls[0]
}

// Implementation returns the name of the micro-kernel in use: "avx512"
// (which runs products with at most 16 columns on "avx512n16"),
// "avx512n16", "avx2" or "generic". The environment variable GONAS_GEMM,
// read once at start-up, can force a slower one (e.g. GONAS_GEMM=generic).
func Implementation() string { return cur.name }

// Sgemm computes C = alpha*op(A)*op(B) + beta*C for row-major float32
// matrices, with op(X) = X or X^T (transA, transB). After op, A is m×k, B is
// k×n and C is m×n; lda, ldb and ldc are the row strides (in elements) of the
// matrices as stored, so A is stored m×k (k×m if transA) and B k×n (n×k if
// transB). beta == 0 overwrites C (NaNs in C are ignored); k == 0 or
// alpha == 0 gives C = beta*C. Safe for concurrent use.
func Sgemm(transA, transB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	checkArgs(transA, transB, m, n, k, len(a), lda, len(b), ldb, len(c), ldc)
	sgemm(cur, transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
}

// SgemmBatched computes batchCount independent products
// C_i = alpha*op(A_i)*op(B_i) + beta*C_i (see Sgemm), where A_i starts at
// a[i*strideA], B_i at b[i*strideB] and C_i at c[i*strideC]; strides are in
// elements.
func SgemmBatched(transA, transB bool, m, n, k int, alpha float32, a []float32, lda, strideA int, b []float32, ldb, strideB int, beta float32, c []float32, ldc, strideC int, batchCount int) {
	im := cur
	for i := 0; i < batchCount; i++ {
		ai, bi, ci := batchSlice(a, i*strideA), batchSlice(b, i*strideB), batchSlice(c, i*strideC)
		checkArgs(transA, transB, m, n, k, len(ai), lda, len(bi), ldb, len(ci), ldc)
		sgemm(im, transA, transB, m, n, k, alpha, ai, lda, bi, ldb, beta, ci, ldc)
	}
}

// batchSlice returns s[off:], or an empty slice when off >= len(s) (so that
// empty matrices at the end of a batch are accepted; non-empty ones are then
// rejected by checkArgs).
func batchSlice[T any](s []T, off int) []T {
	if off >= len(s) {
		return s[:0]
	}
	return s[off:]
}

// checkArgs panics if the dimensions, leading dimensions or slice lengths are
// invalid.
func checkArgs(transA, transB bool, m, n, k, la, lda, lb, ldb, lc, ldc int) {
	if m < 0 || n < 0 || k < 0 {
		panic("gemm: negative dimension")
	}
	ar, ac := m, k
	if transA {
		ar, ac = k, m
	}
	br, bc := k, n
	if transB {
		br, bc = n, k
	}
	checkMat("A", ar, ac, la, lda)
	checkMat("B", br, bc, lb, ldb)
	checkMat("C", m, n, lc, ldc)
}

func checkMat(name string, rows, cols, l, ld int) {
	if ld < max(1, cols) {
		panic("gemm: leading dimension of " + name + " too small")
	}
	if rows > 0 && cols > 0 && l < (rows-1)*ld+cols {
		panic("gemm: slice " + name + " too short")
	}
}

// scaleC sets C = beta*C (C = 0 when beta == 0).
func scaleC[T float32 | float64](m, n int, beta T, c []T, ldc int) {
	for i := 0; i < m; i++ {
		row := c[i*ldc : i*ldc+n]
		if beta == 0 {
			clear(row)
		} else if beta != 1 {
			for j := range row {
				row[j] *= beta
			}
		}
	}
}

// Parallelism. busyHelpers counts helper goroutines running in all calls
// together; a call only adds helpers while busyHelpers < GOMAXPROCS-1 and
// never waits for one, so concurrent calls cannot deadlock.
var busyHelpers atomic.Int32

// parallelCalls counts the calls that used helpers (for tests).
var parallelCalls atomic.Int64

// minWorkPerThread is the number of multiply-adds (m*n*k) that justifies one
// more goroutine, and minWorkPerTask the smallest task worth splitting off.
const (
	minWorkPerThread = 1 << 22
	minWorkPerTask   = 1 << 21
)

func threadLimit() int {
	t := runtime.GOMAXPROCS(0)
	if maxThreads > 0 && maxThreads < t {
		t = maxThreads
	}
	return t
}

// acquireHelpers reserves up to want helper slots without blocking.
func acquireHelpers(want, limit int) int {
	got := 0
	for got < want {
		c := busyHelpers.Load()
		if int(c) >= limit {
			break
		}
		if busyHelpers.CompareAndSwap(c, c+1) {
			got++
		}
	}
	return got
}

// job is one Sgemm call, split into tasks over blocks of C.
type job struct {
	im             *impl
	transA, transB bool
	m, n, k, kc    int
	alpha, beta    float32
	a, b, c        []float32
	lda, ldb, ldc  int
	mp, np         int            // number of micro-panels along m and n
	rb, cb         int            // task grid: rb row blocks × cb column blocks
	next           atomic.Int32   // next task to run
	wg             sync.WaitGroup // helpers still running
}

var jobPool sync.Pool

// smallWork is the size m*n*k below which the plain loops beat packing.
const smallWork = 512

func sgemm(im *impl, transA, transB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	if m == 0 || n == 0 {
		return
	}
	if k == 0 || alpha == 0 {
		scaleC(m, n, beta, c, ldc)
		return
	}
	if m*n*k < smallWork {
		sgemmSmall(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
		return
	}
	if im.narrow != nil && n <= im.narrow.nr {
		im = im.narrow
	}
	j, _ := jobPool.Get().(*job)
	if j == nil {
		j = new(job)
	}
	defer func() {
		j.a, j.b, j.c = nil, nil, nil // do not retain the caller's memory
		jobPool.Put(j)
	}()
	j.im, j.transA, j.transB, j.m, j.n, j.k, j.alpha, j.beta = im, transA, transB, m, n, k, alpha, beta
	j.a, j.b, j.c, j.lda, j.ldb, j.ldc = a, b, c, lda, ldb, ldc
	j.next.Store(0)
	// The k blocking depends only on the call's arguments (never on the
	// number of threads), so every element of C is accumulated in the same
	// order whatever the split.
	j.kc = blockK(im, transA, n, k)
	j.mp = (m + im.mr - 1) / im.mr
	j.np = (n + im.nr - 1) / im.nr
	j.rb, j.cb = 1, 1

	work := m * n * k
	helpers := 0
	if limit := threadLimit(); limit > 1 && work >= 2*minWorkPerThread && j.mp*j.np > 1 {
		want := min(limit-1, work/minWorkPerThread-1, j.mp*j.np-1)
		helpers = acquireHelpers(want, limit-1)
	}
	if helpers == 0 {
		ws := getWorkspace(im)
		j.block(0, m, 0, n, ws)
		im.workspaces.Put(ws)
		return
	}
	j.partition(helpers + 1)
	parallelCalls.Add(1)
	j.wg.Add(helpers)
	for range helpers {
		go j.helper()
	}
	j.worker()
	j.wg.Wait()
}

// blockK returns the k block size: the k range is split into equal blocks
// of at most im.kc. A stored k×m and read in place (n at most 4
// micro-panels, e.g. weight gradients of convolutions) uses a new cache line
// per step; there smaller blocks, whose next block is prefetched into L2 while
// the current one is used, are faster.
func blockK(im *impl, transA bool, n, k int) int {
	kcMax := im.kc
	if transA && n <= 4*im.nr {
		kcMax = min(kcMax, 128)
	}
	nkb := (k + kcMax - 1) / kcMax
	return (k + nkb - 1) / nkb
}

// partition chooses the task grid for w workers: tasksPerWorker*w tasks
// where possible (fewer for small products), minimising the redundant work:
// each column block packs (or re-reads) its own copy of A, each row block its
// own copy of B; A is always packed by copies (see packA), B transposed
// costs about three times a copy or a re-read. A stored k×m and read in
// place gets only w tasks: narrower column slices of its rows are fetched
// inefficiently.
func (j *job) partition(w int) {
	want := min(tasksPerWorker*w, max(w, j.m*j.n*j.k/minWorkPerTask))
	wa, wb := 1, 1
	if j.transB {
		wb = 3
	}
	if j.bDirect() {
		wb = 1
	}
	best := -1
	for rb := 1; rb <= min(j.mp, want); rb++ {
		cb := min(j.np, (want+rb-1)/rb)
		ca := wa
		if j.aDirect((j.np + cb - 1) / cb) {
			if j.transA && rb > w {
				continue
			}
			ca = 1
		}
		tasks := rb * cb
		cost := ca*j.m*cb + wb*j.n*rb
		if tasks < want { // prefer enough tasks
			cost += (want - tasks) * (3*j.m + 3*j.n) * 4
		}
		if best < 0 || cost < best {
			best, j.rb, j.cb = cost, rb, cb
		}
	}
}

// bDirect reports whether the full micro-panels of B are read in place
// instead of packed: when B is stored k×n and is a single micro-panel whose
// rows do not collide in the same L1 sets (ldb not a multiple of 64), as in
// convolutions with few output channels.
func (j *job) bDirect() bool {
	return !forcePack && !j.transB && j.n <= j.im.nr && j.ldb%64 != 0
}

// aDirect reports whether the full micro-panels of A in a block with ncp
// micro-panels of columns are read in place instead of packed: when there is
// a single B micro-panel (no reuse), or when the macro-kernel keeps each A
// micro-panel in L1 while it is reused (aOuter) and the lines it occupies do
// not collide in the same L1 sets: A stored m×k with lda not a multiple of
// 256, or A stored k×m (a new line per step) with few reuses, lda not a
// multiple of 64 and short k blocks (see blockK).
func (j *job) aDirect(ncp int) bool {
	if forcePack {
		return false
	}
	if ncp == 1 {
		return true
	}
	if !j.im.aOuter {
		return false
	}
	if j.transA {
		return ncp <= 4 && j.lda%64 != 0
	}
	return j.lda%256 != 0
}

// forcePack disables reading operands in place (for tests).
var forcePack bool

// tasksPerWorker is the number of tasks per goroutine that a multi-threaded
// call aims for, so that a goroutine slowed down by other work is partly
// balanced by the others (tasks are taken dynamically); more tasks cost more
// redundant packing.
var tasksPerWorker = 2

// helper runs tasks on an extra goroutine, then releases its helper slot.
func (j *job) helper() {
	j.worker()
	busyHelpers.Add(-1)
	j.wg.Done()
}

// worker runs tasks until none is left.
func (j *job) worker() {
	ws := getWorkspace(j.im)
	nt := int32(j.rb * j.cb)
	for {
		t := j.next.Add(1) - 1
		if t >= nt {
			break
		}
		r, c := int(t)/j.cb, int(t)%j.cb
		mr, nr := j.im.mr, j.im.nr
		i0, i1 := r*j.mp/j.rb*mr, min((r+1)*j.mp/j.rb*mr, j.m)
		j0, j1 := c*j.np/j.cb*nr, min((c+1)*j.np/j.cb*nr, j.n)
		j.block(i0, i1, j0, j1, ws)
	}
	j.im.workspaces.Put(ws)
}

// workspace holds the packing buffers of one goroutine.
type workspace struct {
	a, b []float32 // packed A block (mc×kc) and B block (kc×nc)
	tmp  []float32 // mr×nr tile for edges
}

// getWorkspace returns a workspace for im, recycled from im.workspaces
// when possible.
func getWorkspace(im *impl) *workspace {
	if ws, ok := im.workspaces.Get().(*workspace); ok {
		return ws
	}
	ncr := (im.nc + im.nr - 1) / im.nr * im.nr
	return &workspace{
		a:   alignedSlice(im.mc * rowStride(im.kc)),
		b:   alignedSlice(ncr * im.kc),
		tmp: alignedSlice(im.mr * im.nr),
	}
}

// alignedSlice returns a zeroed slice of length n starting on a 64-byte boundary.
func alignedSlice(n int) []float32 {
	s := make([]float32, n+16)
	off := int((64 - uintptr(unsafe.Pointer(&s[0]))%64) % 64 / 4)
	return s[off : off+n : off+n]
}

// block computes the C block rows [i0,i1) × columns [j0,j1) over the whole k
// range (Goto's loops 1-3 around the macro-kernel).
func (j *job) block(i0, i1, j0, j1 int, ws *workspace) {
	im := j.im
	mr, nr := im.mr, im.nr
	for jc := j0; jc < j1; jc += im.nc {
		nc := min(im.nc, j1-jc)
		ncp := (nc + nr - 1) / nr
		for pc := 0; pc < j.k; pc += j.kc {
			kc := min(j.kc, j.k-pc)
			beta := j.beta
			if pc > 0 {
				beta = 1
			}
			// B: packed, or read in place (see bDirect); a partial last
			// micro-panel is always packed.
			bDirect := j.bDirect()
			if !bDirect {
				j.packB(ws.b, pc, kc, jc, nc)
			} else if nc%nr != 0 {
				p := ncp - 1
				j.packB(ws.b[p*nr*kc:], pc, kc, jc+p*nr, nc-p*nr)
			}
			for ic := i0; ic < i1; ic += im.mc {
				mc := min(im.mc, i1-ic)
				mcp := (mc + mr - 1) / mr
				// A: packed, or read in place (see aDirect); a partial last
				// micro-panel is always packed.
				aDirect := j.aDirect(ncp)
				if !aDirect {
					j.packA(ws.a, ic, mc, pc, kc)
				} else if mc%mr != 0 {
					p := mcp - 1
					j.packA(ws.a[p*j.aPanelStride(kc):], ic+p*mr, mc-p*mr, pc, kc)
				}
				j.macro(ws, ic, mc, jc, nc, pc, kc, aDirect, bDirect, beta)
			}
		}
	}
}

// macro runs the micro-kernel over the mc×nc block at (ic, jc) (Goto's loops
// 4-5). With aOuter, the loop over A micro-panels is the outer one, so one
// A micro-panel stays in L1 while the B micro-panels stream from L2 (as in
// BLIS, whose broadcast operand is our A); otherwise one B micro-panel stays
// in L1 and the A micro-panels stream.
func (j *job) macro(ws *workspace, ic, mc, jc, nc, pc, kc int, aDirect, bDirect bool, beta float32) {
	im := j.im
	mr, nr := im.mr, im.nr
	mcp := (mc + mr - 1) / mr
	ncp := (nc + nr - 1) / nr
	if im.aOuter {
		for ir := 0; ir < mcp; ir++ {
			for jr := 0; jr < ncp; jr++ {
				j.tile(ws, ic, mc, jc, nc, pc, kc, ir, jr, aDirect, bDirect, beta)
			}
		}
		return
	}
	for jr := 0; jr < ncp; jr++ {
		for ir := 0; ir < mcp; ir++ {
			j.tile(ws, ic, mc, jc, nc, pc, kc, ir, jr, aDirect, bDirect, beta)
		}
	}
}

// tile computes micro-tile (ir, jr) of the block at (ic, jc).
func (j *job) tile(ws *workspace, ic, mc, jc, nc, pc, kc, ir, jr int, aDirect, bDirect bool, beta float32) {
	im := j.im
	mr, nr := im.mr, im.nr
	jj := jc + jr*nr
	ncur := min(nr, nc-jr*nr)
	var bp *float32
	var bks uintptr
	if bDirect && ncur == nr {
		bp, bks = &j.b[pc*j.ldb+jj], uintptr(j.ldb)*4
	} else {
		bp, bks = &ws.b[jr*nr*kc], uintptr(nr)*4
	}
	ii := ic + ir*mr
	mcur := min(mr, mc-ir*mr)
	var ap *float32
	var ars, aks, pf, pfs uintptr
	switch {
	case !aDirect || mcur < mr:
		// Packed (see packA): step-major, or row by row with the next
		// micro-panel prefetched.
		ap = &ws.a[ir*j.aPanelStride(kc)]
		if j.transA {
			ars, aks = 4, uintptr(mr)*4
		} else {
			ars, aks = uintptr(rowStride(kc))*4, 4
			if jr == 0 && (ir+1)*mr < mc {
				pf, pfs = uintptr(unsafe.Pointer(ap))+uintptr(mr)*ars, 64
			}
		}
	case j.transA:
		// In place, stored k×m: prefetch the panel's rows for the next k block.
		ap, ars, aks = &j.a[pc*j.lda+ii], 4, uintptr(j.lda)*4
		if pc+kc < j.k && jr == 0 {
			pf, pfs = uintptr(unsafe.Pointer(ap))+uintptr(kc)*aks, aks
		}
	default:
		// In place, stored m×k: prefetch the next micro-panel's rows.
		ap, ars, aks = &j.a[ii*j.lda+pc], uintptr(j.lda)*4, 4
		if ii+2*mr <= j.m && jr == 0 {
			pf, pfs = uintptr(unsafe.Pointer(ap))+uintptr(mr)*ars, 64
		}
	}
	if mcur == mr && ncur == nr {
		im.kern(kc, ap, ars, aks, bp, bks, &j.c[ii*j.ldc+jj], uintptr(j.ldc)*4, j.alpha, beta, pf, pfs)
		return
	}
	// Edge tile: run the same kernel on a private tile so that nothing
	// outside C is touched and the arithmetic is identical.
	t := ws.tmp
	if beta != 0 {
		for r := 0; r < mcur; r++ {
			copy(t[r*nr:r*nr+ncur], j.c[(ii+r)*j.ldc+jj:])
		}
	}
	im.kern(kc, ap, ars, aks, bp, bks, &t[0], uintptr(nr)*4, j.alpha, beta, pf, pfs)
	for r := 0; r < mcur; r++ {
		copy(j.c[(ii+r)*j.ldc+jj:(ii+r)*j.ldc+jj+ncur], t[r*nr:])
	}
}

// packA packs rows [i0,i0+mc) × columns [p0,p0+kc) of op(A) into mr-row
// micro-panels of aPanelStride(kc) elements each. A stored k×m (transA) is
// packed step-major: element (i, p) of panel q goes to
// dst[q*mr*kc + p*mr + i%mr]. A stored m×k is packed row-major, each row
// copied whole to dst[q*mr*rs + (i%mr)*rs + p] with rs = rowStride(kc): a
// plain copy instead of a transposition (the micro-kernels take any row
// stride), laid out so that the panel's rows do not collide in L1. Rows past
// mc are zero-filled.
func (j *job) packA(dst []float32, i0, mc, p0, kc int) {
	mr := j.im.mr
	ps := j.aPanelStride(kc)
	for q := 0; q*mr < mc; q++ {
		rows := min(mr, mc-q*mr)
		d := dst[q*ps : (q+1)*ps]
		ib := i0 + q*mr
		if j.transA {
			// Stored k×m: each step p is a contiguous run of the panel's rows.
			s := j.a[p0*j.lda+ib : (p0+kc-1)*j.lda+ib+rows]
			copyRuns(d, mr, s, j.lda, rows, kc)
			continue
		}
		rs := ps / mr
		for r := range mr {
			row := d[r*rs : r*rs+kc]
			if r < rows {
				copy(row, j.a[(ib+r)*j.lda+p0:])
			} else {
				clear(row)
			}
		}
	}
}

// aPanelStride is the number of elements of one packed A micro-panel over a
// k block of kc steps (see packA).
func (j *job) aPanelStride(kc int) int {
	if j.transA {
		return j.im.mr * kc
	}
	return j.im.mr * rowStride(kc)
}

// rowStride is the row stride of an A micro-panel packed row by row: kc
// rounded up to whole cache lines, and to an odd number of them, so that
// consecutive rows start in different L1 sets.
func rowStride(kc int) int {
	lines := (kc + 15) / 16
	if lines%2 == 0 {
		lines++
	}
	return lines * 16
}

// packB packs rows [p0,p0+kc) × columns [j0,j0+nc) of op(B) into nr-column
// micro-panels: element (p, j) of panel q goes to dst[q*nr*kc + p*nr + j%nr].
// Columns past nc are zero-filled.
func (j *job) packB(dst []float32, p0, kc, j0, nc int) {
	nr := j.im.nr
	for q := 0; q*nr < nc; q++ {
		cols := min(nr, nc-q*nr)
		d := dst[q*nr*kc : (q+1)*nr*kc]
		jb := j0 + q*nr
		if !j.transB {
			s := j.b[p0*j.ldb+jb : (p0+kc-1)*j.ldb+jb+cols]
			copyRuns(d, nr, s, j.ldb, cols, kc)
		} else {
			s := j.b[jb*j.ldb+p0 : (jb+cols-1)*j.ldb+p0+kc]
			transposeInto(d, nr, s, j.ldb, cols, kc)
		}
	}
}

// copyRuns copies n runs of w contiguous elements, src[p*ld : p*ld+w], to
// dst[p*width : p*width+w], zero-filling dst[p*width+w : (p+1)*width].
func copyRuns(dst []float32, width int, src []float32, ld, w, n int) {
	_ = dst[n*width-1]
	_ = src[(n-1)*ld+w-1]
	d := unsafe.Pointer(&dst[0])
	s := unsafe.Pointer(&src[0])
	sd, ss := uintptr(width)*4, uintptr(ld)*4
	if useCopyRunsAVX512 && width <= 32 && w <= width {
		lo, hi := runMasks(w, width)
		copyRunsAVX512(&dst[0], sd, &src[0], ss, n, lo, hi)
		return
	}
	switch {
	case w == 32 && width == 32:
		for p := range uintptr(n) {
			*(*[32]float32)(unsafe.Add(d, p*sd)) = *(*[32]float32)(unsafe.Add(s, p*ss))
		}
	case w == 16 && width == 16:
		for p := range uintptr(n) {
			*(*[16]float32)(unsafe.Add(d, p*sd)) = *(*[16]float32)(unsafe.Add(s, p*ss))
		}
	case w == 14 && width == 14:
		for p := range uintptr(n) {
			*(*[14]float32)(unsafe.Add(d, p*sd)) = *(*[14]float32)(unsafe.Add(s, p*ss))
		}
	case w == 6 && width == 6:
		for p := range uintptr(n) {
			*(*[6]float32)(unsafe.Add(d, p*sd)) = *(*[6]float32)(unsafe.Add(s, p*ss))
		}
	case w == 4 && width == 4:
		for p := range uintptr(n) {
			*(*[4]float32)(unsafe.Add(d, p*sd)) = *(*[4]float32)(unsafe.Add(s, p*ss))
		}
	case w == 2 && width == 2:
		for p := range uintptr(n) {
			*(*[2]float32)(unsafe.Add(d, p*sd)) = *(*[2]float32)(unsafe.Add(s, p*ss))
		}
	default:
		for p := range n {
			row := dst[p*width : (p+1)*width]
			copy(row, src[p*ld:p*ld+w])
			clear(row[w:])
		}
	}
}

// useCopyRunsAVX512 selects copyRunsAVX512 in copyRuns (tests switch it
// off to cover the portable code). The fixed-size array copies of the
// portable code compile to runtime.memmove calls (the compiler cannot prove
// that the arrays do not overlap), which cost more than the copy for runs of
// 14 or 32 values.
var useCopyRunsAVX512 = hasAVX512

// runMasks returns the masks of copyRunsAVX512 for runs of w values padded
// with zeros to width (w <= width <= 32): for lanes 0-15 (lo) and 16-31
// (hi), bits 0-15 select the lanes read and bits 16-31 the lanes written.
func runMasks(w, width int) (lo, hi uint64) {
	lanes := func(k int) uint64 { return 1<<uint(min(max(k, 0), 16)) - 1 }
	lo = lanes(w) | lanes(width)<<16
	hi = lanes(w-16) | lanes(width-16)<<16
	return lo, hi
}

// transposeInto stores src[r*ld + p] into dst[p*width + r] for r < w, p < n,
// zero-filling dst[p*width + r] for w <= r < width. It works on blocks of
// 16 steps so that each source cache line is read once, whatever ld.
func transposeInto(dst []float32, width int, src []float32, ld, w, n int) {
	_ = dst[n*width-1]
	_ = src[(w-1)*ld+n-1]
	d0 := unsafe.Pointer(&dst[0])
	s0 := unsafe.Pointer(&src[0])
	sd, ss := uintptr(width)*4, uintptr(ld)*4
	for p0 := 0; p0 < n; p0 += 16 {
		pe := min(16, n-p0)
		for r := 0; r < w; r++ {
			s := unsafe.Add(s0, uintptr(r)*ss+uintptr(p0)*4)
			d := unsafe.Add(d0, uintptr(p0)*sd+uintptr(r)*4)
			if pe == 16 {
				v := *(*[16]float32)(s)
				for i := range 16 {
					*(*float32)(unsafe.Add(d, uintptr(i)*sd)) = v[i]
				}
				continue
			}
			for i := range pe {
				*(*float32)(unsafe.Add(d, uintptr(i)*sd)) = *(*float32)(unsafe.Add(s, uintptr(i)*4))
			}
		}
		for r := w; r < width; r++ {
			d := unsafe.Add(d0, uintptr(p0)*sd+uintptr(r)*4)
			for i := range pe {
				*(*float32)(unsafe.Add(d, uintptr(i)*sd)) = 0
			}
		}
	}
}

// sgemmSmall computes small products directly, without packing: row i of C
// accumulates alpha*A[i,p]*B[p,:] (or dot products when B is transposed).
func sgemmSmall(transA, transB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	for i := 0; i < m; i++ {
		row := c[i*ldc : i*ldc+n]
		if transB {
			for jj := range row {
				br := b[jj*ldb : jj*ldb+k]
				var s float32
				if transA {
					for p, bv := range br {
						s += a[p*lda+i] * bv
					}
				} else {
					for p, av := range a[i*lda : i*lda+k] {
						s += av * br[p]
					}
				}
				s *= alpha
				if beta != 0 {
					s += beta * row[jj]
				}
				row[jj] = s
			}
			continue
		}
		if beta == 0 {
			clear(row)
		} else if beta != 1 {
			for jj := range row {
				row[jj] *= beta
			}
		}
		for p := 0; p < k; p++ {
			var av float32
			if transA {
				av = a[p*lda+i]
			} else {
				av = a[i*lda+p]
			}
			av *= alpha
			for jj, bv := range b[p*ldb : p*ldb+n] {
				row[jj] += av * bv
			}
		}
	}
}
