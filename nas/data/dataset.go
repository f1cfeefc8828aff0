package data

import "fmt"

// Dataset is a labelled image dataset held in memory.
//
// Images holds Len() images back to back, each Height×Width×Channels float32
// values in HWC order (so the whole slice is NHWC). Labels[i] is the class of
// image i, in [0, NumClasses).
type Dataset struct {
	Name       string    // short description, e.g. "cifar10-train"
	Images     []float32 // N×H×W×C pixel values, [0,1] unless normalised
	Labels     []int32   // N labels in [0, NumClasses)
	Height     int       // image height in pixels
	Width      int       // image width in pixels
	Channels   int       // 1 (grey) or 3 (RGB)
	NumClasses int       // number of classes
	ClassNames []string  // NumClasses names (label id → name); may be nil
}

// Len returns the number of images.
func (d *Dataset) Len() int { return len(d.Labels) }

// ImageSize returns the number of float32 values per image (H·W·C).
func (d *Dataset) ImageSize() int { return d.Height * d.Width * d.Channels }

// Image returns image i as a view into d.Images (not a copy), HWC order.
func (d *Dataset) Image(i int) []float32 {
	sz := d.ImageSize()
	return d.Images[i*sz : (i+1)*sz : (i+1)*sz]
}

// Label returns the label of image i.
func (d *Dataset) Label(i int) int32 { return d.Labels[i] }

// String returns a one-line summary such as
// "cifar10-train: 50000 images 32×32×3, 10 classes".
func (d *Dataset) String() string {
	return fmt.Sprintf("%s: %d images %d×%d×%d, %d classes",
		d.Name, d.Len(), d.Height, d.Width, d.Channels, d.NumClasses)
}

// Validate checks that the fields are consistent: positive dimensions,
// len(Images) = Len()·ImageSize(), labels in range, ClassNames nil or of
// length NumClasses.
func (d *Dataset) Validate() error {
	if d.Height <= 0 || d.Width <= 0 || d.Channels <= 0 || d.NumClasses <= 0 {
		return fmt.Errorf("data: dataset %q: bad shape %d×%d×%d with %d classes",
			d.Name, d.Height, d.Width, d.Channels, d.NumClasses)
	}
	if want := d.Len() * d.ImageSize(); len(d.Images) != want {
		return fmt.Errorf("data: dataset %q: %d pixel values, want %d for %d images of %d×%d×%d",
			d.Name, len(d.Images), want, d.Len(), d.Height, d.Width, d.Channels)
	}
	for i, l := range d.Labels {
		if l < 0 || int(l) >= d.NumClasses {
			return fmt.Errorf("data: dataset %q: image %d has label %d, out of range [0,%d)",
				d.Name, i, l, d.NumClasses)
		}
	}
	if d.ClassNames != nil && len(d.ClassNames) != d.NumClasses {
		return fmt.Errorf("data: dataset %q: %d class names for %d classes",
			d.Name, len(d.ClassNames), d.NumClasses)
	}
	return nil
}

// ClassCounts returns how many images each class has (a label histogram).
func (d *Dataset) ClassCounts() []int {
	counts := make([]int, d.NumClasses)
	for _, l := range d.Labels {
		if l >= 0 && int(l) < d.NumClasses {
			counts[l]++
		}
	}
	return counts
}

// Subset returns a new Dataset holding copies of the images at indices, in
// that order. It fails if an index is out of range.
func (d *Dataset) Subset(indices []int) (*Dataset, error) {
	sz := d.ImageSize()
	out := &Dataset{
		Name:       d.Name,
		Images:     make([]float32, len(indices)*sz),
		Labels:     make([]int32, len(indices)),
		Height:     d.Height,
		Width:      d.Width,
		Channels:   d.Channels,
		NumClasses: d.NumClasses,
		ClassNames: d.ClassNames,
	}
	n := d.Len()
	for j, i := range indices {
		if i < 0 || i >= n {
			return nil, fmt.Errorf("data: dataset %q: subset index %d out of range [0,%d)", d.Name, i, n)
		}
		copy(out.Images[j*sz:(j+1)*sz], d.Images[i*sz:(i+1)*sz])
		out.Labels[j] = d.Labels[i]
	}
	return out, nil
}

// Batch is a reusable minibatch buffer: Len() images, NHWC, and their labels.
//
// Filling a Batch (Dataset.Batch, Augmentation.Batch) reslices Images and
// Labels within their capacity, so a Batch made by NewBatch with the largest
// batch size never allocates again.
type Batch struct {
	Images                  []float32 // Len()×Height×Width×Channels
	Labels                  []int32   // Len() labels
	Height, Width, Channels int
}

// NewBatch returns an empty Batch with room for capacity images of the
// dataset's shape.
func (d *Dataset) NewBatch(capacity int) *Batch {
	return &Batch{
		Images:   make([]float32, 0, capacity*d.ImageSize()),
		Labels:   make([]int32, 0, capacity),
		Height:   d.Height,
		Width:    d.Width,
		Channels: d.Channels,
	}
}

// Len returns the number of images in the batch.
func (b *Batch) Len() int { return len(b.Labels) }

// resize sets the batch to n images of d's shape, reusing capacity.
func (b *Batch) resize(d *Dataset, n int) {
	sz := n * d.ImageSize()
	if cap(b.Images) < sz {
		b.Images = make([]float32, sz)
	}
	if cap(b.Labels) < n {
		b.Labels = make([]int32, n)
	}
	b.Images = b.Images[:sz]
	b.Labels = b.Labels[:n]
	b.Height, b.Width, b.Channels = d.Height, d.Width, d.Channels
}

// checkIndices reports the first index outside [0, d.Len()).
func (d *Dataset) checkIndices(indices []int) error {
	n := d.Len()
	for _, i := range indices {
		if i < 0 || i >= n {
			return fmt.Errorf("data: dataset %q: batch index %d out of range [0,%d)", d.Name, i, n)
		}
	}
	return nil
}

// Batch copies the images and labels at indices into dst (in that order).
// dst's buffers are reused: no allocation when their capacity suffices.
// It fails, leaving dst unchanged, if an index is out of range.
func (d *Dataset) Batch(indices []int, dst *Batch) error {
	if err := d.checkIndices(indices); err != nil {
		return err
	}
	dst.resize(d, len(indices))
	sz := d.ImageSize()
	for j, i := range indices {
		copy(dst.Images[j*sz:(j+1)*sz], d.Images[i*sz:(i+1)*sz])
		dst.Labels[j] = d.Labels[i]
	}
	return nil
}
