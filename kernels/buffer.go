package kernels

import (
	"sync/atomic"

	"github.com/gomlx/compute"
	"github.com/gomlx/compute/shapes"
	"github.com/pkg/errors"
)

// buffer is a buffer of the wrapped backend that reports this backend as its owner
// (GoMLX refuses to mix tensors of different backend instances).
//
// A pooled buffer is a kernel output handed to the caller as a result: its memory
// came from this backend's pool, and Finalize (or donating it to an execution)
// returns it there, so the next execution reuses it instead of allocating and
// zeroing a fresh one (the wrapped backend drops finalized buffers).
type buffer struct {
	compute.Buffer
	backend   *Backend
	pooled    bool
	finalized atomic.Bool
}

// errFinalized is returned by a pooled buffer used after Finalize.
var errFinalized = errors.Errorf("%q backend: buffer used after Finalize", BackendName)

// Finalize implements compute.Buffer.
func (b *buffer) Finalize() error {
	if !b.pooled {
		return b.Buffer.Finalize()
	}
	if b.finalized.Swap(true) {
		return errors.Errorf("%q backend: buffer finalized twice", BackendName)
	}
	s, err := b.Buffer.Shape()
	if err != nil {
		return err
	}
	b.backend.pool.put(b.Buffer, s)
	return nil
}

// take marks a pooled buffer as consumed (donated to an execution, which
// recycles it) and reports whether it was still live.
func (b *buffer) take() bool { return b.pooled && !b.finalized.Swap(true) }

// Shape implements compute.Buffer.
func (b *buffer) Shape() (shapes.Shape, error) {
	if b.finalized.Load() {
		return shapes.Invalid(), errFinalized
	}
	return b.Buffer.Shape()
}

// Data implements compute.Buffer.
func (b *buffer) Data() (any, error) {
	if b.finalized.Load() {
		return nil, errFinalized
	}
	return b.Buffer.Data()
}

// ToFlatData implements compute.Buffer.
func (b *buffer) ToFlatData(flat any) error {
	if b.finalized.Load() {
		return errFinalized
	}
	return b.Buffer.ToFlatData(flat)
}

// Backend implements compute.Buffer.
func (b *buffer) Backend() compute.Backend { return b.backend }

// CopyToDevice implements compute.Buffer.
func (b *buffer) CopyToDevice(deviceNum compute.DeviceNum) (compute.Buffer, error) {
	if b.finalized.Load() {
		return nil, errFinalized
	}
	nb, err := b.Buffer.CopyToDevice(deviceNum)
	if err != nil {
		return nil, err
	}
	return b.backend.wrap(nb), nil
}

// wrap returns buf as a buffer of this backend.
func (b *Backend) wrap(buf compute.Buffer) compute.Buffer {
	if buf == nil {
		return nil
	}
	if w, ok := buf.(*buffer); ok {
		return w
	}
	return &buffer{Buffer: buf, backend: b}
}

// unwrap returns the wrapped backend's buffer behind buf.
func (b *Backend) unwrap(buf compute.Buffer) (compute.Buffer, error) {
	switch w := buf.(type) {
	case *buffer:
		if w.backend != b {
			return nil, errors.Errorf("%q backend: buffer belongs to another backend instance", BackendName)
		}
		if w.finalized.Load() {
			return nil, errFinalized
		}
		return w.Buffer, nil
	case nil:
		return nil, errors.Errorf("%q backend: nil buffer", BackendName)
	default:
		if buf.Backend() == b.inner {
			return buf, nil
		}
		return nil, errors.Errorf("%q backend: buffer of type %T belongs to another backend", BackendName, buf)
	}
}
