package data

import (
	"bytes"
	"cmp"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
)

// Splits of an image folder.
const (
	splitTrain = iota
	splitTest
)

var splitDirs = [2]string{"train", "test"}

// LoadImageFolder reads a labelled image folder,
//
//	train/<class>/<image>.jpg|.jpeg|.png
//	test/<class>/<image>.jpg|.jpeg|.png
//
// from a directory or straight from a .tar.gz/.tgz of one (whose entries may
// sit under a top directory, e.g. cifar10/train/cat/0001.jpg; the prefix is
// detected). Class names are the train/ subdirectories sorted
// alphabetically, and label ids follow that order; for CIFAR-10 this is the
// official order airplane … truck. Within a class, images are ordered by
// file name. Images are decoded in parallel (GOMAXPROCS goroutines) into RGB,
// NHWC, [0,1]; grey images are replicated to 3 channels.
//
// Every image must be height×width; height = width = 0 takes the size of
// the first training image. Dot-files are skipped; any other non-image file
// in a class directory is an error.
func LoadImageFolder(path string, height, width int) (train, test *Dataset, err error) {
	if isTarGz(path) {
		return loadTarGz(path, height, width)
	}
	st, err := os.Stat(path)
	if err != nil {
		return nil, nil, wrapFileError(path, "", err)
	}
	if !st.IsDir() {
		return nil, nil, fileErrorf(path, "", "unsupported file type: want a directory, .tar.gz or .tgz")
	}
	var items []*folderItem
	pool := startDecoders()
	defer pool.wait()
	for split, sub := range splitDirs {
		splitDir := filepath.Join(path, sub)
		classes, err := os.ReadDir(splitDir)
		if err != nil {
			return nil, nil, wrapFileError(splitDir, "", err)
		}
		for _, c := range classes {
			if strings.HasPrefix(c.Name(), ".") {
				continue
			}
			classDir := filepath.Join(splitDir, c.Name())
			if !c.IsDir() {
				return nil, nil, fileErrorf(classDir, "", "not in a class directory (want %s/<class>/<image>)", sub)
			}
			files, err := os.ReadDir(classDir)
			if err != nil {
				return nil, nil, wrapFileError(classDir, "", err)
			}
			for _, f := range files {
				if strings.HasPrefix(f.Name(), ".") {
					continue
				}
				p := filepath.Join(classDir, f.Name())
				if f.IsDir() || !isImageName(f.Name()) {
					return nil, nil, fileErrorf(p, "", "unsupported file type in class directory (want .jpg, .jpeg or .png)")
				}
				it := &folderItem{split: split, class: c.Name(), path: p, key: p}
				items = append(items, it)
				pool.submit(it)
			}
		}
	}
	pool.wait()
	return assembleFolder(path, "", items, height, width)
}

// folderItem is one image of a folder dataset: on disk (data == nil, read
// from path) or already read from an archive (path is the archive). A
// decoder goroutine fills in rgb, w, h or err.
type folderItem struct {
	split int    // splitTrain or splitTest
	class string // class directory name
	path  string // file on disk, or the archive holding it
	entry string // archive entry name ("" on disk)
	key   string // sort key within a class
	data  []byte // encoded image, if already read; released once decoded

	rgb  []byte // decoded pixels, h×w×3
	w, h int    // decoded size
	err  error  // reading or decoding failure
}

// isImageName reports whether name has a supported image extension.
func isImageName(name string) bool {
	switch strings.ToLower(filepath.Ext(name)) {
	case ".jpg", ".jpeg", ".png":
		return true
	}
	return false
}

// decoderPool decodes submitted items on GOMAXPROCS goroutines, so that
// decoding overlaps with reading the directory or archive.
type decoderPool struct {
	ch     chan *folderItem
	wg     sync.WaitGroup
	closed bool
}

// startDecoders starts the decoding goroutines.
func startDecoders() *decoderPool {
	p := &decoderPool{ch: make(chan *folderItem, 256)}
	for range runtime.GOMAXPROCS(0) {
		p.wg.Go(func() {
			for it := range p.ch {
				it.decode()
			}
		})
	}
	return p
}

// submit queues an item for decoding (blocking while the queue is full).
func (p *decoderPool) submit(it *folderItem) { p.ch <- it }

// wait lets the decoders finish the queue and returns when they are done.
// Calling it again does nothing.
func (p *decoderPool) wait() {
	if !p.closed {
		p.closed = true
		close(p.ch)
		p.wg.Wait()
	}
}

// maxImagePixels bounds the size of one image in a folder dataset.
const maxImagePixels = 1 << 26

// decode reads (if needed) and decodes the item's image into it.rgb, or
// sets it.err. The format is sniffed from the content, which must agree
// with the file extension.
func (it *folderItem) decode() {
	data := it.data
	it.data = nil
	if data == nil {
		var err error
		if data, err = os.ReadFile(it.path); err != nil {
			it.err = wrapFileError(it.path, it.entry, err)
			return
		}
	}
	ext := strings.ToLower(filepath.Ext(it.key))
	// image.Decode would wrap every image in a bufio.Reader, which costs
	// more than decoding a 32×32 JPEG: call the decoders directly.
	var decode func(io.Reader) (image.Image, error)
	var config func(io.Reader) (image.Config, error)
	switch {
	case bytes.HasPrefix(data, []byte("\xff\xd8")) && ext != ".png":
		decode, config = jpeg.Decode, jpeg.DecodeConfig
	case bytes.HasPrefix(data, []byte("\x89PNG\r\n\x1a\n")) && ext == ".png":
		decode, config = png.Decode, png.DecodeConfig
	case bytes.HasPrefix(data, []byte("\xff\xd8")):
		it.err = fileErrorf(it.path, it.entry, "file extension %s but content is JPEG", ext)
		return
	case bytes.HasPrefix(data, []byte("\x89PNG\r\n\x1a\n")):
		it.err = fileErrorf(it.path, it.entry, "file extension %s but content is PNG", ext)
		return
	default:
		it.err = fileErrorf(it.path, it.entry, "not a JPEG or PNG image (%d bytes)", len(data))
		return
	}
	// Refuse absurd sizes before the decoder allocates for them.
	if cfg, err := config(bytes.NewReader(data)); err == nil && int64(cfg.Width)*int64(cfg.Height) > maxImagePixels {
		it.err = fileErrorf(it.path, it.entry, "image too large: %d×%d", cfg.Width, cfg.Height)
		return
	}
	img, err := decode(bytes.NewReader(data))
	if err != nil {
		it.err = fileErrorf(it.path, it.entry, "decoding image (%d bytes): %w", len(data), err)
		return
	}
	it.w, it.h = img.Bounds().Dx(), img.Bounds().Dy()
	it.rgb = make([]byte, it.w*it.h*3)
	toRGB(it.rgb, img)
}

// assembleFolder assigns labels (train class names sorted), orders the
// decoded items by class then name, checks their size and builds the train
// and test datasets. src/entry name the dataset's root for errors.
func assembleFolder(src, entry string, items []*folderItem, height, width int) (train, test *Dataset, err error) {
	var classes []string
	for _, it := range items {
		if it.split == splitTrain {
			classes = append(classes, it.class)
		}
	}
	slices.Sort(classes)
	classes = slices.Compact(classes)
	if len(classes) == 0 {
		return nil, nil, fileErrorf(src, entry, "no images found under train/<class>/")
	}
	label := make(map[string]int32, len(classes))
	for i, c := range classes {
		label[c] = int32(i)
	}
	var splits [2][]*folderItem
	for _, it := range items {
		if _, ok := label[it.class]; !ok {
			return nil, nil, fileErrorf(it.path, it.entry, "test class %q is not a train class %v", it.class, classes)
		}
		splits[it.split] = append(splits[it.split], it)
	}
	if len(splits[splitTest]) == 0 {
		return nil, nil, fileErrorf(src, entry, "no images found under test/<class>/")
	}
	for _, s := range splits {
		slices.SortFunc(s, func(a, b *folderItem) int {
			return cmp.Or(cmp.Compare(label[a.class], label[b.class]), cmp.Compare(a.key, b.key))
		})
		for _, it := range s { // report the first failure in dataset order
			if it.err != nil {
				return nil, nil, it.err
			}
		}
	}
	if height == 0 || width == 0 {
		height, width = splits[splitTrain][0].h, splits[splitTrain][0].w
	}
	var out [2]*Dataset
	for s, its := range splits {
		ds := &Dataset{
			Name:   strings.TrimSuffix(strings.TrimSuffix(filepath.Base(src), ".tgz"), ".tar.gz") + "-" + splitDirs[s],
			Images: make([]float32, len(its)*height*width*3),
			Labels: make([]int32, len(its)),
			Height: height, Width: width, Channels: 3,
			NumClasses: len(classes), ClassNames: classes,
		}
		for i, it := range its {
			if it.w != width || it.h != height {
				return nil, nil, fileErrorf(it.path, it.entry, "unexpected image size %d×%d, want %d×%d", it.w, it.h, width, height)
			}
			ds.Labels[i] = label[it.class]
		}
		parallelRange(len(its), func(lo, hi int) {
			for i := lo; i < hi; i++ {
				img := ds.Image(i)
				for k, v := range its[i].rgb {
					img[k] = pixelScale[v]
				}
				its[i].rgb = nil
			}
		})
		out[s] = ds
	}
	return out[splitTrain], out[splitTest], nil
}

// parallelRange splits 0 … n-1 into GOMAXPROCS contiguous ranges and runs
// f on each in its own goroutine.
func parallelRange(n int, f func(lo, hi int)) {
	workers := runtime.GOMAXPROCS(0)
	var wg sync.WaitGroup
	for w := range workers {
		lo, hi := n*w/workers, n*(w+1)/workers
		wg.Go(func() { f(lo, hi) })
	}
	wg.Wait()
}

// toRGB writes img as RGB bytes, row-major, into dst (w×h×3), with fast
// paths for the types the JPEG and PNG decoders return most often.
func toRGB(dst []byte, img image.Image) {
	b := img.Bounds()
	width, height := b.Dx(), b.Dy()
	switch m := img.(type) {
	case *image.YCbCr:
		// Chroma column of pixel x: x (4:4:4, 4:4:0) or x/2 (4:2:2, 4:2:0,
		// when b.Min.X is even); anything else takes COffset per pixel.
		shift := -1
		switch m.SubsampleRatio {
		case image.YCbCrSubsampleRatio444, image.YCbCrSubsampleRatio440:
			shift = 0
		case image.YCbCrSubsampleRatio422, image.YCbCrSubsampleRatio420:
			if b.Min.X%2 == 0 {
				shift = 1
			}
		}
		for y := 0; y < height; y++ {
			yRow := m.Y[m.YOffset(b.Min.X, b.Min.Y+y):]
			cOff := m.COffset(b.Min.X, b.Min.Y+y)
			cbRow, crRow := m.Cb[cOff:], m.Cr[cOff:]
			out := dst[y*width*3 : (y+1)*width*3]
			for x := 0; x < width; x++ {
				ci := x >> shift
				if shift < 0 {
					ci = m.COffset(b.Min.X+x, b.Min.Y+y) - cOff
				}
				out[3*x], out[3*x+1], out[3*x+2] = color.YCbCrToRGB(yRow[x], cbRow[ci], crRow[ci])
			}
		}
	case *image.Gray:
		for y := 0; y < height; y++ {
			row := m.Pix[m.PixOffset(b.Min.X, b.Min.Y+y):]
			out := dst[y*width*3 : (y+1)*width*3]
			for x := 0; x < width; x++ {
				out[3*x], out[3*x+1], out[3*x+2] = row[x], row[x], row[x]
			}
		}
	case *image.NRGBA:
		for y := 0; y < height; y++ {
			row := m.Pix[m.PixOffset(b.Min.X, b.Min.Y+y):]
			out := dst[y*width*3 : (y+1)*width*3]
			for x := 0; x < width; x++ {
				out[3*x], out[3*x+1], out[3*x+2] = row[4*x], row[4*x+1], row[4*x+2]
			}
		}
	default:
		for y := 0; y < height; y++ {
			for x := 0; x < width; x++ {
				c := color.NRGBAModel.Convert(img.At(b.Min.X+x, b.Min.Y+y)).(color.NRGBA)
				o := (y*width + x) * 3
				dst[o], dst[o+1], dst[o+2] = c.R, c.G, c.B
			}
		}
	}
}

// folderEntry splits an archive entry name into (prefix, split, class) when
// it has the form [prefix/]train|test/<class>/<file>.
func folderEntry(name string) (prefix string, split int, class string, ok bool) {
	parts := strings.Split(name, "/")
	k := len(parts) - 3
	if k < 0 {
		return "", 0, "", false
	}
	for s, d := range splitDirs {
		if parts[k] == d && parts[k+1] != "" && parts[k+2] != "" {
			return strings.Join(parts[:k], "/"), s, parts[k+1], true
		}
	}
	return "", 0, "", false
}
