package choice

import (
	"bytes"
	"encoding/json"
	"slices"
	"strconv"
	"strings"

	"github.com/gonas/gonas/nas"
	"github.com/pkg/errors"
)

// FormatName is the name of the space's architecture format: "choices", a JSON
// object of choice name → label, e.g. {"width":"32","stem":"conv5"}.
func (s *Space) FormatName() string { return "choices" }

// Format writes a as a JSON object of choice name → label, in decision order.
func (s *Space) Format(a nas.Arch) (string, error) {
	if err := s.Validate(a); err != nil {
		return "", err
	}
	var b bytes.Buffer
	b.WriteByte('{')
	for i, d := range s.decisions {
		if i > 0 {
			b.WriteByte(',')
		}
		k, _ := json.Marshal(d.Name)
		v, _ := json.Marshal(d.Label(a.Choices[i]))
		b.Write(k)
		b.WriteByte(':')
		b.Write(v)
	}
	b.WriteByte('}')
	return b.String(), nil
}

// Parse reads a JSON object of choice name → label (a string, or a number written as
// the label prints, so {"width":32} reads as "32"). Every choice must be given once;
// errors name the choice and list what is allowed.
func (s *Space) Parse(text string) (nas.Arch, error) {
	dec := json.NewDecoder(strings.NewReader(text))
	dec.UseNumber()
	var raw map[string]any
	if err := dec.Decode(&raw); err != nil {
		return nas.Arch{}, errors.Wrapf(err, "space %q: architecture %q is not a JSON object of choice name → label", s.name, text)
	}
	a := nas.Arch{Space: s.name, Choices: make([]int, len(s.decisions))}
	for name, v := range raw {
		i, ok := s.index[name]
		if !ok {
			return nas.Arch{}, errors.Errorf("space %q: unknown choice %q (have %s)", s.name, name, strings.Join(s.names(), ", "))
		}
		var label string
		switch v := v.(type) {
		case string:
			label = v
		case json.Number:
			label = v.String()
		default:
			return nas.Arch{}, errors.Errorf("space %q, choice %q: label %v is not a string or a number", s.name, name, v)
		}
		d := s.decisions[i]
		c := slices.Index(d.Labels, label)
		if c < 0 {
			return nas.Arch{}, errors.Errorf("space %q, choice %q: %q is not a candidate (have %s)", s.name, name, label, strings.Join(d.Labels, ", "))
		}
		a.Choices[i] = c
	}
	for _, d := range s.decisions {
		if _, ok := raw[d.Name]; !ok {
			return nas.Arch{}, errors.Errorf("space %q: architecture %q misses choice %q (one of %s)", s.name, text, d.Name, strings.Join(d.Labels, ", "))
		}
	}
	return a, nil
}

// names lists the decision names in order.
func (s *Space) names() []string {
	out := make([]string, len(s.decisions))
	for i, d := range s.decisions {
		out[i] = strconv.Quote(d.Name)
	}
	return out
}
