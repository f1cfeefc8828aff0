package gemm

import "unsafe"

// implGeneric is the portable pure-Go micro-kernel, used on every
// architecture without an assembly kernel and as a fallback.
var implGeneric = &impl{name: "generic", mr: 2, nr: 4, kc: 256, mc: 128, nc: 1024, kern: kernelGeneric}

// kernelGeneric computes the 2×4 tile C = alpha*A*B + beta*C with the same
// conventions as the assembly kernels: row r of A at step p is at
// a + r*ars + p*aks, the 4 values of B at step p are contiguous at b + p*bks,
// row r of C is at c + r*ldc (strides in bytes). beta == 0: C is not read.
// The caller guarantees that all addressed elements are in bounds. The
// prefetch hint pf, pfs is ignored. The tile is small so that the
// accumulators stay in registers.
func kernelGeneric(k int, a *float32, ars, aks uintptr, b *float32, bks uintptr, c *float32, ldc uintptr, alpha, beta float32, pf, pfs uintptr) {
	var c00, c01, c02, c03 float32
	var c10, c11, c12, c13 float32
	ap := unsafe.Pointer(a)
	bp := unsafe.Pointer(b)
	for p := 0; p < k; p++ {
		bv := (*[4]float32)(bp)
		b0, b1, b2, b3 := bv[0], bv[1], bv[2], bv[3]
		a0 := *(*float32)(ap)
		a1 := *(*float32)(unsafe.Add(ap, ars))
		c00 += a0 * b0
		c01 += a0 * b1
		c02 += a0 * b2
		c03 += a0 * b3
		c10 += a1 * b0
		c11 += a1 * b1
		c12 += a1 * b2
		c13 += a1 * b3
		if p+1 < k { // never form a pointer past the operands
			ap = unsafe.Add(ap, aks)
			bp = unsafe.Add(bp, bks)
		}
	}
	storeRow4(c, alpha, beta, c00, c01, c02, c03)
	storeRow4((*float32)(unsafe.Add(unsafe.Pointer(c), ldc)), alpha, beta, c10, c11, c12, c13)
}

// storeRow4 stores alpha*x + beta*c into the 4 values at c.
func storeRow4(c *float32, alpha, beta float32, x0, x1, x2, x3 float32) {
	cv := (*[4]float32)(unsafe.Pointer(c))
	x0, x1, x2, x3 = alpha*x0, alpha*x1, alpha*x2, alpha*x3
	if beta != 0 {
		x0 += beta * cv[0]
		x1 += beta * cv[1]
		x2 += beta * cv[2]
		x3 += beta * cv[3]
	}
	cv[0], cv[1], cv[2], cv[3] = x0, x1, x2, x3
}
