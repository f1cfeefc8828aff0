package data

import (
	"encoding/binary"
	"hash/crc32"
	"image"
	"image/color"
	"image/draw"
	"path/filepath"
	"strings"
	"testing"
)

// folderFixture returns the files (relative path → content) of a tiny
// 4×4 image folder with classes dog, airplane, cat (so labels airplane=0,
// cat=1, dog=2), mixing RGB PNG, grey PNG and JPEG.
func folderFixture(t *testing.T) map[string][]byte {
	grey := image.NewGray(image.Rect(0, 0, 4, 4))
	for i := range grey.Pix {
		grey.Pix[i] = 200
	}
	red := image.NewRGBA(image.Rect(0, 0, 4, 4))
	draw.Draw(red, red.Bounds(), image.NewUniform(color.RGBA{250, 10, 10, 255}), image.Point{}, draw.Src)
	return map[string][]byte{
		"train/dog/b.png":      pngBytes(t, solidNRGBA(4, 4, 30, 40, 50)),
		"train/dog/a.png":      pngBytes(t, solidNRGBA(4, 4, 10, 20, 30)),
		"train/airplane/z.png": pngBytes(t, grey),
		"train/cat/c.jpg":      jpegBytes(t, solidNRGBA(4, 4, 100, 100, 100)),
		"test/cat/1.png":       pngBytes(t, solidNRGBA(4, 4, 1, 2, 3)),
		"test/dog/2.jpeg":      jpegBytes(t, red),
		"README.txt":           []byte("not an image, outside the folders"),
	}
}

// hugePNGHeader returns the start of a PNG that claims to be 20000×20000.
func hugePNGHeader() []byte {
	ihdr := []byte("IHDR")
	ihdr = binary.BigEndian.AppendUint32(ihdr, 20000)
	ihdr = binary.BigEndian.AppendUint32(ihdr, 20000)
	ihdr = append(ihdr, 8, 0, 0, 0, 0) // 8-bit grey
	b := []byte("\x89PNG\r\n\x1a\n")
	b = binary.BigEndian.AppendUint32(b, 13)
	b = append(b, ihdr...)
	return binary.BigEndian.AppendUint32(b, crc32.ChecksumIEEE(ihdr))
}

// checkFolderFixture checks the datasets loaded from folderFixture.
func checkFolderFixture(t *testing.T, train, test *Dataset) {
	t.Helper()
	if train.Len() != 4 || test.Len() != 2 || train.Height != 4 || train.Width != 4 || train.Channels != 3 {
		t.Fatalf("got %v and %v", train, test)
	}
	if strings.Join(train.ClassNames, ",") != "airplane,cat,dog" || train.NumClasses != 3 {
		t.Fatalf("classes %v", train.ClassNames)
	}
	// Order: by class, then file name.
	for i, want := range []int32{0, 1, 2, 2} {
		if train.Labels[i] != want {
			t.Errorf("train label %d = %d, want %d", i, train.Labels[i], want)
		}
	}
	if test.Labels[0] != 1 || test.Labels[1] != 2 {
		t.Errorf("test labels %v", test.Labels)
	}
	// Grey PNG → replicated to 3 channels, exactly.
	for _, v := range train.Image(0) {
		if v != float32(200)/255 {
			t.Fatalf("grey pixel %v, want %v", v, float32(200)/255)
		}
	}
	// RGB PNG, exact: dog/a.png pixel (x=3, y=1) = (10+3, 20+1, 30).
	img := train.Image(2)
	if o := (1*4 + 3) * 3; img[o] != 13.0/255 || img[o+1] != 21.0/255 || img[o+2] != 30.0/255 {
		t.Errorf("dog/a.png pixel (3,1) = %v", img[o:o+3])
	}
	// JPEG is lossy: within a few levels.
	for k, want := range []float32{250, 10, 10} {
		if v := test.Image(1)[k]; !near(v, want/255, 4.0/255) {
			t.Errorf("JPEG channel %d = %v, want about %v", k, v*255, want)
		}
	}
}

func TestLoadImageFolderDirAndTarGz(t *testing.T) {
	files := folderFixture(t)
	root := t.TempDir()
	dir := filepath.Join(root, "tiny")
	for name, b := range files {
		writeFile(t, filepath.Join(dir, name), b)
	}
	plain := filepath.Join(root, "plain.tar.gz")
	writeFile(t, plain, tarGz(t, files))
	prefixed := map[string][]byte{"__MACOSX/tiny/train/cat/._c.jpg": []byte("resource fork")}
	for name, b := range files {
		prefixed["./tiny/"+name] = b
	}
	withPrefix := filepath.Join(root, "prefixed.tgz")
	writeFile(t, withPrefix, tarGz(t, prefixed))

	for _, p := range []string{dir, plain, withPrefix} {
		train, test, err := LoadImageFolder(p, 0, 0)
		if err != nil {
			t.Fatalf("LoadImageFolder(%s): %v", p, err)
		}
		checkFolderFixture(t, train, test)
	}
	if _, _, err := LoadImageFolder(dir, 4, 4); err != nil {
		t.Errorf("explicit size: %v", err)
	}
}

func TestImageFolderErrors(t *testing.T) {
	cases := []struct {
		name      string
		edit      func(files map[string][]byte)
		entry     string // the file or entry the error must name
		fragments []string
	}{
		{"wrong size", func(f map[string][]byte) { f["test/cat/1.png"] = pngBytes(t, solidNRGBA(5, 4, 0, 0, 0)) },
			"test/cat/1.png", []string{"unexpected image size 5×4, want 4×4"}},
		{"corrupt jpeg", func(f map[string][]byte) { f["train/cat/c.jpg"] = f["train/cat/c.jpg"][:40] },
			"train/cat/c.jpg", []string{"decoding image"}},
		{"not an image", func(f map[string][]byte) { f["train/cat/c.jpg"] = []byte("hello") },
			"train/cat/c.jpg", []string{"not a JPEG or PNG image"}},
		{"png named jpg", func(f map[string][]byte) { f["train/cat/c.jpg"] = f["test/cat/1.png"] },
			"train/cat/c.jpg", []string{"extension .jpg but content is PNG"}},
		{"huge image header", func(f map[string][]byte) { delete(f, "train/cat/c.jpg"); f["train/cat/c.png"] = hugePNGHeader() },
			"train/cat/c.png", []string{"image too large: 20000×20000"}},
		{"text file in class dir", func(f map[string][]byte) { f["train/cat/notes.txt"] = []byte("x") },
			"train/cat/notes.txt", []string{"unsupported file type"}},
		{"unknown test class", func(f map[string][]byte) { f["test/zebra/1.png"] = f["test/cat/1.png"] },
			"test/zebra/1.png", []string{`test class "zebra" is not a train class`}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			files := folderFixture(t)
			c.edit(files)
			root := t.TempDir()
			for name, b := range files {
				writeFile(t, filepath.Join(root, "d", name), b)
			}
			_, _, err := LoadImageFolder(filepath.Join(root, "d"), 0, 0)
			wantFileError(t, err, filepath.Join(root, "d", c.entry), c.fragments...)

			tgz := filepath.Join(root, "d.tar.gz")
			writeFile(t, tgz, tarGz(t, files))
			_, _, err = LoadImageFolder(tgz, 0, 0)
			wantFileError(t, err, tgz+"["+c.entry+"]", c.fragments...)
		})
	}
}

func TestImageFolderArchiveErrors(t *testing.T) {
	root := t.TempDir()
	files := folderFixture(t)
	t.Run("truncated archive", func(t *testing.T) {
		p := filepath.Join(root, "trunc.tar.gz")
		full := tarGz(t, files)
		writeFile(t, p, full[:len(full)/2])
		_, _, err := LoadImageFolder(p, 0, 0)
		wantFileError(t, err, p, "truncated")
	})
	t.Run("inconsistent top dir", func(t *testing.T) {
		mixed := map[string][]byte{}
		for name, b := range files {
			mixed["a/"+name] = b
		}
		mixed["b/train/cat/x.png"] = files["test/cat/1.png"]
		p := filepath.Join(root, "mixed.tar.gz")
		writeFile(t, p, tarGz(t, mixed))
		_, _, err := LoadImageFolder(p, 0, 0)
		wantFileError(t, err, p+"[b/train/cat/x.png]", `top directory "b" differs from "a"`)
	})
	t.Run("no test split", func(t *testing.T) {
		only := map[string][]byte{}
		for name, b := range files {
			if strings.HasPrefix(name, "train/") {
				only[name] = b
			}
		}
		p := filepath.Join(root, "train-only.tar.gz")
		writeFile(t, p, tarGz(t, only))
		_, _, err := LoadImageFolder(p, 0, 0)
		wantFileError(t, err, p, "no images found under test/<class>/")
	})
	t.Run("empty archive", func(t *testing.T) {
		p := filepath.Join(root, "empty.tar.gz")
		writeFile(t, p, tarGz(t, map[string][]byte{"README": []byte("x")}))
		_, _, err := LoadCIFAR10(p)
		wantFileError(t, err, p, "no CIFAR-10 .bin batches nor train/<class>/ images")
	})
	t.Run("both layouts", func(t *testing.T) {
		both := cifarBinFiles()
		for name, b := range files {
			both[name] = b
		}
		p := filepath.Join(root, "both.tar.gz")
		writeFile(t, p, tarGz(t, both))
		_, _, err := LoadCIFAR10(p)
		wantFileError(t, err, p, "holds both")
	})
	t.Run("CIFAR size and classes", func(t *testing.T) {
		dir := filepath.Join(root, "tiny")
		for name, b := range files {
			writeFile(t, filepath.Join(dir, name), b)
		}
		_, _, err := LoadCIFAR10(dir)
		wantFileError(t, err, dir, "unexpected image size 4×4, want 32×32")
	})
	t.Run("not ten classes", func(t *testing.T) {
		dir := filepath.Join(root, "three")
		for _, name := range []string{"train/a/1.png", "train/b/1.png", "test/a/1.png"} {
			writeFile(t, filepath.Join(dir, name), pngBytes(t, solidNRGBA(32, 32, 0, 0, 0)))
		}
		_, _, err := LoadCIFAR10(dir)
		wantFileError(t, err, dir, "found 2 classes", "want 10")
	})
}
