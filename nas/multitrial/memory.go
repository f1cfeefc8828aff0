package multitrial

// MemoryEstimate is about how many bytes training the recipe's child takes, from its
// shapes alone (no network is built): an estimate on the high side that a worker
// compares with its limit, and the memory gate sums over the children it lets
// train at once, before anything is built or trained.
//
// For a NASNet child of B blocks, C filters, N cells per stage and stem multiplier S
// on H×H images with batch b: stage s (0, 1, 2) has C·2^s filters at H/2^s, so every
// cell's feature maps hold C·H²/2^s numbers per image. A cell keeps about 6 + 20·B
// such maps for the backward pass (its two input preprocessings; per block two
// separable convolutions of eight intermediate maps each and a concat of two). The
// stem keeps 3·S·C·H². Activations count once, in float32, for b images: the
// backend's pool reuses buffers between the forward and backward passes, and a
// trial releases its idle ones when it ends. Parameters: about 8·B·F² per cell of F
// filters (the block's ops and the preprocessings), counted four times (weights,
// gradients, momentum, a copy). Add memoryOverhead for the runtime, the compiled
// programs, the collector's headroom and the trial's images.
//
// Calibrated on the proxy preset's two children (NASNet-A, B = 5, N = 1, batch
// 64, 32×32), each trained alone with /usr/bin/time -v (BENCHMARKS.md, "Memory"):
// the search child (C = 8) peaked at 1.07 GiB against an estimate of 1.16 GiB,
// the transfer child (C = 16) at 1.47 GiB against 1.70 GiB.
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
	bytes := 4*activations*float64(r.Train.BatchSize) + 4*4*params + memoryOverhead
	return int64(min(bytes, 1<<62))
}

// memoryOverhead is what MemoryEstimate adds to every child: Go's runtime and
// collector headroom, the compiled programs, and the few thousand images a trial
// holds (0.6 GiB, plus a margin of 40 MiB).
const memoryOverhead = 640 << 20
