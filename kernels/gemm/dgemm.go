package gemm

// Dgemm is Sgemm for float64: C = alpha*op(A)*op(B) + beta*C with the same
// conventions. It is a straightforward cache-friendly loop (correct, not
// tuned), meant for float64 gradient checks.
func Dgemm(transA, transB bool, m, n, k int, alpha float64, a []float64, lda int, b []float64, ldb int, beta float64, c []float64, ldc int) {
	checkArgs(transA, transB, m, n, k, len(a), lda, len(b), ldb, len(c), ldc)
	dgemm(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
}

// DgemmBatched is SgemmBatched for float64.
func DgemmBatched(transA, transB bool, m, n, k int, alpha float64, a []float64, lda, strideA int, b []float64, ldb, strideB int, beta float64, c []float64, ldc, strideC int, batchCount int) {
	for i := 0; i < batchCount; i++ {
		ai, bi, ci := batchSlice(a, i*strideA), batchSlice(b, i*strideB), batchSlice(c, i*strideC)
		checkArgs(transA, transB, m, n, k, len(ai), lda, len(bi), ldb, len(ci), ldc)
		dgemm(transA, transB, m, n, k, alpha, ai, lda, bi, ldb, beta, ci, ldc)
	}
}

// dgemm computes C = beta*C, then adds alpha*op(A)*op(B): with B transposed
// as dot products of contiguous rows, otherwise row by row over blocks of k
// so that a block of rows of B stays in cache while all rows of C use it.
func dgemm(transA, transB bool, m, n, k int, alpha float64, a []float64, lda int, b []float64, ldb int, beta float64, c []float64, ldc int) {
	if m == 0 || n == 0 {
		return
	}
	scaleC(m, n, beta, c, ldc)
	if k == 0 || alpha == 0 {
		return
	}
	if transB {
		for i := 0; i < m; i++ {
			row := c[i*ldc : i*ldc+n]
			for jj := range row {
				br := b[jj*ldb : jj*ldb+k]
				var s float64
				if transA {
					for p, bv := range br {
						s += a[p*lda+i] * bv
					}
				} else {
					for p, av := range a[i*lda : i*lda+k] {
						s += av * br[p]
					}
				}
				row[jj] += alpha * s
			}
		}
		return
	}
	const kb = 128
	for p0 := 0; p0 < k; p0 += kb {
		p1 := min(k, p0+kb)
		for i := 0; i < m; i++ {
			row := c[i*ldc : i*ldc+n]
			for p := p0; p < p1; p++ {
				var av float64
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
}
