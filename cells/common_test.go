package cells

import (
	"math"
	"math/rand/v2"
	"sort"
	"sync"
	"testing"

	"github.com/gomlx/compute"
	. "github.com/gomlx/gomlx/core/graph" //nolint:staticcheck
	"github.com/gomlx/gomlx/core/tensors"
	"github.com/gomlx/gomlx/ml/model"
	gomlxtrain "github.com/gomlx/gomlx/ml/train"
	"github.com/gomlx/gomlx/ml/train/loss"
	"github.com/gomlx/gomlx/ml/train/optimizer"
	"github.com/gonas/gonas/kernels"
	"github.com/gonas/gonas/nas"
	"github.com/gonas/gonas/nas/train"
)

var cellBackend = sync.OnceValue(func() compute.Backend {
	b, err := kernels.New("")
	if err != nil {
		panic(err)
	}
	return b
})

// cellSpace is what the tests need of the image spaces beyond nas interfaces: a
// counting run of a's network for size×size×3 images.
type cellSpace interface {
	nas.ImageSpace
	nas.Counter
	counted(a nas.Arch, size, classes int) (*cnet, error)
}

func (s *NASNet) counted(a nas.Arch, size, classes int) (*cnet, error) {
	return countedTwoCell(s, a, size, classes)
}

func (s *ENASMicro) counted(a nas.Arch, size, classes int) (*cnet, error) {
	return countedTwoCell(s, a, size, classes)
}

func countedTwoCell(s twoCellSpace, a nas.Arch, size, classes int) (*cnet, error) {
	normal, reduce, err := s.decode(a)
	if err != nil {
		return nil, err
	}
	return countedClassifier(normal, reduce, s.stack(), size, size, 3, classes)
}

// randomArch draws every decision uniformly.
func randomArch(s nas.Space, rng *rand.Rand) nas.Arch {
	a := nas.Arch{Space: s.Name()}
	for _, d := range s.Decisions() {
		a.Choices = append(a.Choices, rng.IntN(d.NumChoices))
	}
	return a
}

// usedParams lists the trainable variables (path → size) the network of a uses.
func usedParams(t *testing.T, s cellSpace, a nas.Arch, size, classes int) map[string]int {
	t.Helper()
	n, err := s.counted(a, size, classes)
	if err != nil {
		t.Fatal(err)
	}
	return n.params
}

func testImages(seed uint64, n, size int) *tensors.Tensor {
	rng := rand.New(rand.NewPCG(seed, 7))
	flat := make([]float32, n*size*size*3)
	for i := range flat {
		flat[i] = float32(rng.NormFloat64())
	}
	return tensors.FromFlatDataAndDimensions(flat, n, size, size, 3)
}

// runModel runs m on images in store, once prepare has set up the graph (training
// mode, training progress), and returns its output.
func runModel(t *testing.T, store *model.Store, m nas.ImageModel, images *tensors.Tensor, prepare func(g *Graph)) *tensors.Tensor {
	t.Helper()
	exec, err := model.NewExec(cellBackend(), store, func(scope *model.Scope, x *Node) *Node {
		prepare(x.Graph())
		return m(scope, x)
	})
	if err != nil {
		t.Fatal(err)
	}
	defer exec.Finalize()
	out, err := exec.Call(images)
	if err != nil {
		t.Fatal(err)
	}
	return out[0]
}

// forward runs a's network on images in training mode (batch statistics) and
// returns the logits.
func forward(t *testing.T, s cellSpace, store *model.Store, a nas.Arch, images *tensors.Tensor, classes int) []float32 {
	t.Helper()
	m, err := s.ImageModel(a, classes)
	if err != nil {
		t.Fatal(err)
	}
	out := runModel(t, store, m, images, func(g *Graph) { store.SetTraining(g, true) })
	if d := out.Shape().Dimensions; len(d) != 2 || d[0] != images.Shape().Dimensions[0] || d[1] != classes {
		t.Fatalf("%s: logits shape %v, want [%d %d]", a, d, images.Shape().Dimensions[0], classes)
	}
	return tensors.MustCopyFlatData[float32](out)
}

// checkBuilds builds a's network in a fresh store, runs it, and checks the logits
// are finite and the store holds exactly the variables Cost counts.
func checkBuilds(t *testing.T, s cellSpace, a nas.Arch, size int) {
	t.Helper()
	store := model.NewStore()
	for i, v := range forward(t, s, store, a, testImages(1, 2, size), 10) {
		if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) {
			t.Fatalf("%s: logit %d is %g", a, i, v)
		}
	}
	params, _, err := s.Cost(a, 10)
	if err != nil {
		t.Fatal(err)
	}
	if got := train.CountParameters(store); got != params {
		t.Errorf("%s: the built network has %d parameters, Cost says %d", a, got, params)
	}
	want := usedParams(t, s, a, size, 10)
	for v := range store.RootScope().IterVariables() {
		if v.Trainable {
			if size, ok := want[v.Path()]; !ok || size != v.Shape().Size() {
				t.Errorf("%s: variable %s (%d) not counted as %d", a, v.Path(), v.Shape().Size(), size)
			}
		}
	}
}

// checkRandomArchitectures validates 200 random architectures and builds and runs
// the networks of `build` of them.
func checkRandomArchitectures(t *testing.T, s cellSpace, size, build int) {
	rng := rand.New(rand.NewPCG(11, 3))
	for i := range 200 {
		a := randomArch(s, rng)
		if err := s.Validate(a); err != nil {
			t.Fatalf("random architecture %d: %v", i, err)
		}
		if _, _, err := s.Cost(a, 10); err != nil {
			t.Fatalf("random architecture %d %s: Cost: %v", i, a, err)
		}
		if i < build {
			checkBuilds(t, s, a, size)
		}
	}
}

// snapshot copies the values of the store's variables.
func snapshot(store *model.Store) map[string][]float32 {
	out := map[string][]float32{}
	for v := range store.RootScope().IterVariables() {
		if val, err := v.Value(); err == nil && val != nil && v.Shape().DType.IsFloat() {
			out[v.Path()] = tensors.MustCopyFlatData[float32](val)
		}
	}
	return out
}

// checkTrainingStepTouchesOnlyItsWeights builds a and b in one store, takes one SGD
// step on a, and checks that exactly a's trainable variables changed: those only b
// uses keep their values (so do all batch-norm moving averages of b's ops).
func checkTrainingStepTouchesOnlyItsWeights(t *testing.T, s cellSpace, a, b nas.Arch, size int) {
	store := model.NewStore()
	forward(t, s, store, b, testImages(2, 2, size), 10)
	m, err := s.ImageModel(a, 10)
	if err != nil {
		t.Fatal(err)
	}
	trainer := gomlxtrain.NewTrainer(cellBackend(), store, func(scope *model.Scope, x *Node) *Node { return m(scope, x) },
		loss.SparseCategoricalCrossEntropyLogits, optimizer.StochasticGradientDescent().WithLearningRate(0.1).Done(), nil, nil)
	images := testImages(3, 2, size)
	labels := tensors.FromFlatDataAndDimensions([]int32{1, 7}, 2, 1)
	// A first step creates and initialises a's own variables; compare across the second.
	if _, err := trainer.TrainStep(gomlxtrain.Batch{Inputs: []*tensors.Tensor{images}, Labels: []*tensors.Tensor{labels}}); err != nil {
		t.Fatal(err)
	}
	before := snapshot(store)
	if _, err := trainer.TrainStep(gomlxtrain.Batch{Inputs: []*tensors.Tensor{testImages(3, 2, size)}, Labels: []*tensors.Tensor{tensors.FromFlatDataAndDimensions([]int32{1, 7}, 2, 1)}}); err != nil {
		t.Fatal(err)
	}
	after := snapshot(store)
	usedA := usedParams(t, s, a, size, 10)
	usedB := usedParams(t, s, b, size, 10)
	var unchangedA, changedOther []string
	for path, old := range before {
		changed := false
		for i := range old {
			if old[i] != after[path][i] {
				changed = true
				break
			}
		}
		_, inA := usedA[path]
		_, inB := usedB[path]
		switch {
		case inA && !changed:
			unchangedA = append(unchangedA, path)
		case !inA && inB && changed:
			changedOther = append(changedOther, path)
		}
	}
	sort.Strings(unchangedA)
	if len(unchangedA) > 0 {
		t.Errorf("a training step on %s left %d of its %d trainable variables unchanged: %v", a, len(unchangedA), len(usedA), unchangedA)
	}
	if len(changedOther) > 0 {
		t.Errorf("a training step on %s changed %d variables only %s uses: %v", a, len(changedOther), b, changedOther)
	}
	// b's batch-norm moving averages (not trainable) must not move either.
	for path, old := range before {
		if _, inA := usedA[path]; inA || !isMovingAverageOfOnly(path, usedA) {
			continue
		}
		for i := range old {
			if old[i] != after[path][i] {
				t.Errorf("a training step on %s changed %s", a, path)
				break
			}
		}
	}
}

// isMovingAverageOfOnly says whether path is a batch-norm statistic of a layer that
// used (a's trainable variables) does not include.
func isMovingAverageOfOnly(path string, used map[string]int) bool {
	dir, name := model.SplitPath(path)
	if model.BasePath(dir) != "batch_normalization" {
		return false
	}
	if name != "mean" && name != "variance" && name != "avg_weight" {
		return false
	}
	_, ok := used[model.JoinPath(dir, "scale")]
	return !ok
}

// checkSharing builds a and b in one store and checks the store holds the union of
// their variables, each once, and that they share at least minShared variables.
func checkSharing(t *testing.T, s cellSpace, a, b nas.Arch, size, minShared int) {
	store := model.NewStore()
	forward(t, s, store, a, testImages(4, 2, size), 10)
	forward(t, s, store, b, testImages(5, 2, size), 10)
	usedA, usedB := usedParams(t, s, a, size, 10), usedParams(t, s, b, size, 10)
	union, shared := 0, 0
	for p, n := range usedA {
		union += n
		if _, ok := usedB[p]; ok {
			shared++
		}
	}
	for p, n := range usedB {
		if _, ok := usedA[p]; !ok {
			union += n
		}
	}
	if got := train.CountParameters(store); got != union {
		t.Errorf("store with %s and %s holds %d parameters, want the union %d", a, b, got, union)
	}
	if shared < minShared {
		t.Errorf("%s and %s share %d variables, want at least %d", a, b, shared, minShared)
	}
}

// checkJSONRoundTrip writes a as canonical JSON and reads it back.
func checkJSONRoundTrip(t *testing.T, s nas.Space, a nas.Arch) {
	t.Helper()
	back, err := ParseArch(s, a.String())
	if err != nil || back.String() != a.String() {
		t.Fatalf("JSON round trip of %s: %s, %v", a, back, err)
	}
}

// checkAux runs a model with an auxiliary head and checks both outputs' shapes.
func checkAux(t *testing.T, m func(*model.Scope, *Node) (*Node, *Node), size int) {
	t.Helper()
	exec, err := model.NewExec(cellBackend(), model.NewStore(), func(scope *model.Scope, x *Node) []*Node {
		logits, aux := m(scope, x)
		if aux == nil {
			t.Fatal("no auxiliary logits")
		}
		return []*Node{logits, aux}
	})
	if err != nil {
		t.Fatal(err)
	}
	outs, err := exec.Call(testImages(6, 2, size))
	if err != nil {
		t.Fatal(err)
	}
	for i, o := range outs {
		if d := o.Shape().Dimensions; len(d) != 2 || d[0] != 2 || d[1] != 10 {
			t.Errorf("output %d has shape %v, want [2 10]", i, d)
		}
	}
}
