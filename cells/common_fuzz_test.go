package cells

import (
	"testing"

	"github.com/gonas/gonas/nas"
)

// FuzzGenotypeParse: no genotype text panics the NASNet or ENAS micro parser;
// whatever parses is valid and round-trips. Seeds: testdata/fuzz/FuzzGenotypeParse.
func FuzzGenotypeParse(f *testing.F) {
	nasnet, err := NewNASNet(DefaultNASNetConfig())
	if err != nil {
		f.Fatal(err)
	}
	enas, err := NewENASMicro(DefaultENASMicroConfig())
	if err != nil {
		f.Fatal(err)
	}
	f.Add(NASNetAGenotype)
	f.Add(ENASPaperGenotype)
	f.Fuzz(func(t *testing.T, text string) {
		for _, s := range []interface {
			nas.Space
			Genotype() nas.Format
		}{nasnet, enas} {
			g := s.Genotype()
			a, err := g.Parse(text)
			if err != nil {
				continue
			}
			if err := s.Validate(a); err != nil {
				t.Fatalf("%s: Parse(%q) gave an invalid architecture: %v", s.Name(), text, err)
			}
			out, err := g.Format(a)
			if err != nil {
				t.Fatal(err)
			}
			if back, err := g.Parse(out); err != nil || back.String() != a.String() {
				t.Fatalf("%s: round trip of %q: %q → %v, %v", s.Name(), text, out, back, err)
			}
		}
	})
}

// FuzzParseArch: ParseArch (names, JSON, every format) never panics, and what it
// returns without error is valid. Seeds: testdata/fuzz/FuzzParseArch.
func FuzzParseArch(f *testing.F) {
	nasnet, err := NewNASNet(DefaultNASNetConfig())
	if err != nil {
		f.Fatal(err)
	}
	enas, err := NewENASMicro(DefaultENASMicroConfig())
	if err != nil {
		f.Fatal(err)
	}
	f.Add(`{"space":"enas-micro","choices":[0,2,0,0]}`)
	f.Add("nasnet-a")
	f.Fuzz(func(t *testing.T, text string) {
		for _, s := range []nas.Space{nasnet, enas} {
			a, err := ParseArch(s, text)
			if err != nil {
				continue
			}
			if err := s.Validate(a); err != nil {
				t.Fatalf("%s: ParseArch(%q) returned an invalid architecture: %v", s.Name(), text, err)
			}
		}
	})
}
