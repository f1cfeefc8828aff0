package kernels

import (
	"github.com/gomlx/compute"
	"github.com/pkg/errors"
)

// buffer is a buffer of the wrapped backend that reports this backend as its owner
// (GoMLX refuses to mix tensors of different backend instances).
type buffer struct {
	compute.Buffer
	backend *Backend
}

// Backend implements compute.Buffer.
func (b *buffer) Backend() compute.Backend { return b.backend }

// CopyToDevice implements compute.Buffer.
func (b *buffer) CopyToDevice(deviceNum compute.DeviceNum) (compute.Buffer, error) {
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
