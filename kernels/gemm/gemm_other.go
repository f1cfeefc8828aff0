//go:build !amd64

package gemm

// availableImpls lists the micro-kernels available on this architecture.
func availableImpls() []*impl { return []*impl{implGeneric} }
