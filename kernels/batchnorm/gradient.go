package batchnorm

import "math"

// Gradient semantics (XLA BatchNormGrad): given x, scale, the batch statistics
// mean and variance that BatchNormTraining computed from x, and gradY = ∂L/∂y,
// it returns the full gradient of L through BatchNormTraining, treating mean
// and variance as the functions of x that they are.
//
// Derivation, per channel, with N elements, σ = sqrt(variance+ε), x̂ = (x-mean)/σ
// and y = scale·x̂ + offset:
//
//	∂L/∂offset = Σ gradY
//	∂L/∂scale  = Σ gradY·x̂
//	∂L/∂x̂      = scale·gradY
//	∂L/∂var    = Σ scale·gradY·(x-mean)·(-½)σ⁻³
//	∂L/∂mean   = -scale·σ⁻¹·Σ gradY + ∂L/∂var·(-2/N)·Σ(x-mean)   (the last sum is 0)
//	∂L/∂xᵢ     = scale·gradYᵢ·σ⁻¹ + ∂L/∂var·2(xᵢ-mean)/N + ∂L/∂mean/N
//
// which simplifies to XLA's formula
//
//	gradX      = scale/σ · (gradY - mean(gradY) - (x-mean)/σ² · mean(gradY·(x-mean)))
//	gradScale  = Σ gradY·(x-mean)/σ
//	gradOffset = Σ gradY
//
// with the means and sums over the non-feature axes (Ioffe & Szegedy 2015,
// section 3). The sums are accumulated in float64 (one pass over x and gradY);
// gradX is computed in a second pass, in T, as k1·gradY + k2·(x-mean) + k3 with
// per-channel k1 = scale/σ, k2 = -scale/σ³·Σ gradY·(x-mean)/N and
// k3 = -scale/σ·Σ gradY/N computed in float64.

// Gradient computes XLA's BatchNormGrad: from x (shape shape, channels along
// featureAxis), the per-channel scale, mean and variance (the batch statistics
// of x, as returned by Training), gradY (same length as x) and epsilon, it
// writes gradX (same length as x; it may alias x or gradY) and the per-channel
// gradScale and gradOffset. It panics on inconsistent lengths.
func Gradient[T Float](x []T, shape []int, featureAxis int, scale, mean, variance, gradY []T, epsilon float64, gradX, gradScale, gradOffset []T) {
	l := newLayout("Gradient", shape, featureAxis, []int{len(x), len(gradY), len(gradX)},
		[]int{len(scale), len(mean), len(variance), len(gradScale), len(gradOffset)})
	c := l.c
	if c == 0 {
		return
	}
	m := make([]float64, c)
	for k := range m {
		m[k] = float64(mean[k])
	}
	sums := channelGradSums(l, x, gradY, m)
	sdy, sdyx := sums[:c], sums[c:]
	consts := make([]T, 4*c) // k1, k2, k3, mean (as T)
	k1, k2, k3, mT := consts[:c], consts[c:2*c], consts[2*c:3*c], consts[3*c:]
	n := float64(l.n)
	for k := range c {
		g := float64(scale[k])
		invStd := 1 / math.Sqrt(float64(variance[k])+epsilon)
		k1[k] = T(g * invStd)
		k2[k] = T(-g * invStd * invStd * invStd * sdyx[k] / n)
		k3[k] = T(-g * invStd * sdy[k] / n)
		mT[k] = mean[k]
		gradScale[k] = T(sdyx[k] * invStd)
		gradOffset[k] = T(sdy[k])
	}
	gradAffine(l, x, gradY, mT, k1, k2, k3, gradX)
}

// gradAffine sets gx = k1[k]*dy + k2[k]*(x - m[k]) + k3[k] per channel k.
func gradAffine[T Float](l layout, x, dy []T, m, k1, k2, k3 []T, gx []T) {
	c, inner := l.c, l.inner
	if len(x) == 0 {
		return
	}
	parallelFor(l.outer, 2*len(x), func(o0, o1 int) {
		if inner == 1 {
			m, k1, k2, k3 := m[:c], k1[:c], k2[:c], k3[:c]
			if x32, ok := any(x).([]float32); ok && useAVX512 && c > 0 && o1 > o0 {
				x32, dy32, gx32 := x32[o0*c:o1*c], any(dy).([]float32)[o0*c:o1*c], any(gx).([]float32)[o0*c:o1*c]
				m32, k132, k232, k332 := any(m).([]float32), any(k1).([]float32), any(k2).([]float32), any(k3).([]float32)
				gradAffineAVX512(&gx32[0], &x32[0], &dy32[0], &m32[0], &k132[0], &k232[0], &k332[0], o1-o0, c)
				return
			}
			for o := o0; o < o1; o++ {
				xr := x[o*c : (o+1)*c]
				gr := dy[o*c : (o+1)*c]
				out := gx[o*c : (o+1)*c]
				gr, out = gr[:len(xr)], out[:len(xr)]
				m, k1, k2, k3 := m[:len(xr)], k1[:len(xr)], k2[:len(xr)], k3[:len(xr)]
				for k, v := range xr {
					out[k] = k1[k]*gr[k] + k2[k]*(v-m[k]) + k3[k]
				}
			}
			return
		}
		for o := o0; o < o1; o++ {
			for k := range c {
				base := (o*c + k) * inner
				xr := x[base : base+inner]
				gr := dy[base : base+inner]
				out := gx[base : base+inner]
				gr, out = gr[:len(xr)], out[:len(xr)]
				a, b, d, mk := k1[k], k2[k], k3[k], m[k]
				for i, v := range xr {
					out[i] = a*gr[i] + b*(v-mk) + d
				}
			}
		}
	})
}
