package multitrial

// MemoryEstimate is about how many bytes training the recipe's child takes, from its
// shapes alone (no network is built): an estimate, deliberately on the high side,
// that a worker compares with its limit before it builds or trains anything. It
// does not count the data, of which a process loads only the images its splits
// use, once for all its trials.
//
// For a NASNet child of B blocks, C filters, N cells per stage and stem multiplier S
// on H×H images with batch b: stage s (0, 1, 2) has C·2^s filters at H/2^s, so every
// cell's feature maps hold C·H²/2^s numbers per image. A cell keeps about 6 + 20·B
// such maps for the backward pass (its two input preprocessings; per block two
// separable convolutions of eight intermediate maps each and a concat of two). The
// stem keeps 3·S·C·H². Activations count three times (values, gradients and the
// backend's temporaries), in float32, for b images. Parameters: about 8·B·F² per
// cell of F filters (the block's ops and the preprocessings), counted four times
// (weights, gradients, momentum, a copy). Add 512 MiB for the runtime and compiled
// programs. Measured against it: a proxy-preset trial of NASNet-A (B=5, C=8, N=1,
// batch 64; estimate 2.1 GiB) peaked at 1.2 GiB of resident memory on the CPU
// backend, its 5,000 CIFAR-10 images included (2.4 GiB when the whole data set was
// loaded: BENCHMARKS.md, issue #17). The proxy preset's transfer child (C=16) is
// the exception: estimate 3.7 GiB, measured peak 4.4 GiB.
func (r *Recipe) MemoryEstimate() int64 {
	h, _ := imageShape(r.Data)
	c := r.Child
	B, C, N, S := float64(c.Blocks), float64(c.Filters), float64(c.CellsPerStage), float64(c.StemMultiplier)
	hw := float64(h * h)
	perCell := (6 + 20*B) * C * hw
	// N normal cells in each of 3 stages (weights 1, 1/2, 1/4), a reduction cell
	// entering stages 1 and 2.
	activations := perCell*(N*(1+0.5+0.25)+0.5+0.25) + 3*S*C*hw
	params := 8 * B * C * C * (N*(1+4+16) + 4 + 16)
	bytes := 4*3*activations*float64(r.Train.BatchSize) + 4*4*params + 512<<20
	return int64(min(bytes, 1<<62))
}
