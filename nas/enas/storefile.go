package enas

import (
	"bufio"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"os"
	"path/filepath"

	"github.com/gomlx/compute/dtypes"
	"github.com/gomlx/compute/shapes"
	"github.com/gomlx/gomlx/core/tensors"
	"github.com/gomlx/gomlx/ml/model"
	"github.com/pkg/errors"
)

// A model.Store on disk, every variable bit for bit: store.json lists the
// variables in the store's order (path, dtype, dimensions, trainable), store.bin
// holds their raw values one after the other (the machine's byte order, little
// endian on the amd64 and arm64 machines GoNAS runs on). Keeping the order keeps a
// resumed search identical to one never stopped: variables created later are
// initialised from the random state in the same sequence.

const (
	storeIndexName = "store.json"
	storeDataName  = "store.bin"
)

// storeVar is one entry of store.json.
type storeVar struct {
	Path      string `json:"path"`
	DType     string `json:"dtype"`
	Dims      []int  `json:"dims"`
	Trainable bool   `json:"trainable"`
	Bytes     int64  `json:"bytes"`
}

// saveStore writes every variable of store into dir.
func saveStore(store *model.Store, dir string) error {
	f, err := os.Create(filepath.Join(dir, storeDataName))
	if err != nil {
		return errors.Wrap(err, "enas: saving the shared weights")
	}
	w := bufio.NewWriter(f)
	index, err := writeStoreValues(store, w)
	if err == nil {
		err = w.Flush()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return errors.WithMessage(err, "enas: saving the shared weights")
	}
	blob, err := json.MarshalIndent(index, "", " ")
	if err != nil {
		return err
	}
	return errors.Wrap(os.WriteFile(filepath.Join(dir, storeIndexName), blob, 0o644), "enas: saving the shared weights")
}

// storeSHA256 is the SHA-256 of the values saveStore writes (the hash of store.bin).
func storeSHA256(store *model.Store) (string, error) {
	h := sha256.New()
	if _, err := writeStoreValues(store, h); err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// writeStoreValues writes the raw values of the store's variables in order and
// returns their index.
func writeStoreValues(store *model.Store, w io.Writer) ([]storeVar, error) {
	var index []storeVar
	for v := range store.IterVariables() {
		if !v.HasValue() {
			continue // created by a graph that never ran; it will be created again
		}
		t, err := v.Value()
		if err != nil {
			return nil, errors.WithMessagef(err, "enas: reading variable %q", v.Path())
		}
		var werr error
		if err := t.ConstBytes(func(b []byte) { _, werr = w.Write(b) }); err != nil {
			werr = err
		}
		if werr != nil {
			return nil, errors.Wrapf(werr, "enas: writing variable %q", v.Path())
		}
		index = append(index, storeVar{Path: v.Path(), DType: t.DType().String(), Dims: t.Shape().Dimensions,
			Trainable: v.Trainable, Bytes: t.Shape().ByteSize()})
	}
	return index, nil
}

// loadStore sets the variables of store from dir, creating those it lacks (a fresh
// store only has its random state).
func loadStore(store *model.Store, dir string) error {
	blob, err := os.ReadFile(filepath.Join(dir, storeIndexName))
	if err != nil {
		return errors.Wrap(err, "enas: loading the shared weights")
	}
	var index []storeVar
	if err := json.Unmarshal(blob, &index); err != nil {
		return errors.Wrapf(err, "enas: %s", storeIndexName)
	}
	f, err := os.Open(filepath.Join(dir, storeDataName))
	if err != nil {
		return errors.Wrap(err, "enas: loading the shared weights")
	}
	defer f.Close()
	r := bufio.NewReader(f)
	for _, sv := range index {
		dtype, ok := dtypes.MapOfNames[sv.DType]
		if !ok {
			return errors.Errorf("enas: variable %q has unknown dtype %q", sv.Path, sv.DType)
		}
		shape := shapes.Make(dtype, sv.Dims...)
		if shape.ByteSize() != sv.Bytes {
			return errors.Errorf("enas: variable %q: %d bytes listed for shape %s", sv.Path, sv.Bytes, shape)
		}
		t := tensors.FromShape(shape)
		var rerr error
		if err := t.MutableBytes(func(b []byte) { _, rerr = io.ReadFull(r, b) }); err != nil {
			rerr = err
		}
		if rerr != nil {
			return errors.Wrapf(rerr, "enas: reading variable %q", sv.Path)
		}
		if v := store.GetVariable(sv.Path); v != nil {
			if !v.Shape().Equal(shape) {
				return errors.Errorf("enas: variable %q is %s in the checkpoint, %s in the model", sv.Path, shape, v.Shape())
			}
			if err := v.SetValue(t); err != nil {
				return err
			}
			v.SetTrainable(sv.Trainable)
			continue
		}
		v, err := store.CreateVariable(sv.Path, t)
		if err != nil {
			return err
		}
		v.SetTrainable(sv.Trainable)
	}
	if _, err := r.ReadByte(); err != io.EOF {
		return errors.Errorf("enas: %s is longer than %s says", storeDataName, storeIndexName)
	}
	return nil
}
