package zerocost

import (
	"strings"
	"testing"

	"github.com/gomlx/compute/shapes"
	. "github.com/gomlx/gomlx/core/graph" //nolint:staticcheck
	"github.com/gomlx/gomlx/ml/layers/activation"
	"github.com/gomlx/gomlx/ml/model"
	"github.com/gonas/gonas/nas/data"
)

func TestNewScorerRejectsBadInput(t *testing.T) {
	backend := testBackend(t)
	good, _ := tinyBatch(4, 1)
	oneImage, _ := tinyBatch(1, 1)
	badLabel, _ := tinyBatch(4, 1)
	badLabel.Labels[2] = 7
	short, _ := tinyBatch(4, 1)
	short.Images = short.Images[:10]
	cases := []struct {
		name    string
		batch   *data.Batch
		classes int
		want    string
	}{
		{"empty", &data.Batch{Height: 4, Width: 4, Channels: 2}, 3, "empty minibatch"},
		{"one image", oneImage, 3, "at least 2"},
		{"label", badLabel, 3, "label 7 of image 2"},
		{"classes", good, 1, "1 classes"},
		{"pixels", short, 3, "10 pixel values"},
	}
	for _, c := range cases {
		_, err := NewScorer(backend, c.batch, c.classes, 1)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want one containing %q", c.name, err, c.want)
		}
	}
	if _, err := NewScorer(nil, good, 3, 1); err == nil {
		t.Error("nil backend accepted")
	}
}

func TestScoreErrors(t *testing.T) {
	backend := testBackend(t)
	batch, _ := tinyBatch(4, 1)
	scorer, err := NewScorer(backend, batch, tinyClasses, 1)
	if err != nil {
		t.Fatal(err)
	}
	net := newTinyNet(1)
	if _, err := scorer.Score(net.model(false, false), "fisher"); err == nil || !strings.Contains(err.Error(), `unknown proxy "fisher"`) {
		t.Errorf("unknown proxy: error %v", err)
	}
	if s, err := scorer.Score(net.model(false, false), "grad-norm"); err != nil || len(s) != 1 || s[GradNorm] <= 0 {
		t.Errorf(`Score(m, "grad-norm") = %v, %v; want the grad_norm score alone`, s, err)
	}
	if _, err := scorer.Score(nil); err == nil {
		t.Error("nil model accepted")
	}
	// Logits of the wrong width.
	wide, err := NewScorer(backend, batch, 10, 1)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range Proxies {
		if _, err := wide.Score(net.model(false, false), p); err == nil || !strings.Contains(err.Error(), "want [N, 10]") {
			t.Errorf("%s with 3 logits for 10 classes: error %v", p, err)
		}
	}
	// A network whose ReLU is not nn.Relu: NASWOT cannot see it, the others can score it.
	plain := func(scope *model.Scope, x *Node) *Node {
		h := activation.Relu(Reshape(x, x.Shape().Dimensions[0], -1))
		w := scope.In("dense").VariableWithShape("weights", shapes.Make(x.DType(), h.Shape().Dimensions[1], tinyClasses))
		return MatMul(h, w.NodeValue(x.Graph()))
	}
	if _, err := scorer.Score(plain, NASWOT); err == nil || !strings.Contains(err.Error(), "no ReLU built with nn.Relu") {
		t.Errorf("NASWOT without nn.Relu: error %v", err)
	}
	if s, err := scorer.Score(plain, Synflow, GradNorm); err != nil || s[Synflow] <= 0 || s[GradNorm] <= 0 {
		t.Errorf("synflow and grad-norm without nn.Relu: %v, %v", s, err)
	}
}

func TestParseProxies(t *testing.T) {
	ps, err := ParseProxies("naswot, grad-norm,synflow")
	if err != nil || len(ps) != 3 || ps[0] != NASWOT || ps[1] != GradNorm || ps[2] != Synflow {
		t.Errorf("ParseProxies = %v, %v", ps, err)
	}
	if _, err := ParseProxies("naswot,naswot"); err == nil || !strings.Contains(err.Error(), "twice") {
		t.Errorf("duplicate proxy: error %v", err)
	}
	if _, err := ParseProxies(""); err == nil {
		t.Error("empty list accepted")
	}
}
