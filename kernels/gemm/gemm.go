// Package gemm provides single- and double-precision general matrix
// multiplication (GEMM) for row-major matrices, in the style of cblas with
// CblasRowMajor: C = alpha*op(A)*op(B) + beta*C with op(X) = X or X^T.
//
// Sgemm is a packed, cache-blocked GEMM in pure Go plus Go assembly
// micro-kernels; Dgemm is a plain cache-friendly loop meant for float64
// gradient checks (correct, not tuned).
//
// # Algorithm
//
// Sgemm follows Goto and van de Geijn [1] as structured by BLIS [2,3]. C is
// computed in micro-tiles of MR×NR elements by a micro-kernel that keeps the
// tile in registers and, for each step p of the k loop, broadcasts MR values
// of A and multiplies them (FMA) with NR values of B. Micro-kernels, selected
// at run time with golang.org/x/sys/cpu:
//
//	avx512   14×32, ZMM registers: 28 accumulators, 2 for B, 2 for broadcasts;
//	         products with at most 16 columns run on avx512n16 instead
//	avx512n16 14×16, 14 accumulators, 1 for B, A broadcast from memory in the
//	         FMAs (without it, a 16-column product, as in a convolution with
//	         16 channels, computed half of every 14×32 tile on zero padding
//	         and ran at about half the GFLOP/s)
//	avx2      6×16, YMM registers (AVX2 + FMA3): 12 accumulators
//	generic   2×4, portable Go (also the only one on other architectures)
//
// Around the kernel are the usual loops: columns of C in blocks of NC, k in
// blocks of at most KC (equal blocks, sized from the arguments only), rows in
// blocks of MC. Each k block of B (KC×NC, kept in L2) and of A (MC×KC) is
// packed into contiguous micro-panels (B: NR columns, A: MR rows, zero-padded
// at the edges). Since the kernels take any row stride of A, A stored m×k is
// packed row by row — a plain copy, with a row stride that keeps the rows in
// different L1 sets — and never transposed. The macro-kernel then keeps one A
// micro-panel in L1 while it streams the B micro-panels through it ([3]; A is
// the broadcast operand).
// Buffers come from a sync.Pool, so a call does not allocate in the steady
// state. Packing is skipped where it does not pay: the kernels take arbitrary
// row and k strides for A, so A is read in place when it is not reused (a
// single B micro-panel, as in convolutions with at most 32 output channels)
// or when its layout does not alias in L1; B is read in place when it is a
// single micro-panel. In-place A operands, and A packed row by row, are
// prefetched one micro-panel (or one k block) ahead by the kernel. Partial tiles at the right and bottom
// edges run the same kernel on a private MR×NR tile and copy back only the
// valid part, so nothing outside A, B and C is ever read or written. Tiny
// products (m*n*k < 512) use plain loops.
//
// # Parallelism
//
// A call splits C into a grid of rectangular tasks (whole k range each),
// chosen to minimise the redundant packing it implies, with about four tasks
// per goroutine; the calling goroutine and its helpers take tasks from an
// atomic counter until none is left. Helpers are limited by a global
// non-blocking token counter: a call adds a helper goroutine only while fewer
// than GOMAXPROCS-1 helpers run in the whole process, and otherwise does the
// work on its own goroutine. Nothing ever waits for a token, so concurrent
// calls (e.g. several matmuls of a graph executed at once) cannot deadlock,
// and the number of busy goroutines stays about GOMAXPROCS plus the number of
// concurrent callers. Products below about 4M multiply-adds run on one
// goroutine.
//
// Every element of C is computed by one micro-kernel call per k block, in
// k order, with the k blocks depending only on the arguments; the result is
// therefore bitwise identical whatever the number of goroutines or the task
// grid (it may differ between micro-kernels).
//
// The environment variable GONAS_GEMM ("avx512", "avx512n16", "avx2" or "generic"), read
// once at start-up, forces a micro-kernel the CPU supports; Implementation
// reports the one in use.
//
// # References
//
//	[1] K. Goto and R. A. van de Geijn, "Anatomy of high-performance matrix
//	    multiplication", ACM Trans. Math. Softw. 34(3), 2008.
//	[2] F. G. Van Zee and R. A. van de Geijn, "BLIS: A framework for rapidly
//	    instantiating BLAS functionality", ACM Trans. Math. Softw. 41(3), 2015.
//	[3] T. M. Low, F. D. Igual, T. M. Smith and E. S. Quintana-Orti,
//	    "Analytical modeling is enough for high-performance BLIS",
//	    ACM Trans. Math. Softw. 43(2), 2016.
package gemm
