package data

import (
	"bytes"
	"encoding/binary"
	"path/filepath"
	"strings"
	"testing"
)

// A .tar.gz whose gzip checksum does not match its data is refused: the tar
// reader stops before the gzip trailer, so the loader must read on to it.
func TestLoadCIFAR10TarGzChecksFlippedBytes(t *testing.T) {
	arch := map[string][]byte{}
	for name, b := range cifarBinFiles() {
		arch["cifar-10-batches-bin/"+name] = b
	}
	good := tarGz(t, arch)
	root := t.TempDir()
	goodPath := filepath.Join(root, "good.tar.gz")
	writeFile(t, goodPath, good)
	if _, _, err := LoadCIFAR10(goodPath); err != nil {
		t.Fatalf("the intact archive: %v", err)
	}
	// The CRC-32 in the trailer (the data are intact, the checksum wrong), then a
	// byte in the middle of the compressed data.
	for name, at := range map[string]int{"crc": len(good) - 8, "middle": len(good) / 2} {
		bad := bytes.Clone(good)
		bad[at] ^= 0x01
		p := filepath.Join(root, name+".tar.gz")
		writeFile(t, p, bad)
		_, _, err := LoadCIFAR10(p)
		if err == nil {
			t.Errorf("byte %d (%s) flipped: loaded without an error", at, name)
			continue
		}
		if name == "crc" {
			wantFileError(t, err, p, "gzip checksum does not match")
		}
	}
}

// The MNIST loader reads a .gz to its end, so a wrong checksum is an error too; an
// empty .gz says it is empty, and neither error quotes the file's bytes.
func TestMNISTGzChecksumAndEmptyGz(t *testing.T) {
	pix := make([]byte, 3*4)
	dir := t.TempDir()
	lbl := filepath.Join(dir, "lbl")
	writeFile(t, lbl, idxBytes(IDXLabelsMagic, []int{3}, []byte{1, 2, 3}))
	gz := gzipBytes(t, idxBytes(IDXImagesMagic, []int{3, 2, 2}, pix))
	gz[len(gz)-8] ^= 0x01
	img := filepath.Join(dir, "img.gz")
	writeFile(t, img, gz)
	_, err := LoadIDX(img, lbl, 10)
	wantFileError(t, err, img, "checksum")

	writeFile(t, img, nil)
	_, err = LoadIDX(img, lbl, 10)
	wantFileError(t, err, img, "empty file")

	writeFile(t, img, []byte("SECRET"))
	_, err = LoadIDX(img, lbl, 10)
	wantFileError(t, err, img, "not gzip-compressed")
	if err != nil && (strings.Contains(err.Error(), "53 45") || strings.Contains(err.Error(), "SECRET")) {
		t.Errorf("the error quotes the file's bytes: %v", err)
	}
}

// A forged IDX header whose record count × size overflows is a clear error, not
// "4294967296 unexpected trailing bytes".
func TestIDXHeaderOverflow(t *testing.T) {
	dir := t.TempDir()
	img, lbl := filepath.Join(dir, "img"), filepath.Join(dir, "lbl")
	writeFile(t, img, idxBytes(IDXImagesMagic, []int{0xffffffff, 65536, 65536}, nil))
	writeFile(t, lbl, idxBytes(IDXLabelsMagic, []int{3}, []byte{1, 2, 3}))
	_, err := LoadIDX(img, lbl, 10)
	wantFileError(t, err, img, "truncated record 0", "4294967295 records of 4294967296 bytes", "only 0 bytes")
}

// A PTB .zip whose CRC-32 does not match an entry's data is refused.
func TestPTBZipChecksum(t *testing.T) {
	files := map[string][]byte{}
	for name, text := range ptbFixture {
		files[name] = []byte(text)
	}
	z := zipBytes(t, files)
	// Flip the first central-directory entry's CRC-32 (signature PK\x01\x02, CRC at +16).
	at := bytes.Index(z, binary.LittleEndian.AppendUint32(nil, 0x02014b50))
	if at < 0 {
		t.Fatal("no central directory")
	}
	z[at+16] ^= 0x01
	p := filepath.Join(t.TempDir(), "ptb.zip")
	writeFile(t, p, z)
	_, err := LoadPTB(p)
	if err == nil || !strings.Contains(err.Error(), "checksum") {
		t.Fatalf("a zip with a wrong CRC-32: %v, want a checksum error", err)
	}
}
