package data

import (
	"bytes"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
)

// Decoding the images of a folder dataset: a pool of goroutines that read
// (when needed) and decode folderItems into RGB bytes.

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

// submit queues an item for decoding (blocking while the queue is full); a nil
// pool decodes nothing.
func (p *decoderPool) submit(it *folderItem) {
	if p != nil {
		p.ch <- it
	}
}

// wait lets the decoders finish the queue and returns when they are done.
// Calling it again, or on a nil pool, does nothing.
func (p *decoderPool) wait() {
	if p != nil && !p.closed {
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
