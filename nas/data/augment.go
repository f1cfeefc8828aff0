package data

import (
	"fmt"
	"math/rand/v2"
)

// Augmentation describes random training-time augmentation of images.
// The zero value does nothing.
//
// Padding and Cutout write zeros: on a dataset normalised with [Normalize]
// a zero is the mean colour, as in the reference implementations.
type Augmentation struct {
	Pad    int  // zero-pad each side by Pad, then crop back at a random offset; 0: no crop
	Flip   bool // flip horizontally with probability 1/2
	Cutout int  // zero a Cutout×Cutout square at a random centre, clipped at the border [8]; 0: none
}

// CIFARAugmentation is the standard CIFAR-10 training augmentation [7]:
// pad 4, random 32×32 crop, random horizontal flip.
var CIFARAugmentation = Augmentation{Pad: 4, Flip: true}

// CIFARCutoutAugmentation adds 16×16 Cutout [8] to CIFARAugmentation, as
// used when training the final architectures of ENAS and DARTS.
var CIFARCutoutAugmentation = Augmentation{Pad: 4, Flip: true, Cutout: 16}

// check validates the settings.
func (a Augmentation) check() error {
	if a.Pad < 0 || a.Cutout < 0 {
		return fmt.Errorf("data: augmentation %+v: negative size", a)
	}
	return nil
}

// Batch fills dst with augmented copies of the images of ds at indices
// (labels unchanged); ds itself is not modified. Per image it draws, from
// rng and in this order: the crop offsets dy, dx (if Pad > 0), the flip (if
// Flip), and the Cutout centre (if Cutout > 0), so a seeded rng gives the
// same batch every run.
func (a Augmentation) Batch(ds *Dataset, indices []int, dst *Batch, rng *rand.Rand) error {
	if err := a.check(); err != nil {
		return err
	}
	if err := ds.checkIndices(indices); err != nil {
		return err
	}
	dst.resize(ds, len(indices))
	h, w, c, sz := ds.Height, ds.Width, ds.Channels, ds.ImageSize()
	for j, i := range indices {
		out := dst.Images[j*sz : (j+1)*sz]
		if a.Pad > 0 {
			dy, dx := rng.IntN(2*a.Pad+1), rng.IntN(2*a.Pad+1)
			PadCrop(out, ds.Image(i), h, w, c, a.Pad, dy, dx)
		} else {
			copy(out, ds.Image(i))
		}
		if a.Flip && rng.IntN(2) == 1 {
			FlipHorizontal(out, h, w, c)
		}
		if a.Cutout > 0 {
			Cutout(out, h, w, c, rng.IntN(h), rng.IntN(w), a.Cutout)
		}
		dst.Labels[j] = ds.Labels[i]
	}
	return nil
}

// PadCrop writes into dst (h×w×c) the h×w window at offset (dy, dx) of src
// (h×w×c) zero-padded by pad on every side: dst[y][x] = src[y+dy-pad][x+dx-pad],
// or 0 where that falls outside src. Offsets 0 … 2·pad keep the crop within
// the padded image; dy = dx = pad copies src unchanged. dst and src must
// not overlap.
func PadCrop(dst, src []float32, h, w, c, pad, dy, dx int) {
	// Source columns x+dx-pad in [0,w) ⇔ x in [x0, x1).
	x0, x1 := max(0, pad-dx), min(w, w+pad-dx)
	for y := 0; y < h; y++ {
		row := dst[y*w*c : (y+1)*w*c]
		sy := y + dy - pad
		if sy < 0 || sy >= h || x0 >= x1 {
			clear(row)
			continue
		}
		clear(row[:x0*c])
		clear(row[x1*c:])
		sx := x0 + dx - pad
		copy(row[x0*c:x1*c], src[(sy*w+sx)*c:(sy*w+sx+x1-x0)*c])
	}
}

// FlipHorizontal mirrors img (h×w×c) left-right in place.
func FlipHorizontal(img []float32, h, w, c int) {
	for y := 0; y < h; y++ {
		row := img[y*w*c : (y+1)*w*c]
		for l, r := 0, w-1; l < r; l, r = l+1, r-1 {
			for k := 0; k < c; k++ {
				row[l*c+k], row[r*c+k] = row[r*c+k], row[l*c+k]
			}
		}
	}
}

// Cutout sets to zero, in place, the size×size square of img (h×w×c) whose
// top-left corner is (cy - size/2, cx - size/2), clipped at the border —
// the square is centred on (cy, cx) and may lie partly outside [8].
func Cutout(img []float32, h, w, c, cy, cx, size int) {
	y0, x0 := max(0, cy-size/2), max(0, cx-size/2)
	y1, x1 := min(h, cy-size/2+size), min(w, cx-size/2+size)
	if x0 >= x1 {
		return
	}
	for y := y0; y < y1; y++ {
		clear(img[(y*w+x0)*c : (y*w+x1)*c])
	}
}
