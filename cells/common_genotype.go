package cells

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/gonas/gonas/nas"
	"github.com/pkg/errors"
)

// The DARTS genotype text [3], also used for NASNet, AmoebaNet and ENAS cells:
//
//	Genotype(normal=[('sep_conv_3x3', 1), ('sep_conv_3x3', 0), ...], normal_concat=[2, 3, 4, 5, 6],
//	         reduce=[...], reduce_concat=[...])
//
// Each cell lists two (op, input) pairs per node, in node order; input 0 is the
// older cell input h(i-2) (NASNet's h_{i-1}), 1 the newer, k ≥ 2 node k. The
// concat lists ([2, 3] or range(a, b)) name the states the cell's output
// concatenates; a space's genotype format reads only the lists its network builds
// (left out: whatever they are), and FitSpace sets a NASNet space's lists from a
// genotype's. The nodes always add their two inputs.

// gene is one (op, input) pair with its tokens, for error messages.
type gene struct {
	op, in       string
	opTok, inTok token
	input        int
}

// genotypeText is a parsed genotype, before it is checked against a space.
type genotypeText struct {
	cells   map[string][]gene // "normal", "reduce"
	concats map[string][]int  // "normal", "reduce"
	tokens  map[string]token  // first token of each field's value
}

// parseGenotypeText reads the genotype syntax.
func parseGenotypeText(text string) (*genotypeText, error) {
	t, err := tokenize("genotype", text)
	if err != nil {
		return nil, err
	}
	g := &genotypeText{cells: map[string][]gene{}, concats: map[string][]int{}, tokens: map[string]token{}}
	if tok := t.next(); tok.kind != tokIdent || tok.text != "Genotype" {
		return nil, t.errAt(tok, "unexpected token", `"Genotype"`)
	}
	if _, err := t.expect("("); err != nil {
		return nil, err
	}
	fields := []string{"normal", "normal_concat", "reduce", "reduce_concat"}
	for {
		tok := t.next()
		if tok.kind == tokPunct && tok.text == ")" {
			break
		}
		if tok.kind != tokIdent || !slices.Contains(fields, tok.text) {
			return nil, t.errAt(tok, "unknown field", "one of normal, normal_concat, reduce, reduce_concat or \")\"")
		}
		name := tok.text
		if _, dup := g.tokens[name]; dup {
			return nil, t.errAt(tok, "field given twice", "each field once")
		}
		if _, err := t.expect("="); err != nil {
			return nil, err
		}
		g.tokens[name] = t.peek()
		if strings.HasSuffix(name, "_concat") {
			g.concats[strings.TrimSuffix(name, "_concat")], err = parseConcat(t)
		} else {
			g.cells[name], err = parseGenes(t)
		}
		if err != nil {
			return nil, err
		}
		if tok := t.next(); tok.kind == tokPunct && tok.text == ")" {
			break
		} else if tok.kind != tokPunct || tok.text != "," {
			return nil, t.errAt(tok, "unexpected token", `"," or ")"`)
		}
	}
	if tok := t.next(); tok.kind != tokEOF {
		return nil, t.errAt(tok, "text after the closing parenthesis", "end of text")
	}
	for _, name := range []string{"normal", "reduce"} {
		if _, ok := g.cells[name]; !ok {
			return nil, errors.Errorf("genotype: field %q missing, expected normal=[...] and reduce=[...]", name)
		}
	}
	return g, nil
}

// parseGenes reads [('op', input), ...].
func parseGenes(t *tokenizer) ([]gene, error) {
	if _, err := t.expect("["); err != nil {
		return nil, err
	}
	var genes []gene
	for {
		tok := t.next()
		if tok.kind == tokPunct && tok.text == "]" {
			return genes, nil
		}
		if tok.kind != tokPunct || tok.text != "(" {
			return nil, t.errAt(tok, "unexpected token", `"(" starting an (op, input) pair, or "]"`)
		}
		opTok := t.next()
		if opTok.kind != tokString {
			return nil, t.errAt(opTok, "not a quoted op name", "an op name such as 'sep_conv_3x3'")
		}
		if _, err := t.expect(","); err != nil {
			return nil, err
		}
		inTok, err := t.expectInt("the index of the input node")
		if err != nil {
			return nil, err
		}
		if _, err := t.expect(")"); err != nil {
			return nil, err
		}
		genes = append(genes, gene{op: opTok.text, opTok: opTok, inTok: inTok, input: inTok.value})
		if sep := t.peek(); sep.kind == tokPunct && sep.text == "," {
			t.next()
		} else if sep.kind != tokPunct || sep.text != "]" {
			return nil, t.errAt(t.next(), "unexpected token", `"," or "]"`)
		}
	}
}

// parseConcat reads [2, 3, 4] or range(2, 6).
func parseConcat(t *tokenizer) ([]int, error) {
	tok := t.next()
	if tok.kind == tokIdent && tok.text == "range" {
		if _, err := t.expect("("); err != nil {
			return nil, err
		}
		from, err := t.expectInt("the start of the range")
		if err != nil {
			return nil, err
		}
		if _, err := t.expect(","); err != nil {
			return nil, err
		}
		to, err := t.expectInt("the end of the range")
		if err != nil {
			return nil, err
		}
		if _, err := t.expect(")"); err != nil {
			return nil, err
		}
		if to.value-from.value > 1000 {
			return nil, t.errAt(to, "range too long", "at most 1000 nodes")
		}
		var out []int
		for k := from.value; k < to.value; k++ {
			out = append(out, k)
		}
		return out, nil
	}
	if tok.kind != tokPunct || tok.text != "[" {
		return nil, t.errAt(tok, "unexpected token", `"[" or range(a, b)`)
	}
	var out []int
	for {
		tok := t.next()
		if tok.kind == tokPunct && tok.text == "]" {
			return out, nil
		}
		if tok.kind != tokInt {
			return nil, t.errAt(tok, "not a node index", `a node index or "]"`)
		}
		out = append(out, tok.value)
		if sep := t.peek(); sep.kind == tokPunct && sep.text == "," {
			t.next()
		} else if sep.kind != tokPunct || sep.text != "]" {
			return nil, t.errAt(t.next(), "unexpected token", `"," or "]"`)
		}
	}
}

// genotypeFormat is the genotype text of a cell space whose nodes add (op, input)
// pairs: NASNet and ENAS micro.
type genotypeFormat struct {
	ops    []opDef
	blocks int
	encode func(normal, reduce cellSpec) nas.Arch
	decode func(a nas.Arch) (normal, reduce cellSpec, err error)
	// concat lists the states the space's network concatenates into a cell's
	// output; nil (to read a named architecture whatever the space's concat rule)
	// skips the check of a genotype's lists.
	concat func(spec cellSpec, reduction bool) []int
}

// FormatName is "genotype".
func (f genotypeFormat) FormatName() string { return "genotype" }

// Parse reads a genotype; errors name the token, its offset and what was expected.
func (f genotypeFormat) Parse(text string) (nas.Arch, error) {
	normal, reduce, err := f.parseCells(text)
	if err != nil {
		return nas.Arch{}, err
	}
	return f.encode(normal, reduce), nil
}

// parseCells reads a genotype's two cells, checking its concat lists when f.concat is set.
func (f genotypeFormat) parseCells(text string) (normal, reduce cellSpec, err error) {
	g, err := parseGenotypeText(text)
	if err != nil {
		return nil, nil, err
	}
	t := &tokenizer{format: "genotype"}
	var specs [2]cellSpec
	for ci, name := range []string{"normal", "reduce"} {
		genes := g.cells[name]
		if len(genes) != 2*f.blocks {
			return nil, nil, t.errAt(g.tokens[name], fmt.Sprintf("the %s cell lists %d (op, input) pairs", name, len(genes)),
				fmt.Sprintf("%d (two per node, %d nodes)", 2*f.blocks, f.blocks))
		}
		spec := make(cellSpec, f.blocks)
		for i, gn := range genes {
			b, slot := i/2, i%2
			op := slices.IndexFunc(f.ops, func(d opDef) bool { return d.genotype == gn.op })
			if op < 0 {
				return nil, nil, t.errAt(gn.opTok, fmt.Sprintf("unknown op in the %s cell", name), "one of "+f.opNames())
			}
			if gn.input >= b+2 {
				return nil, nil, t.errAt(gn.inTok, fmt.Sprintf("input of node %d of the %s cell out of range", b+2, name),
					fmt.Sprintf("an earlier node, 0 to %d", b+1))
			}
			spec[b].op[slot], spec[b].in[slot] = op, gn.input
		}
		if concat, ok := g.concats[name]; ok && f.concat != nil && !slices.Equal(concat, f.concat(spec, ci == 1)) {
			return nil, nil, t.errAt(g.tokens[name+"_concat"], fmt.Sprintf("%s_concat %v is not what this network concatenates", name, concat),
				fmt.Sprintf("%v, the states this network concatenates (cells.FitSpace, as gonas info and draw use it, sizes a NASNet space to a genotype's lists)", f.concat(spec, ci == 1)))
		}
		specs[ci] = spec
	}
	return specs[0], specs[1], nil
}

// Format writes a in the genotype text; it fails for nodes that concatenate.
func (f genotypeFormat) Format(a nas.Arch) (string, error) {
	normal, reduce, err := f.decode(a)
	if err != nil {
		return "", err
	}
	var b strings.Builder
	b.WriteString("Genotype(")
	for ci, spec := range []cellSpec{normal, reduce} {
		name := []string{"normal", "reduce"}[ci]
		if ci > 0 {
			b.WriteString(", ")
		}
		b.WriteString(name + "=[")
		for k, nd := range spec {
			if nd.concat {
				return "", errors.Errorf("genotype: node %d of the %s cell concatenates its inputs; genotypes only add", k+2, name)
			}
			for slot := range 2 {
				if k+slot > 0 {
					b.WriteString(", ")
				}
				fmt.Fprintf(&b, "('%s', %d)", f.ops[nd.op[slot]].genotype, nd.in[slot])
			}
		}
		b.WriteString("], " + name + "_concat=[")
		for i, u := range f.concat(spec, ci == 1) {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString(strconv.Itoa(u))
		}
		b.WriteString("]")
	}
	b.WriteString(")")
	return b.String(), nil
}

func (f genotypeFormat) opNames() string {
	names := make([]string, len(f.ops))
	for i, d := range f.ops {
		names[i] = d.genotype
	}
	return strings.Join(names, ", ")
}
