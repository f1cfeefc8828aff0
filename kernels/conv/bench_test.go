package conv

import (
	"math/rand"
	"syscall"
	"testing"
	"time"

	"github.com/gomlx/compute/dtypes"
	"github.com/gomlx/compute/shapes"
)

// Benchmarks on the sizes of a small CNN layer: batch 64, 32×32 images,
// 32 channels (NHWC unless stated). The gradient benchmarks run exactly the
// ConvGeneral calls of GoMLX v0.28.2's VJP ("gomlx") or XLA/JAX's ("xla",
// the one grouped convolutions should use).

func benchConv(b *testing.B, p Params, xS, kS shapes.Shape) {
	b.Helper()
	rng := rand.New(rand.NewSource(1))
	xS.DType, kS.DType = dtypes.Float32, dtypes.Float32
	outS, err := OutputShape(xS, kS, p)
	if err != nil {
		b.Fatal(err)
	}
	x := toF32(randFloats(rng, xS.Size()))
	k := toF32(randFloats(rng, kS.Size()))
	out := make([]float32, outS.Size())
	if err := Float32(p, x, xS, k, kS, out, outS); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	cpu0 := cpuTime()
	for range b.N {
		_ = Float32(p, x, xS, k, kS, out, outS)
	}
	b.ReportMetric(float64(b.Elapsed().Microseconds())/1000/float64(b.N), "ms/op")
	// CPU time of the process (all threads): less sensitive than wall time
	// to other jobs sharing the machine.
	b.ReportMetric((cpuTime()-cpu0).Seconds()*1000/float64(b.N), "cpu-ms/op")
}

// cpuTime returns the user+system CPU time consumed by the process.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// benchLayer benchmarks the forward pass or one of the two gradients of the
// convolution tc.
func benchLayer(b *testing.B, tc tcase, which string, xla bool) {
	p, xs, ks := tc.build(dtypes.Float32)
	outS, err := OutputShape(xs, ks, p)
	if err != nil {
		b.Fatal(err)
	}
	switch which {
	case "fwd":
		benchConv(b, p, xs, ks)
	case "dx":
		if xla {
			px, kk := xlaInputGradCall(p, xs, ks, outS)
			benchConv(b, px, outS, kk)
			return
		}
		px := gomlxVJPWrtX(p.Axes, xs, ks, outS, p.Strides, p.Paddings, p.KernelDilations)
		kk := ks.Clone()
		if p.ChannelGroupCount > 1 {
			b.Skip("GoMLX splits grouped convolutions per group")
		}
		benchConv(b, px, outS, kk)
	case "dk":
		if xla {
			benchConv(b, xlaKernelGradCall(p, xs, ks, outS), xs, outS)
			return
		}
		if p.ChannelGroupCount > 1 {
			b.Skip("GoMLX splits grouped convolutions per group")
		}
		benchConv(b, gomlxVJPWrtKernel(p.Axes, xs, ks, outS, p.Strides, p.Paddings, p.KernelDilations), xs, outS)
	}
}

// xlaInputGradCall returns the parameters and kernel shape of the XLA-style
// input-gradient call (see xlaGrads).
func xlaInputGradCall(p Params, xS, kS, outS shapes.Shape) (Params, shapes.Shape) {
	x := tensor{s: xS, v: make([]float64, xS.Size())}
	k := tensor{s: kS, v: make([]float64, kS.Size())}
	v := tensor{s: outS, v: make([]float64, outS.Size())}
	var px Params
	var kk shapes.Shape
	xlaCalls(p, x, k, v, func(q Params, _, kt tensor) { px, kk = q, kt.s }, nil)
	return px, kk
}

// xlaKernelGradCall returns the parameters of the XLA-style kernel-gradient
// call (see xlaGrads).
func xlaKernelGradCall(p Params, xS, kS, outS shapes.Shape) Params {
	x := tensor{s: xS, v: make([]float64, xS.Size())}
	k := tensor{s: kS, v: make([]float64, kS.Size())}
	v := tensor{s: outS, v: make([]float64, outS.Size())}
	var pk Params
	xlaCalls(p, x, k, v, nil, func(q Params, _, _ tensor) { pk = q })
	return pk
}

var (
	layer3x3 = tcase{B: 64, C: 32, O: 32, in: []int{32, 32}, k: []int{3, 3}, pad: same2(3, 3)}
	layerS2  = tcase{B: 64, C: 32, O: 32, in: []int{32, 32}, k: []int{3, 3}, stride: []int{2, 2}, pad: same2(3, 3)}
	dw3x3    = tcase{B: 64, C: 32, O: 32, in: []int{32, 32}, k: []int{3, 3}, cg: 32, pad: same2(3, 3)}
	dw5x5    = tcase{B: 64, C: 32, O: 32, in: []int{32, 32}, k: []int{5, 5}, cg: 32, pad: same2(5, 5)}
	dw3x3m2  = tcase{B: 64, C: 32, O: 64, in: []int{32, 32}, k: []int{3, 3}, cg: 32, pad: same2(3, 3)}
)

func nchwCase(tc tcase) tcase {
	nd := len(tc.in)
	tc.inPerm, tc.kPerm, tc.outPerm = channelsFirstPerm(nd, false), channelsFirstPerm(nd, true), channelsFirstPerm(nd, false)
	return tc
}

func BenchmarkConv3x3Fwd(b *testing.B)          { benchLayer(b, layer3x3, "fwd", false) }
func BenchmarkConv3x3InputGrad(b *testing.B)    { benchLayer(b, layer3x3, "dx", false) }
func BenchmarkConv3x3KernelGrad(b *testing.B)   { benchLayer(b, layer3x3, "dk", false) }
func BenchmarkConv3x3S2Fwd(b *testing.B)        { benchLayer(b, layerS2, "fwd", false) }
func BenchmarkConv3x3S2InputGrad(b *testing.B)  { benchLayer(b, layerS2, "dx", false) }
func BenchmarkConv3x3S2KernelGrad(b *testing.B) { benchLayer(b, layerS2, "dk", false) }

func BenchmarkConv3x3NCHWFwd(b *testing.B)        { benchLayer(b, nchwCase(layer3x3), "fwd", false) }
func BenchmarkConv3x3NCHWInputGrad(b *testing.B)  { benchLayer(b, nchwCase(layer3x3), "dx", false) }
func BenchmarkConv3x3NCHWKernelGrad(b *testing.B) { benchLayer(b, nchwCase(layer3x3), "dk", false) }

func BenchmarkDepthwise3x3Fwd(b *testing.B)          { benchLayer(b, dw3x3, "fwd", true) }
func BenchmarkDepthwise3x3InputGrad(b *testing.B)    { benchLayer(b, dw3x3, "dx", true) }
func BenchmarkDepthwise3x3KernelGrad(b *testing.B)   { benchLayer(b, dw3x3, "dk", true) }
func BenchmarkDepthwise5x5Fwd(b *testing.B)          { benchLayer(b, dw5x5, "fwd", true) }
func BenchmarkDepthwise5x5InputGrad(b *testing.B)    { benchLayer(b, dw5x5, "dx", true) }
func BenchmarkDepthwise5x5KernelGrad(b *testing.B)   { benchLayer(b, dw5x5, "dk", true) }
func BenchmarkDepthwise3x3M2Fwd(b *testing.B)        { benchLayer(b, dw3x3m2, "fwd", true) }
func BenchmarkDepthwise3x3M2InputGrad(b *testing.B)  { benchLayer(b, dw3x3m2, "dx", true) }
func BenchmarkDepthwise3x3M2KernelGrad(b *testing.B) { benchLayer(b, dw3x3m2, "dk", true) }
func BenchmarkDepthwise3x3NCHWFwd(b *testing.B)      { benchLayer(b, nchwCase(dw3x3), "fwd", true) }

// benchPerGroup benchmarks the ConvGeneral calls GoMLX v0.28.2 makes for
// the gradients of a grouped convolution: one call per group on the
// group's slices (the Split/Concatenate around them is not included).
func benchPerGroup(b *testing.B, tc tcase, which string) {
	p, xs, ks := tc.build(dtypes.Float32)
	outS, _ := OutputShape(xs, ks, p)
	g := p.ChannelGroupCount
	a := p.Axes
	slice := func(s shapes.Shape, axis int) shapes.Shape {
		s = s.Clone()
		s.Dimensions[axis] /= g
		return s
	}
	xg, kg, vg := slice(xs, a.InputChannels), slice(ks, a.KernelOutputChannels), slice(outS, a.OutputChannels)
	q := p
	q.ChannelGroupCount = 1
	var call Params
	var in, ker shapes.Shape
	if which == "dx" {
		call, in, ker = gomlxVJPWrtX(a, xg, kg, vg, q.Strides, q.Paddings, q.KernelDilations), vg, kg
	} else {
		call, in, ker = gomlxVJPWrtKernel(a, xg, kg, vg, q.Strides, q.Paddings, q.KernelDilations), xg, vg
	}
	outG, err := OutputShape(in, ker, call)
	if err != nil {
		b.Fatal(err)
	}
	rng := rand.New(rand.NewSource(1))
	x := toF32(randFloats(rng, in.Size()))
	k := toF32(randFloats(rng, ker.Size()))
	out := make([]float32, outG.Size())
	b.ResetTimer()
	cpu0 := cpuTime()
	for range b.N {
		for range g {
			_ = Float32(call, x, in, k, ker, out, outG)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Microseconds())/1000/float64(b.N), "ms/op")
	b.ReportMetric((cpuTime()-cpu0).Seconds()*1000/float64(b.N), "cpu-ms/op")
}

func BenchmarkDepthwise3x3GoMLXPerGroupInputGrad(b *testing.B)  { benchPerGroup(b, dw3x3, "dx") }
func BenchmarkDepthwise3x3GoMLXPerGroupKernelGrad(b *testing.B) { benchPerGroup(b, dw3x3, "dk") }

var layerWide = tcase{B: 16, C: 128, O: 128, in: []int{16, 16}, k: []int{3, 3}, pad: same2(3, 3)}

func BenchmarkConv3x3Wide128Fwd(b *testing.B)       { benchLayer(b, layerWide, "fwd", false) }
func BenchmarkConv3x3Wide128InputGrad(b *testing.B) { benchLayer(b, layerWide, "dx", false) }
func BenchmarkConv3x3Wide128KernelGrad(b *testing.B) {
	benchLayer(b, layerWide, "dk", false)
}
