package kernels

import (
	"github.com/gomlx/compute"
	"github.com/gomlx/compute/notimplemented"
	"github.com/gomlx/compute/shapes"
	"github.com/pkg/errors"
)

// shapesShape is a local alias used in the DataInterface signatures.
type shapesShape = shapes.Shape

// Builder implements compute.Builder: it holds the one "main" Function being recorded.
type Builder struct {
	notimplemented.Builder
	backend  *Backend
	name     string
	main     *Function
	compiled bool
}

var _ compute.Builder = (*Builder)(nil)

func newBuilder(b *Backend, name string) *Builder {
	builder := &Builder{
		Builder: notimplemented.Builder{ErrFn: notImplementedError},
		backend: b,
		name:    name,
	}
	builder.main = newFunction(builder, compute.MainName)
	return builder
}

// notImplementedError is the error of ops this backend does not support.
func notImplementedError(op compute.OpType) error {
	return errors.Wrapf(compute.ErrNotImplemented, "op %q is not implemented by the %q backend", op, BackendName)
}

// Name implements compute.Builder.
func (b *Builder) Name() string { return b.name }

// Main implements compute.Builder.
func (b *Builder) Main() compute.Function { return b.main }

// NewFunction implements compute.Builder: sub-functions are not supported (Capabilities.Functions is false).
func (b *Builder) NewFunction(name string) (compute.Function, error) {
	return nil, errors.Wrapf(compute.ErrNotImplemented, "%q backend: sub-functions (%q) are not supported", BackendName, name)
}

// OpShape implements compute.Builder.
func (b *Builder) OpShape(op compute.Value) (shapes.Shape, error) {
	return b.main.Shape(op)
}

// DistributedSPMD implements compute.Builder: only one device.
func (b *Builder) DistributedSPMD(numDevices int) error {
	if numDevices == 1 {
		return nil
	}
	return errors.Errorf("%q backend has one device, cannot run SPMD over %d", BackendName, numDevices)
}

// DistributedAutoSharding implements compute.Builder: not supported.
func (b *Builder) DistributedAutoSharding(meshes ...compute.Mesh) error {
	return errors.Errorf("%q backend has one device: no auto-sharding", BackendName)
}

// DeviceAssignment implements compute.Builder: only device 0.
func (b *Builder) DeviceAssignment(devices ...compute.DeviceNum) error {
	for _, d := range devices {
		if d != 0 {
			return errors.Errorf("%q backend has only device 0, got %d", BackendName, d)
		}
	}
	return nil
}

// Compile implements compute.Builder: it partitions the recorded graph (see compile.go).
func (b *Builder) Compile() (compute.Executable, error) {
	if b.compiled {
		return nil, errors.Errorf("%q backend: builder %q already compiled", BackendName, b.name)
	}
	if !b.main.returned {
		return nil, errors.Errorf("%q backend: Return() must be called before Compile()", BackendName)
	}
	b.compiled = true
	return compile(b)
}
