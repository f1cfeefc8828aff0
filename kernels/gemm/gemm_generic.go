package gemm

import "unsafe"

// implGeneric is the portable pure-Go micro-kernel, used on every
// architecture without an assembly kernel and as a fallback.
var implGeneric = &impl{name: "generic", mr: 4, nr: 4, kc: 256, mc: 128, nc: 1024, kern: kernelGeneric}

// at returns the float32 at byte offset off from p.
func at(p *float32, off uintptr) float32 { return *(*float32)(unsafe.Add(unsafe.Pointer(p), off)) }

// ptr returns p advanced by off bytes.
func ptr(p *float32, off uintptr) *float32 { return (*float32)(unsafe.Add(unsafe.Pointer(p), off)) }

// kernelGeneric computes the 4×4 tile C = alpha*A*B + beta*C with the same
// conventions as the assembly kernels: row r of A at step p is at
// a + r*ars + p*aks, the 4 values of B at step p are contiguous at b + p*bks,
// row r of C is at c + r*ldc (strides in bytes). beta == 0: C is not read.
// The caller guarantees that all addressed elements are in bounds. The
// prefetch hint pf, pfs is ignored.
func kernelGeneric(k int, a *float32, ars, aks uintptr, b *float32, bks uintptr, c *float32, ldc uintptr, alpha, beta float32, pf, pfs uintptr) {
	var c00, c01, c02, c03 float32
	var c10, c11, c12, c13 float32
	var c20, c21, c22, c23 float32
	var c30, c31, c32, c33 float32
	a0 := unsafe.Pointer(a)
	bp := unsafe.Pointer(b)
	for p := 0; p < k; p++ {
		bv := (*[4]float32)(bp)
		b0, b1, b2, b3 := bv[0], bv[1], bv[2], bv[3]
		a0v := *(*float32)(a0)
		a1v := *(*float32)(unsafe.Add(a0, ars))
		a2v := *(*float32)(unsafe.Add(a0, 2*ars))
		a3v := *(*float32)(unsafe.Add(a0, 3*ars))
		c00 += a0v * b0
		c01 += a0v * b1
		c02 += a0v * b2
		c03 += a0v * b3
		c10 += a1v * b0
		c11 += a1v * b1
		c12 += a1v * b2
		c13 += a1v * b3
		c20 += a2v * b0
		c21 += a2v * b1
		c22 += a2v * b2
		c23 += a2v * b3
		c30 += a3v * b0
		c31 += a3v * b1
		c32 += a3v * b2
		c33 += a3v * b3
		if p+1 < k { // never form a pointer past the operands
			a0 = unsafe.Add(a0, aks)
			bp = unsafe.Add(bp, bks)
		}
	}
	storeRow4(c, alpha, beta, c00, c01, c02, c03)
	storeRow4(ptr(c, ldc), alpha, beta, c10, c11, c12, c13)
	storeRow4(ptr(c, 2*ldc), alpha, beta, c20, c21, c22, c23)
	storeRow4(ptr(c, 3*ldc), alpha, beta, c30, c31, c32, c33)
}

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
