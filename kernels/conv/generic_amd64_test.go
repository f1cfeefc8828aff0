//go:build amd64

package conv

import (
	"math/rand"
	"testing"
)

// TestGenericKernels runs float32 cases with the assembly kernels disabled,
// so that the portable loops used on other CPUs are checked here too.
func TestGenericKernels(t *testing.T) {
	if !useAVX512 {
		t.Skip("the assembly kernels are not in use anyway")
	}
	useAVX512 = false
	defer func() { useAVX512 = true }()
	rng := rand.New(rand.NewSource(44))
	n := 150
	if testing.Short() {
		n = 40
	}
	for i := 0; i < n; i++ {
		tc := randomWideCase(rng)
		if !t.Run("", func(t *testing.T) { runCase(t, tc, int64(i)) }) {
			t.Fatalf("failed case: %s", tc)
		}
	}
	for i, tc := range []tcase{
		{name: "depthwise-32", B: 2, C: 32, O: 32, in: []int{7, 40}, k: []int{3, 3}, cg: 32, pad: same2(3, 3)},
		{name: "nchw", B: 3, C: 5, O: 7, in: []int{9, 8}, k: []int{3, 3}, pad: same2(3, 3),
			inPerm: channelsFirstPerm(2, false), kPerm: channelsFirstPerm(2, true), outPerm: channelsFirstPerm(2, false)},
	} {
		t.Run(tc.name, func(t *testing.T) { runCase(t, tc, int64(i)) })
	}
}
