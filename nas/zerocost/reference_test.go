package zerocost

import (
	"math"
	"math/rand/v2"
	"sort"
	"testing"

	"github.com/gomlx/compute/shapes"
	. "github.com/gomlx/gomlx/core/graph" //nolint:staticcheck
	"github.com/gomlx/gomlx/ml/model"
	"github.com/gonas/gonas/nas"
	"github.com/gonas/gonas/nas/data"
	"github.com/gonas/gonas/nas/nn"
)

// The reference: a tiny network whose weights the test chooses, scored here in plain
// float64 loops (forward pass, finite-difference gradients, a Cholesky log-det) and
// by the package in a graph on the backend.
//
//	x [N,4,4,2] → conv3x3 SAME (3 filters, no bias) → ReLU → flatten (48)
//	→ dense 48×5 → ReLU → dense 5×3 + bias → logits

const (
	tinyH, tinyW, tinyC = 4, 4, 2
	tinyF               = 3 // conv filters
	tinyD               = tinyH * tinyW * tinyF
	tinyHidden          = 5
	tinyClasses         = 3
)

type tinyNet struct {
	k  []float64 // [3][3][tinyC][tinyF], HWIO
	w1 []float64 // [tinyD][tinyHidden]
	w2 []float64 // [tinyHidden][tinyClasses]
	b2 []float64 // [tinyClasses]
}

func newTinyNet(seed uint64) *tinyNet {
	rng := rand.New(rand.NewPCG(seed, 1))
	draw := func(n int, scale float64) []float64 {
		v := make([]float64, n)
		for i := range v {
			v[i] = rng.NormFloat64() * scale
		}
		return v
	}
	return &tinyNet{
		k:  draw(9*tinyC*tinyF, 0.5),
		w1: draw(tinyD*tinyHidden, 0.3),
		w2: draw(tinyHidden*tinyClasses, 0.5),
		b2: draw(tinyClasses, 0.1),
	}
}

// constInit returns an initializer giving the variable the values v.
func constInit(v []float64) model.VariableInitializer {
	return func(g *Graph, shape shapes.Shape) *Node {
		return Reshape(ConvertDType(Const(g, v), shape.DType), shape.Dimensions...)
	}
}

// model builds the network with nn layers; withBN adds a batch norm after the
// convolution (an identity for synflow, which removes batch norms).
func (t *tinyNet) model(withBN bool, deadRelu bool) nas.ImageModel {
	return func(scope *model.Scope, x *Node) *Node {
		n := x.Shape().Dimensions[0]
		h := nn.Conv2D(scope.In("conv").WithInitializer(constInit(t.k)), x, nn.ConvConfig{Filters: tinyF, Kernel: 3})
		if withBN {
			h = nn.BatchNorm(scope.In("bn"), h)
		}
		if deadRelu {
			nn.Relu(Neg(h)) // built, but nothing reads it
		}
		h = Reshape(nn.Relu(h), n, -1)
		dt := x.DType()
		w1 := scope.In("d1").WithInitializer(constInit(t.w1)).VariableWithShape("weights", shapes.Make(dt, tinyD, tinyHidden))
		h = nn.Relu(MatMul(h, w1.NodeValue(x.Graph())))
		d2 := scope.In("d2")
		w2 := d2.WithInitializer(constInit(t.w2)).VariableWithShape("weights", shapes.Make(dt, tinyHidden, tinyClasses))
		b2 := d2.WithInitializer(constInit(t.b2)).VariableWithShape("biases", shapes.Make(dt, tinyClasses))
		return Add(MatMul(h, w2.NodeValue(x.Graph())), ExpandAxes(b2.NodeValue(x.Graph()), 0))
	}
}

// forward returns, per image, the inputs of the two ReLUs and the logits.
func (t *tinyNet) forward(x []float64, n int) (pre1, pre2, logits [][]float64) {
	for img := range n {
		in := x[img*tinyH*tinyW*tinyC:]
		p1 := make([]float64, tinyD)
		for y := range tinyH {
			for xx := range tinyW {
				for co := range tinyF {
					var s float64
					for dy := range 3 {
						for dx := range 3 {
							yy, xs := y+dy-1, xx+dx-1
							if yy < 0 || yy >= tinyH || xs < 0 || xs >= tinyW {
								continue
							}
							for ci := range tinyC {
								s += in[(yy*tinyW+xs)*tinyC+ci] * t.k[((dy*3+dx)*tinyC+ci)*tinyF+co]
							}
						}
					}
					p1[(y*tinyW+xx)*tinyF+co] = s
				}
			}
		}
		p2 := make([]float64, tinyHidden)
		for j := range tinyHidden {
			for i := range tinyD {
				p2[j] += math.Max(p1[i], 0) * t.w1[i*tinyHidden+j]
			}
		}
		out := append([]float64(nil), t.b2...)
		for c := range tinyClasses {
			for j := range tinyHidden {
				out[c] += math.Max(p2[j], 0) * t.w2[j*tinyClasses+c]
			}
		}
		pre1, pre2, logits = append(pre1, p1), append(pre2, p2), append(logits, out)
	}
	return pre1, pre2, logits
}

// naswotReference is log det K with K[i][j] = Σ over ReLUs of the number of units on
// which images i and j agree (Hamming form), by Cholesky. withUnused adds the ReLU
// of -conv that the model builds but does not use.
func (t *tinyNet) naswotReference(x []float64, n int, withUnused bool) float64 {
	pre1, pre2, _ := t.forward(x, n)
	pres := [][][]float64{pre1, pre2}
	if withUnused {
		var neg [][]float64
		for _, p := range pre1 {
			q := make([]float64, len(p))
			for i, v := range p {
				q[i] = -v
			}
			neg = append(neg, q)
		}
		pres = append(pres, neg)
	}
	k := make([]float64, n*n)
	for _, pre := range pres {
		for i := range n {
			for j := range n {
				for u := range pre[i] {
					if (pre[i][u] > 0) == (pre[j][u] > 0) {
						k[i*n+j]++
					}
				}
			}
		}
	}
	return choleskyLogDet(k, n)
}

// cholesky is the lower-triangular L with L·Lᵀ = a, a symmetric positive definite
// n×n, row-major.
func cholesky(a []float64, n int) []float64 {
	l := make([]float64, n*n)
	for i := range n {
		for j := 0; j <= i; j++ {
			s := a[i*n+j]
			for k := range j {
				s -= l[i*n+k] * l[j*n+k]
			}
			if i == j {
				l[i*n+i] = math.Sqrt(s)
			} else {
				l[i*n+j] = s / l[j*n+j]
			}
		}
	}
	return l
}

func choleskyLogDet(a []float64, n int) float64 {
	l := cholesky(a, n)
	logDet := 0.0
	for i := range n {
		logDet += 2 * math.Log(l[i*n+i])
	}
	return logDet
}

// loss is the mean cross-entropy of the logits.
func (t *tinyNet) loss(x []float64, labels []int32) float64 {
	_, _, logits := t.forward(x, len(labels))
	var total float64
	for i, z := range logits {
		m := math.Inf(-1)
		for _, v := range z {
			m = math.Max(m, v)
		}
		var s float64
		for _, v := range z {
			s += math.Exp(v - m)
		}
		total += m + math.Log(s) - z[labels[i]]
	}
	return total / float64(len(labels))
}

// weightSlices are the weights of rank ≥ 2, the ones both gradient proxies read.
func (t *tinyNet) weightSlices() [][]float64 { return [][]float64{t.k, t.w1, t.w2} }

// numericGrad is the central-difference gradient of f with respect to w.
func numericGrad(w []float64, f func() float64) []float64 {
	g := make([]float64, len(w))
	for i := range w {
		orig := w[i]
		eps := 1e-6 * math.Max(1, math.Abs(orig))
		w[i] = orig + eps
		up := f()
		w[i] = orig - eps
		down := f()
		w[i] = orig
		g[i] = (up - down) / (2 * eps)
	}
	return g
}

func (t *tinyNet) gradNormReference(x []float64, labels []int32) float64 {
	var total float64
	for _, w := range t.weightSlices() {
		var sq float64
		for _, v := range numericGrad(w, func() float64 { return t.loss(x, labels) }) {
			sq += v * v
		}
		total += math.Sqrt(sq)
	}
	return total
}

// stemGradReference is minus the log of the norm of the loss gradient of the
// convolution kernel, the tiny net's first weights, by central differences.
func (t *tinyNet) stemGradReference(x []float64, labels []int32) float64 {
	var sq float64
	for _, v := range numericGrad(t.k, func() float64 { return t.loss(x, labels) }) {
		sq += v * v
	}
	return -math.Log(math.Sqrt(sq))
}

// zicoReference is ZiCo over the two halves of the batch (n even): per weight, the
// mean over the halves of |∂L/∂θ| over its population standard deviation, summed per
// layer, logged and summed; central differences below 1e-8 count as zero gradients.
func (t *tinyNet) zicoReference(x []float64, labels []int32) float64 {
	half := len(labels) / 2
	px := tinyH * tinyW * tinyC
	var total float64
	for _, w := range t.weightSlices() {
		var g [2][]float64
		for h := range g {
			xs, ls := x[h*half*px:(h+1)*half*px], labels[h*half:(h+1)*half]
			g[h] = numericGrad(w, func() float64 { return t.loss(xs, ls) })
			for i, v := range g[h] {
				if math.Abs(v) < 1e-8 {
					g[h][i] = 0
				}
			}
		}
		var sum float64
		for i := range w {
			mean := (math.Abs(g[0][i]) + math.Abs(g[1][i])) / 2
			std := math.Abs(g[0][i]-g[1][i]) / 2
			if std > 0 {
				sum += mean / std
			}
		}
		if sum > 0 {
			total += math.Log(sum)
		}
	}
	return total
}

// ntkReference is -log κ of the NTK of the first min(n, ntkImages) images: per
// image, the central-difference gradient of its summed logits with respect to the
// weights; Θ their dot products; κ = λ_max/λ_min by power iteration on Θ and on Θ⁻¹
// (Cholesky solves), not by the package's Jacobi rotations.
func (t *tinyNet) ntkReference(x []float64, n int) float64 {
	n = min(n, ntkImages)
	px := tinyH * tinyW * tinyC
	var jac [][]float64
	for i := range n {
		xi := x[i*px : (i+1)*px]
		f := func() float64 { return t.summedLogits(xi) }
		var row []float64
		for _, w := range t.weightSlices() {
			row = append(row, numericGrad(w, f)...)
		}
		jac = append(jac, row)
	}
	k := make([]float64, n*n)
	for i := range n {
		for j := range n {
			for p := range jac[i] {
				k[i*n+j] += jac[i][p] * jac[j][p]
			}
		}
	}
	power := func(apply func(v []float64) []float64) float64 {
		v := make([]float64, n)
		for i := range v {
			v[i] = 1 + float64(i)/float64(n)
		}
		lambda := 0.0
		for range 20000 {
			w := apply(v)
			norm := 0.0
			for _, x := range w {
				norm += x * x
			}
			norm = math.Sqrt(norm)
			for i := range w {
				w[i] /= norm
			}
			lambda, v = norm, w
		}
		return lambda
	}
	lambdaMax := power(func(v []float64) []float64 {
		out := make([]float64, n)
		for i := range n {
			for j := range n {
				out[i] += k[i*n+j] * v[j]
			}
		}
		return out
	})
	lambdaMin := 1 / power(func(v []float64) []float64 { return choleskySolve(k, n, v) })
	return -math.Log(lambdaMax / lambdaMin)
}

// choleskySolve returns A⁻¹b for the symmetric positive definite n×n matrix a.
func choleskySolve(a []float64, n int, b []float64) []float64 {
	l := cholesky(a, n)
	y := make([]float64, n)
	for i := range n {
		s := b[i]
		for k := range i {
			s -= l[i*n+k] * y[k]
		}
		y[i] = s / l[i*n+i]
	}
	x := make([]float64, n)
	for i := n - 1; i >= 0; i-- {
		s := y[i]
		for k := i + 1; k < n; k++ {
			s -= l[k*n+i] * x[k]
		}
		x[i] = s / l[i*n+i]
	}
	return x
}

// summedLogits is the sum of the logits of the one image x.
func (t *tinyNet) summedLogits(x []float64) float64 {
	_, _, logits := t.forward(x, 1)
	var s float64
	for _, v := range logits[0] {
		s += v
	}
	return s
}

func (t *tinyNet) synflowReference() float64 {
	abs := &tinyNet{}
	for _, p := range [][2]*[]float64{{&abs.k, &t.k}, {&abs.w1, &t.w1}, {&abs.w2, &t.w2}, {&abs.b2, &t.b2}} {
		for _, v := range *p[1] {
			*p[0] = append(*p[0], math.Abs(v))
		}
	}
	ones := make([]float64, tinyH*tinyW*tinyC)
	for i := range ones {
		ones[i] = 1
	}
	r := func() float64 { return abs.summedLogits(ones) }
	var total float64
	for _, w := range abs.weightSlices() {
		for i, g := range numericGrad(w, r) {
			total += math.Abs(w[i] * g)
		}
	}
	return total
}

// tinyBatch is n random images (as float32, and the same values as float64) with labels.
func tinyBatch(n int, seed uint64) (*data.Batch, []float64) {
	rng := rand.New(rand.NewPCG(seed, 2))
	b := &data.Batch{Height: tinyH, Width: tinyW, Channels: tinyC}
	var x64 []float64
	for range n * tinyH * tinyW * tinyC {
		v := float32(rng.NormFloat64())
		b.Images = append(b.Images, v)
		x64 = append(x64, float64(v))
	}
	for i := range n {
		b.Labels = append(b.Labels, int32(i%tinyClasses))
	}
	return b, x64
}

func closeRel(got, want, tol float64) bool {
	return math.Abs(got-want) <= tol*math.Max(1, math.Abs(want))
}

func TestScoresMatchFloat64Reference(t *testing.T) {
	backend := testBackend(t)
	net := newTinyNet(7)
	batch, x64 := tinyBatch(6, 3)
	scorer, err := NewScorer(backend, batch, tinyClasses, 1)
	if err != nil {
		t.Fatal(err)
	}
	got, err := scorer.Score(net.model(false, false))
	if err != nil {
		t.Fatal(err)
	}
	want := Scores{
		NASWOT:   net.naswotReference(x64, batch.Len(), false),
		GradNorm: net.gradNormReference(x64, batch.Labels),
		Synflow:  net.synflowReference(),
		ZiCo:     net.zicoReference(x64, batch.Labels),
		NTK:      net.ntkReference(x64, batch.Len()),
		StemGrad: net.stemGradReference(x64, batch.Labels),
	}
	want[NASWOTPerUnit] = want[NASWOT] - float64(batch.Len())*math.Log(tinyD+tinyHidden)
	tol := map[Proxy]float64{NASWOT: 1e-9, GradNorm: 1e-4, Synflow: 1e-6, NASWOTPerUnit: 1e-9, ZiCo: 1e-3, NTK: 1e-3, StemGrad: 1e-4}
	for _, p := range Proxies {
		t.Logf("%s: got %.9g, reference %.9g", p, got[p], want[p])
		if !closeRel(got[p], want[p], tol[p]) {
			t.Errorf("%s = %.9g, reference %.9g", p, got[p], want[p])
		}
	}
}

func TestSynflowRemovesBatchNorm(t *testing.T) {
	backend := testBackend(t)
	net := newTinyNet(11)
	batch, _ := tinyBatch(4, 5)
	scorer, err := NewScorer(backend, batch, tinyClasses, 1)
	if err != nil {
		t.Fatal(err)
	}
	got, err := scorer.Score(net.model(true, false), Synflow)
	if err != nil {
		t.Fatal(err)
	}
	if want := net.synflowReference(); !closeRel(got[Synflow], want, 1e-6) {
		t.Errorf("synflow with a batch norm = %.9g, want %.9g (the network without it)", got[Synflow], want)
	}
}

// A ReLU built but unused counts: NAS-Bench-201's reference runs none edges as a
// multiplication by zero, so its backward pass visits the ReLUs of dead nodes.
func TestNASWOTCountsUnusedRelus(t *testing.T) {
	backend := testBackend(t)
	net := newTinyNet(5)
	batch, x64 := tinyBatch(5, 9)
	scorer, err := NewScorer(backend, batch, tinyClasses, 1)
	if err != nil {
		t.Fatal(err)
	}
	got, err := scorer.Score(net.model(false, true), NASWOT)
	if err != nil {
		t.Fatal(err)
	}
	if want := net.naswotReference(x64, batch.Len(), true); !closeRel(got[NASWOT], want, 1e-9) {
		t.Errorf("naswot with an unused ReLU = %.9g, want %.9g", got[NASWOT], want)
	}
}

// The eigenvalues of Q·diag(d)·Qᵀ, Q a rotation, are d; the condition number is
// their ratio, +Inf for a singular matrix.
func TestSymmetricEigenvaluesAndConditionNumber(t *testing.T) {
	c, s := math.Cos(0.7), math.Sin(0.7)
	q := []float64{c, -s, 0, s, c, 0, 0, 0, 1} // rotation about the third axis
	c2, s2 := math.Cos(-1.3), math.Sin(-1.3)
	r := []float64{1, 0, 0, 0, c2, -s2, 0, s2, c2}
	mul := func(a, b []float64) []float64 {
		out := make([]float64, 9)
		for i := range 3 {
			for j := range 3 {
				for k := range 3 {
					out[i*3+j] += a[i*3+k] * b[k*3+j]
				}
			}
		}
		return out
	}
	tr := func(a []float64) []float64 {
		return []float64{a[0], a[3], a[6], a[1], a[4], a[7], a[2], a[5], a[8]}
	}
	o := mul(q, r)
	a := mul(mul(o, []float64{5, 0, 0, 0, 0.25, 0, 0, 0, 2}), tr(o))
	ev := symmetricEigenvalues(a, 3)
	sort.Float64s(ev)
	for i, want := range []float64{0.25, 2, 5} {
		if math.Abs(ev[i]-want) > 1e-12 {
			t.Errorf("eigenvalues %v, want [0.25 2 5]", ev)
			break
		}
	}
	if got := conditionNumber(a, 3); math.Abs(got-20) > 1e-10 {
		t.Errorf("condition number %g, want 20", got)
	}
	if got := conditionNumber([]float64{1, 1, 1, 1}, 2); !math.IsInf(got, 1) {
		t.Errorf("condition number of a singular matrix = %g, want +Inf", got)
	}
}

func TestLogAbsDet(t *testing.T) {
	// [[0 2] [3 1]]: det = -6, needs a pivot.
	if got := LogAbsDet([]float64{0, 2, 3, 1}, 2); !closeRel(got, math.Log(6), 1e-12) {
		t.Errorf("LogAbsDet = %g, want log 6", got)
	}
	if got := LogAbsDet([]float64{1, 2, 2, 4}, 2); !math.IsInf(got, -1) {
		t.Errorf("LogAbsDet of a singular matrix = %g, want -Inf", got)
	}
	a := []float64{4, 2, 1, 2, 5, 3, 1, 3, 6}
	if got, want := LogAbsDet(a, 3), choleskyLogDet(a, 3); !closeRel(got, want, 1e-12) {
		t.Errorf("LogAbsDet = %g, Cholesky gives %g", got, want)
	}
}
