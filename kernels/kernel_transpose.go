package kernels

// Transpose (XLA semantics [2]): out has axes dims[perm[0]], dims[perm[1]], ...;
// out[i_0, ..., i_{r-1}] = x[j] where j_{perm[a]} = i_a.
//
// The kernel walks the output in row-major order with an odometer over the input
// strides, copying the innermost axis in a tight strided loop.

// Transpose writes into out the transposition of x (row-major, dimensions dims) by perm.
func Transpose[T any](x []T, dims, perm []int, out []T) {
	rank := len(dims)
	if rank == 0 {
		copy(out, x)
		return
	}
	inStrides := make([]int, rank)
	s := 1
	for a := rank - 1; a >= 0; a-- {
		inStrides[a] = s
		s *= dims[a]
	}
	// Strides of the input, in output axis order.
	strides := make([]int, rank)
	outDims := make([]int, rank)
	for a, p := range perm {
		strides[a] = inStrides[p]
		outDims[a] = dims[p]
	}
	if len(out) == 0 {
		return
	}
	inner := outDims[rank-1]
	innerStride := strides[rank-1]
	idx := make([]int, rank)
	base := 0
	for o := 0; o < len(out); o += inner {
		src := base
		row := out[o : o+inner]
		for i := range row {
			row[i] = x[src]
			src += innerStride
		}
		// Advance the odometer over axes rank-2..0.
		for a := rank - 2; a >= 0; a-- {
			idx[a]++
			base += strides[a]
			if idx[a] < outDims[a] {
				break
			}
			base -= strides[a] * outDims[a]
			idx[a] = 0
		}
	}
}
