// Package window holds the pure windowed-array kernels behind the `gonas` GoMLX
// backend (package kernels): ReduceWindow (max/min/sum/product pooling),
// SelectAndScatter (the gradient of max/min pooling) and Pad (which the gradient of
// sum/average pooling uses with interior and negative padding). Every child
// network that GoNAS trains runs them in each training step, so they work on flat
// row-major slices, allocate little, and have a fast path for the hot case:
// rank-4 NHWC pooling with the window on the two spatial axes, whose innermost
// loops run over contiguous channels with no per-element index arithmetic.
//
// The kernels are generic over float32 and float64 and follow XLA's operation
// semantics exactly [1]; the reference semantics of each kernel are stated in its
// own file. Shapes are plain []int (row-major, last axis contiguous); the shape
// helpers (ReduceWindowShape, PadShape) compute output shapes with XLA's rules
// (including negative padding, which compute/shapeinference rejects for
// ReduceWindow). The kernels panic on inconsistent arguments: the backend
// validates shapes before calling them.
//
// # Parallelism
//
// By default every call runs on the calling goroutine. SetMaxGoroutines(n)
// (n > 1, or 0 for runtime.GOMAXPROCS) lets a large call split its outer work
// over up to n goroutines, started for the call and joined with a plain
// sync.WaitGroup: ReduceWindow splits its output rows (batch × output height in
// the NHWC path), SelectAndScatter the batch (in general: the first axis, when
// windows do not overlap along it, so that goroutines write disjoint parts of
// the output), Pad the first output axis. There is no shared bounded pool, so a kernel never
// blocks waiting for a pool slot (a previous backend deadlocked that way), and
// each output element is computed by exactly the same operations in the same
// order, so results are bitwise identical to the single-goroutine ones.
//
// References:
//
//	[1] XLA operation semantics: ReduceWindow, SelectAndScatter, Pad.
//	    https://openxla.org/xla/operation_semantics
package window

// Float is the set of element types the kernels accept.
type Float interface {
	~float32 | ~float64
}
