package cells

import (
	"strings"

	"github.com/gonas/gonas/nas"
	"github.com/gonas/gonas/nas/draw"
	"github.com/pkg/errors"
)

// CellDrawer draws one cell ("normal" or "reduce") of an architecture.
type CellDrawer interface {
	CellGraph(a nas.Arch, cell string) (*draw.Graph, error)
}

// MultiFormat is a space with several text formats besides canonical JSON.
type MultiFormat interface {
	Formats() []nas.Format
}

// Named is a space with named architectures (NASNet-A, the ENAS cells).
type Named interface {
	Architectures() map[string]nas.Arch
}

// Unavailable is a space whose configuration rules out some of its kind's named
// architectures: it says why for each (a NASNet of B=2 cannot hold NASNet-A).
type Unavailable interface {
	UnavailableArchitectures() map[string]string
}

// drawBoth draws the normal and reduction cells of a, as one SVG (stacked) or as
// two DOT digraphs.
func drawBoth(d CellDrawer, a nas.Arch, svg bool) (string, error) {
	var graphs []*draw.Graph
	for _, cell := range []string{"normal", "reduce"} {
		g, err := d.CellGraph(a, cell)
		if err != nil {
			return "", err
		}
		graphs = append(graphs, g)
	}
	if svg {
		return draw.SVGStack(graphs...)
	}
	return draw.DOTAll(graphs...)
}

// ParseArch reads an architecture of space s in any format the space has: a name
// of Named.Architectures, canonical JSON ("{...}"), or any of its formats (the
// space itself when it is a nas.Format, and MultiFormat.Formats). When no format
// reads it, the error lists each format's complaint.
func ParseArch(s nas.Space, text string) (nas.Arch, error) {
	text = strings.TrimSpace(text)
	if named, ok := s.(Named); ok {
		if a, ok := named.Architectures()[text]; ok {
			return a, nil
		}
	}
	if u, ok := s.(Unavailable); ok {
		if why, ok := u.UnavailableArchitectures()[text]; ok {
			return nas.Arch{}, errors.New(why)
		}
	}
	if strings.HasPrefix(text, "{") {
		a, err := nas.ParseArchJSON(text)
		if err != nil {
			return nas.Arch{}, err
		}
		return a, s.Validate(a)
	}
	var formats []nas.Format
	if f, ok := s.(nas.Format); ok {
		formats = append(formats, f)
	}
	if mf, ok := s.(MultiFormat); ok {
		for _, f := range mf.Formats() {
			if len(formats) == 0 || formats[0].FormatName() != f.FormatName() {
				formats = append(formats, f)
			}
		}
	}
	var msgs []string
	for _, f := range formats {
		a, err := f.Parse(text)
		if err == nil {
			return a, s.Validate(a)
		}
		msgs = append(msgs, err.Error())
	}
	if len(msgs) == 0 {
		return nas.Arch{}, errors.Errorf("space %q reads only JSON architectures", s.Name())
	}
	return nas.Arch{}, errors.Errorf("space %q: no format reads the architecture:\n  %s", s.Name(), strings.Join(msgs, "\n  "))
}

// AllFormats writes a in canonical JSON (key "json") and in every text format of
// its space, keyed by format name ("enas", "genotype", ...); a format that cannot
// write a is left out.
func AllFormats(s nas.Space, a nas.Arch) map[string]string {
	out := map[string]string{"json": a.String()}
	var formats []nas.Format
	if f, ok := s.(nas.Format); ok {
		formats = append(formats, f)
	}
	if mf, ok := s.(MultiFormat); ok {
		formats = append(formats, mf.Formats()...)
	}
	for _, f := range formats {
		if text, err := f.Format(a); err == nil {
			out[f.FormatName()] = text
		}
	}
	return out
}
