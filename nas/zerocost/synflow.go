package zerocost

import (
	"math"

	"github.com/gomlx/compute/dtypes"
	"github.com/gomlx/compute/shapes"
	. "github.com/gomlx/gomlx/core/graph" //nolint:staticcheck
	"github.com/gomlx/gomlx/core/tensors"
	"github.com/gomlx/gomlx/ml/model"
	"github.com/gonas/gonas/nas"
	"github.com/gonas/gonas/nas/nn"
	"github.com/pkg/errors"
)

// synflow is synflow [2, 3] as zero-cost-nas computes it (bn=False): the network
// built without batch norm in float64, every variable replaced by its absolute value,
// one all-ones image; R = Σ logits and the score is Σ |θ ⊙ ∂R/∂θ| over the weight
// variables.
//
// The variables exist only once a graph has built the network, so a first graph builds
// it (and returns nothing of it) to create and initialise them; the second reads
// every variable as its absolute value and computes the score.
func (s *Scorer) synflow(m nas.ImageModel) (float64, error) {
	store := model.NewStore()
	defer store.Finalize()
	if err := store.SetRNGStateFromSeed(int64(s.seed)); err != nil {
		return 0, err
	}
	b := s.batch
	ones := func(g *Graph) *Node {
		return Ones(g, shapes.Make(dtypes.Float64, 1, b.Height, b.Width, b.Channels))
	}
	create, err := model.NewExec(s.backend, store, func(scope *model.Scope, g *Graph) *Node {
		nn.BypassBatchNorm(g)
		m(scope, ones(g))
		return Const(g, 0.0)
	})
	if err != nil {
		return 0, err
	}
	_, err = create.Exec()
	create.Finalize()
	if err != nil {
		return 0, errors.WithMessage(err, "zerocost: synflow: creating the weights")
	}
	exec, err := model.NewExec(s.backend, store, func(scope *model.Scope, g *Graph) *Node {
		nn.BypassBatchNorm(g)
		for v := range store.IterVariables() {
			if v.Trainable {
				v.SetNodeValue(Abs(v.NodeValue(g)))
			}
		}
		logits := m(scope, ones(g))
		s.checkLogits(logits, 1)
		nodes := weightNodes(store, g, Synflow)
		grads := Gradient(ReduceAllSum(logits), nodes...)
		var total *Node
		for i, gr := range grads {
			t := ReduceAllSum(Abs(Mul(nodes[i], gr)))
			if total == nil {
				total = t
			} else {
				total = Add(total, t)
			}
		}
		return total
	})
	if err != nil {
		return 0, err
	}
	defer exec.Finalize()
	outs, err := exec.Exec()
	if err != nil {
		return 0, errors.WithMessage(err, "zerocost: synflow")
	}
	v := tensors.ToScalar[float64](outs[len(outs)-1])
	if math.IsNaN(v) {
		return 0, errors.New("zerocost: synflow is NaN")
	}
	return v, nil
}
