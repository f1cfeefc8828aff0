package data

import (
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// IDX magic numbers [1]: two zero bytes, a type byte (0x08 = unsigned byte)
// and the number of dimensions.
const (
	IDXImagesMagic = 0x00000803 // unsigned bytes, 3 dims: count × rows × cols
	IDXLabelsMagic = 0x00000801 // unsigned bytes, 1 dim: count
)

// Standard file names of MNIST and Fashion-MNIST, each read plain or with a
// ".gz" suffix.
const (
	MNISTTrainImages = "train-images-idx3-ubyte"
	MNISTTrainLabels = "train-labels-idx1-ubyte"
	MNISTTestImages  = "t10k-images-idx3-ubyte"
	MNISTTestLabels  = "t10k-labels-idx1-ubyte"
)

// MNISTClassNames are the MNIST labels, the digits "0" to "9".
var MNISTClassNames = []string{"0", "1", "2", "3", "4", "5", "6", "7", "8", "9"}

// FashionMNISTClassNames are the Fashion-MNIST labels, in label order [2].
var FashionMNISTClassNames = []string{
	"T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
	"Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot",
}

// pixelScale maps a byte to [0,1].
var pixelScale = func() (t [256]float32) {
	for i := range t {
		t[i] = float32(i) / 255
	}
	return t
}()

// LoadMNIST reads MNIST from dir, which must hold the four standard IDX
// files (train-images-idx3-ubyte, train-labels-idx1-ubyte,
// t10k-images-idx3-ubyte, t10k-labels-idx1-ubyte), each plain or gzipped
// (".gz"). Use [MNISTDir] to find the copy shipped in the Go module cache.
func LoadMNIST(dir string) (train, test *Dataset, err error) {
	return loadIDXDir(dir, "mnist", MNISTClassNames, nil)
}

// LoadFashionMNIST reads Fashion-MNIST from dir; the file names and format
// are those of MNIST. Use [FashionMNISTDir] to find the Debian copy.
func LoadFashionMNIST(dir string) (train, test *Dataset, err error) {
	return loadIDXDir(dir, "fashion-mnist", FashionMNISTClassNames, nil)
}

// loadIDXDir reads the four IDX files of dir, or with a selection, only the
// images it chooses (a split it drops is nil and its files are not read, though
// they must exist).
func loadIDXDir(dir, name string, classes []string, sel *selection) (train, test *Dataset, err error) {
	files := [4]string{MNISTTrainImages, MNISTTrainLabels, MNISTTestImages, MNISTTestLabels}
	var paths [4]string
	for i, f := range files {
		if paths[i], err = findPlainOrGz(dir, f); err != nil {
			return nil, nil, err
		}
	}
	var out [2]*Dataset
	for s := range out {
		var pick pickFunc
		if sel != nil {
			if pick = sel.pick(s); pick == nil {
				continue
			}
		}
		if out[s], err = loadIDX(paths[2*s], paths[2*s+1], len(classes), s, pick); err != nil {
			return nil, nil, err
		}
		out[s].Name, out[s].ClassNames = name+"-"+splitDirs[s], classes
	}
	return out[splitTrain], out[splitTest], nil
}

// findPlainOrGz returns dir/base or dir/base.gz, whichever exists.
func findPlainOrGz(dir, base string) (string, error) {
	for _, name := range []string{base, base + ".gz"} {
		p := filepath.Join(dir, name)
		if st, err := os.Stat(p); err == nil && st.Mode().IsRegular() {
			return p, nil
		}
	}
	return "", &FileError{Path: filepath.Join(dir, base),
		Err: fmt.Errorf("file not found, plain or .gz: %w", fs.ErrNotExist)}
}

// LoadIDX reads a labelled image set from an IDX images file (magic
// 0x00000803) and an IDX labels file (magic 0x00000801), each plain or
// gzipped. Pixels are scaled to [0,1]; labels must lie in [0, numClasses).
// The dataset has one channel.
func LoadIDX(imagesPath, labelsPath string, numClasses int) (*Dataset, error) {
	return loadIDX(imagesPath, labelsPath, numClasses, splitTrain, nil)
}

// loadIDX is LoadIDX, or with a pick, only the images it chooses (of split s,
// for messages): every label is checked, but only the chosen images are
// converted to float32.
func loadIDX(imagesPath, labelsPath string, numClasses, s int, pick pickFunc) (*Dataset, error) {
	imgDims, pixels, err := readIDX(imagesPath, IDXImagesMagic)
	if err != nil {
		return nil, err
	}
	lblDims, labels, err := readIDX(labelsPath, IDXLabelsMagic)
	if err != nil {
		return nil, err
	}
	if imgDims[0] != lblDims[0] {
		return nil, fileErrorf(imagesPath, "", "image count %d vs label count %d in %s",
			imgDims[0], lblDims[0], labelsPath)
	}
	for i, l := range labels {
		if int(l) >= numClasses {
			return nil, fileErrorf(labelsPath, "", "label out of range: record %d has label %d, want [0,%d)",
				i, l, numClasses)
		}
	}
	n := len(labels)
	var idx []int // without a pick, every image in order
	if pick != nil {
		if idx, err = pickIndices(imagesPath, s, len(labels), pick); err != nil {
			return nil, err
		}
		n = len(idx)
	}
	ds := &Dataset{
		Name:       strings.TrimSuffix(filepath.Base(imagesPath), ".gz"),
		Labels:     make([]int32, n),
		Height:     imgDims[1],
		Width:      imgDims[2],
		Channels:   1,
		NumClasses: numClasses,
	}
	sz := ds.ImageSize()
	ds.Images = make([]float32, n*sz)
	for j := range n {
		i := j
		if pick != nil {
			i = idx[j]
		}
		ds.Labels[j] = int32(labels[i])
		img := ds.Images[j*sz : (j+1)*sz]
		for k, p := range pixels[i*sz : (i+1)*sz] {
			img[k] = pixelScale[p]
		}
	}
	return ds, nil
}

// readIDX reads an IDX file of unsigned bytes with the given magic and
// returns its dimensions and payload, checking the payload length.
func readIDX(path string, wantMagic uint32) (dims []int, payload []byte, err error) {
	b, err := readMaybeGzip(path)
	if err != nil {
		return nil, nil, err
	}
	if len(b) < 4 {
		return nil, nil, fileErrorf(path, "", "truncated header: %d bytes", len(b))
	}
	if magic := binary.BigEndian.Uint32(b); magic != wantMagic {
		return nil, nil, fileErrorf(path, "", "bad magic 0x%08x, want 0x%08x", magic, wantMagic)
	}
	nd := int(wantMagic & 0xff)
	header := 4 + 4*nd
	if len(b) < header {
		return nil, nil, fileErrorf(path, "", "truncated header: %d bytes, want %d", len(b), header)
	}
	dims = make([]int, nd)
	recordSize := 1
	for i := range dims {
		dims[i] = int(binary.BigEndian.Uint32(b[4+4*i:]))
		if i > 0 {
			if dims[i] == 0 || dims[i] > 1<<16 {
				return nil, nil, fileErrorf(path, "", "bad dimension %d: %d", i, dims[i])
			}
			recordSize *= dims[i]
		}
	}
	payload = b[header:]
	count := dims[0]
	// Whole records in the payload, compared by division: count × recordSize can
	// overflow for a forged header.
	switch n := len(payload); {
	case n/recordSize < count:
		return nil, nil, fileErrorf(path, "", "truncated record %d: header says %d records of %d bytes, but only %d bytes follow",
			n/recordSize, count, recordSize, n)
	case n/recordSize > count || n%recordSize != 0:
		return nil, nil, fileErrorf(path, "", "%d unexpected trailing bytes after %d records of %d bytes",
			n-count*recordSize, count, recordSize)
	}
	return dims, payload, nil
}

// readMaybeGzip reads path whole, gunzipping it if its content is
// gzip-compressed. A name ending in ".gz" must be gzip-compressed.
func readMaybeGzip(path string) ([]byte, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, wrapFileError(path, "", err)
	}
	isGz := len(b) >= 2 && b[0] == 0x1f && b[1] == 0x8b
	if !isGz {
		switch {
		case strings.HasSuffix(path, ".gz") && len(b) == 0:
			return nil, fileErrorf(path, "", "empty file, not a gzip stream")
		case strings.HasSuffix(path, ".gz"):
			return nil, fileErrorf(path, "", "named .gz but not gzip-compressed (no gzip magic 1f 8b)")
		}
		return b, nil
	}
	zr, err := gzip.NewReader(bytes.NewReader(b))
	if err != nil {
		return nil, fileErrorf(path, "", "gzip: %w", err)
	}
	out, err := io.ReadAll(zr)
	if err != nil {
		if errors.Is(err, io.ErrUnexpectedEOF) {
			return nil, fileErrorf(path, "", "truncated gzip stream after %d bytes: %w", len(out), err)
		}
		return nil, fileErrorf(path, "", "gzip: %w", err)
	}
	return out, nil
}
