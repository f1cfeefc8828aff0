package batchnorm

import "fmt"

// layout views a tensor as [outer, c, inner] around its feature axis.
type layout struct {
	outer, c, inner int
	n               int // elements per channel: outer*inner
}

// newLayout checks shape, featureAxis and the lengths of the per-element and
// per-channel slices, and returns the layout.
func newLayout(op string, shape []int, featureAxis int, perElement []int, perChannel []int) layout {
	if featureAxis < 0 || featureAxis >= len(shape) {
		panic(fmt.Sprintf("batchnorm.%s: featureAxis %d out of range for shape %v", op, featureAxis, shape))
	}
	l := layout{outer: 1, c: shape[featureAxis], inner: 1}
	for a, d := range shape {
		if d < 0 {
			panic(fmt.Sprintf("batchnorm.%s: negative dimension in shape %v", op, shape))
		}
		if a < featureAxis {
			l.outer *= d
		} else if a > featureAxis {
			l.inner *= d
		}
	}
	l.n = l.outer * l.inner
	for _, n := range perElement {
		if n != l.outer*l.c*l.inner {
			panic(fmt.Sprintf("batchnorm.%s: per-element slice of length %d for shape %v", op, n, shape))
		}
	}
	for _, n := range perChannel {
		if n != l.c {
			panic(fmt.Sprintf("batchnorm.%s: per-channel slice of length %d, want %d (shape %v, featureAxis %d)", op, n, l.c, shape, featureAxis))
		}
	}
	return l
}

// blockElements is the size, in elements, of the blocks in which statistics are
// accumulated before the blocks are summed in order.
var blockElements = 1 << 16 // a variable so that tests can use small blocks

// blockedSums returns nOut per-channel float64 sums (laid out [nOut][c]): kernel
// accumulates the sums of the outer indices [o0, o1) into acc (zeroed, [nOut][c]).
// The outer axis is cut into fixed blocks whose partial sums are added in
// order, so the result does not depend on how blocks are spread over goroutines.
func blockedSums(l layout, nOut int, kernel func(o0, o1 int, acc []float64)) []float64 {
	width := nOut * l.c
	sums := make([]float64, width)
	if l.outer == 0 || l.c == 0 {
		return sums
	}
	perOuter := max(1, l.c*l.inner)
	bo := max(1, blockElements/perOuter) // outer indices per block
	nb := (l.outer + bo - 1) / bo
	if nb == 1 {
		kernel(0, l.outer, sums)
		return sums
	}
	partial := make([]float64, nb*width)
	parallelFor(nb, l.outer*perOuter, func(b0, b1 int) {
		for b := b0; b < b1; b++ {
			kernel(b*bo, min(l.outer, (b+1)*bo), partial[b*width:(b+1)*width])
		}
	})
	for b := range nb {
		p := partial[b*width : (b+1)*width]
		for i, v := range p {
			sums[i] += v
		}
	}
	return sums
}

// sumRun returns the float64 sum of run, with four accumulators.
func sumRun[T Float](run []T) float64 {
	var s0, s1, s2, s3 float64
	i := 0
	for ; i+4 <= len(run); i += 4 {
		r := run[i : i+4 : i+4]
		s0 += float64(r[0])
		s1 += float64(r[1])
		s2 += float64(r[2])
		s3 += float64(r[3])
	}
	for ; i < len(run); i++ {
		s0 += float64(run[i])
	}
	return (s0 + s1) + (s2 + s3)
}

// sumSqDevRun returns Σ (run[i]-m)² in float64, with four accumulators.
func sumSqDevRun[T Float](run []T, m float64) float64 {
	var s0, s1, s2, s3 float64
	i := 0
	for ; i+4 <= len(run); i += 4 {
		r := run[i : i+4 : i+4]
		d0, d1, d2, d3 := float64(r[0])-m, float64(r[1])-m, float64(r[2])-m, float64(r[3])-m
		s0 += d0 * d0
		s1 += d1 * d1
		s2 += d2 * d2
		s3 += d3 * d3
	}
	for ; i < len(run); i++ {
		d := float64(run[i]) - m
		s0 += d * d
	}
	return (s0 + s1) + (s2 + s3)
}

// gradSumsRun returns Σ dy and Σ dy*(x-m) in float64.
func gradSumsRun[T Float](x, dy []T, m float64) (sdy, sdyx float64) {
	dy = dy[:len(x)]
	var a0, a1, b0, b1 float64
	i := 0
	for ; i+2 <= len(x); i += 2 {
		g0, g1 := float64(dy[i]), float64(dy[i+1])
		a0 += g0
		a1 += g1
		b0 += g0 * (float64(x[i]) - m)
		b1 += g1 * (float64(x[i+1]) - m)
	}
	for ; i < len(x); i++ {
		g := float64(dy[i])
		a0 += g
		b0 += g * (float64(x[i]) - m)
	}
	return a0 + a1, b0 + b1
}

// channelSums returns Σ x per channel.
func channelSums[T Float](l layout, x []T) []float64 {
	c, inner := l.c, l.inner
	return blockedSums(l, 1, func(o0, o1 int, acc []float64) {
		if inner == 1 {
			acc = acc[:c]
			if x32, ok := any(x).([]float32); ok && useAVX512 && c > 0 && o1 > o0 {
				x32 = x32[o0*c : o1*c]
				sumsAVX512(&acc[0], &x32[0], o1-o0, c)
				return
			}
			for o := o0; o < o1; o++ {
				row := x[o*c : (o+1)*c]
				acc := acc[:len(row)]
				for k, v := range row {
					acc[k] += float64(v)
				}
			}
			return
		}
		for o := o0; o < o1; o++ {
			for k := range c {
				base := (o*c + k) * inner
				acc[k] += sumRun(x[base : base+inner])
			}
		}
	})
}

// channelSqDevSums returns Σ (x-mean)² per channel.
func channelSqDevSums[T Float](l layout, x []T, mean []float64) []float64 {
	c, inner := l.c, l.inner
	return blockedSums(l, 1, func(o0, o1 int, acc []float64) {
		if inner == 1 {
			acc = acc[:c]
			mean := mean[:c]
			if x32, ok := any(x).([]float32); ok && useAVX512 && c > 0 && o1 > o0 {
				x32 = x32[o0*c : o1*c]
				sqDevSumsAVX512(&acc[0], &x32[0], &mean[0], o1-o0, c)
				return
			}
			for o := o0; o < o1; o++ {
				row := x[o*c : (o+1)*c]
				acc := acc[:len(row)]
				mean := mean[:len(row)]
				for k, v := range row {
					d := float64(v) - mean[k]
					acc[k] += d * d
				}
			}
			return
		}
		for o := o0; o < o1; o++ {
			for k := range c {
				base := (o*c + k) * inner
				acc[k] += sumSqDevRun(x[base:base+inner], mean[k])
			}
		}
	})
}

// channelGradSums returns Σ dy per channel followed by Σ dy*(x-mean) per channel.
func channelGradSums[T Float](l layout, x, dy []T, mean []float64) []float64 {
	c, inner := l.c, l.inner
	return blockedSums(l, 2, func(o0, o1 int, acc []float64) {
		sdy, sdyx := acc[:c], acc[c:2*c]
		if inner == 1 {
			mean := mean[:c]
			if x32, ok := any(x).([]float32); ok && useAVX512 && c > 0 && o1 > o0 {
				x32, dy32 := x32[o0*c:o1*c], any(dy).([]float32)[o0*c:o1*c]
				gradSumsAVX512(&sdy[0], &sdyx[0], &x32[0], &dy32[0], &mean[0], o1-o0, c)
				return
			}
			for o := o0; o < o1; o++ {
				xr := x[o*c : (o+1)*c]
				gr := dy[o*c : (o+1)*c]
				gr = gr[:len(xr)]
				sdy := sdy[:len(xr)]
				sdyx := sdyx[:len(xr)]
				mean := mean[:len(xr)]
				for k, v := range xr {
					g := float64(gr[k])
					sdy[k] += g
					sdyx[k] += g * (float64(v) - mean[k])
				}
			}
			return
		}
		for o := o0; o < o1; o++ {
			for k := range c {
				base := (o*c + k) * inner
				a, b := gradSumsRun(x[base:base+inner], dy[base:base+inner], mean[k])
				sdy[k] += a
				sdyx[k] += b
			}
		}
	})
}

// affine sets out = (x - m[k])*a[k] + b[k] per channel k, in T arithmetic.
func affine[T Float](l layout, x []T, m, a, b []T, out []T) {
	c, inner := l.c, l.inner
	if len(x) == 0 {
		return
	}
	parallelFor(l.outer, len(x), func(o0, o1 int) {
		if inner == 1 {
			m, a, b := m[:c], a[:c], b[:c]
			if x32, ok := any(x).([]float32); ok && useAVX512 && c > 0 && o1 > o0 {
				x32, y32 := x32[o0*c:o1*c], any(out).([]float32)[o0*c:o1*c]
				m32, a32, b32 := any(m).([]float32), any(a).([]float32), any(b).([]float32)
				affineAVX512(&y32[0], &x32[0], &m32[0], &a32[0], &b32[0], o1-o0, c)
				return
			}
			for o := o0; o < o1; o++ {
				xr := x[o*c : (o+1)*c]
				yr := out[o*c : (o+1)*c]
				yr = yr[:len(xr)]
				m, a, b := m[:len(xr)], a[:len(xr)], b[:len(xr)]
				for k, v := range xr {
					yr[k] = (v-m[k])*a[k] + b[k]
				}
			}
			return
		}
		for o := o0; o < o1; o++ {
			for k := range c {
				base := (o*c + k) * inner
				xr := x[base : base+inner]
				yr := out[base : base+inner]
				yr = yr[:len(xr)]
				mk, ak, bk := m[k], a[k], b[k]
				for i, v := range xr {
					yr[i] = (v-mk)*ak + bk
				}
			}
		}
	})
}
