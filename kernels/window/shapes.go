package window

import (
	"fmt"

	"github.com/gomlx/compute"
)

// windowAxis is the resolved configuration of one axis of a windowed op.
type windowAxis struct {
	in, out       int // input and output dimensions
	win, stride   int // window size and stride
	inDil, winDil int // input (base) and window dilations
	padLo, padHi  int // padding (may be negative: cropping)
}

// resolveAxis resolves the defaults of axis a: window nil → 1, strides nil → the
// window size, dilations nil → 1, paddings nil → 0.
func resolveAxis(a int, inShape, window, strides, inputDilations, windowDilations []int, paddings [][2]int) (windowAxis, error) {
	ax := windowAxis{in: inShape[a], win: 1, inDil: 1, winDil: 1}
	if window != nil {
		ax.win = window[a]
	}
	ax.stride = ax.win
	if strides != nil {
		ax.stride = strides[a]
	}
	if inputDilations != nil {
		ax.inDil = inputDilations[a]
	}
	if windowDilations != nil {
		ax.winDil = windowDilations[a]
	}
	if paddings != nil {
		ax.padLo, ax.padHi = paddings[a][0], paddings[a][1]
	}
	if ax.in < 0 || ax.win < 1 || ax.stride < 1 || ax.inDil < 1 || ax.winDil < 1 {
		return ax, fmt.Errorf("window: axis %d: invalid dimension %d, window %d, stride %d, input dilation %d or window dilation %d",
			a, ax.in, ax.win, ax.stride, ax.inDil, ax.winDil)
	}
	ax.out = outputDim(ax.in, ax.win, ax.stride, ax.inDil, ax.winDil, ax.padLo, ax.padHi)
	return ax, nil
}

// outputDim is XLA's output size of a window axis: the number of window
// positions, at the given stride, that fit the dilated and padded input:
// max(0, (padded-effectiveWindow)/stride + 1), with padded = (in-1)*inDil+1+padLo+padHi
// and effectiveWindow = (win-1)*winDil+1.
func outputDim(in, win, stride, inDil, winDil, padLo, padHi int) int {
	dilated := 0
	if in > 0 {
		dilated = (in-1)*inDil + 1
	}
	padded := dilated + padLo + padHi
	effWin := (win-1)*winDil + 1
	if padded < effWin {
		return 0
	}
	return (padded-effWin)/stride + 1
}

// checkLens verifies that the optional per-axis arguments are nil or have one
// entry per axis.
func checkLens(rank int, window, strides, inputDilations, windowDilations []int, paddings [][2]int) error {
	for _, p := range []struct {
		name string
		n    int
		set  bool
	}{
		{"window", len(window), window != nil},
		{"strides", len(strides), strides != nil},
		{"inputDilations", len(inputDilations), inputDilations != nil},
		{"windowDilations", len(windowDilations), windowDilations != nil},
		{"paddings", len(paddings), paddings != nil},
	} {
		if p.set && p.n != rank {
			return fmt.Errorf("window: len(%s)=%d, want the rank %d", p.name, p.n, rank)
		}
	}
	return nil
}

// ReduceWindowShape returns the output shape of ReduceWindow with XLA's rule, per
// axis: max(0, ((in-1)*inputDilation+1 + padLow+padHigh - ((window-1)*windowDilation+1))/stride + 1)
// (an empty input axis has dilated size 0). Nil arguments take defaults: window 1,
// strides equal to the window (GoMLX's convention), dilations 1, paddings 0.
// Paddings may be negative (cropping). Non-nil arguments must have one entry per axis.
func ReduceWindowShape(inShape, window, strides, inputDilations, windowDilations []int, paddings [][2]int) ([]int, error) {
	rank := len(inShape)
	if err := checkLens(rank, window, strides, inputDilations, windowDilations, paddings); err != nil {
		return nil, err
	}
	out := make([]int, rank)
	for a := range rank {
		ax, err := resolveAxis(a, inShape, window, strides, inputDilations, windowDilations, paddings)
		if err != nil {
			return nil, err
		}
		out[a] = ax.out
	}
	return out, nil
}

// SelectAndScatterSourceShape returns the shape that the source of
// SelectAndScatter must have: the output shape of the corresponding ReduceWindow
// (no dilations). The output of SelectAndScatter has the operand's shape.
func SelectAndScatterSourceShape(shape, window, strides []int, paddings [][2]int) ([]int, error) {
	return ReduceWindowShape(shape, window, strides, nil, nil, paddings)
}

// PadShape returns the output shape of Pad with XLA's rule, per axis:
// in + Start + End + max(in-1, 0)*Interior. Start and End may be negative
// (cropping); Interior must be >= 0 and the result must be >= 0. Axes beyond
// len(axes) are not padded.
func PadShape(inShape []int, axes []compute.PadAxis) ([]int, error) {
	if len(axes) > len(inShape) {
		return nil, fmt.Errorf("window.Pad: %d PadAxis for rank %d", len(axes), len(inShape))
	}
	out := make([]int, len(inShape))
	copy(out, inShape)
	for a, cfg := range axes {
		d, err := padOutputDim(inShape[a], cfg)
		if err != nil {
			return nil, fmt.Errorf("window.Pad: axis %d: %w", a, err)
		}
		out[a] = d
	}
	return out, nil
}

func padOutputDim(in int, cfg compute.PadAxis) (int, error) {
	if in < 0 {
		return 0, fmt.Errorf("negative dimension %d", in)
	}
	if cfg.Interior < 0 {
		return 0, fmt.Errorf("negative interior padding %d", cfg.Interior)
	}
	d := in + cfg.Start + cfg.End
	if in > 0 {
		d += (in - 1) * cfg.Interior
	}
	if d < 0 {
		return 0, fmt.Errorf("padding %+v gives negative dimension %d", cfg, d)
	}
	return d, nil
}

// sameShape panics unless got equals want.
func sameShape(op string, got, want []int) {
	if len(got) != len(want) {
		panic(fmt.Sprintf("window.%s: output shape %v, want %v", op, got, want))
	}
	for i := range got {
		if got[i] != want[i] {
			panic(fmt.Sprintf("window.%s: output shape %v, want %v", op, got, want))
		}
	}
}
