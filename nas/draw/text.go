package draw

import "strings"

// A label may hold subscripts written as in TeX with braces: "h_{i-1}" draws h with
// the subscript i-1 (a bare "_", as in "sep_conv_3x3", is plain text). segment is
// one run of a label, subscript or not.
type segment struct {
	text string
	sub  bool
}

// parseLabel splits a label into runs of normal and subscript ("_{...}") text.
func parseLabel(label string) []segment {
	if !strings.Contains(label, "_{") {
		return []segment{{text: label}}
	}
	var segs []segment
	rest := label
	for {
		i := strings.Index(rest, "_{")
		if i < 0 {
			break
		}
		j := strings.Index(rest[i:], "}")
		if j < 0 {
			break
		}
		if i > 0 {
			segs = append(segs, segment{text: rest[:i]})
		}
		segs = append(segs, segment{text: rest[i+2 : i+j], sub: true})
		rest = rest[i+j+1:]
	}
	if rest != "" {
		segs = append(segs, segment{text: rest})
	}
	return segs
}

// plainLabel is the label with subscripts flattened ("h_{i-1}" → "h[i-1]"), for
// DOT and for width estimates.
func plainLabel(label string) string {
	var b strings.Builder
	for _, s := range parseLabel(label) {
		if s.sub {
			b.WriteString("[" + s.text + "]")
		} else {
			b.WriteString(s.text)
		}
	}
	return b.String()
}

// charWidth approximates the advance of a character, as a fraction of the font size,
// for common sans-serif fonts (Helvetica, Arial, DejaVu Sans).
func charWidth(r rune) float64 {
	switch {
	case strings.ContainsRune("il.,:;|!'[]()1 ", r):
		return 0.34
	case strings.ContainsRune("mwMW@", r):
		return 0.86
	case r >= 'A' && r <= 'Z':
		return 0.68
	}
	return 0.58
}

// textWidth estimates the width in pixels of a label drawn at the given font size.
func textWidth(label string, fontSize float64) float64 {
	w := 0.0
	for _, s := range parseLabel(label) {
		scale := 1.0
		if s.sub {
			scale = subScale
		}
		for _, r := range s.text {
			w += charWidth(r) * fontSize * scale
		}
	}
	return w
}

// subScale is the size of subscripts relative to the label's font.
const subScale = 0.75
