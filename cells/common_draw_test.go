package cells

import (
	"encoding/xml"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gonas/gonas/nas"
)

// The SVGs under docs/ are what `gonas draw` writes for the named cells; set
// GONAS_UPDATE_DOCS=1 to rewrite them after changing the drawing code.
func TestDocsSVGsUpToDate(t *testing.T) {
	nasnet, _ := NewNASNet(DefaultNASNetConfig())
	enas, _ := NewENASMicro(DefaultENASMicroConfig())
	docs := []struct {
		file  string
		space CellDrawer
		arch  nas.Arch
		cell  string
	}{
		{"nasnet_a_normal.svg", nasnet, nasnet.Architectures()["nasnet-a"], "normal"},
		{"nasnet_a_reduce.svg", nasnet, nasnet.Architectures()["nasnet-a"], "reduce"},
		{"enas_micro_normal.svg", enas, enas.Architectures()["enas"], "normal"},
		{"enas_micro_reduce.svg", enas, enas.Architectures()["enas"], "reduce"},
	}
	for _, d := range docs {
		g, err := d.space.CellGraph(d.arch, d.cell)
		if err != nil {
			t.Fatal(err)
		}
		svg, err := g.SVG()
		if err != nil {
			t.Fatal(err)
		}
		path := filepath.Join("..", "docs", d.file)
		if os.Getenv("GONAS_UPDATE_DOCS") == "1" {
			if err := os.WriteFile(path, []byte(svg), 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		old, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		if string(old) != svg {
			t.Errorf("%s is stale: run GONAS_UPDATE_DOCS=1 go test ./cells -run DocsSVGs", path)
		}
	}
}

// Every random architecture draws as well-formed SVG (both cells) and DOT naming
// every op of its cells.
func TestDrawRandomArchitectures(t *testing.T) {
	nasnet, _ := NewNASNet(DefaultNASNetConfig())
	enas, _ := NewENASMicro(DefaultENASMicroConfig())
	rng := rand.New(rand.NewPCG(12, 12))
	for _, s := range []interface {
		nas.Space
		nas.Drawer
	}{nasnet, enas} {
		for range 50 {
			a := randomArch(s, rng)
			svg, err := s.SVG(a)
			if err != nil {
				t.Fatal(err)
			}
			dec := xml.NewDecoder(strings.NewReader(svg))
			for {
				if _, err := dec.Token(); err == io.EOF {
					break
				} else if err != nil {
					t.Fatalf("%s: SVG not well-formed: %v", a, err)
				}
			}
			dot, err := s.DOT(a)
			if err != nil {
				t.Fatal(err)
			}
			if n := strings.Count(dot, "digraph"); n != 2 {
				t.Fatalf("%s: DOT has %d digraphs, want 2 (normal and reduction cell)", a, n)
			}
			for i, d := range s.Decisions() {
				if d.Kind == nas.Op && !strings.Contains(svg, opLabel(s, d.Label(a.Choices[i]))) {
					t.Fatalf("%s: SVG lacks op %s", a, d.Label(a.Choices[i]))
				}
			}
		}
	}
}

// opLabel is the drawing label of the op with that key.
func opLabel(s nas.Space, key string) string {
	ops := NASNetOps
	if s.Name() == "enas-micro" {
		ops = ENASMicroOps
	}
	for _, d := range ops {
		if d.key == key {
			return d.label
		}
	}
	return key
}
