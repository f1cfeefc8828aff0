package zerocost

import (
	"math"

	. "github.com/gomlx/gomlx/core/graph" //nolint:staticcheck
	"github.com/gomlx/gomlx/core/tensors"
	"github.com/gomlx/gomlx/ml/model"
	"github.com/gomlx/gomlx/ml/train/loss"
	"github.com/gonas/gonas/nas"
	"github.com/pkg/errors"
)

// zico is ZiCo [4]: the minibatch split into two halves, each run through the
// network at initialisation as its own batch (batch norm on that half's statistics)
// with its own cross-entropy gradient of the weights; for every weight θ of a
// convolution or dense layer l, the mean over the two batches of |∂L/∂θ| divided by
// their standard deviation; the score is Σ_l log Σ_{θ∈l} mean/std, over the weights
// whose two gradients differ (as the reference skips std = 0, and a layer whose sum
// is 0). With two batches the ratio is (|g₁|+|g₂|) / |g₁-g₂|. An odd image is left
// out so that both halves have one shape (one compiled graph).
func (s *Scorer) zico(m nas.ImageModel) (float64, error) {
	b := s.batch
	half := b.Len() / 2
	store := model.NewStore()
	defer store.Finalize()
	if err := store.SetRNGStateFromSeed(int64(s.seed)); err != nil {
		return 0, err
	}
	exec, err := model.NewExec(s.backend, store, func(scope *model.Scope, inputs []*Node) []*Node {
		images, labels := inputs[0], inputs[1]
		store.SetTraining(images.Graph(), true)
		logits := m(scope, images)
		s.checkLogits(logits, half)
		l := loss.SparseCategoricalCrossEntropyLogits([]*Node{labels}, []*Node{logits})
		return Gradient(l, weightNodes(store, images.Graph(), ZiCo)...)
	})
	if err != nil {
		return 0, err
	}
	defer exec.Finalize()
	px := b.Height * b.Width * b.Channels
	var grads [2][][]float32 // [half][layer] flat gradient
	for h := range grads {
		lo := h * half
		images := tensors.FromFlatDataAndDimensions(append([]float32(nil), b.Images[lo*px:(lo+half)*px]...), half, b.Height, b.Width, b.Channels)
		labels := tensors.FromFlatDataAndDimensions(append([]int32(nil), b.Labels[lo:lo+half]...), half, 1)
		outs, err := exec.Exec(images, labels)
		if err != nil {
			return 0, errors.WithMessage(err, "zerocost: zico")
		}
		for _, o := range outs {
			grads[h] = append(grads[h], tensors.MustCopyFlatData[float32](o))
		}
	}
	return zicoOfGradients(grads[0], grads[1])
}

// zicoOfGradients is ZiCo's Σ_l log Σ_θ (|a_θ|+|b_θ|)/|a_θ-b_θ| of the per-layer
// gradients a and b of two batches.
func zicoOfGradients(a, b [][]float32) (float64, error) {
	total := 0.0
	for l := range a {
		sum := 0.0
		for i, x := range a[l] {
			ga, gb := float64(x), float64(b[l][i])
			if d := math.Abs(ga - gb); d > 0 {
				sum += (math.Abs(ga) + math.Abs(gb)) / d
			}
		}
		if sum > 0 {
			total += math.Log(sum)
		}
	}
	if math.IsNaN(total) || math.IsInf(total, 0) {
		return 0, errors.Errorf("zerocost: zico is %g", total)
	}
	return total, nil
}
