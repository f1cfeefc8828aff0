package nn

import (
	. "github.com/gomlx/gomlx/core/graph" //nolint:staticcheck
	"github.com/gomlx/gomlx/ml/layers/activation"
	"github.com/gomlx/gomlx/ml/model"
	"github.com/gomlx/gomlx/support/exceptions"
)

// Graph-building hooks for evaluators that look inside a network rather than train
// it (package nas/zerocost). They are graph parameters, read once per layer while a
// graph is built: a graph built without them (every training graph) is unchanged and
// pays one map lookup per layer at build time, nothing at run time.

// Graph parameter keys of the hooks.
const (
	reluRecorderParam    = "nn_relu_recorder"
	bypassBatchNormParam = "nn_bypass_batch_norm"
)

// ReluRecorder is called by Relu with the input and the output of every ReLU built
// in a graph that records them (RecordRelus).
type ReluRecorder func(in, out *Node)

// RecordRelus makes every Relu built in g from now on call record. g must be a graph
// of a model.Exec (one that holds graph parameters).
func RecordRelus(g *Graph, record ReluRecorder) {
	if record == nil {
		exceptions.Panicf("nn.RecordRelus: nil recorder")
	}
	model.SetGraphParam(g, reluRecorderParam, record)
}

// Relu is max(x, 0), handing x and the result to the recorder of x's graph when it
// has one (RecordRelus). The layers of GoNAS's spaces build their ReLUs with it.
func Relu(x *Node) *Node {
	y := activation.Relu(x)
	if v, found := model.GetGraphParam(x.Graph(), reluRecorderParam); found {
		if record, ok := v.(ReluRecorder); ok {
			record(x, y)
		}
	}
	return y
}

// BypassBatchNorm makes every BatchNorm built in g from now on the identity, so a
// network is scored as if built without batch normalisation (synflow [4]). Its
// batch-norm variables are then not created.
func BypassBatchNorm(g *Graph) {
	model.SetGraphParam(g, bypassBatchNormParam, true)
}

func batchNormBypassed(g *Graph) bool {
	v, found := model.GetGraphParam(g, bypassBatchNormParam)
	bypass, ok := v.(bool)
	return found && ok && bypass
}
