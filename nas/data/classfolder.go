package data

import (
	"cmp"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// LoadClassFolder reads a labelled image folder with one sub-folder per class, as
// torchvision's ImageFolder:
//
//	dir/<class>/<image>.jpg|.jpeg|.png
//
// Class names are the sub-folders sorted alphabetically, label ids follow that
// order, and within a class images are ordered by file name. Images are decoded in
// parallel into [0,1] pixels with channels 3 (RGB; grey images are replicated) or 1
// (grey: the luma 0.299 R + 0.587 G + 0.114 B). Every image must have the size of the
// first one. Dot-files are skipped.
//
// It fails, naming the file or folder, on a folder with fewer than two classes, a
// class with no image, a file that is not a JPEG or PNG image, or an image of
// another size.
func LoadClassFolder(dir string, channels int) (*Dataset, error) {
	if channels != 1 && channels != 3 {
		return nil, fileErrorf(dir, "", "LoadClassFolder: channels must be 1 (grey) or 3 (RGB), got %d", channels)
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, wrapFileError(dir, "", err)
	}
	var classes []string
	var items []*folderItem
	pool := startDecoders()
	defer pool.wait()
	for _, c := range entries {
		if strings.HasPrefix(c.Name(), ".") {
			continue
		}
		classDir := filepath.Join(dir, c.Name())
		if !c.IsDir() {
			return nil, fileErrorf(classDir, "", "not a class folder (want %s/<class>/<image>)", dir)
		}
		files, err := os.ReadDir(classDir)
		if err != nil {
			return nil, wrapFileError(classDir, "", err)
		}
		n := 0
		for _, f := range files {
			if strings.HasPrefix(f.Name(), ".") {
				continue
			}
			p := filepath.Join(classDir, f.Name())
			if f.IsDir() || !isImageName(f.Name()) {
				return nil, fileErrorf(p, "", "unsupported file in class folder %q (want .jpg, .jpeg or .png images)", c.Name())
			}
			it := &folderItem{split: splitTrain, class: c.Name(), path: p, key: p}
			items = append(items, it)
			pool.submit(it)
			n++
		}
		if n == 0 {
			return nil, fileErrorf(classDir, "", "class %q has no image", c.Name())
		}
		classes = append(classes, c.Name())
	}
	if len(classes) < 2 {
		return nil, fileErrorf(dir, "", "found %d class folder(s) %q: a classifier needs at least 2 (want %s/<class>/<image>)", len(classes), classes, dir)
	}
	pool.wait()
	slices.Sort(classes)
	label := make(map[string]int32, len(classes))
	for i, c := range classes {
		label[c] = int32(i)
	}
	slices.SortFunc(items, func(a, b *folderItem) int {
		return cmp.Or(cmp.Compare(label[a.class], label[b.class]), cmp.Compare(a.key, b.key))
	})
	for _, it := range items {
		if it.err != nil {
			return nil, it.err
		}
	}
	h, w := items[0].h, items[0].w
	ds := &Dataset{
		Name:   filepath.Base(filepath.Clean(dir)),
		Images: make([]float32, len(items)*h*w*channels),
		Labels: make([]int32, len(items)),
		Height: h, Width: w, Channels: channels,
		NumClasses: len(classes), ClassNames: classes,
	}
	for i, it := range items {
		if it.w != w || it.h != h {
			return nil, fileErrorf(it.path, "", "image size %d×%d differs from the first image's, %d×%d (%s)", it.w, it.h, w, h, items[0].path)
		}
		ds.Labels[i] = label[it.class]
		rgbToPixels(ds.Image(i), it.rgb, channels)
		it.rgb = nil
	}
	return ds, nil
}

// LoadImageFile decodes one JPEG or PNG image into [0,1] pixels, HWC, with channels
// 3 (RGB) or 1 (grey), as LoadClassFolder does.
func LoadImageFile(path string, channels int) (pixels []float32, height, width int, err error) {
	if channels != 1 && channels != 3 {
		return nil, 0, 0, fileErrorf(path, "", "channels must be 1 (grey) or 3 (RGB), got %d", channels)
	}
	if !isImageName(path) {
		return nil, 0, 0, fileErrorf(path, "", "unsupported file type (want .jpg, .jpeg or .png)")
	}
	it := &folderItem{path: path, key: path}
	it.decode()
	if it.err != nil {
		return nil, 0, 0, it.err
	}
	pixels = make([]float32, it.h*it.w*channels)
	rgbToPixels(pixels, it.rgb, channels)
	return pixels, it.h, it.w, nil
}

// rgbToPixels writes RGB bytes as [0,1] pixels of 3 channels, or of 1 (luma).
func rgbToPixels(dst []float32, rgb []byte, channels int) {
	if channels == 3 {
		for k, v := range rgb {
			dst[k] = pixelScale[v]
		}
		return
	}
	for p := range dst {
		r, g, b := float32(rgb[3*p]), float32(rgb[3*p+1]), float32(rgb[3*p+2])
		dst[p] = (0.299*r + 0.587*g + 0.114*b) / 255
	}
}
