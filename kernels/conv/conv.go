package conv

import (
	"fmt"

	"github.com/gomlx/compute/dtypes"
	"github.com/gomlx/compute/shapes"
)

// Float32 computes output = ConvGeneral(input, kernel) with the parameters p
// (XLA semantics, see the package documentation) for float32 tensors stored
// as flat row-major slices with the given shapes. outputShape must equal
// OutputShape(inputShape, kernelShape, p); every element of output is
// written. The inputs are not modified and must not overlap output.
//
// It is safe for concurrent use and uses up to GOMAXPROCS goroutines.
func Float32(p Params, input []float32, inputShape shapes.Shape, kernel []float32, kernelShape shapes.Shape, output []float32, outputShape shapes.Shape) error {
	return convolve(dtypes.Float32, p, input, inputShape, kernel, kernelShape, output, outputShape)
}

// Float64 is Float32 for float64 tensors (same algorithms, with gemm.Dgemm).
func Float64(p Params, input []float64, inputShape shapes.Shape, kernel []float64, kernelShape shapes.Shape, output []float64, outputShape shapes.Shape) error {
	return convolve(dtypes.Float64, p, input, inputShape, kernel, kernelShape, output, outputShape)
}

func convolve[T float](dt dtypes.DType, p Params, in []T, inShape shapes.Shape, ker []T, kShape shapes.Shape, out []T, outShape shapes.Shape) error {
	for _, c := range []struct {
		name string
		n    int
		s    shapes.Shape
	}{{"input", len(in), inShape}, {"kernel", len(ker), kShape}, {"output", len(out), outShape}} {
		if c.s.DType != dt {
			return fmt.Errorf("conv: %s shape %s has dtype %s, want %s", c.name, c.s, c.s.DType, dt)
		}
		if c.n != c.s.Size() {
			return fmt.Errorf("conv: %s has %d elements, shape %s needs %d", c.name, c.n, c.s, c.s.Size())
		}
	}
	pr, err := newProblem(p, inShape, kShape, outShape)
	if err != nil {
		return err
	}
	if len(out) == 0 {
		return nil
	}
	if len(in) == 0 || len(ker) == 0 {
		clear(out)
		return nil
	}
	run(pr, in, ker, out)
	return nil
}

// run dispatches a validated, non-empty problem to one algorithm.
func run[T float](pr *problem, in, ker, out []T) {
	// Dual formulations when the contraction (Ig × kernel volume) is larger
	// than the number of output rows (Bo × output volume): the shape of
	// GoMLX's (and XLA's) kernel gradient, whose conv input is x with its
	// batch and channel roles swapped. Inputs with contiguous channels (a
	// forward convolution on small images) stay channels-last unless the
	// shape is extreme.
	contraction, rows := pr.Ig*pr.kernelVolume(), pr.Bo*pr.outputVolume()
	chanContig := pr.inC == 1 && pr.C > 1
	if contraction > rows && !(chanContig && contraction <= 64*rows) {
		if pr.cg == 1 && pr.Bo == 1 && pr.bg == pr.B && pr.Og <= maxDirectMultiplier {
			// Depthwise kernel gradient: one input "batch" element per group.
			if pr.inB != 1 && pr.B > 1 && pr.Og == 1 {
				buf := getBuf[T](len(in))
				defer putBuf(buf)
				pr = toBatchLast(pr, in, *buf)
				in = *buf
			}
			if pr.kO != 1 && pr.O > 1 {
				kb := getBuf[T](len(ker))
				defer putBuf(kb)
				pr = kernelToIKO(pr, ker, *kb)
				ker = *kb
			}
			runDirectKernelGrad(pr, in, ker, out)
			return
		}
		if pr.inB != 1 && pr.Bo > 1 {
			buf := getBuf[T](len(in))
			defer putBuf(buf)
			pr = toBatchLast(pr, in, *buf)
			in = *buf
		}
		runCLd(pr, in, ker, out)
		return
	}
	// The channels-last algorithms write a dense [B', spatial..., O] output:
	// other output layouts go through a buffer and a blocked transposition.
	if !pr.outputIsBKO() {
		ob := getBuf[T](len(out))
		defer putBuf(ob)
		dims, strides := pr.outputBKO()
		runChannelsLast(pr.withDenseOutput(), in, ker, *ob)
		copyND(out, strides, *ob, denseStrides(dims), dims)
		return
	}
	runChannelsLast(pr, in, ker, out)
}

// runChannelsLast runs the direct or the channels-last GEMM algorithm; the
// output must be dense [B', spatial..., O].
func runChannelsLast[T float](pr *problem, in, ker, out []T) {
	if pr.bg == 1 && (pr.Og == 1 || (pr.Ig == 1 && pr.Og <= maxDirectMultiplier)) {
		// Depthwise-like: direct loops. The input is expanded (any layout)
		// when Ig == 1 and Og > 1, otherwise read with unit channel stride.
		if pr.inC != 1 && pr.C > 1 && !(pr.Ig == 1 && pr.Og > 1) {
			buf := getBuf[T](len(in))
			defer putBuf(buf)
			pr = toChannelsLast(pr, in, *buf)
			in = *buf
		}
		runDirect(pr, in, ker, out)
		return
	}
	if pr.inC != 1 && pr.Ig > 1 {
		buf := getBuf[T](len(in))
		defer putBuf(buf)
		pr = toChannelsLast(pr, in, *buf)
		in = *buf
	}
	runCL(pr, in, ker, out)
}
