package conv

import (
	"github.com/gonas/gonas/kernels/gemm"
)

// GEMM lowerings of the convolution (see im2col.go for the panels).
//
// runCL (channels-last): for every phase, group and chunk of output rows,
// build the channels-last panel and compute out_rows = col · K_g, where K is
// the phase's kernel gathered as a dense [(tap, i), o] matrix and K_g its
// columns for group g. The output is dense [B', spatial..., O] (run
// transposes other layouts afterwards), so when the phase covers all
// positions the GEMM writes directly into the output rows (ldc = O);
// otherwise (stride phases) into a small buffer scattered line by line.
// For 1×1 convolutions over dense channels-last inputs the panel is the
// input itself.
//
// runCLd (dual, "kernel-gradient shaped"): the contraction runs over
// (input channel, tap) — for GoMLX's kernel gradient that is batch ×
// output-pixels, tens of thousands long — while the output is small. The
// contraction is cut into chunks of rows of the batch-last panel; a fixed
// number of stripes of consecutive chunks are accumulated (beta = 1) into
// per-stripe partial outputs, which are then summed in stripe order. The
// kernel (the output gradient in the kernel-gradient case) is used in place
// when it is dense [I, spatial..., O], as NHWC gradients are.

// Panel budget: about 512 KiB per panel keeps panel, kernel and output
// chunk in L2. Chunks also keep one GEMM below the size at which
// kernels/gemm starts its own helper goroutines (2^22 multiply-adds), since
// the chunks already run in parallel.
const (
	panelElems    = 128 << 10
	gemmMaxWork   = (1 << 22) - (1 << 18)
	maxStripes    = 8
	rowGranule    = 14 // rows of the AVX-512 SGEMM micro-kernel
	minChunkRows  = 2 * rowGranule
	wideChunkRows = 16 * rowGranule
)

// gemmT is gemm.Sgemm or gemm.Dgemm with alpha = 1.
func gemmT[T float](transA, transB bool, m, n, k int, a []T, lda int, b []T, ldb int, beta T, c []T, ldc int) {
	switch a := any(a).(type) {
	case []float32:
		gemm.Sgemm(transA, transB, m, n, k, 1, a, lda, any(b).([]float32), ldb, float32(beta), any(c).([]float32), ldc)
	case []float64:
		gemm.Dgemm(transA, transB, m, n, k, 1, a, lda, any(b).([]float64), ldb, float64(beta), any(c).([]float64), ldc)
	}
}

// chunkRows returns how many rows of length rowLen (each producing cols
// outputs) to put in one panel: about panelElems elements, fewer when that
// would make kernels/gemm start helpers, but at least minChunkRows — or
// wideChunkRows when cols > 32, since then the GEMM packs the kernel
// matrix on every call and needs enough rows to amortise it.
func chunkRows(rowLen, cols, total int) int {
	r := panelElems / max(rowLen, 1)
	if w := gemmMaxWork / max(rowLen*cols, 1); w < r {
		r = w
	}
	lo := minChunkRows
	if cols > 32 {
		lo = wideChunkRows
	}
	r = max(lo, r/rowGranule*rowGranule)
	return min(r, total)
}

// gatherKernelCL writes the kernel taps of phase ph as a dense matrix with O
// columns into k (length nTaps·Ig·O): rows ordered (tap, i) when tapMajor, else
// (i, tap).
func gatherKernelCL[T float](k, ker []T, pr *problem, ph *phase, tapMajor bool) {
	jj := make([]int, pr.nd)
	o := pr.O
	for tap := 0; tap < ph.nTaps; tap++ {
		ph.decodeTaps(tap, jj)
		base := 0
		for d, a := range ph.ax {
			base += a.taps[jj[d]] * pr.kS[d]
		}
		for i := 0; i < pr.Ig; i++ {
			row := i*ph.nTaps + tap
			if tapMajor {
				row = tap*pr.Ig + i
			}
			dst := k[row*o : (row+1)*o]
			s := base + i*pr.kI
			if pr.kO == 1 {
				copy(dst, ker[s:s+o])
				continue
			}
			for c := range dst {
				dst[c] = ker[s+c*pr.kO]
			}
		}
	}
}

// zeroPhase writes zeros to all the outputs of phase ph (a phase with no
// live tap).
func zeroPhase[T float](out []T, pr *problem, ph *phase) {
	t := make([]int, pr.nd)
	for b := 0; b < pr.Bo; b++ {
		for p := 0; p < ph.nPos; p++ {
			ph.decode(p, t)
			off := pr.outputOffset(ph, b, t)
			for o := 0; o < pr.O; o++ {
				out[off+o*pr.outO] = 0
			}
		}
	}
}

// identityCL reports whether the channels-last panel of phase ph is the
// input itself (a 1×1 convolution with unit strides and no padding over a
// dense [B, spatial..., C] input): row r of the panel is then in[r·C + g·Ig].
func (pr *problem) identityCL(ph *phase) bool {
	if ph.nTaps != 1 || !ph.trivial || pr.bg > 1 {
		return false
	}
	for d, a := range ph.ax {
		if a.stride != 1 || a.base[0] != 0 || a.count != pr.in[d] {
			return false
		}
	}
	dims := append(append([]int{pr.B}, pr.in...), pr.C)
	strides := append(append([]int{pr.inB}, pr.inS...), pr.inC)
	return isDense(dims, strides)
}

// runCL computes the convolution with channels-last panels. The input's
// channel stride must be 1 (or Ig == 1) and the output dense
// [B', spatial..., O].
func runCL[T float](pr *problem, in, ker, out []T) {
	for pi, phs := 0, pr.phases(); pi < len(phs); pi++ {
		ph := &phs[pi]
		if ph.nTaps == 0 {
			zeroPhase(out, pr, ph)
			continue
		}
		kc := ph.nTaps * pr.Ig
		rows := pr.Bo * ph.nPos
		kbuf := getBuf[T](kc * pr.O)
		kmat := *kbuf
		gatherKernelCL(kmat, ker, pr, ph, true)
		chunk := chunkRows(kc, pr.Og, rows)
		nChunks := (rows + chunk - 1) / chunk
		toOut := ph.trivial
		identity := pr.identityCL(ph)
		og := pr.Og
		parallelWorkers(pr.G*nChunks, func(next func() (int, bool)) {
			var col, tmp []T
			if !identity {
				cb := getBuf[T](chunk * kc)
				defer putBuf(cb)
				col = *cb
			}
			if !toOut {
				tb := getBuf[T](chunk * og)
				defer putBuf(tb)
				tmp = *tb
			}
			off := make([]int, ph.nTaps)
			runs := make([]int, 0, ph.nTaps)
			t := make([]int, pr.nd)
			for item, ok := next(); ok; item, ok = next() {
				g, c := item/nChunks, item%nChunks
				r0 := c * chunk
				r1 := min(rows, r0+chunk)
				a, lda := col, kc
				if identity {
					a, lda = in[r0*pr.C+g*pr.Ig:], pr.C
				} else {
					im2colCL(col, kc, in, pr, ph, g, r0, r1, off, runs, t)
				}
				if toOut {
					gemmT(false, false, r1-r0, og, kc, a, lda, kmat[g*og:], pr.O, 0, out[r0*pr.O+g*og:], pr.O)
					continue
				}
				gemmT(false, false, r1-r0, og, kc, a, lda, kmat[g*og:], pr.O, 0, tmp, og)
				scatterRows(out, tmp, pr, ph, g, r0, r1, t, runs[:1])
			}
		})
		putBuf(kbuf)
	}
}

// scatterRows writes rows [r0, r1) of a channels-last product (row (b', t),
// og columns, dense in tmp) to the output channels of group g; the output
// is dense [B', spatial..., O]. run is scratch of length 1.
func scatterRows[T float](out, tmp []T, pr *problem, ph *phase, g, r0, r1 int, t, run []int) {
	og := pr.Og
	L := pr.nd - 1
	aL := &ph.ax[L]
	step := aL.step * pr.O
	for r := r0; r < r1; {
		b := r / ph.nPos
		ph.decode(r-b*ph.nPos, t)
		n := min(aL.count-t[L], r1-r)
		off := pr.outputOffset(ph, b, t) + g*og
		run[0] = (r - r0) * og
		gatherRows(out[off:], step, tmp, run[:1], og, n, og)
		r += n
	}
}

// identityCLd reports whether the batch-last panel of phase ph is the input
// itself: a single output position whose taps read every input pixel once,
// in order (the kernel gradient of a 1×1 convolution), over a dense
// [C, spatial..., B] input with no channel groups. Row q of the panel is
// then in[q·B + g·Bo].
func (pr *problem) identityCLd(ph *phase) bool {
	if ph.nPos != 1 || pr.cg > 1 {
		return false
	}
	for d, a := range ph.ax {
		if len(a.taps) != pr.in[d] || !a.unit || a.base[0] != 0 {
			return false
		}
	}
	dims := append(append([]int{pr.C}, pr.in...), pr.B)
	strides := append(append([]int{pr.inC}, pr.inS...), pr.inB)
	return isDense(dims, strides)
}

// runCLd computes the convolution with batch-last panels, chunking the
// contraction. The input's batch stride must be 1 (or Bo == 1).
func runCLd[T float](pr *problem, in, ker, out []T) {
	if !pr.kernelIsIKO() {
		kb := getBuf[T](len(ker))
		defer putBuf(kb)
		pr = kernelToIKO(pr, ker, *kb)
		ker = *kb
	}
	og := pr.Og
	for pi, phs := 0, pr.phases(); pi < len(phs); pi++ {
		ph := &phs[pi]
		if ph.nTaps == 0 || pr.Ig == 0 {
			zeroPhase(out, pr, ph)
			continue
		}
		m := ph.nPos * pr.Bo
		kc := pr.Ig * ph.nTaps
		identity := pr.identityCLd(ph)
		kmat := ker
		var kb *[]T
		if !ph.full {
			kb = getBuf[T](kc * pr.O)
			kmat = *kb
			gatherKernelCL(kmat, ker, pr, ph, false)
		}
		chunk := chunkRows(m, og, kc)
		nChunks := (kc + chunk - 1) / chunk
		stripes := min(nChunks, maxStripes)
		pb := getBuf[T](pr.G * stripes * m * og)
		partial := *pb
		nLines := ph.nPos / ph.ax[pr.nd-1].count
		parallelWorkers(pr.G*stripes, func(next func() (int, bool)) {
			var eb *[]T
			if !identity {
				eb = getBuf[T](chunk * m)
				defer putBuf(eb)
			}
			off := make([]int, nLines)
			runs := make([]int, 0, ph.nPos)
			jj := make([]int, pr.nd)
			for item, ok := next(); ok; item, ok = next() {
				g, s := item/stripes, item%stripes
				acc := partial[item*m*og : (item+1)*m*og]
				c0, c1 := s*nChunks/stripes, (s+1)*nChunks/stripes
				for c := c0; c < c1; c++ {
					q0, q1 := c*chunk, min(kc, (c+1)*chunk)
					var e []T
					lda := m
					if identity {
						e, lda = in[q0*pr.B+g*pr.gBatch:], pr.B
					} else {
						e = *eb
						im2colCLd(e, m, in, pr, ph, g, q0, q1, off, runs, jj)
					}
					var beta T
					if c > c0 {
						beta = 1
					}
					gemmT(true, false, m, og, q1-q0, e, lda, kmat[q0*pr.O+g*og:], pr.O, beta, acc, og)
				}
			}
		})
		// Reduce the stripes in order and scatter: row (t, b') of the
		// product is output position t of batch b'.
		t := make([]int, pr.nd)
		for g := 0; g < pr.G; g++ {
			p0 := partial[g*stripes*m*og:]
			for s := 1; s < stripes; s++ {
				ps := partial[(g*stripes+s)*m*og : (g*stripes+s+1)*m*og]
				for x, v := range ps {
					p0[x] += v
				}
			}
			for row := 0; row < m; row++ {
				tp, b := row/pr.Bo, row%pr.Bo
				ph.decode(tp, t)
				off := pr.outputOffset(ph, b, t) + g*og*pr.outO
				src := p0[row*og : (row+1)*og]
				for o, v := range src {
					out[off+o*pr.outO] = v
				}
			}
		}
		putBuf(pb)
		putBuf(kb)
	}
}
