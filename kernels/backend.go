// Package kernels is the `gonas` GoMLX backend: the compute kernels that make
// GoMLX's pure-Go backend train the child networks of GoNAS, offline, on any CPU.
//
// Where it sits: every network GoNAS builds (cells/, controllers/) is a GoMLX graph.
// On a machine with an XLA PJRT plugin those graphs run on XLA unchanged; everywhere
// else they run here. A blank import registers the backend under the name "gonas",
// so `GOMLX_BACKEND=gonas` selects it (nas.Backend picks it by default when XLA is
// not available).
//
// How it works: the backend wraps compute's pure-Go backend (`gobackend`, name "go")
// [1]. A [Function] records the graph. Ops that GoNAS needs and gobackend lacks or runs
// slowly are "kernel ops" implemented in this module (DotGeneral, ConvGeneral,
// ReduceWindow, SelectAndScatter, Pad, BatchNorm*, the elementwise Add/Sub/Mul/Div/
// Max/Min and Sign; Identity is an alias; see the kernel_*.go files and the
// sub-packages gemm, conv, window and batchnorm); every other op is a "standard op"
// replayed on gobackend (BroadcastInDim too, recorded by hand to keep its axes). At Compile the graph is cut into levels: level 0 holds the
// standard ops that depend on no kernel op, each kernel op runs once its inputs are
// ready, and the standard ops downstream of it go to the next level. Each level's
// standard ops become one gobackend executable (so gobackend still fuses and
// schedules them); the kernel ops read and write gobackend's shared buffers
// directly, with no copies. Before partitioning, compile rewrites the elementwise
// chains GoMLX emits for every ReLU and its gradient into single kernels, and lets
// elementwise kernels broadcast operands themselves instead of reading materialised
// broadcasts (fuse.go, broadcast.go). Elementwise and channels-last batch-norm loops
// use AVX-512 where the CPU has it (elementwise_amd64.s, batchnorm/simd_amd64.s),
// with the same per-element operations as the Go loops. Kernel outputs are recycled
// across executions through one pool per backend (pool.go), so a training step
// allocates almost nothing and a compiled graph owns no working memory; the pool,
// and whatever else keeps memory for later, respect one memory budget (budget.go).
//
// Parallelism: kernel ops and levels run one after another on the calling
// goroutine, and each kernel splits its own work over at most runtime.GOMAXPROCS
// goroutines that it starts and joins itself (gemm takes extra helpers only when
// its non-blocking token counter has free tokens; window and batchnorm split the
// batch axis with a WaitGroup). No goroutine ever waits for a pool slot while
// holding one, so the deadlock of gobackend's matmul with 4 concurrent products at
// GOMAXPROCS=2 cannot happen here. Results do not depend on the number of threads.
//
// Semantics of every op are XLA's [2].
//
// References:
//
//	[1] github.com/gomlx/compute, package gobackend (v0.1.2).
//	[2] XLA operation semantics, https://openxla.org/xla/operation_semantics.
package kernels

//go:generate go run ./internal/cmd/genstdops

import (
	"fmt"
	"slices"
	"strings"

	"github.com/gomlx/compute"
	"github.com/gomlx/compute/gobackend"
	"github.com/gonas/gonas/kernels/batchnorm"
	"github.com/gonas/gonas/kernels/window"
	"github.com/pkg/errors"
)

// BackendName is the name under which this backend registers: GOMLX_BACKEND=gonas.
const BackendName = "gonas"

func init() {
	compute.Register(BackendName, New)
	window.SetMaxGoroutines(0)    // 0: runtime.GOMAXPROCS
	batchnorm.SetMaxGoroutines(0) // 0: runtime.GOMAXPROCS
}

// Backend implements compute.Backend on top of the pure-Go backend.
type Backend struct {
	inner compute.Backend
	pool  bufferPool // recycled kernel outputs
}

var _ compute.Backend = (*Backend)(nil)

// New creates a gonas backend. The config string, if any, is passed on to the
// wrapped pure-Go backend (options such as "ops_sequential"). The first backend
// resolves the memory budget (budget.go), which also becomes Go's soft memory limit.
func New(config string) (compute.Backend, error) {
	MaxMemory()
	inner, err := gobackend.New(config)
	if err != nil {
		return nil, errors.WithMessage(err, "gonas backend: creating the wrapped Go backend")
	}
	return &Backend{inner: inner}, nil
}

// Name implements compute.Backend.
func (b *Backend) Name() string { return "GoNAS" }

// String implements compute.Backend: the name used in GOMLX_BACKEND.
func (b *Backend) String() string { return BackendName }

// Description implements compute.Backend.
func (b *Backend) Description() string {
	return fmt.Sprintf("GoNAS kernels (%s) over %s", KernelsDescription(), b.inner.Description())
}

// NumDevices implements compute.Backend: one CPU device.
func (b *Backend) NumDevices() int { return 1 }

// DeviceDescription implements compute.Backend.
func (b *Backend) DeviceDescription(deviceNum compute.DeviceNum) string {
	return b.inner.DeviceDescription(deviceNum)
}

// Capabilities implements compute.Backend: the wrapped backend's, plus the kernel ops,
// without sub-functions (closures, While, If, Sort) and dynamic axes.
func (b *Backend) Capabilities() compute.Capabilities {
	c := b.inner.Capabilities().Clone()
	for op := range kernelOps {
		c.Operations[op] = true
	}
	c.Functions = false
	c.DynamicAxes = false
	for _, op := range []compute.OpType{compute.OpTypeCall, compute.OpTypeSort, compute.OpTypeWhile, compute.OpTypeIf,
		compute.OpTypeDynamicShape, compute.OpTypeDynamicReshape, compute.OpTypeDynamicDimensionSize} {
		delete(c.Operations, op)
	}
	return c
}

// Builder implements compute.Backend.
func (b *Backend) Builder(name string) compute.Builder {
	return newBuilder(b, name)
}

// BufferFromFlatData implements compute.DataInterface; buffers are the wrapped backend's.
func (b *Backend) BufferFromFlatData(deviceNum compute.DeviceNum, flat any, shape shapesShape) (compute.Buffer, error) {
	buf, err := b.inner.BufferFromFlatData(deviceNum, flat, shape)
	return b.wrap(buf), err
}

// HasSharedBuffers implements compute.DataInterface: always true on the CPU.
func (b *Backend) HasSharedBuffers() bool { return true }

// NewSharedBuffer implements compute.DataInterface.
func (b *Backend) NewSharedBuffer(deviceNum compute.DeviceNum, shape shapesShape) (compute.Buffer, any, error) {
	buf, flat, err := b.inner.NewSharedBuffer(deviceNum, shape)
	return b.wrap(buf), flat, err
}

// Finalize implements compute.Backend; it frees the buffers kept for reuse first.
func (b *Backend) Finalize() {
	b.pool.clear()
	b.inner.Finalize()
}

// ReleaseIdleMemory frees the kernel outputs the backend keeps idle for later
// executions. A program calls it between phases whose graphs have other shapes
// (a search's child, then a retraining, then its evaluation at another batch
// size): the next phase would not reuse them, and until they go stale they count
// as live memory that Go's collector lets the heap double over. What is computed
// does not change: a kernel writes every element of its outputs.
func (b *Backend) ReleaseIdleMemory() { b.pool.clear() }

// IdleMemory is the number of bytes of kernel outputs the backend keeps idle for
// later executions (what ReleaseIdleMemory would free).
func (b *Backend) IdleMemory() int64 { return b.pool.idleBytes() }

// IsFinalized implements compute.Backend.
func (b *Backend) IsFinalized() bool { return b.inner.IsFinalized() }

// KernelsDescription lists the kernel ops this backend implements itself.
func KernelsDescription() string {
	names := make([]string, 0, len(kernelOps))
	for op := range kernelOps {
		names = append(names, op.String())
	}
	slices.Sort(names)
	return strings.Join(names, ", ")
}
