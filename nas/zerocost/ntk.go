package zerocost

import (
	"math"

	. "github.com/gomlx/gomlx/core/graph" //nolint:staticcheck
	"github.com/gomlx/gomlx/core/tensors"
	"github.com/gomlx/gomlx/ml/model"
	"github.com/gonas/gonas/nas"
	"github.com/pkg/errors"
)

// ntkImages is how many of the minibatch's images the NTK proxy uses: its kernel
// is ntkImages × ntkImages, one backward pass per image.
const ntkImages = 16

// ntk is TE-NAS's trainability score [5]: the condition number κ = λ_max/λ_min of
// the network's neural tangent kernel at initialisation, Θ_ij = J_i·J_j, J_i the
// gradient of image i's summed logits with respect to the weights (those of the
// convolutions and dense layers). A well-conditioned kernel trains fast along
// every direction; a network whose kernel is nearly singular (deep chains of
// convolutions without a shortcut) trains slowly. The score is -log κ, so higher
// is better like the other proxies.
//
// The reference (VITA-Group/TENAS, procedures/ntk.py) runs the whole batch once and
// back-propagates each image's logits, so batch norm mixes the images; here each
// image runs as its own batch of one (batch norm on that image's statistics), which
// keeps one compiled graph of batch 1 and one gradient per run.
func (s *Scorer) ntk(m nas.ImageModel) (float64, error) {
	b := s.batch
	n := min(b.Len(), ntkImages)
	store := model.NewStore()
	defer store.Finalize()
	if err := store.SetRNGStateFromSeed(int64(s.seed)); err != nil {
		return 0, err
	}
	exec, err := model.NewExec(s.backend, store, func(scope *model.Scope, inputs []*Node) []*Node {
		images := inputs[0]
		g := images.Graph()
		store.SetTraining(g, true)
		logits := m(scope, images)
		s.checkLogits(logits, 1)
		grads := Gradient(ReduceAllSum(logits), weightNodes(store, g, NTK)...)
		for i, gr := range grads {
			grads[i] = Reshape(gr, -1)
		}
		return []*Node{Concatenate(grads, 0)}
	})
	if err != nil {
		return 0, err
	}
	defer exec.Finalize()
	px := b.Height * b.Width * b.Channels
	var jac [][]float32
	for i := range n {
		image := tensors.FromFlatDataAndDimensions(append([]float32(nil), b.Images[i*px:(i+1)*px]...), 1, b.Height, b.Width, b.Channels)
		outs, err := exec.Exec(image)
		if err != nil {
			return 0, errors.WithMessage(err, "zerocost: ntk")
		}
		jac = append(jac, tensors.MustCopyFlatData[float32](outs[0]))
	}
	kappa := conditionNumber(gram(jac), n)
	if math.IsNaN(kappa) || kappa <= 0 {
		return 0, errors.Errorf("zerocost: ntk condition number is %g", kappa)
	}
	return -math.Log(kappa), nil
}

// gram is the n×n row-major matrix of the dot products of the rows, in float64.
func gram(rows [][]float32) []float64 {
	n := len(rows)
	k := make([]float64, n*n)
	for i := range n {
		for j := i; j < n; j++ {
			var sum float64
			a, b := rows[i], rows[j]
			for p := range a {
				sum += float64(a[p]) * float64(b[p])
			}
			k[i*n+j], k[j*n+i] = sum, sum
		}
	}
	return k
}

// conditionNumber is λ_max/λ_min of the symmetric n×n row-major matrix a (+Inf when
// λ_min ≤ 0), its eigenvalues found by cyclic Jacobi rotations in float64. a is
// not modified.
func conditionNumber(a []float64, n int) float64 {
	ev := symmetricEigenvalues(a, n)
	lo, hi := ev[0], ev[0]
	for _, v := range ev {
		lo, hi = min(lo, v), max(hi, v)
	}
	if lo <= 0 {
		return math.Inf(1)
	}
	return hi / lo
}

// symmetricEigenvalues are the eigenvalues of the symmetric n×n row-major matrix a
// (in no order), by cyclic Jacobi rotations until the off-diagonal part is below
// 1e-14 of the matrix's norm.
func symmetricEigenvalues(a []float64, n int) []float64 {
	m := append([]float64(nil), a...)
	norm := 0.0
	for _, v := range m {
		norm += v * v
	}
	for sweep := 0; sweep < 100; sweep++ {
		off := 0.0
		for i := range n {
			for j := i + 1; j < n; j++ {
				off += 2 * m[i*n+j] * m[i*n+j]
			}
		}
		if off <= 1e-28*norm {
			break
		}
		for p := range n {
			for q := p + 1; q < n; q++ {
				apq := m[p*n+q]
				if apq == 0 {
					continue
				}
				theta := (m[q*n+q] - m[p*n+p]) / (2 * apq)
				t := math.Copysign(1, theta) / (math.Abs(theta) + math.Sqrt(theta*theta+1))
				c := 1 / math.Sqrt(t*t+1)
				s := t * c
				for k := range n { // columns p and q
					akp, akq := m[k*n+p], m[k*n+q]
					m[k*n+p], m[k*n+q] = c*akp-s*akq, s*akp+c*akq
				}
				for k := range n { // rows p and q
					apk, aqk := m[p*n+k], m[q*n+k]
					m[p*n+k], m[q*n+k] = c*apk-s*aqk, s*apk+c*aqk
				}
			}
		}
	}
	ev := make([]float64, n)
	for i := range n {
		ev[i] = m[i*n+i]
	}
	return ev
}
