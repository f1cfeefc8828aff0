package conv

// Stride phases: removing input (lhs) dilation and dead taps.
//
// Along one spatial axis with input size n, kernel size k, output size no,
// stride s, low padding p, input dilation D and kernel dilation kd, output
// index s' and kernel index j read the dilated input at u = s'·s + j·kd - p,
// which is a real input element x = u/D only when u is a multiple of D (and
// 0 <= x < n); every other tap multiplies a zero.
//
// Let g = gcd(s, D) and P = D/g. Split the output indices into the P residue
// classes s' = r + P·t. Since P·s = D·(s/g), the residue of u modulo D does
// not depend on t, so within class r the live taps are exactly those j with
// (r·s + j·kd - p) ≡ 0 (mod D), and for them x = base_j + t·(s/g) with
// base_j = (r·s + j·kd - p)/D. Each class is thus an ordinary convolution
// (no input dilation) with stride s/g over a subset of the kernel taps: the
// "sub-pixel" decomposition of a transposed convolution (Dumoulin & Visin,
// arXiv:1603.07285, section 4). Without input dilation there is a single
// class with all taps and base_j = j·kd - p.
//
// Taps at either end of the list that are out of bounds for every t of the
// class (large or negative paddings) are dropped.

// axisPhase is one residue class of output indices along one spatial axis.
type axisPhase struct {
	first, step, count int   // output indices first + step·t for t in [0, count)
	stride             int   // input index advance per t
	taps               []int // live kernel indices, increasing
	base               []int // input index of each tap at t = 0, increasing
	n                  int   // input size along the axis (valid x in [0, n))
	full               bool  // taps are all the kernel indices 0..k-1
	unit               bool  // consecutive taps read consecutive inputs (base[j+1] = base[j]+1)
}

// phase is one combination of per-axis residue classes: a convolution
// without input dilation that produces a strided subset of the output.
type phase struct {
	ax      []axisPhase
	nTaps   int  // product of the per-axis tap counts
	nPos    int  // product of the per-axis output counts
	trivial bool // covers all output positions (one class per axis) with step 1
	full    bool // uses all kernel taps, in order
}

func gcd(a, b int) int {
	for b != 0 {
		a, b = b, a%b
	}
	return a
}

// floorDiv returns ⌊a/b⌋ for b > 0.
func floorDiv(a, b int) int {
	q := a / b
	if a%b != 0 && a < 0 {
		q--
	}
	return q
}

// ceilDiv returns ⌈a/b⌉ for b > 0.
func ceilDiv(a, b int) int { return -floorDiv(-a, b) }

// validRange returns the range [lo, hi) of t in [0, count) for which
// 0 <= base + t·stride < n (stride > 0). It may be empty (lo >= hi).
func validRange(base, stride, n, count int) (lo, hi int) {
	lo = max(0, ceilDiv(-base, stride))
	hi = min(count, floorDiv(n-1-base, stride)+1)
	return
}

// axisPhases returns the residue classes of one spatial axis.
func axisPhases(n, k, no, s, p, D, kd int) []axisPhase {
	g := gcd(s, D)
	P := D / g
	var out []axisPhase
	for r := 0; r < P && r < no; r++ {
		ap := axisPhase{first: r, step: P, count: (no - r + P - 1) / P, stride: s / g, n: n}
		for j := 0; j < k; j++ {
			u := r*s + j*kd - p
			if D > 1 && (u%D+D)%D != 0 {
				continue
			}
			ap.taps = append(ap.taps, j)
			ap.base = append(ap.base, floorDiv(u, D))
		}
		// Drop the dead taps at both ends.
		lo, hi := 0, len(ap.taps)
		for lo < hi {
			if a, b := validRange(ap.base[lo], ap.stride, n, ap.count); a < b {
				break
			}
			lo++
		}
		for hi > lo {
			if a, b := validRange(ap.base[hi-1], ap.stride, n, ap.count); a < b {
				break
			}
			hi--
		}
		ap.taps, ap.base = ap.taps[lo:hi], ap.base[lo:hi]
		ap.full = len(ap.taps) == k
		ap.unit = true
		for j := 1; j < len(ap.base); j++ {
			if ap.base[j] != ap.base[j-1]+1 {
				ap.unit = false
			}
		}
		out = append(out, ap)
	}
	return out
}

// phases returns the phases of pr: the Cartesian product of the per-axis
// residue classes. Phases with no output position are omitted; phases with
// no live tap (nTaps == 0) are kept: their outputs must be zeroed.
func (pr *problem) phases() []phase {
	per := make([][]axisPhase, pr.nd)
	for d := range per {
		per[d] = axisPhases(pr.in[d], pr.ker[d], pr.out[d], pr.stride[d], pr.pad[d], pr.inDil[d], pr.kDil[d])
		if len(per[d]) == 0 {
			return nil
		}
	}
	var res []phase
	idx := make([]int, pr.nd)
	for {
		ph := phase{ax: make([]axisPhase, pr.nd), nTaps: 1, nPos: 1, trivial: true, full: true}
		for d := range idx {
			a := per[d][idx[d]]
			ph.ax[d] = a
			ph.nTaps *= len(a.taps)
			ph.nPos *= a.count
			ph.trivial = ph.trivial && a.step == 1
			ph.full = ph.full && a.full
		}
		res = append(res, ph)
		d := pr.nd - 1
		for ; d >= 0; d-- {
			idx[d]++
			if idx[d] < len(per[d]) {
				break
			}
			idx[d] = 0
		}
		if d < 0 {
			return res
		}
	}
}

// outputOffset returns the flat offset in the output tensor of batch b' and
// phase position t (a multi-index over ph.ax, row-major), excluding the
// channel.
func (pr *problem) outputOffset(ph *phase, b int, t []int) int {
	off := b * pr.outB
	for d, a := range ph.ax {
		off += (a.first + a.step*t[d]) * pr.outS[d]
	}
	return off
}

// decode writes the row-major multi-index of flat position x over the
// per-axis output counts of ph into t.
func (ph *phase) decode(x int, t []int) {
	for d := len(ph.ax) - 1; d >= 0; d-- {
		c := ph.ax[d].count
		t[d] = x % c
		x /= c
	}
}

// decodeTaps writes the row-major multi-index of flat tap x over the per-axis
// tap counts of ph into j.
func (ph *phase) decodeTaps(x int, j []int) {
	for d := len(ph.ax) - 1; d >= 0; d-- {
		c := len(ph.ax[d].taps)
		j[d] = x % c
		x /= c
	}
}
