package cells

// The NAS-Bench-201 search space [1] (the "topology" space of NATS-Bench): one cell of
// 4 nodes, repeated through a fixed ResNet-like skeleton. Node 0 is the cell input;
// node j (1..3) sums one op applied to every earlier node i, so the cell has 6 edges
// i→j, each one of 5 ops:
//
//	0 none  1 skip_connect  2 nor_conv_1x1  3 nor_conv_3x3  4 avg_pool_3x3
//
// (nor_conv is ReLU-conv-BN; none outputs zeros, cutting the edge). That is 5^6 =
// 15,625 cells, all trained by [1], which is what makes the space a benchmark: a
// search there is a table lookup (see NB201Table).
//
// Architecture: one Op decision per edge, in the order of the NB201 string
// "|op~0|+|op~0|op~1|+|op~0|op~1|op~2|" — edges 0→1, 0→2, 1→2, 0→3, 1→3, 2→3 — so the
// NB201 string and the choice list read the same. NB201 (this file) is a nas.Space
// and a nas.Format; its network (nas.ImageSpace) and drawing (nas.Drawer) go in their
// own files as methods on NB201, built from NB201Edges and NB201Ops.
//
// References:
//
//	[1] Dong & Yang, "NAS-Bench-201: Extending the Scope of Reproducible Neural
//	    Architecture Search", ICLR 2020; code: github.com/D-X-Y/NAS-Bench-201.

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/gonas/gonas/nas"
)

// NB201Ops are the NAS-Bench-201 ops in the benchmark's order (their choice numbers).
var NB201Ops = []string{"none", "skip_connect", "nor_conv_1x1", "nor_conv_3x3", "avg_pool_3x3"}

// NB201Nodes is the number of nodes of the cell, the input included.
const NB201Nodes = 4

// NB201Edge is one edge of the cell: an op from node From to node To.
type NB201Edge struct{ From, To int }

// NB201Edges lists the 6 edges in decision order (the NB201 string's order).
func NB201Edges() []NB201Edge {
	var es []NB201Edge
	for to := 1; to < NB201Nodes; to++ {
		for from := range to {
			es = append(es, NB201Edge{From: from, To: to})
		}
	}
	return es
}

// NB201 is the NAS-Bench-201 search space [1]; it implements nas.Space and
// nas.Format (the benchmark's arch strings).
type NB201 struct {
	net *NB201Network // nil: NB201BenchmarkNetwork
}

// NewNB201 returns the NAS-Bench-201 space.
func NewNB201() *NB201 { return &NB201{} }

// Name is "nb201".
func (*NB201) Name() string { return "nb201" }

// FormatName is "nb201".
func (*NB201) FormatName() string { return "nb201" }

// Decisions are one Op decision per edge, named "node{to}<-{from}".
func (*NB201) Decisions() []nas.Decision {
	var ds []nas.Decision
	for _, e := range NB201Edges() {
		ds = append(ds, nas.Decision{Name: fmt.Sprintf("node%d<-%d", e.To, e.From), Kind: nas.Op,
			NumChoices: len(NB201Ops), Labels: NB201Ops, Node: -1, Group: "cell"})
	}
	return ds
}

// Validate checks that a is an architecture of the space. Every combination of ops
// is one (the benchmark trained them all, including cells whose output is cut off).
func (s *NB201) Validate(a nas.Arch) error { return nas.ValidateChoices(s, a) }

// Format writes a as an NB201 string, e.g. |nor_conv_3x3~0|+|nor_conv_3x3~0|avg_pool_3x3~1|+|skip_connect~0|nor_conv_3x3~1|skip_connect~2|.
func (s *NB201) Format(a nas.Arch) (string, error) {
	if err := s.Validate(a); err != nil {
		return "", err
	}
	var b strings.Builder
	k := 0
	for to := 1; to < NB201Nodes; to++ {
		if to > 1 {
			b.WriteByte('+')
		}
		b.WriteByte('|')
		for from := range to {
			fmt.Fprintf(&b, "%s~%d|", NB201Ops[a.Choices[k]], from)
			k++
		}
	}
	return b.String(), nil
}

// NB201ParseError is what Parse reports: the offending token, its byte position in
// the text, and what was expected there.
type NB201ParseError struct {
	Text     string // the whole text parsed
	Pos      int    // byte offset of Token in Text
	Token    string // what was found ("" at the end of the text)
	Expected string // what the grammar wanted
}

// Error reads like: nb201: "conv~0" at position 1: expected an op (none, skip_connect, ...).
func (e *NB201ParseError) Error() string {
	found := strconv.Quote(e.Token)
	if e.Token == "" {
		found = "end of text"
	}
	return fmt.Sprintf("nb201: %s at position %d: expected %s", found, e.Pos, e.Expected)
}

// Parse reads an NB201 string (surrounding white space is ignored). The grammar:
//
//	arch := node1 '+' node2 '+' node3
//	nodeJ := '|' (op '~' i '|') for i = 0..J-1
//	op   := none | skip_connect | nor_conv_1x1 | nor_conv_3x3 | avg_pool_3x3
func (s *NB201) Parse(text string) (nas.Arch, error) {
	p := nb201Parser{text: text, pos: len(text) - len(strings.TrimLeft(text, " \t\r\n"))}
	end := len(strings.TrimRight(text, " \t\r\n"))
	if p.pos >= end {
		return nas.Arch{}, p.fail(p.pos, "", "an NB201 string such as |nor_conv_3x3~0|+|skip_connect~0|none~1|+|...|")
	}
	a := nas.Arch{Space: s.Name()}
	for to := 1; to < NB201Nodes; to++ {
		if to > 1 {
			if err := p.expect('+', end, fmt.Sprintf("'+' before the edges into node %d", to)); err != nil {
				return nas.Arch{}, err
			}
		}
		if err := p.expect('|', end, fmt.Sprintf("'|' opening the edges into node %d", to)); err != nil {
			return nas.Arch{}, err
		}
		for from := range to {
			op, err := p.edge(end, from, to)
			if err != nil {
				return nas.Arch{}, err
			}
			a.Choices = append(a.Choices, op)
		}
	}
	if p.pos < end {
		return nas.Arch{}, p.fail(p.pos, text[p.pos:end], "end of text after the 6 edges")
	}
	return a, nil
}

// nb201Parser walks the text, keeping the byte position for error messages.
type nb201Parser struct {
	text string
	pos  int
}

func (p *nb201Parser) fail(pos int, token, expected string) error {
	return &NB201ParseError{Text: p.text, Pos: pos, Token: token, Expected: expected}
}

// expect consumes the byte c.
func (p *nb201Parser) expect(c byte, end int, what string) error {
	if p.pos >= end {
		return p.fail(p.pos, "", what)
	}
	if p.text[p.pos] != c {
		return p.fail(p.pos, p.token(end), what)
	}
	p.pos++
	return nil
}

// token is the text from pos up to (not including) the next '|' or '+'.
func (p *nb201Parser) token(end int) string {
	i := p.pos
	for i < end && p.text[i] != '|' && p.text[i] != '+' {
		i++
	}
	if i == p.pos && i < end {
		i++ // a lone separator
	}
	return p.text[p.pos:i]
}

// edge consumes "op~from|" and returns the op's choice number.
func (p *nb201Parser) edge(end, from, to int) (int, error) {
	start := p.pos
	tok := p.token(end)
	if tok == "" || tok == "|" || tok == "+" {
		return 0, p.fail(start, tok, fmt.Sprintf("an edge \"op~%d\" into node %d", from, to))
	}
	name, index, found := strings.Cut(tok, "~")
	op := -1
	for i, o := range NB201Ops {
		if o == name {
			op = i
		}
	}
	if op < 0 {
		return 0, p.fail(start, name, "an op ("+strings.Join(NB201Ops, ", ")+")")
	}
	if !found {
		return 0, p.fail(start+len(name), tok[len(name):], fmt.Sprintf("'~%d' (the edge's source node)", from))
	}
	if index != strconv.Itoa(from) {
		return 0, p.fail(start+len(name)+1, index, fmt.Sprintf("source node %d (edges into node %d come from nodes 0..%d in order)", from, to, to-1))
	}
	p.pos += len(tok)
	if err := p.expect('|', end, fmt.Sprintf("'|' after the edge %d→%d", from, to)); err != nil {
		return 0, err
	}
	return op, nil
}

// NB201Index is the architecture's number in base 5 (edge 0→1 the most significant
// digit), 0..15624: a dense key for tables.
func NB201Index(a nas.Arch) (int, error) {
	if err := (&NB201{}).Validate(a); err != nil {
		return 0, err
	}
	idx := 0
	for _, c := range a.Choices {
		idx = idx*len(NB201Ops) + c
	}
	return idx, nil
}
