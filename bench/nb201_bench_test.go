package bench

import (
	"testing"

	"github.com/gomlx/gomlx/core/tensors"
	"github.com/gonas/gonas/cells"
	"github.com/gonas/gonas/nas"
	"github.com/gonas/gonas/nas/nb201search"
)

// nb201BenchArchs are the single paths the supernet benchmark cycles through (op
// numbers per edge, in NB201's order: none, skip, conv 1×1, conv 3×3, avg pool);
// bench_nb201_supernet_step in pytorch_bench.py cycles through the same ones.
var nb201BenchArchs = [][]int{
	{3, 3, 3, 3, 3, 3}, {2, 4, 1, 3, 2, 4}, {3, 0, 3, 1, 0, 0}, {1, 3, 2, 4, 3, 1},
	{3, 1, 2, 3, 4, 2}, {2, 2, 3, 1, 3, 3}, {4, 3, 1, 2, 3, 3}, {3, 2, 0, 3, 1, 2},
}

// BenchmarkNB201SupernetStep is one single-path SGD step of the NAS-Bench-201
// supernet of the scaled weight-sharing preset (C = 16, N = 2, batch 64 of 32×32
// images; Nesterov momentum, weight decay, clipping), the path changing every step
// among 8 architectures whose graphs are compiled (steady state of a search).
func BenchmarkNB201SupernetStep(b *testing.B) {
	net := cells.NB201Network{Channels: 16, CellsPerStage: 2, ImageSize: 32, ImageChannels: 3}
	sn, err := nb201search.NewSupernet(backend(), net, 10, 1, nb201search.TrainConfig{
		LRMax: 0.025, LRMin: 0.001, Momentum: 0.9, WeightDecay: 5e-4, ClipNorm: 5, TotalSteps: 10000})
	if err != nil {
		b.Fatal(err)
	}
	defer sn.Close()
	images := randomTensor(8, 64, 32, 32, 3)
	labels := make([]int32, 64)
	for i := range labels {
		labels[i] = int32(i % 10)
	}
	step := func(i int) {
		x, err := images.LocalClone()
		if err != nil {
			b.Fatal(err)
		}
		y := tensors.FromFlatDataAndDimensions(append([]int32(nil), labels...), 64, 1)
		a := nas.Arch{Space: "nb201", Choices: nb201BenchArchs[i%len(nb201BenchArchs)]}
		if _, _, err := sn.TrainStep(a, x, y); err != nil {
			b.Fatal(err)
		}
	}
	for i := range nb201BenchArchs {
		step(i) // compile every path
	}
	b.ResetTimer()
	i := 0
	for b.Loop() {
		step(i)
		i++
	}
	reportPeak(b)
}
