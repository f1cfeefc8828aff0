package choice

import (
	"math"
	"math/rand/v2"
	"strings"

	"github.com/gomlx/compute"
	"github.com/gomlx/compute/dtypes"
	. "github.com/gomlx/gomlx/core/graph" //nolint:staticcheck
	"github.com/gomlx/gomlx/core/tensors"
	"github.com/gomlx/gomlx/ml/model"
	"github.com/gomlx/gomlx/ml/train/loss"
	"github.com/gomlx/gomlx/ml/train/optimizer"
	"github.com/gonas/gonas/nas"
	"github.com/gonas/gonas/nas/data"
	"github.com/gonas/gonas/nas/optim"
	"github.com/pkg/errors"
)

// SharedConfig is how a weight-sharing search trains the one store of a space.
// Zero fields take the defaults in brackets.
type SharedConfig struct {
	BatchSize    int                // minibatch size [32]
	StepsPerArch int                // SGD steps of an architecture before it is scored [10]
	ValidBatches int                // validation minibatches that score it [1]
	LearningRate float64            // SGD learning rate [0.05]
	Momentum     float64            // Nesterov momentum [0.9]
	WeightDecay  float64            // L2 on weights (not biases, not norms) [1e-4]
	Seed         uint64             // data order and augmentation
	Augment      *data.Augmentation // nil: none
	MaxGraphs    int                // compiled graphs kept, least recently used dropped [32]
}

// Shared trains every architecture of a space in one store, as ENAS does [Pham et
// al. 2018]: each candidate of a choice keeps its own weights (its sub-scope), so an
// architecture reuses what earlier ones trained. Its Evaluate is a nas.Evaluator:
// nas.Search with any controller (random, REINFORCE, evolution) is then a
// weight-sharing search. Give the search CountDuplicates, so that an architecture
// sampled again is trained again.
type Shared struct {
	backend      compute.Backend
	space        *Space
	store        *model.Store
	train, valid *data.Dataset
	cfg          SharedConfig
	opt          optimizer.Interface
	rng          *rand.Rand
	order, vord  []int
	batch        *data.Batch
	graphs       map[string]*model.Exec
	recent       []string // graph keys, least recently used first
	steps        int
}

// NewShared returns the shared-weights trainer of s on train, scored on valid.
func NewShared(backend compute.Backend, s *Space, train, valid *data.Dataset, cfg SharedConfig) (*Shared, error) {
	def := func(v *int, d int) {
		if *v <= 0 {
			*v = d
		}
	}
	def(&cfg.BatchSize, 32)
	def(&cfg.StepsPerArch, 10)
	def(&cfg.ValidBatches, 1)
	def(&cfg.MaxGraphs, 32)
	if cfg.LearningRate <= 0 {
		cfg.LearningRate = 0.05
	}
	if cfg.Momentum == 0 {
		cfg.Momentum = 0.9
	}
	if cfg.WeightDecay == 0 {
		cfg.WeightDecay = 1e-4
	}
	if train.Len() < cfg.BatchSize || valid.Len() < cfg.BatchSize {
		return nil, errors.Errorf("NewShared: %d training and %d validation examples, fewer than a batch of %d", train.Len(), valid.Len(), cfg.BatchSize)
	}
	if train.NumClasses != s.NumClasses() {
		return nil, errors.Errorf("NewShared: the data have %d classes, the model of %q %d", train.NumClasses, s.Name(), s.NumClasses())
	}
	store := model.NewStore()
	if err := store.SetRNGStateFromSeed(int64(cfg.Seed)); err != nil {
		return nil, err
	}
	sgd := optim.SGD().LearningRate(cfg.LearningRate).Momentum(cfg.Momentum).Nesterov().
		WeightDecay(cfg.WeightDecay).ExcludeFromWeightDecay(optim.ExcludeBiasesAndNorms)
	return &Shared{backend: backend, space: s, store: store, train: train, valid: valid, cfg: cfg, opt: sgd.Done(),
		rng: data.NewRand(cfg.Seed), batch: train.NewBatch(cfg.BatchSize), graphs: map[string]*model.Exec{}}, nil
}

// Store holds the shared weights.
func (sh *Shared) Store() *model.Store { return sh.store }

// Steps is the number of SGD steps taken so far.
func (sh *Shared) Steps() int { return sh.steps }

// Evaluate trains a for StepsPerArch minibatches on the shared weights, then returns
// its accuracy on ValidBatches validation minibatches (batch norm on batch
// statistics, no weight written).
func (sh *Shared) Evaluate(a nas.Arch) (float64, error) {
	for range sh.cfg.StepsPerArch {
		idx := sh.next(&sh.order, sh.train.Len())
		var err error
		if sh.cfg.Augment != nil {
			err = sh.cfg.Augment.Batch(sh.train, idx, sh.batch, sh.rng)
		} else {
			err = sh.train.Batch(idx, sh.batch)
		}
		if err != nil {
			return 0, err
		}
		exec, err := sh.graph("train", a)
		if err != nil {
			return 0, err
		}
		outs, err := exec.Call(batchTensors(sh.train, sh.batch))
		if err != nil {
			return 0, errors.WithMessagef(err, "shared step %d%s", sh.steps, shapeHint(err))
		}
		if l := float64(tensors.ToScalar[float32](outs[0])); math.IsNaN(l) || math.IsInf(l, 0) {
			return 0, errors.Errorf("shared step %d: loss %g: lower the learning rate", sh.steps, l)
		}
		sh.steps++
	}
	exec, err := sh.graph("score", a)
	if err != nil {
		return 0, err
	}
	correct := 0
	for range sh.cfg.ValidBatches {
		if err := sh.valid.Batch(sh.next(&sh.vord, sh.valid.Len()), sh.batch); err != nil {
			return 0, err
		}
		outs, err := exec.Call(batchTensors(sh.valid, sh.batch))
		if err != nil {
			return 0, errors.WithMessage(err, "scoring")
		}
		correct += int(tensors.ToScalar[int32](outs[0]))
	}
	return float64(correct) / float64(sh.cfg.ValidBatches*sh.cfg.BatchSize), nil
}

// next returns the next minibatch of a shuffled order of 0 … n-1, reshuffling (with
// the seeded generator) when it runs out.
func (sh *Shared) next(order *[]int, n int) []int {
	b := sh.cfg.BatchSize
	if len(*order) < b {
		*order = sh.rng.Perm(n)
	}
	idx := (*order)[:b]
	*order = (*order)[b:]
	return idx
}

// graph returns the compiled training step ("train") or scoring ("score") of a.
func (sh *Shared) graph(use string, a nas.Arch) (*model.Exec, error) {
	key := use + ":" + a.String()
	for i, k := range sh.recent {
		if k == key {
			sh.recent = append(append(sh.recent[:i:i], sh.recent[i+1:]...), key)
			return sh.graphs[key], nil
		}
	}
	m, err := sh.space.ImageModel(a, sh.space.NumClasses())
	if err != nil {
		return nil, err
	}
	exec, err := model.NewExec(sh.backend, sh.store, func(scope *model.Scope, x, y *Node) *Node {
		g := x.Graph()
		sh.store.SetTraining(g, true)
		logits := m(scope, x)
		if use == "score" {
			for v := range sh.store.IterVariables() { // batch statistics, moving averages kept
				if v.ChangedInGraph(g) {
					v.SetNodeValue(g.GetParameterByName(v.Path()))
				}
			}
			pred := ArgMax(logits, -1, dtypes.Int32)
			hit := Equal(pred, Reshape(y, pred.Shape().Dimensions...))
			return ReduceAllSum(ConvertDType(hit, dtypes.Int32))
		}
		l := ReduceAllMean(loss.SparseCategoricalCrossEntropyLogits([]*Node{y}, []*Node{logits}))
		sh.opt.UpdateGraph(scope, g, l)
		return l
	})
	if err != nil {
		return nil, err
	}
	if len(sh.recent) >= sh.cfg.MaxGraphs {
		sh.graphs[sh.recent[0]].Finalize()
		delete(sh.graphs, sh.recent[0])
		sh.recent = sh.recent[1:]
	}
	sh.graphs[key] = exec
	sh.recent = append(sh.recent, key)
	return exec, nil
}

// shapeHint explains a variable asked for two shapes: a layer whose weight shape
// depends on a choice, built in a scope that does not.
func shapeHint(err error) string {
	if strings.Contains(err.Error(), "with different shape from original") {
		return " (a layer's weight shape depends on a choice: build it in a scope named after the values that set its shape, e.g. scope.In(\"dense%dx%d\", in, units); see the package doc, Weight sharing)"
	}
	return ""
}

// Close frees the compiled graphs.
func (sh *Shared) Close() {
	for _, e := range sh.graphs {
		e.Finalize()
	}
	sh.graphs, sh.recent = map[string]*model.Exec{}, nil
}

// batchTensors copies a batch into new tensors, images [N, H, W, C] and labels [N, 1].
func batchTensors(ds *data.Dataset, b *data.Batch) (*tensors.Tensor, *tensors.Tensor) {
	n := b.Len()
	x := tensors.FromFlatDataAndDimensions(append([]float32(nil), b.Images[:n*ds.ImageSize()]...), n, ds.Height, ds.Width, ds.Channels)
	y := tensors.FromFlatDataAndDimensions(append([]int32(nil), b.Labels[:n]...), n, 1)
	return x, y
}
