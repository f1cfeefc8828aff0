package enas

import (
	"bytes"
	"encoding/binary"
	"math"
	"slices"

	"github.com/gomlx/compute"
	"github.com/gomlx/compute/dtypes"
	"github.com/gomlx/compute/shapes"
	. "github.com/gomlx/gomlx/core/graph" //nolint:staticcheck
	"github.com/gomlx/gomlx/core/tensors"
	"github.com/gomlx/gomlx/ml/model"
	"github.com/gomlx/gomlx/ml/train/optimizer"
	"github.com/gonas/gonas/nas"
	"github.com/gonas/gonas/nas/data"
	"github.com/gonas/gonas/nas/optim"
	"github.com/gonas/gonas/nas/train"
	"github.com/pkg/errors"
)

// lmChild is the shared-weights language model of enas-rnn [1]: an embedding tied
// to the softmax, and the sampled recurrent cell unrolled over a BPTT window. The
// training stream's hidden state carries from one window to the next, as in the
// reference code [3] (a new cell every window); a reward reads one validation window
// from a zero state and is c / perplexity, with the log-perplexity clipped at 10.
type lmChild struct {
	backend        compute.Backend
	st             *model.Store
	cfg            ChildConfig
	seed           uint64
	space          nas.RNNSpace
	vocab          int
	rows, vrows    [][]int32 // the streams cut into BatchSize rows
	windows        int       // full BPTT windows of the training rows
	rewardConstant float64
	h              *tensors.Tensor // the training stream's state [batch, hidden]
	sgd            *optim.SGDConfig
	opt            optimizer.Interface
	sched          optim.Schedule
	steps          int
	vorder         *streamOrder
	cache          *graphCache
	x, y           []int32
}

// maxLogPPL clips a window's loss before the reward, as the reference does.
const maxLogPPL = 10.0

func newLMChild(backend compute.Backend, store *model.Store, cfg *Config, d *Data) (*lmChild, error) {
	ch := cfg.Child
	sp, err := searchSpace(cfg, d, false)
	if err != nil {
		return nil, err
	}
	rows, err := data.Batchify(d.TrainIDs, ch.BatchSize)
	if err != nil {
		return nil, err
	}
	vrows, err := data.Batchify(d.ValidIDs, ch.BatchSize)
	if err != nil {
		return nil, err
	}
	windows, vwindows := (len(rows[0])-1)/ch.BPTT, (len(vrows[0])-1)/ch.BPTT
	if windows < 1 || vwindows < 1 {
		return nil, errors.Errorf("enas: rows of %d training and %d validation tokens are too short for a BPTT window of %d",
			len(rows[0]), len(vrows[0]), ch.BPTT)
	}
	steps := ch.StepsPerEpoch
	if steps <= 0 {
		steps = windows
	}
	c := &lmChild{
		backend: backend, st: store, cfg: ch, seed: cfg.Seed, space: sp.(nas.RNNSpace), vocab: d.Vocab,
		rows: rows, vrows: vrows, windows: windows, rewardConstant: cfg.Controller.RewardConstant, steps: steps,
		vorder: &streamOrder{seed: cfg.Seed, name: "valid", n: vwindows}, cache: newGraphCache(cfg.GraphCache),
	}
	c.sgd, c.sched = childSGD(ch, steps)
	c.opt = c.sgd.Done()
	return c, nil
}

func (c *lmChild) stepsPerEpoch() int  { return c.steps }
func (c *lmChild) store() *model.Store { return c.st }
func (c *lmChild) close()              { c.cache.clear() }
func (c *lmChild) learningRate() float64 {
	return c.sched.LearningRateAt(max(optim.GlobalStep(c.st)-1, 0))
}

func (c *lmChild) cacheStats() (held, hits, misses, evictions int) {
	return c.cache.len(), c.cache.hits, c.cache.misses, c.cache.evictions
}

// languageModel is a's language model at the child's size.
func (c *lmChild) languageModel(a nas.Arch) (train.LanguageModel, error) {
	cell, err := c.space.Cell(a, c.cfg.Hidden)
	if err != nil {
		return nil, err
	}
	return train.NewLanguageModel(cell, train.LMConfig{Vocab: c.vocab, Embed: c.cfg.Hidden, Hidden: c.cfg.Hidden, TieWeights: true})
}

func (c *lmChild) zeroState() *tensors.Tensor {
	return tensors.FromShape(shapes.Make(dtypes.Float32, c.cfg.BatchSize, c.cfg.Hidden))
}

// trainStep trains a on the next window of the training stream: windows follow the
// text across epochs, and the state restarts from zero at the start of the text.
func (c *lmChild) trainStep(a nas.Arch, epoch, step int) (float64, error) {
	w := (epoch*c.steps + step) % c.windows
	if w == 0 || c.h == nil {
		c.h = c.zeroState()
	}
	var err error
	if c.x, c.y, err = data.Window(c.rows, w*c.cfg.BPTT, c.cfg.BPTT, c.x, c.y); err != nil {
		return 0, err
	}
	exec, err := c.cache.get("train:"+a.String(), func() (*model.Exec, error) { return c.trainExec(a) })
	if err != nil {
		return 0, err
	}
	outs, err := exec.Call(c.tokens(c.x), c.tokens(c.y), c.h)
	if err != nil {
		return 0, errors.WithMessagef(err, "child step %d of epoch %d", step, epoch)
	}
	l := float64(tensors.ToScalar[float32](outs[0]))
	if !math.IsNaN(l) && !math.IsInf(l, 0) {
		c.h = outs[1]
	}
	return l, nil
}

// reward is c / perplexity of a on validation window k of the epoch's order.
func (c *lmChild) reward(a nas.Arch, epoch, k int) (float64, float64, error) {
	w := c.vorder.at(epoch, k)
	x, y, err := data.Window(c.vrows, w*c.cfg.BPTT, c.cfg.BPTT, nil, nil)
	if err != nil {
		return 0, 0, err
	}
	exec, err := c.cache.get("reward:"+a.String(), func() (*model.Exec, error) { return c.rewardExec(a) })
	if err != nil {
		return 0, 0, err
	}
	outs, err := exec.Call(c.tokens(x), c.tokens(y), c.zeroState())
	if err != nil {
		return 0, 0, errors.WithMessage(err, "reward")
	}
	l := float64(tensors.ToScalar[float32](outs[0]))
	return c.rewardConstant / math.Exp(math.Min(l, maxLogPPL)), l, nil
}

func (c *lmChild) tokens(ids []int32) *tensors.Tensor {
	return tensors.FromFlatDataAndDimensions(slices.Clone(ids), c.cfg.BatchSize, c.cfg.BPTT)
}

// trainExec compiles a's training step on one window; the step is kept only if the
// loss and gradient norm are finite.
func (c *lmChild) trainExec(a nas.Arch) (*model.Exec, error) {
	lm, err := c.languageModel(a)
	if err != nil {
		return nil, err
	}
	return model.NewExec(c.backend, c.st, func(scope *model.Scope, tokens, targets, h0 *Node) []*Node {
		g := tokens.Graph()
		c.st.SetTraining(g, true)
		logits, hT := lm(scope, tokens, h0)
		l := train.LanguageModelLoss(logits, targets)
		c.opt.UpdateGraph(scope, g, l)
		ok := IsFinite(l)
		if v := c.sgd.GradNormVar(scope); v != nil && v.InUseByGraph(g) {
			ok = LogicalAnd(ok, IsFinite(v.NodeValue(g)))
		}
		keepUnless(c.st, g, ok)
		return []*Node{Where(ok, l, nanLike(l)), StopGradient(hT)}
	})
}

// rewardExec compiles a's loss on one window, writing no variable.
func (c *lmChild) rewardExec(a nas.Arch) (*model.Exec, error) {
	lm, err := c.languageModel(a)
	if err != nil {
		return nil, err
	}
	return model.NewExec(c.backend, c.st, func(scope *model.Scope, tokens, targets, h0 *Node) *Node {
		logits, _ := lm(scope, tokens, h0)
		l := train.LanguageModelLoss(logits, targets)
		discardChanges(c.st, tokens.Graph())
		return l
	})
}

// state is the training stream's hidden state: batch and hidden as uint32, then the
// float32 values, little endian (empty before the first step).
func (c *lmChild) state() ([]byte, error) {
	if c.h == nil {
		return nil, nil
	}
	var buf bytes.Buffer
	flat := tensors.MustCopyFlatData[float32](c.h)
	dims := c.h.Shape().Dimensions
	if err := binary.Write(&buf, binary.LittleEndian, []uint32{uint32(dims[0]), uint32(dims[1])}); err != nil {
		return nil, err
	}
	if err := binary.Write(&buf, binary.LittleEndian, flat); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

func (c *lmChild) setState(blob []byte) error {
	if len(blob) == 0 {
		c.h = nil
		return nil
	}
	r := bytes.NewReader(blob)
	var dims [2]uint32
	if err := binary.Read(r, binary.LittleEndian, &dims); err != nil {
		return errors.Wrap(err, "enas: reading the RNN state")
	}
	if int(dims[0]) != c.cfg.BatchSize || int(dims[1]) != c.cfg.Hidden {
		return errors.Errorf("enas: the checkpoint's RNN state is %dx%d, the search's %dx%d", dims[0], dims[1], c.cfg.BatchSize, c.cfg.Hidden)
	}
	flat := make([]float32, dims[0]*dims[1])
	if err := binary.Read(r, binary.LittleEndian, flat); err != nil {
		return errors.Wrap(err, "enas: reading the RNN state")
	}
	c.h = tensors.FromFlatDataAndDimensions(flat, int(dims[0]), int(dims[1]))
	return nil
}
