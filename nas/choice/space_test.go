package choice_test

import (
	"strings"
	"testing"

	. "github.com/gomlx/gomlx/core/graph" //nolint:staticcheck
	"github.com/gomlx/gomlx/ml/layers"
	"github.com/gomlx/gomlx/ml/model"
	"github.com/gonas/gonas/nas"
	"github.com/gonas/gonas/nas/choice"
	"github.com/gonas/gonas/nas/choice/models"
)

func cnnSpace(t *testing.T) *choice.Space {
	t.Helper()
	s, err := choice.New("cnn", models.CNN(10), 28, 28, 1)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestTraceDeclaresEveryChoiceUpToTheLargestRepeat(t *testing.T) {
	s := cnnSpace(t)
	var names []string
	for _, d := range s.Decisions() {
		names = append(names, d.Name+":"+strings.Join(d.Labels, "|"))
	}
	want := "width:8|16 stem:conv3x3|conv5x5 depth:1|2 depth/0/op:conv3x3|sep3x3|max3x3 depth/1/op:conv3x3|sep3x3|max3x3 features:0|1"
	if got := strings.Join(names, " "); got != want {
		t.Fatalf("decisions:\n got %s\nwant %s", got, want)
	}
	if s.NumClasses() != 10 || nas.NumArchitectures(s) != 2*2*2*3*3*2 {
		t.Fatalf("classes %d, architectures %g", s.NumClasses(), nas.NumArchitectures(s))
	}
}

func TestFormatParseRoundTrip(t *testing.T) {
	s := cnnSpace(t)
	a := nas.Arch{Space: "cnn", Choices: []int{1, 0, 0, 2, 1, 1}}
	text, err := s.Format(a)
	if err != nil {
		t.Fatal(err)
	}
	want := `{"width":"16","stem":"conv3x3","depth":"1","depth/0/op":"max3x3","depth/1/op":"sep3x3","features":"1"}`
	if text != want {
		t.Fatalf("Format = %s, want %s", text, want)
	}
	back, err := s.Parse(strings.ReplaceAll(text, `"16"`, `16`)) // a number reads as its label
	if err != nil || back.String() != a.String() {
		t.Fatalf("Parse = %v, %v; want %v", back, err, a)
	}
	for text, wantErr := range map[string]string{
		`{"width":"12"}`: `"12" is not a candidate (have 8, 16)`,
		`{"height":"8"}`: `unknown choice "height"`,
		`{"width":"8"}`:  `misses choice "stem"`,
		`[1,2]`:          `not a JSON object`,
	} {
		if _, err := s.Parse(text); err == nil || !strings.Contains(err.Error(), wantErr) {
			t.Errorf("Parse(%s) = %v, want an error with %q", text, err, wantErr)
		}
	}
}

// dense is a candidate: a dense layer of n units.
func dense(name string, n int) choice.Candidate {
	return choice.Named(name, func(s *model.Scope, x *Node) *Node { return layers.DenseWithBias(s, x, n) })
}

func flat(x *Node) *Node { return Reshape(x, x.Shape().Dimensions[0], -1) }

func TestBadSpacesGiveClearErrors(t *testing.T) {
	cases := map[string]struct {
		m    nas.ImageModel
		want string
	}{
		"no candidates": {func(s *model.Scope, x *Node) *Node { return choice.Op(s, "op", flat(x)) }, `choice.Op("op"): no candidates`},
		"duplicate name": {func(s *model.Scope, x *Node) *Node {
			x = choice.Op(s, "op", flat(x), dense("a", 4), dense("b", 4))
			return choice.Input(s, "op", x, x)
		}, `choice.Input("op"): duplicate choice name`},
		"duplicate candidate": {func(s *model.Scope, x *Node) *Node { _ = choice.Value(s, "w", 4, 4); return flat(x) }, `candidate "4" given twice`},
		"no choice":           {func(s *model.Scope, x *Node) *Node { return flat(x) }, "declares no choice"},
		"slash in name":       {func(s *model.Scope, x *Node) *Node { return choice.Value(s, "a/b", flat(x)) }, "without '/'"},
	}
	for name, c := range cases {
		_, err := choice.New("bad", c.m, 2, 2, 1)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: New = %v, want an error with %q", name, err, c.want)
		}
	}
}

func TestChoiceUnderAnotherValueIsReportedWhenReached(t *testing.T) {
	s, err := choice.New("cond", func(s *model.Scope, x *Node) *Node {
		if choice.Value(s, "deep", false, true) {
			x = choice.Op(s, "extra", x, choice.Named("id", func(_ *model.Scope, x *Node) *Node { return x }))
		}
		return layers.DenseWithBias(s.In("head"), flat(x), 2)
	}, 2, 2, 1)
	if err != nil {
		t.Fatal(err)
	}
	if len(s.Decisions()) != 1 {
		t.Fatalf("the trace (deep=false) declared %d choices, want 1", len(s.Decisions()))
	}
	_, _, err = s.Cost(nas.Arch{Space: "cond", Choices: []int{1}}, 2)
	if err == nil || !strings.Contains(err.Error(), `not a choice of space "cond"`) {
		t.Fatalf("Cost = %v, want an error naming the undeclared choice", err)
	}
}

func TestCostCountsParametersAndMultiplyAdds(t *testing.T) {
	s := cnnSpace(t)
	// width 8, stem conv3x3, depth 1 with max3x3, features = stem: stem conv + BN + head.
	a, err := s.Parse(`{"width":"8","stem":"conv3x3","depth":"1","depth/0/op":"max3x3","depth/1/op":"conv3x3","features":"0"}`)
	if err != nil {
		t.Fatal(err)
	}
	params, flops, err := s.Cost(a, 10)
	if err != nil {
		t.Fatal(err)
	}
	convW := 3 * 3 * 1 * 8
	wantParams := convW + 8 /*conv bias? see below*/ + 2*8 + 8*10 + 10
	wantFlops := int64(28*28*8*9 + 8*10)
	if flops != wantFlops {
		t.Errorf("multiply-adds = %d, want %d", flops, wantFlops)
	}
	if params != wantParams && params != wantParams-8 {
		t.Errorf("parameters = %d, want %d (or %d without a conv bias)", params, wantParams, wantParams-8)
	}
	// An unused block's choice changes nothing.
	b := a
	b.Choices = append([]int(nil), a.Choices...)
	b.Choices[4] = 1
	p2, f2, _ := s.Cost(b, 10)
	if p2 != params || f2 != flops {
		t.Errorf("the unused choice depth/1/op changed the cost: %d, %d", p2, f2)
	}
}

func TestDrawShowsTheChosenPath(t *testing.T) {
	s := cnnSpace(t)
	a, _ := s.Parse(`{"width":"16","stem":"conv5x5","depth":"2","depth/0/op":"sep3x3","depth/1/op":"max3x3","features":"1"}`)
	g, err := s.Graph(a)
	if err != nil {
		t.Fatal(err)
	}
	var edges []string
	label := map[string]string{}
	for _, n := range g.Nodes {
		label[n.ID] = n.Label
	}
	for _, e := range g.Edges {
		edges = append(edges, label[e.From]+" -> "+label[e.To])
	}
	want := "input 28×28×1 -> stem: conv5x5; stem: conv5x5 -> depth/0/op: sep3x3; depth/0/op: sep3x3 -> depth/1/op: max3x3; depth/1/op: max3x3 -> features ← 1; features ← 1 -> logits"
	if got := strings.Join(edges, "; "); got != want {
		t.Fatalf("edges:\n got %s\nwant %s", got, want)
	}
	if !strings.Contains(g.Title, "width=16") || !strings.Contains(g.Title, "depth=2") {
		t.Errorf("title %q misses the values", g.Title)
	}
	if svg, err := s.SVG(a); err != nil || !strings.Contains(svg, "<svg") {
		t.Errorf("SVG: %v", err)
	}
}
