package data

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// CIFAR-10 geometry [3].
const (
	CIFARSize         = 32                           // images are CIFARSize×CIFARSize
	CIFARChannels     = 3                            // RGB
	CIFAR10NumClasses = 10                           // airplane … truck
	cifarPlane        = CIFARSize * CIFARSize        // one colour plane
	cifarRecordSize   = 1 + CIFARChannels*cifarPlane // label byte + pixels
)

// CIFAR10ClassNames are the CIFAR-10 labels in label order, as listed in
// the official batches.meta.txt (and also the alphabetical order).
var CIFAR10ClassNames = []string{
	"airplane", "automobile", "bird", "cat", "deer",
	"dog", "frog", "horse", "ship", "truck",
}

// File names of the official CIFAR-10 binary release
// (cifar-10-binary.tar.gz, which unpacks to cifar-10-batches-bin/).
const (
	CIFAR10BinDir  = "cifar-10-batches-bin"
	cifarTestBatch = "test_batch.bin"
	cifarMeta      = "batches.meta.txt"
)

// cifarTrainBatch returns the name of training batch i (1…5).
func cifarTrainBatch(i int) string { return fmt.Sprintf("data_batch_%d.bin", i) }

// LoadCIFAR10 reads CIFAR-10 from path, whichever of the supported layouts
// it is:
//   - a directory of the official binary release (data_batch_1.bin …
//     data_batch_5.bin, test_batch.bin, batches.meta.txt), or its parent
//     holding cifar-10-batches-bin/;
//   - an image folder train/<class>/*.jpg|png and test/<class>/*.jpg|png
//     (see [LoadImageFolder]);
//   - a .tar.gz (or .tgz) of either, streamed without unpacking.
//
// Images must be 32×32 and there must be exactly 10 classes.
func LoadCIFAR10(path string) (train, test *Dataset, err error) {
	return loadCIFAR10(path, nil)
}

// loadCIFAR10 is LoadCIFAR10, or with a selection, only the images it chooses
// (a split it drops is nil): those alone are decoded from an image folder.
func loadCIFAR10(path string, sel *selection) (train, test *Dataset, err error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, nil, wrapFileError(path, "", err)
	}
	switch {
	case st.IsDir():
		switch {
		case isFile(filepath.Join(path, cifarTrainBatch(1))):
			train, test, err = picked(sel)(LoadCIFAR10Bin(path))
		case isDir(filepath.Join(path, CIFAR10BinDir)):
			train, test, err = picked(sel)(LoadCIFAR10Bin(filepath.Join(path, CIFAR10BinDir)))
		case isDir(filepath.Join(path, "train")):
			train, test, err = loadImageFolder(path, CIFARSize, CIFARSize, sel)
		default:
			return nil, nil, fileErrorf(path, "", "not a CIFAR-10 directory: no %s, %s/ or train/ inside",
				cifarTrainBatch(1), CIFAR10BinDir)
		}
	case isTarGz(path):
		train, test, err = loadTarGz(path, CIFARSize, CIFARSize, sel)
	default:
		return nil, nil, fileErrorf(path, "", "unsupported file type: want a directory, .tar.gz or .tgz")
	}
	if err != nil {
		return nil, nil, err
	}
	for s, ds := range [2]*Dataset{train, test} {
		if ds == nil {
			continue // a split the selection dropped
		}
		if ds.NumClasses != CIFAR10NumClasses {
			return nil, nil, fileErrorf(path, "", "found %d classes %v, want %d for CIFAR-10",
				ds.NumClasses, ds.ClassNames, CIFAR10NumClasses)
		}
		ds.Name = "cifar10-" + splitDirs[s]
	}
	return train, test, nil
}

// LoadCIFAR10Bin reads the official CIFAR-10 binary release from dir:
// data_batch_1.bin … data_batch_5.bin (train, in that order), test_batch.bin
// and, if present, batches.meta.txt for the class names.
func LoadCIFAR10Bin(dir string) (train, test *Dataset, err error) {
	var files []binFile
	for _, name := range append(cifarBinNames(), cifarMeta) {
		p := filepath.Join(dir, name)
		b, err := os.ReadFile(p)
		if err != nil {
			if name == cifarMeta && os.IsNotExist(err) {
				continue
			}
			return nil, nil, wrapFileError(p, "", err)
		}
		files = append(files, binFile{path: p, name: name, data: b})
	}
	return assembleCIFARBin(dir, "", files)
}

// ReadCIFARBin reads one CIFAR-10 binary batch file (records of 1 label
// byte + 3,072 channel-planar pixel bytes) into a Dataset (NHWC, [0,1]).
func ReadCIFARBin(path string) (*Dataset, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, wrapFileError(path, "", err)
	}
	ds := newCIFARDataset(filepath.Base(path), CIFAR10ClassNames)
	if err := appendCIFARRecords(ds, b, path, ""); err != nil {
		return nil, err
	}
	return ds, nil
}

// binFile is one file of the binary release, read from disk or an archive.
type binFile struct {
	path, entry string // on disk; entry inside an archive ("" if none)
	name        string // base name, e.g. "data_batch_3.bin"
	data        []byte
}

// cifarBinNames lists the record files in load order: train batches, test.
func cifarBinNames() []string {
	names := make([]string, 0, 6)
	for i := 1; i <= 5; i++ {
		names = append(names, cifarTrainBatch(i))
	}
	return append(names, cifarTestBatch)
}

// assembleCIFARBin builds train and test from the binary-release files,
// requiring every record file once. src/entry name the source for errors.
func assembleCIFARBin(src, entry string, files []binFile) (train, test *Dataset, err error) {
	byName := map[string]binFile{}
	for _, f := range files {
		byName[f.name] = f
	}
	classes := CIFAR10ClassNames
	if meta, ok := byName[cifarMeta]; ok {
		if classes, err = parseCIFARMeta(meta); err != nil {
			return nil, nil, err
		}
	}
	train = newCIFARDataset("cifar10-train", classes)
	test = newCIFARDataset("cifar10-test", classes)
	trainRecords := 0
	for _, name := range cifarBinNames() {
		f, ok := byName[name]
		if !ok {
			return nil, nil, fileErrorf(src, entry, "missing %s", name)
		}
		if name != cifarTestBatch {
			trainRecords += len(f.data) / cifarRecordSize
		}
	}
	// Reserve room for all training records so appending never copies.
	train.Images = make([]float32, 0, trainRecords*train.ImageSize())
	train.Labels = make([]int32, 0, trainRecords)
	for _, name := range cifarBinNames() {
		f := byName[name]
		dst := train
		if name == cifarTestBatch {
			dst = test
		}
		if err := appendCIFARRecords(dst, f.data, f.path, f.entry); err != nil {
			return nil, nil, err
		}
	}
	return train, test, nil
}

// newCIFARDataset returns an empty 32×32×3 dataset with the given classes.
func newCIFARDataset(name string, classes []string) *Dataset {
	return &Dataset{Name: name, Height: CIFARSize, Width: CIFARSize, Channels: CIFARChannels,
		NumClasses: len(classes), ClassNames: classes}
}

// appendCIFARRecords decodes binary records b (from path[entry]) onto ds,
// converting channel-planar RGB to HWC.
func appendCIFARRecords(ds *Dataset, b []byte, path, entry string) error {
	if len(b) == 0 {
		return fileErrorf(path, entry, "empty file, want records of %d bytes", cifarRecordSize)
	}
	if len(b)%cifarRecordSize != 0 {
		return fileErrorf(path, entry, "truncated record %d: file has %d bytes, not a multiple of the %d-byte record",
			len(b)/cifarRecordSize, len(b), cifarRecordSize)
	}
	n := len(b) / cifarRecordSize
	sz := ds.ImageSize()
	base := len(ds.Labels)
	ds.Labels = append(ds.Labels, make([]int32, n)...)
	ds.Images = append(ds.Images, make([]float32, n*sz)...)
	for r := 0; r < n; r++ {
		rec := b[r*cifarRecordSize : (r+1)*cifarRecordSize]
		if int(rec[0]) >= ds.NumClasses {
			return fileErrorf(path, entry, "label out of range: record %d has label %d, want [0,%d)",
				r, rec[0], ds.NumClasses)
		}
		ds.Labels[base+r] = int32(rec[0])
		img := ds.Images[(base+r)*sz : (base+r+1)*sz]
		for c := 0; c < CIFARChannels; c++ {
			plane := rec[1+c*cifarPlane : 1+(c+1)*cifarPlane]
			for p, v := range plane {
				img[p*CIFARChannels+c] = pixelScale[v]
			}
		}
	}
	return nil
}

// parseCIFARMeta reads the class names, one per line, of batches.meta.txt.
func parseCIFARMeta(f binFile) ([]string, error) {
	var names []string
	for _, line := range strings.Split(string(f.data), "\n") {
		if s := strings.TrimSpace(line); s != "" {
			names = append(names, s)
		}
	}
	if len(names) != CIFAR10NumClasses {
		return nil, fileErrorf(f.path, f.entry, "%d class names, want %d", len(names), CIFAR10NumClasses)
	}
	return names, nil
}

// isFile reports whether p is a regular file.
func isFile(p string) bool {
	st, err := os.Stat(p)
	return err == nil && st.Mode().IsRegular()
}

// isDir reports whether p is a directory.
func isDir(p string) bool {
	st, err := os.Stat(p)
	return err == nil && st.IsDir()
}

// isTarGz reports whether the name ends in .tar.gz or .tgz.
func isTarGz(p string) bool {
	l := strings.ToLower(p)
	return strings.HasSuffix(l, ".tar.gz") || strings.HasSuffix(l, ".tgz")
}
