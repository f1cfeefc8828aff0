package nn

import (
	"math/rand/v2"
	"testing"

	. "github.com/gomlx/gomlx/core/graph" //nolint:staticcheck
	"github.com/gonas/gonas/kernels/kerneltest"
)

// The XLA-form VJP of Conv2D's convolutions against float64 finite differences:
// groups, depthwise with a multiplier, stride 2, dilation 2, and an even kernel
// with asymmetric SAME padding (where GoMLX's own VJP is wrong).
func TestConvVJPMatchesFiniteDifferences(t *testing.T) {
	rng := rand.New(rand.NewPCG(41, 42))
	cases := []struct {
		name                             string
		x, w                             []int
		stride, dilation, groups, kernel int
	}{
		{"3x3 stride 2", []int{2, 7, 6, 3}, []int{3, 3, 3, 4}, 2, 1, 1, 3},
		{"5x5 dilation 2", []int{1, 9, 8, 2}, []int{5, 5, 2, 3}, 1, 2, 1, 5},
		{"4x4 stride 2 (even kernel, asymmetric padding)", []int{2, 8, 7, 2}, []int{4, 4, 2, 3}, 2, 1, 1, 4},
		{"2 groups", []int{2, 6, 5, 4}, []int{3, 3, 2, 6}, 1, 1, 2, 3},
		{"depthwise", []int{2, 6, 7, 5}, []int{3, 3, 1, 5}, 1, 1, 5, 3},
		{"depthwise x2 stride 2 dilation 2", []int{2, 9, 8, 3}, []int{3, 3, 1, 6}, 2, 2, 3, 3},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			x, w := kerneltest.RandTensor(rng, c.x...), kerneltest.RandTensor(rng, c.w...)
			kerneltest.GradCheck(t, testBackend(), func(xs []*Node) *Node {
				pads := [][2]int{SamePadding(c.x[1], c.kernel, c.stride, c.dilation), SamePadding(c.x[2], c.kernel, c.stride, c.dilation)}
				return convolve2D(xs[0], xs[1], c.stride, c.dilation, c.groups, pads)
			}, x, w)
		})
	}
}
