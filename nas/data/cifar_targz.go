package data

import (
	"archive/tar"
	"compress/gzip"
	"errors"
	"io"
	"os"
	"path"
	"regexp"
	"strings"
)

// maxEntrySize bounds how much of one archive entry is read into memory
// (a CIFAR-10 binary batch is 30,730,000 bytes).
const maxEntrySize = 256 << 20

// cifarBinEntry matches the base names of the binary release's files.
var cifarBinEntry = regexp.MustCompile(`^(data_batch_[1-5]\.bin|test_batch\.bin|batches\.meta\.txt)$`)

// loadTarGz streams a .tar.gz holding either the CIFAR-10 binary release
// (…/data_batch_N.bin, …/test_batch.bin, …/batches.meta.txt) or an image
// folder ([prefix/]train|test/<class>/<image>), and loads it. Entries under
// __MACOSX/ and dot-files (such as "._" resource forks) are ignored, as are
// files that fit neither layout. With a selection, it loads only the images
// the selection chooses (a split it drops is nil): an image folder's other
// images are never decoded.
func loadTarGz(archive string, height, width int, sel *selection) (train, test *Dataset, err error) {
	var pool *decoderPool // eager: images are decoded while the archive streams
	if sel == nil {
		pool = startDecoders()
		defer pool.wait()
	}
	bins, items, err := readTarGz(archive, pool)
	if err != nil {
		return nil, nil, err
	}
	pool.wait()
	switch {
	case len(bins) > 0 && len(items) > 0:
		return nil, nil, fileErrorf(archive, "", "holds both CIFAR-10 .bin batches and a train/<class>/ image folder")
	case len(bins) > 0:
		train, test, err = assembleCIFARBin(archive, "", bins)
		if err == nil && (height != 0 && height != CIFARSize || width != 0 && width != CIFARSize) {
			err = fileErrorf(archive, "", "binary CIFAR-10 images are 32×32, want %d×%d", width, height)
		}
		return picked(sel)(train, test, err)
	case len(items) > 0:
		return assembleFolder(archive, "", items, height, width, sel)
	}
	return nil, nil, fileErrorf(archive, "", "no CIFAR-10 .bin batches nor train/<class>/ images inside")
}

// readTarGz reads the binary-release files and the image-folder entries of
// archive (see loadTarGz), keeping their bytes; it submits each image to pool
// (nil: none) as soon as it is read.
func readTarGz(archive string, pool *decoderPool) (bins []binFile, items []*folderItem, err error) {
	f, err := os.Open(archive)
	if err != nil {
		return nil, nil, wrapFileError(archive, "", err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		return nil, nil, fileErrorf(archive, "", "not a gzip file: %w", err)
	}
	tr := tar.NewReader(zr)
	var (
		prefix    string
		prefixSet bool
		last      string
	)
	for {
		hdr, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, nil, tarError(archive, last, err)
		}
		name := strings.TrimPrefix(hdr.Name, "./")
		last = name
		base := path.Base(name)
		if hdr.Typeflag != tar.TypeReg || strings.HasPrefix(name, "__MACOSX/") || strings.HasPrefix(base, ".") {
			continue
		}
		isBin := cifarBinEntry.MatchString(base)
		pre, split, class, isFolder := folderEntry(name)
		if !isBin && !isFolder {
			continue
		}
		if isFolder {
			if !prefixSet {
				prefix, prefixSet = pre, true
			} else if pre != prefix {
				return nil, nil, fileErrorf(archive, name, "top directory %q differs from %q of earlier entries", pre, prefix)
			}
			if !isImageName(base) {
				return nil, nil, fileErrorf(archive, name, "unsupported file type in class directory (want .jpg, .jpeg or .png)")
			}
		}
		if hdr.Size > maxEntrySize {
			return nil, nil, fileErrorf(archive, name, "entry too large: %d bytes", hdr.Size)
		}
		data := make([]byte, hdr.Size)
		if _, err := io.ReadFull(tr, data); err != nil {
			return nil, nil, tarError(archive, name, err)
		}
		if isBin {
			bins = append(bins, binFile{path: archive, entry: name, name: base, data: data})
		} else {
			it := &folderItem{split: split, class: class, path: archive, entry: name, key: name, data: data}
			items = append(items, it)
			pool.submit(it)
		}
	}
	// The tar reader stops at the end-of-archive blocks, before the gzip trailer:
	// read the stream to its end so gzip checks its CRC-32 and length.
	if _, err := io.Copy(io.Discard, zr); err != nil {
		return nil, nil, gzipError(archive, err)
	}
	return bins, items, nil
}

// gzipError reports a failure of the gzip stream itself (a checksum that does not
// match: the file is corrupt).
func gzipError(archive string, err error) error {
	if errors.Is(err, gzip.ErrChecksum) {
		return fileErrorf(archive, "", "corrupt: the gzip checksum does not match the data (%w)", err)
	}
	return tarError(archive, "", err)
}

// tarError reports a read failure inside an archive, after entry.
func tarError(archive, entry string, err error) error {
	if errors.Is(err, gzip.ErrChecksum) {
		return fileErrorf(archive, entry, "corrupt: the gzip checksum does not match the data (%w)", err)
	}
	if errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) {
		return fileErrorf(archive, entry, "truncated archive: %w", io.ErrUnexpectedEOF)
	}
	return fileErrorf(archive, entry, "reading archive: %w", err)
}
