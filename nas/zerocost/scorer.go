package zerocost

import (
	"math"

	"github.com/gomlx/compute"
	"github.com/gomlx/compute/dtypes"
	. "github.com/gomlx/gomlx/core/graph" //nolint:staticcheck
	"github.com/gomlx/gomlx/core/tensors"
	"github.com/gomlx/gomlx/ml/model"
	"github.com/gomlx/gomlx/support/exceptions"
	"github.com/gonas/gonas/nas"
	"github.com/gonas/gonas/nas/data"
	"github.com/gonas/gonas/nas/nn"
	"github.com/pkg/errors"
)

// Scorer computes zero-cost scores of image networks on one minibatch. Each network
// is scored with fresh weights drawn from Seed, so a score depends only on the
// network, the minibatch and the seed.
type Scorer struct {
	backend compute.Backend
	batch   *data.Batch
	classes int
	seed    uint64
}

// NewScorer returns a scorer of networks with classes outputs on batch (its labels
// must lie in [0, classes)); seed draws the initial weights of every network.
func NewScorer(backend compute.Backend, batch *data.Batch, classes int, seed uint64) (*Scorer, error) {
	switch {
	case backend == nil:
		return nil, errors.New("zerocost: nil backend")
	case batch == nil || batch.Len() == 0:
		return nil, errors.New("zerocost: empty minibatch")
	case batch.Len() < 2:
		return nil, errors.New("zerocost: a minibatch of 1 image has no kernel to compare images with; give at least 2")
	case classes < 2:
		return nil, errors.Errorf("zerocost: %d classes, need at least 2", classes)
	case batch.Height <= 0 || batch.Width <= 0 || batch.Channels <= 0:
		return nil, errors.Errorf("zerocost: minibatch images are %d×%d×%d", batch.Height, batch.Width, batch.Channels)
	case len(batch.Images) != batch.Len()*batch.Height*batch.Width*batch.Channels:
		return nil, errors.Errorf("zerocost: minibatch holds %d pixel values, want %d for %d images of %d×%d×%d",
			len(batch.Images), batch.Len()*batch.Height*batch.Width*batch.Channels, batch.Len(), batch.Height, batch.Width, batch.Channels)
	}
	for i, l := range batch.Labels {
		if l < 0 || int(l) >= classes {
			return nil, errors.Errorf("zerocost: label %d of image %d is outside [0, %d)", l, i, classes)
		}
	}
	return &Scorer{backend: backend, batch: batch, classes: classes, seed: seed}, nil
}

// SampleBatch draws n distinct images of ds at random (seeded) as a minibatch.
func SampleBatch(ds *data.Dataset, n int, seed uint64) (*data.Batch, error) {
	indices, err := SampleIndices(ds.Len(), n, seed)
	if err != nil {
		return nil, errors.WithMessagef(err, "zerocost: minibatch of %q", ds.Name)
	}
	b := ds.NewBatch(n)
	if err := ds.Batch(indices, b); err != nil {
		return nil, err
	}
	return b, nil
}

// SampleIndices are the positions of the n images SampleBatch draws with seed
// from a data set of size images.
func SampleIndices(size, n int, seed uint64) ([]int, error) {
	if n < 1 || n > size {
		return nil, errors.Errorf("zerocost: cannot draw %d images from %d", n, size)
	}
	return data.NewRand(seed).Perm(size)[:n], nil
}

// Classes is the number of outputs the scored networks must have.
func (s *Scorer) Classes() int { return s.classes }

// Score computes the given proxies (all of Proxies when none is given) of the network m
// at initialisation. m must map the minibatch's images to [N, Classes()] logits.
func (s *Scorer) Score(m nas.ImageModel, proxies ...Proxy) (Scores, error) {
	if m == nil {
		return nil, errors.New("zerocost: nil image model")
	}
	if len(proxies) == 0 {
		proxies = Proxies
	}
	want := map[Proxy]bool{}
	for _, p := range proxies {
		q, err := ParseProxy(string(p))
		if err != nil {
			return nil, err
		}
		want[q] = true
	}
	scores := Scores{}
	if want[NASWOT] || want[NASWOTPerUnit] || want[GradNorm] || want[StemGrad] {
		if err := s.scoreOnBatch(m, want[NASWOT] || want[NASWOTPerUnit], want[GradNorm], want[StemGrad], scores); err != nil {
			return nil, err
		}
		if !want[NASWOT] {
			delete(scores, NASWOT)
		}
		if !want[NASWOTPerUnit] {
			delete(scores, NASWOTPerUnit)
		}
	}
	if want[Synflow] {
		v, err := s.synflow(m)
		if err != nil {
			return nil, err
		}
		scores[Synflow] = v
	}
	if want[ZiCo] {
		v, err := s.zico(m)
		if err != nil {
			return nil, err
		}
		scores[ZiCo] = v
	}
	if want[NTK] {
		v, err := s.ntk(m)
		if err != nil {
			return nil, err
		}
		scores[NTK] = v
	}
	return scores, nil
}

// scoreOnBatch runs the minibatch through m once, in training mode (batch norm on the
// batch's statistics, as the references leave their networks), for NASWOT's kernel and
// the loss gradients of grad-norm and stem-grad.
func (s *Scorer) scoreOnBatch(m nas.ImageModel, naswot, gradNorm, stemGrad bool, scores Scores) error {
	store := model.NewStore()
	defer store.Finalize()
	if err := store.SetRNGStateFromSeed(int64(s.seed)); err != nil {
		return err
	}
	exec, err := model.NewExec(s.backend, store, func(scope *model.Scope, inputs []*Node) []*Node {
		images, labels := inputs[0], inputs[1]
		g := images.Graph()
		store.SetTraining(g, true)
		var reluInputs []*Node
		if naswot {
			nn.RecordRelus(g, func(in, _ *Node) { reluInputs = append(reluInputs, in) })
		}
		logits := m(scope, images)
		s.checkLogits(logits, images.Shape().Dimensions[0])
		var outs []*Node
		if naswot {
			outs = append(outs, naswotKernel(reluInputs))
		}
		if gradNorm || stemGrad {
			outs = append(outs, lossGradientNorms(store, g, logits, labels, gradNorm, stemGrad)...)
		}
		return outs
	})
	if err != nil {
		return err
	}
	defer exec.Finalize()
	b := s.batch
	n := b.Len()
	images := tensors.FromFlatDataAndDimensions(append([]float32(nil), b.Images[:n*b.Height*b.Width*b.Channels]...), n, b.Height, b.Width, b.Channels)
	labels := tensors.FromFlatDataAndDimensions(append([]int32(nil), b.Labels[:n]...), n, 1)
	outs, err := exec.Exec(images, labels)
	if err != nil {
		return errors.WithMessage(err, "zerocost: scoring on the minibatch")
	}
	i := 0
	if naswot {
		k := tensors.MustCopyFlatData[float64](outs[i])
		scores[NASWOT] = LogAbsDet(k, n)
		scores[NASWOTPerUnit] = scores[NASWOT] - float64(n)*math.Log(k[0]) // K_ii = N_A for every i
		i++
	}
	if gradNorm {
		v := tensors.ToScalar[float64](outs[i])
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return errors.Errorf("zerocost: grad-norm is %g", v)
		}
		scores[GradNorm] = v
		i++
	}
	if stemGrad {
		v := tensors.ToScalar[float64](outs[i])
		switch {
		case math.IsNaN(v) || math.IsInf(v, 0) || v < 0:
			return errors.Errorf("zerocost: stem-grad: the loss gradient of the first weights has norm %g", v)
		case v == 0: // the input never reaches the logits (e.g. a cell of none): the worst score
			scores[StemGrad] = math.Inf(-1)
		default:
			scores[StemGrad] = -math.Log(v)
		}
	}
	return nil
}

// checkLogits panics (in graph building) unless logits is [n, classes].
func (s *Scorer) checkLogits(logits *Node, n int) {
	dims := logits.Shape().Dimensions
	if len(dims) != 2 || dims[0] != n || dims[1] != s.classes {
		exceptions.Panicf("zerocost: the network gives logits of shape %s for %d images, want [N, %d]", logits.Shape(), n, s.classes)
	}
}

// weightVariables are the variables whose gradients synflow and grad-norm read: the
// trainable ones of rank ≥ 2 (convolution kernels and dense weight matrices), in
// creation order.
func weightVariables(store *model.Store) []*model.Variable {
	var out []*model.Variable
	for v := range store.IterVariables() {
		if v.Trainable && v.Shape().Rank() >= 2 {
			out = append(out, v)
		}
	}
	return out
}

// weightNodes are the values in graph g of the weight variables (weightVariables);
// the network of proxy has to have some.
func weightNodes(store *model.Store, g *Graph, proxy Proxy) []*Node {
	weights := weightVariables(store)
	if len(weights) == 0 {
		exceptions.Panicf("zerocost: %s: the network has no trainable weights of rank ≥ 2", proxy)
	}
	nodes := make([]*Node, len(weights))
	for i, v := range weights {
		nodes[i] = v.NodeValue(g)
	}
	return nodes
}

// sumOfNorms is Σ_l ‖g_l‖₂ in float64.
func sumOfNorms(grads []*Node) *Node {
	var total *Node
	for _, gr := range grads {
		norm := Sqrt(ReduceAllSum(Square(ConvertDType(gr, dtypes.Float64))))
		if total == nil {
			total = norm
		} else {
			total = Add(total, norm)
		}
	}
	return total
}
