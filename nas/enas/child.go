package enas

import (
	"github.com/gomlx/compute"
	"github.com/gomlx/gomlx/ml/model"
	"github.com/gonas/gonas/nas"
	"github.com/gonas/gonas/nas/optim"
)

// child is the shared-weights network of one space on one data set: every
// architecture of the space is built in one model.Store, so the weights of the
// ops two architectures share are the same variables [1].
type child interface {
	// stepsPerEpoch is the number of child training steps of an epoch.
	stepsPerEpoch() int
	// trainStep does one SGD step of architecture a on the training minibatch of
	// (epoch, step), and returns its loss. A NaN or infinite loss comes back as such,
	// with the step skipped: the store is exactly as before.
	trainStep(a nas.Arch, epoch, step int) (loss float64, err error)
	// reward scores a with the shared weights on validation minibatch number k of
	// the epoch's validation order: the accuracy (images) or c / perplexity (RNN),
	// and the minibatch's loss. A non-finite loss comes back as such.
	reward(a nas.Arch, epoch, k int) (reward, loss float64, err error)
	// learningRate is the child's learning rate at the store's current step.
	learningRate() float64
	// store holds the shared weights, the optimizer's state and the random state.
	store() *model.Store
	// state and setState save and restore what a checkpoint needs beyond the store
	// (the RNN's carried hidden state); nil when nothing.
	state() ([]byte, error)
	setState(blob []byte) error
	// cacheStats reports the graph cache: graphs held, hits, misses, evictions.
	cacheStats() (held, hits, misses, evictions int)
	close()
}

// newChild builds the child of cfg on d, with a fresh store seeded by cfg.Seed.
func newChild(backend compute.Backend, cfg *Config, d *Data) (child, error) {
	store := model.NewStore()
	if err := store.SetRNGStateFromSeed(int64(cfg.Seed)); err != nil {
		return nil, err
	}
	if cfg.Space == "enas-rnn" {
		return newLMChild(backend, store, cfg, d)
	}
	return newImageChild(backend, store, cfg, d)
}

// childSGD is the child optimizer [1, 3]: SGD with Nesterov momentum, coupled L2
// (biases and batch-norm parameters excluded), global-norm clipping, and a learning
// rate following SGDR [2] (per epoch), a single cosine (T0 = 0, LRMin < LRMax) or
// a constant (LRMin = LRMax).
func childSGD(ch ChildConfig, stepsPerEpoch int) (*optim.SGDConfig, optim.Schedule) {
	var sched optim.Schedule
	switch {
	case ch.LRMin == ch.LRMax:
		sched = optim.Constant(ch.LRMax)
	case ch.T0 > 0:
		sched = optim.SGDR(ch.LRMax, ch.LRMin, ch.T0, ch.TMul).StepsPerEpoch(stepsPerEpoch)
	default:
		sched = optim.SGDR(ch.LRMax, ch.LRMin, ch.Epochs, 1).StepsPerEpoch(stepsPerEpoch)
	}
	sgd := optim.SGD().Schedule(sched).WeightDecay(ch.WeightDecay).ExcludeFromWeightDecay(optim.ExcludeBiasesAndNorms)
	if ch.Momentum > 0 {
		sgd = sgd.Momentum(ch.Momentum).Nesterov()
	}
	if ch.ClipNorm > 0 {
		sgd = sgd.ClipByGlobalNorm(ch.ClipNorm).ClipAfterWeightDecay()
	}
	return sgd, sched
}
