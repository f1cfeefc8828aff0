//go:build !amd64

package gemm

// availableImpls lists the micro-kernels available on this architecture.
func availableImpls() []*impl { return []*impl{implGeneric} }

// hasAVX512 is false: copyRunsAVX512 exists on amd64 only.
const hasAVX512 = false

func copyRunsAVX512(dst *float32, dstStride uintptr, src *float32, srcStride uintptr, n int, lo, hi uint64) {
	panic("unreachable")
}
