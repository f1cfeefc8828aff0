package conv

import (
	"math/rand"
	"runtime"
	"testing"

	"github.com/gomlx/compute/dtypes"
	"github.com/gomlx/compute/shapes"
)

func same2(kh, kw int) [][2]int { return [][2]int{{(kh - 1) / 2, kh / 2}, {(kw - 1) / 2, kw / 2}} }

// oddPerm is an unusual layout: spatial axes reversed and interleaved with
// the batch and channel axes.
func oddPerm(nd int) []int {
	p := []int{}
	for d := nd - 1; d >= 0; d-- {
		p = append(p, 2+d)
		if d == nd-1 {
			p = append(p, 1)
		}
	}
	return append(p, 0)
}

func TestConvCases(t *testing.T) {
	cases := []tcase{
		{name: "1d", B: 3, C: 5, O: 7, in: []int{11}, k: []int{3}},
		{name: "1d-stride2-same", B: 2, C: 3, O: 5, in: []int{13}, k: []int{4}, stride: []int{2}, pad: [][2]int{{1, 2}}},
		{name: "2d-valid", B: 3, C: 5, O: 7, in: []int{9, 11}, k: []int{3, 3}},
		{name: "2d-same", B: 2, C: 3, O: 6, in: []int{7, 9}, k: []int{3, 5}, pad: same2(3, 5)},
		{name: "2d-stride2", B: 3, C: 7, O: 5, in: []int{11, 9}, k: []int{3, 3}, stride: []int{2, 2}, pad: same2(3, 3)},
		{name: "2d-stride-mixed", B: 2, C: 4, O: 3, in: []int{10, 13}, k: []int{2, 3}, stride: []int{3, 2}},
		{name: "2d-kdil2", B: 2, C: 5, O: 3, in: []int{11, 9}, k: []int{3, 3}, kDil: []int{2, 2}, pad: [][2]int{{2, 2}, {2, 2}}},
		{name: "2d-indil2", B: 2, C: 3, O: 5, in: []int{5, 7}, k: []int{3, 3}, inDil: []int{2, 2}, pad: [][2]int{{2, 2}, {1, 2}}},
		{name: "2d-indil3-stride2", B: 2, C: 3, O: 4, in: []int{5, 6}, k: []int{4, 3}, inDil: []int{3, 2}, stride: []int{2, 3}, pad: [][2]int{{1, 0}, {2, 1}}},
		{name: "2d-indil-kdil", B: 1, C: 2, O: 3, in: []int{6, 5}, k: []int{3, 2}, inDil: []int{2, 3}, kDil: []int{3, 2}, pad: [][2]int{{2, 1}, {0, 3}}},
		{name: "2d-negpad", B: 2, C: 3, O: 4, in: []int{12, 11}, k: []int{3, 3}, pad: [][2]int{{-2, -1}, {-1, 1}}},
		{name: "2d-negpad-indil", B: 2, C: 3, O: 4, in: []int{7, 6}, k: []int{3, 3}, inDil: []int{2, 2}, pad: [][2]int{{-1, -2}, {-3, 2}}},
		{name: "2d-bigpad", B: 1, C: 2, O: 3, in: []int{3, 4}, k: []int{3, 2}, pad: [][2]int{{5, 4}, {3, 6}}},
		{name: "3d", B: 2, C: 3, O: 5, in: []int{5, 6, 7}, k: []int{3, 2, 3}, pad: [][2]int{{1, 1}, {0, 1}, {1, 1}}},
		{name: "3d-stride-dil", B: 2, C: 3, O: 2, in: []int{7, 6, 9}, k: []int{2, 3, 2}, stride: []int{2, 1, 3}, kDil: []int{1, 2, 2}},
		{name: "3d-indil", B: 1, C: 2, O: 3, in: []int{3, 4, 3}, k: []int{2, 3, 3}, inDil: []int{2, 1, 3}, pad: [][2]int{{1, 1}, {1, 1}, {2, 2}}},
		{name: "nchw", B: 3, C: 5, O: 7, in: []int{9, 8}, k: []int{3, 3}, pad: same2(3, 3),
			inPerm: channelsFirstPerm(2, false), kPerm: channelsFirstPerm(2, true), outPerm: channelsFirstPerm(2, false)},
		{name: "nchw-stride2", B: 2, C: 3, O: 4, in: []int{9, 10}, k: []int{3, 3}, stride: []int{2, 2}, pad: same2(3, 3),
			inPerm: channelsFirstPerm(2, false), kPerm: channelsFirstPerm(2, true), outPerm: channelsFirstPerm(2, false)},
		{name: "mixed-layouts", B: 2, C: 3, O: 5, in: []int{7, 9}, k: []int{3, 2}, stride: []int{1, 2},
			inPerm: channelsFirstPerm(2, false), kPerm: channelsLastPerm(2, true), outPerm: oddPerm(2)},
		{name: "odd-layouts", B: 3, C: 5, O: 4, in: []int{8, 7}, k: []int{2, 3}, pad: [][2]int{{1, 0}, {1, 1}},
			inPerm: oddPerm(2), kPerm: []int{2, 1, 3, 0}, outPerm: []int{3, 0, 2, 1}},
		{name: "odd-layouts-3d", B: 2, C: 3, O: 4, in: []int{4, 5, 6}, k: []int{2, 2, 3},
			inPerm: oddPerm(3), kPerm: []int{4, 1, 2, 0, 3}, outPerm: []int{1, 4, 0, 3, 2}},
		{name: "groups2", B: 2, C: 6, O: 10, in: []int{7, 9}, k: []int{3, 3}, cg: 2, pad: same2(3, 3)},
		{name: "groups3-stride2", B: 2, C: 9, O: 6, in: []int{9, 8}, k: []int{3, 3}, cg: 3, stride: []int{2, 2}},
		{name: "groups2-nchw", B: 2, C: 6, O: 4, in: []int{7, 9}, k: []int{3, 3}, cg: 2, pad: same2(3, 3),
			inPerm: channelsFirstPerm(2, false), kPerm: channelsFirstPerm(2, true), outPerm: channelsFirstPerm(2, false)},
		{name: "groups2-indil", B: 2, C: 4, O: 6, in: []int{5, 6}, k: []int{3, 3}, cg: 2, inDil: []int{2, 2}, pad: [][2]int{{2, 2}, {2, 2}}},
		{name: "depthwise", B: 2, C: 7, O: 7, in: []int{9, 11}, k: []int{3, 3}, cg: 7, pad: same2(3, 3)},
		{name: "depthwise-big", B: 2, C: 37, O: 37, in: []int{9, 11}, k: []int{3, 3}, cg: 37, pad: same2(3, 3)},
		{name: "depthwise-5x5-stride2", B: 2, C: 19, O: 19, in: []int{11, 12}, k: []int{5, 5}, cg: 19, stride: []int{2, 2}, pad: same2(5, 5)},
		{name: "depthwise-32", B: 2, C: 32, O: 32, in: []int{7, 9}, k: []int{3, 3}, cg: 32, pad: same2(3, 3)},
		{name: "depthwise-64-s2", B: 1, C: 64, O: 64, in: []int{9, 8}, k: []int{3, 3}, cg: 64, stride: []int{2, 2}, pad: same2(3, 3)},
		{name: "depthwise-16x2", B: 2, C: 16, O: 32, in: []int{7, 9}, k: []int{5, 5}, cg: 16, pad: same2(5, 5)},
		{name: "depthwise-mult2", B: 2, C: 5, O: 10, in: []int{9, 8}, k: []int{3, 3}, cg: 5, pad: same2(3, 3)},
		{name: "depthwise-mult2-batch9", B: 9, C: 5, O: 10, in: []int{6, 7}, k: []int{3, 3}, cg: 5, pad: same2(3, 3)},
		{name: "depthwise-mult5", B: 2, C: 3, O: 15, in: []int{7, 6}, k: []int{3, 3}, cg: 3, pad: same2(3, 3)},
		{name: "batch1-small", B: 1, C: 16, O: 16, in: []int{8, 8}, k: []int{3, 3}, pad: same2(3, 3)},
		{name: "batch1-global", B: 1, C: 9, O: 5, in: []int{6, 7}, k: []int{6, 7}},
		{name: "depthwise-mult3-kdil", B: 2, C: 6, O: 18, in: []int{9, 8}, k: []int{3, 3}, cg: 6, kDil: []int{2, 2}, pad: [][2]int{{2, 2}, {2, 2}}},
		{name: "depthwise-indil", B: 2, C: 17, O: 17, in: []int{5, 6}, k: []int{3, 3}, cg: 17, inDil: []int{2, 2}, pad: [][2]int{{1, 2}, {2, 1}}},
		{name: "depthwise-nchw", B: 2, C: 5, O: 10, in: []int{7, 9}, k: []int{3, 3}, cg: 5, pad: same2(3, 3),
			inPerm: channelsFirstPerm(2, false), kPerm: channelsFirstPerm(2, true), outPerm: channelsFirstPerm(2, false)},
		{name: "depthwise-1d", B: 3, C: 20, O: 20, in: []int{17}, k: []int{5}, cg: 20, pad: [][2]int{{2, 2}}},
		{name: "depthwise-3d", B: 2, C: 18, O: 36, in: []int{5, 4, 6}, k: []int{3, 3, 2}, cg: 18, pad: [][2]int{{1, 1}, {1, 1}, {0, 1}}},
		{name: "grouped-reduce", B: 2, C: 12, O: 6, in: []int{7, 6}, k: []int{3, 3}, cg: 6, pad: same2(3, 3)},
		{name: "grouped-reduce-indil", B: 2, C: 34, O: 17, in: []int{5, 6}, k: []int{3, 3}, cg: 17, inDil: []int{2, 2}, pad: [][2]int{{2, 2}, {2, 1}}},
		{name: "single-channel", B: 3, C: 1, O: 1, in: []int{9, 8}, k: []int{3, 3}, pad: same2(3, 3)},
		{name: "one-output-channel", B: 2, C: 21, O: 1, in: []int{7, 8}, k: []int{3, 3}},
		{name: "batchgroups2", B: 6, C: 3, O: 4, in: []int{7, 8}, k: []int{3, 3}, bg: 2, pad: same2(3, 3)},
		{name: "batchgroups3-nchw", B: 6, C: 4, O: 6, in: []int{7, 8}, k: []int{2, 3}, bg: 3,
			inPerm: channelsFirstPerm(2, false), kPerm: channelsFirstPerm(2, true), outPerm: channelsFirstPerm(2, false)},
		{name: "batchgroups-depthwise-grad-shape", B: 6, C: 5, O: 12, in: []int{9, 8}, k: []int{7, 6}, bg: 6,
			inPerm: []int{1, 2, 3, 0}, kPerm: []int{0, 2, 3, 1}, outPerm: []int{2, 3, 0, 1}},
		{name: "dual-shape", B: 4, C: 6, O: 5, in: []int{9, 10}, k: []int{8, 9},
			inPerm: []int{1, 2, 3, 0}, kPerm: []int{0, 2, 3, 1}, outPerm: []int{2, 3, 0, 1}},
		{name: "dual-shape-nchw", B: 4, C: 6, O: 5, in: []int{9, 10}, k: []int{8, 9},
			inPerm: []int{1, 0, 2, 3}, kPerm: []int{0, 1, 2, 3}, outPerm: []int{1, 0, 2, 3}},
		{name: "1x1", B: 3, C: 5, O: 7, in: []int{9, 11}, k: []int{1, 1}},
		{name: "1x1-groups", B: 3, C: 6, O: 4, in: []int{5, 7}, k: []int{1, 1}, cg: 2},
		{name: "1x1-batchgroups", B: 6, C: 6, O: 4, in: []int{5, 7}, k: []int{1, 1}, bg: 2},
		{name: "1x1-stride2", B: 3, C: 5, O: 7, in: []int{9, 11}, k: []int{1, 1}, stride: []int{2, 2}},
		{name: "dual-identity", B: 4, C: 6, O: 5, in: []int{9, 10}, k: []int{9, 10},
			inPerm: []int{1, 2, 3, 0}, kPerm: []int{0, 2, 3, 1}, outPerm: []int{2, 3, 0, 1}},
		{name: "dual-identity-bg", B: 4, C: 6, O: 6, in: []int{9, 10}, k: []int{9, 10}, bg: 2,
			inPerm: []int{1, 2, 3, 0}, kPerm: []int{0, 2, 3, 1}, outPerm: []int{2, 3, 0, 1}},
		{name: "big-channels", B: 2, C: 67, O: 45, in: []int{6, 7}, k: []int{3, 3}, pad: same2(3, 3)},
		{name: "wide-channels", B: 3, C: 40, O: 24, in: []int{13, 15}, k: []int{3, 3}, pad: same2(3, 3)},
		{name: "wide-channels-dual", B: 2, C: 40, O: 24, in: []int{13, 15}, k: []int{11, 13},
			inPerm: []int{1, 2, 3, 0}, kPerm: []int{0, 2, 3, 1}, outPerm: []int{2, 3, 0, 1}},
		{name: "many-rows", B: 5, C: 3, O: 4, in: []int{31, 29}, k: []int{3, 3}, pad: same2(3, 3)},
	}
	for i, tc := range cases {
		t.Run(tc.name, func(t *testing.T) { runCase(t, tc, int64(i+1)) })
	}
}

// randomCase draws a valid convolution with small odd sizes.
func randomCase(rng *rand.Rand) tcase {
	for {
		nd := 1 + rng.Intn(3)
		tc := tcase{name: "random", B: 1 + rng.Intn(4), in: make([]int, nd), k: make([]int, nd),
			stride: make([]int, nd), inDil: make([]int, nd), kDil: make([]int, nd), pad: make([][2]int, nd)}
		groups := 1 + rng.Intn(3)
		switch rng.Intn(4) {
		case 0:
			tc.cg = groups
		case 1:
			tc.bg = groups
			tc.B *= groups
		case 2: // depthwise-like
			tc.cg = 1 + rng.Intn(6)
		}
		cg, bg := max(tc.cg, 1), max(tc.bg, 1)
		tc.C = cg * (1 + rng.Intn(3))
		tc.O = cg * bg * (1 + rng.Intn(3))
		for d := 0; d < nd; d++ {
			tc.in[d] = 1 + rng.Intn(7)
			tc.k[d] = 1 + rng.Intn(4)
			tc.stride[d] = 1 + rng.Intn(3)
			tc.inDil[d] = 1 + rng.Intn(3)*rng.Intn(2)
			tc.kDil[d] = 1 + rng.Intn(3)*rng.Intn(2)
			tc.pad[d] = [2]int{rng.Intn(6) - 2, rng.Intn(6) - 2}
		}
		tc.inPerm = rng.Perm(nd + 2)
		tc.kPerm = rng.Perm(nd + 2)
		tc.outPerm = rng.Perm(nd + 2)
		p, inS, kS := tc.build(dtypes.Float64)
		if _, err := OutputShape(inS, kS, p); err == nil {
			return tc
		}
	}
}

// randomWideCase is randomCase with more channels (exercising the vector
// loops and their tails) and larger images, but no odd layouts.
func randomWideCase(rng *rand.Rand) tcase {
	for {
		tc := randomCase(rng)
		tc.inPerm, tc.kPerm, tc.outPerm = nil, nil, nil
		if rng.Intn(2) == 0 {
			nd := len(tc.in)
			tc.inPerm, tc.kPerm, tc.outPerm = channelsFirstPerm(nd, false), channelsFirstPerm(nd, true), channelsFirstPerm(nd, false)
		}
		cg, bg := max(tc.cg, 1), max(tc.bg, 1)
		f := 1 + rng.Intn(40)
		if cg > 1 && rng.Intn(2) == 0 {
			tc.cg = f // depthwise with many channels
			cg = f
			tc.C = f * (1 + rng.Intn(2))
			tc.O = f * (1 + rng.Intn(2))
		} else {
			tc.C = cg * (1 + rng.Intn(40/cg+1))
			tc.O = cg * bg * (1 + rng.Intn(40/(cg*bg)+1))
		}
		for d := range tc.in {
			tc.in[d] += rng.Intn(12)
		}
		p, inS, kS := tc.build(dtypes.Float64)
		if _, err := OutputShape(inS, kS, p); err == nil {
			return tc
		}
	}
}

func TestConvRandomWide(t *testing.T) {
	n := 300
	if testing.Short() {
		n = 60
	}
	rng := rand.New(rand.NewSource(43))
	for i := 0; i < n; i++ {
		tc := randomWideCase(rng)
		ok := t.Run("", func(t *testing.T) { runCase(t, tc, int64(i)) })
		if !ok {
			t.Fatalf("failed case: %s", tc)
		}
	}
}

func TestConvRandom(t *testing.T) {
	n := 1500
	if testing.Short() {
		n = 200
	}
	rng := rand.New(rand.NewSource(42))
	for i := 0; i < n; i++ {
		tc := randomCase(rng)
		ok := t.Run("", func(t *testing.T) { runCase(t, tc, int64(i)) })
		if !ok {
			t.Fatalf("failed case: %s", tc)
		}
	}
}

func TestErrors(t *testing.T) {
	tc := tcase{B: 2, C: 3, O: 4, in: []int{5, 5}, k: []int{3, 3}}
	p, inS, kS := tc.build(dtypes.Float32)
	outS, err := OutputShape(inS, kS, p)
	if err != nil {
		t.Fatal(err)
	}
	in := make([]float32, inS.Size())
	ker := make([]float32, kS.Size())
	out := make([]float32, outS.Size())
	if err := Float32(p, in, inS, ker, kS, out, outS); err != nil {
		t.Fatal(err)
	}
	if err := Float32(p, in[1:], inS, ker, kS, out, outS); err == nil {
		t.Error("short input accepted")
	}
	if err := Float32(p, in, inS, ker, kS, out, shapes.Make(dtypes.Float32, 2, 3, 3, 5)); err == nil {
		t.Error("wrong output shape accepted")
	}
	if err := Float64(p, make([]float64, inS.Size()), inS, make([]float64, kS.Size()), kS, make([]float64, outS.Size()), outS); err == nil {
		t.Error("float32 shapes accepted by Float64")
	}
	bad := p
	bad.ChannelGroupCount = 2
	if err := Float32(bad, in, inS, ker, kS, out, outS); err == nil {
		t.Error("invalid channel group count accepted")
	}
}

// TestThreadIndependence checks that results are bitwise identical with one
// and with several goroutines, on every algorithm.
func TestThreadIndependence(t *testing.T) {
	cases := []tcase{
		{name: "cl", B: 4, C: 8, O: 8, in: []int{12, 11}, k: []int{3, 3}, pad: same2(3, 3)},
		{name: "cl-phases", B: 4, C: 8, O: 8, in: []int{6, 7}, k: []int{3, 3}, inDil: []int{2, 2}, pad: [][2]int{{2, 2}, {2, 2}}},
		{name: "cld", B: 4, C: 6, O: 5, in: []int{19, 20}, k: []int{17, 18},
			inPerm: []int{1, 2, 3, 0}, kPerm: []int{0, 2, 3, 1}, outPerm: []int{2, 3, 0, 1}},
		{name: "depthwise", B: 4, C: 32, O: 32, in: []int{12, 11}, k: []int{3, 3}, cg: 32, pad: same2(3, 3)},
		{name: "depthwise-kgrad", B: 32, C: 6, O: 32, in: []int{12, 11}, k: []int{12, 11}, bg: 32, pad: same2(3, 3),
			inPerm: []int{1, 2, 3, 0}, kPerm: []int{0, 2, 3, 1}, outPerm: []int{2, 3, 0, 1}},
		{name: "nchw", B: 4, C: 8, O: 8, in: []int{40, 41}, k: []int{3, 3}, pad: same2(3, 3),
			inPerm: channelsFirstPerm(2, false), kPerm: channelsFirstPerm(2, true), outPerm: channelsFirstPerm(2, false)},
	}
	for _, tc := range cases {
		rng := rand.New(rand.NewSource(3))
		p, inS, kS := tc.build(dtypes.Float32)
		outS, err := OutputShape(inS, kS, p)
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		in := toF32(randFloats(rng, inS.Size()))
		ker := toF32(randFloats(rng, kS.Size()))
		var results [][]float32
		for _, procs := range []int{1, 2, 3} {
			old := runtime.GOMAXPROCS(procs)
			out := make([]float32, outS.Size())
			err := Float32(p, in, inS, ker, kS, out, outS)
			runtime.GOMAXPROCS(old)
			if err != nil {
				t.Fatalf("%s: %v", tc.name, err)
			}
			results = append(results, out)
		}
		for i := 1; i < len(results); i++ {
			for j := range results[0] {
				if results[i][j] != results[0][j] {
					t.Fatalf("%s: element %d differs between thread counts: %g vs %g", tc.name, j, results[0][j], results[i][j])
				}
			}
		}
	}
}
