package cells

import (
	"errors"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/gonas/gonas/nas"
)

// Compile-time checks: NB201 is a space and a format.
var (
	_ nas.Space  = (*NB201)(nil)
	_ nas.Format = (*NB201)(nil)
)

const nb201Example = "|nor_conv_3x3~0|+|nor_conv_3x3~0|avg_pool_3x3~1|+|skip_connect~0|nor_conv_3x3~1|skip_connect~2|"

func TestNB201Decisions(t *testing.T) {
	s := NewNB201()
	ds := s.Decisions()
	wantNames := []string{"node1<-0", "node2<-0", "node2<-1", "node3<-0", "node3<-1", "node3<-2"}
	if len(ds) != len(wantNames) {
		t.Fatalf("%d decisions, want 6", len(ds))
	}
	for i, d := range ds {
		if d.Name != wantNames[i] || d.Kind != nas.Op || d.NumChoices != 5 || d.Node != -1 || !slices.Equal(d.Labels, NB201Ops) {
			t.Errorf("decision %d: %+v", i, d)
		}
	}
	if n := nas.NumArchitectures(s); n != 15625 {
		t.Errorf("NumArchitectures = %g, want 15625", n)
	}
}

func TestNB201FormatRoundTrip(t *testing.T) {
	s := NewNB201()
	a, err := s.Parse(nb201Example)
	if err != nil {
		t.Fatal(err)
	}
	if want := []int{3, 3, 4, 1, 3, 1}; !slices.Equal(a.Choices, want) {
		t.Fatalf("Parse: choices %v, want %v", a.Choices, want)
	}
	// Every architecture of the space formats and parses back to itself, and its
	// index is a bijection onto 0..15624.
	seen := make([]bool, 15625)
	for idx := range 15625 {
		a := nb201FromIndex(idx)
		text, err := s.Format(a)
		if err != nil {
			t.Fatal(err)
		}
		b, err := s.Parse(text)
		if err != nil {
			t.Fatalf("Parse(Format(%v)) = %v", a.Choices, err)
		}
		if !slices.Equal(a.Choices, b.Choices) || b.Space != "nb201" {
			t.Fatalf("round trip of %v gave %v", a, b)
		}
		got, err := NB201Index(b)
		if err != nil || got != idx || seen[got] {
			t.Fatalf("NB201Index(%v) = %d, %v; want %d", b.Choices, got, err, idx)
		}
		seen[got] = true
	}
	if _, err := s.Format(nas.Arch{Space: "nb201", Choices: []int{0, 1, 2, 3, 4, 5}}); err == nil {
		t.Error("Format accepted choice 5")
	}
}

func TestNB201ParseErrors(t *testing.T) {
	s := NewNB201()
	for _, c := range []struct {
		text, token string
		pos         int
		expected    string
	}{
		{"", "", 0, "an NB201 string"},
		{"|conv~0|+|none~0|none~1|+|none~0|none~1|none~2|", "conv", 1, "an op (none, skip_connect"},
		{"|none~1|+|none~0|none~1|+|none~0|none~1|none~2|", "1", 6, "source node 0"},
		{"|none|+|none~0|none~1|+|none~0|none~1|none~2|", "", 5, "'~0'"},
		{"|none~0|+|none~0|+|none~0|none~1|none~2|", "+", 17, "an edge \"op~1\" into node 2"},
		{"|none~0||none~0|none~1|+|none~0|none~1|none~2|", "|", 8, "'+' before the edges into node 2"},
		{"|none~0|+|none~0|none~1|+|none~0|none~1|none~2|x", "x", 47, "end of text"},
		{"|none~0|+|none~0|none~1|+|none~0|none~1|none~2", "", 46, "'|' after the edge 2→3"},
		{"none~0|+|none~0|none~1|+|none~0|none~1|none~2|", "none~0", 0, "'|' opening the edges into node 1"},
	} {
		_, err := s.Parse(c.text)
		var pe *NB201ParseError
		if !errors.As(err, &pe) {
			t.Errorf("Parse(%q): error %v, want an *NB201ParseError", c.text, err)
			continue
		}
		if pe.Token != c.token || pe.Pos != c.pos || !strings.Contains(pe.Expected, c.expected) {
			t.Errorf("Parse(%q): token %q at %d expected %q; want token %q at %d expected ~%q", c.text, pe.Token, pe.Pos, pe.Expected, c.token, c.pos, c.expected)
		}
		if !strings.Contains(err.Error(), "position") || !strings.Contains(err.Error(), "expected") {
			t.Errorf("error message %q should name the position and what was expected", err)
		}
	}
	// White space around the string is allowed.
	if _, err := s.Parse("  " + nb201Example + "\n"); err != nil {
		t.Errorf("surrounding white space: %v", err)
	}
}

// FuzzNB201Parse: no input may panic; whatever parses must be a valid architecture
// that formats back to a string parsing to the same architecture.
// Seed corpus: testdata/fuzz/FuzzNB201Parse. Run: go test ./cells -fuzz FuzzNB201Parse
func FuzzNB201Parse(f *testing.F) {
	f.Add(nb201Example)
	f.Add("|none~0|+|none~0|none~1|+|none~0|none~1|none~2|")
	f.Add("|~0|+||+|")
	f.Add("+|+|")
	s := NewNB201()
	f.Fuzz(func(t *testing.T, text string) {
		a, err := s.Parse(text)
		if err != nil {
			var pe *NB201ParseError
			if !errors.As(err, &pe) || pe.Pos < 0 || pe.Pos > len(text) {
				t.Fatalf("Parse(%q): bad error %v", text, err)
			}
			return
		}
		if err := s.Validate(a); err != nil {
			t.Fatalf("Parse(%q) gave an invalid architecture: %v", text, err)
		}
		out, err := s.Format(a)
		if err != nil {
			t.Fatal(err)
		}
		if out != strings.TrimSpace(text) {
			t.Fatalf("Format(Parse(%q)) = %q", text, out)
		}
		b, err := s.Parse(out)
		if err != nil || !slices.Equal(a.Choices, b.Choices) {
			t.Fatalf("round trip of %q: %v, %v", text, b, err)
		}
	})
}

const nb201SmallCSV = `arch,cellstr,cifar10-test,cifar10-val,cifar100-test,cifar100-val,imagenet-test,imagenet-val
0,|avg_pool_3x3~0|+|nor_conv_1x1~0|skip_connect~1|+|nor_conv_1x1~0|skip_connect~1|skip_connect~2|,69.55,63.36,31.26,31.84,17.0,18.47
1,|nor_conv_3x3~0|+|nor_conv_3x3~0|avg_pool_3x3~1|+|skip_connect~0|nor_conv_3x3~1|skip_connect~2|,88.22,82.83,58.26,57.80,33.80,35.43
`

func TestNB201TableSmall(t *testing.T) {
	table, err := ReadNB201Table(strings.NewReader(nb201SmallCSV))
	if err != nil {
		t.Fatal(err)
	}
	if table.Len() != 2 {
		t.Fatalf("Len = %d, want 2", table.Len())
	}
	s := NewNB201()
	a, _ := s.Parse(nb201Example)
	r, err := table.Lookup(a, "imagenet16")
	if err != nil || r.Test != 33.80 || r.Val != 35.43 {
		t.Fatalf("Lookup imagenet16: %+v, %v", r, err)
	}
	eval, err := table.Evaluator("cifar10")
	if err != nil {
		t.Fatal(err)
	}
	if v, err := eval(a); err != nil || v != 0.8283 {
		t.Fatalf("Evaluator: %g, %v; want 0.8283", v, err)
	}
	if _, err := eval(nb201FromIndex(0)); err == nil {
		t.Error("lookup of a cell missing from the table should fail")
	}
	if _, err := table.Evaluator("mnist"); err == nil {
		t.Error("unknown dataset accepted")
	}
	byVal, _, valRes, _, err := table.Best("cifar10")
	if err != nil || !slices.Equal(byVal.Choices, a.Choices) || valRes.Val != 82.83 {
		t.Errorf("Best: %v %+v %v", byVal, valRes, err)
	}
	// Broken tables are reported with the line.
	for _, bad := range []string{
		"arch,cellstr\n",
		strings.Replace(nb201SmallCSV, "69.55", "x", 1),
		strings.Replace(nb201SmallCSV, "avg_pool_3x3~0", "conv~0", 1),
		nb201SmallCSV + "2,|nor_conv_3x3~0|+|nor_conv_3x3~0|avg_pool_3x3~1|+|skip_connect~0|nor_conv_3x3~1|skip_connect~2|,1,1,1,1,1,1\n",
	} {
		if _, err := ReadNB201Table(strings.NewReader(bad)); err == nil {
			t.Errorf("accepted a broken table:\n%s", bad)
		}
	}
}

// TestNB201TableShared reads the real table from the shared data dir.
func TestNB201TableShared(t *testing.T) {
	path, err := DefaultNB201TablePath()
	if err == nil {
		_, err = os.Stat(path)
	}
	if err != nil {
		t.Skipf("no shared NB201 table: %v", err)
	}
	table, err := LoadNB201Table(path)
	if err != nil {
		t.Fatal(err)
	}
	if table.Len() != 15625 {
		t.Fatalf("table has %d cells, want 15625", table.Len())
	}
	for _, ds := range NB201Datasets {
		byVal, byTest, vr, tr, err := table.Best(ds)
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("%s: best by val %v (val %.2f test %.2f), best by test %v (test %.2f)", ds, byVal.Choices, vr.Val, vr.Test, byTest.Choices, tr.Test)
		if vr.Val < 30 || tr.Test < vr.Test {
			t.Errorf("%s: implausible best results %+v %+v", ds, vr, tr)
		}
	}
}
