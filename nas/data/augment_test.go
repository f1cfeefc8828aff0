package data

import (
	"slices"
	"testing"
)

// seqImage returns an h×w×c image with values 1, 2, 3, … (no zeros).
func seqImage(h, w, c int) []float32 {
	img := make([]float32, h*w*c)
	for i := range img {
		img[i] = float32(i + 1)
	}
	return img
}

func TestPadCrop(t *testing.T) {
	const h, w, c, pad = 3, 4, 2, 1
	src := seqImage(h, w, c)
	at := func(img []float32, y, x, k int) float32 { return img[(y*w+x)*c+k] }
	dst := make([]float32, len(src))

	PadCrop(dst, src, h, w, c, pad, pad, pad) // centre: identity
	if !slices.Equal(dst, src) {
		t.Errorf("centre crop %v, want %v", dst, src)
	}
	PadCrop(dst, src, h, w, c, pad, 0, 0) // top-left: image shifted down-right by 1
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			for k := 0; k < c; k++ {
				var want float32
				if y >= 1 && x >= 1 {
					want = at(src, y-1, x-1, k)
				}
				if got := at(dst, y, x, k); got != want {
					t.Fatalf("(0,0) crop at (%d,%d,%d) = %v, want %v", y, x, k, got, want)
				}
			}
		}
	}
	PadCrop(dst, src, h, w, c, pad, 2, 0) // bottom-left: shifted up 1, right 1
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			var want float32
			if y+1 < h && x >= 1 {
				want = at(src, y+1, x-1, 0)
			}
			if got := at(dst, y, x, 0); got != want {
				t.Fatalf("(2,0) crop at (%d,%d) = %v, want %v", y, x, got, want)
			}
		}
	}
	PadCrop(dst, src, h, w, c, 8, 0, 0) // window entirely in the padding
	for _, v := range dst {
		if v != 0 {
			t.Fatal("crop inside padding is not all zero")
		}
	}
}

func TestFlipHorizontal(t *testing.T) {
	img := []float32{ // 2×3×2
		1, 2, 3, 4, 5, 6,
		7, 8, 9, 10, 11, 12,
	}
	FlipHorizontal(img, 2, 3, 2)
	if want := []float32{5, 6, 3, 4, 1, 2, 11, 12, 9, 10, 7, 8}; !slices.Equal(img, want) {
		t.Errorf("flip = %v, want %v", img, want)
	}
}

func TestCutout(t *testing.T) {
	const h, w = 6, 6
	img := seqImage(h, w, 1)
	Cutout(img, h, w, 1, 0, 5, 4) // square rows -2…1, cols 3…6, clipped
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			zero := y <= 1 && x >= 3
			if got := img[y*w+x]; (got == 0) != zero {
				t.Errorf("(%d,%d) = %v, zeroed should be %v", y, x, got, zero)
			}
		}
	}
}

func TestAugmentationBatch(t *testing.T) {
	ds := rampDataset(6, 8, 8, 3, 3)
	for i := range ds.Images {
		ds.Images[i]++ // no zeros in the source
	}
	a := Augmentation{Pad: 4, Flip: true, Cutout: 4}
	b1, b2 := ds.NewBatch(4), ds.NewBatch(4)
	idx := []int{5, 0, 3, 2}
	if err := a.Batch(ds, idx, b1, NewRand(11)); err != nil {
		t.Fatal(err)
	}
	if err := a.Batch(ds, idx, b2, NewRand(11)); err != nil {
		t.Fatal(err)
	}
	if b1.Len() != 4 || len(b1.Images) != 4*8*8*3 || !slices.Equal(b1.Labels, []int32{2, 0, 0, 2}) {
		t.Fatalf("shape/labels: %d images, %d values, labels %v", b1.Len(), len(b1.Images), b1.Labels)
	}
	if !slices.Equal(b1.Images, b2.Images) {
		t.Error("same seed, different augmentation")
	}
	zeros := 0
	for _, v := range b1.Images {
		if v == 0 {
			zeros++
		}
	}
	if zeros == 0 {
		t.Error("no padding or cutout zeros in the batch")
	}
	// Zero augmentation is a plain copy.
	if err := (Augmentation{}).Batch(ds, idx, b2, NewRand(1)); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(b2.Images[:ds.ImageSize()], ds.Image(5)) {
		t.Error("zero Augmentation changed the image")
	}
	// Flip only: either identical or exactly mirrored.
	flipOnly := Augmentation{Flip: true}
	flipped := 0
	for seed := uint64(0); seed < 10; seed++ {
		if err := flipOnly.Batch(ds, []int{1}, b2, NewRand(seed)); err != nil {
			t.Fatal(err)
		}
		mirror := slices.Clone(ds.Image(1))
		FlipHorizontal(mirror, 8, 8, 3)
		switch {
		case slices.Equal(b2.Images, mirror):
			flipped++
		case !slices.Equal(b2.Images, ds.Image(1)):
			t.Fatal("flip-only augmentation is neither identity nor mirror")
		}
	}
	if flipped == 0 || flipped == 10 {
		t.Errorf("flipped %d of 10", flipped)
	}
	if allocs := testing.AllocsPerRun(50, func() { _ = a.Batch(ds, idx, b1, NewRand(1)) }); allocs > 2 {
		t.Errorf("Augmentation.Batch allocates %v times", allocs) // NewRand itself allocates
	}
}
