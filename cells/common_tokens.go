package cells

import (
	"fmt"
	"strings"

	"github.com/pkg/errors"
)

// tokKind is the kind of a token of an architecture text format.
type tokKind int

const (
	tokIdent  tokKind = iota // Genotype, normal, range
	tokInt                   // 0, 12
	tokString                // 'sep_conv_3x3'
	tokPunct                 // ( ) [ ] , =
	tokEOF
)

// token is one token of a text format; index counts tokens from 0 and offset is the
// byte offset of its first character, so errors can point at it.
type token struct {
	kind   tokKind
	text   string // a string token's content, without quotes
	raw    string // the token as written
	index  int
	offset int
	value  int // for tokInt
}

// tokenizer splits text into tokens for a parser with one token of look-ahead.
type tokenizer struct {
	format string // format name for errors: "genotype", "enas"
	toks   []token
	pos    int
}

// tokenize splits text into identifiers, non-negative integers, quoted strings and
// the punctuation ( ) [ ] , = ; whitespace separates tokens. An unexpected
// character or an unterminated string is an error naming its offset.
func tokenize(format, text string) (*tokenizer, error) {
	t := &tokenizer{format: format}
	i := 0
	for i < len(text) {
		c := text[i]
		start := i
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			i++
			continue
		case strings.IndexByte("()[],=", c) >= 0:
			i++
			t.toks = append(t.toks, token{kind: tokPunct, text: text[start:i], raw: text[start:i]})
		case c >= '0' && c <= '9':
			v := 0
			for i < len(text) && text[i] >= '0' && text[i] <= '9' {
				if v > 1<<30 {
					return nil, errors.Errorf("%s: number starting at offset %d is too large", format, start)
				}
				v = v*10 + int(text[i]-'0')
				i++
			}
			t.toks = append(t.toks, token{kind: tokInt, text: text[start:i], raw: text[start:i], value: v})
		case c == '_' || (c|0x20 >= 'a' && c|0x20 <= 'z'):
			for i < len(text) && (text[i] == '_' || (text[i]|0x20 >= 'a' && text[i]|0x20 <= 'z') || (text[i] >= '0' && text[i] <= '9')) {
				i++
			}
			t.toks = append(t.toks, token{kind: tokIdent, text: text[start:i], raw: text[start:i]})
		case c == '\'' || c == '"':
			end := strings.IndexByte(text[i+1:], c)
			if end < 0 {
				return nil, errors.Errorf("%s: string starting at offset %d is not closed, expected a closing %c", format, start, c)
			}
			i += end + 2
			t.toks = append(t.toks, token{kind: tokString, text: text[start+1 : i-1], raw: text[start:i]})
		default:
			return nil, errors.Errorf("%s: unexpected character %q at offset %d", format, text[i:i+1], start)
		}
		t.toks[len(t.toks)-1].index = len(t.toks) - 1
		t.toks[len(t.toks)-1].offset = start
	}
	t.toks = append(t.toks, token{kind: tokEOF, index: len(t.toks), offset: len(text), raw: "end of text"})
	return t, nil
}

func (t *tokenizer) peek() token { return t.toks[t.pos] }

func (t *tokenizer) next() token {
	tok := t.toks[t.pos]
	if tok.kind != tokEOF {
		t.pos++
	}
	return tok
}

// errAt reports that tok is wrong: what it is, where, and what was expected.
func (t *tokenizer) errAt(tok token, problem, expected string) error {
	if tok.kind == tokEOF {
		return errors.Errorf("%s: unexpected end of text after %d tokens: %s, expected %s", t.format, tok.index, problem, expected)
	}
	return errors.Errorf("%s: token %d %q at offset %d: %s, expected %s", t.format, tok.index, tok.raw, tok.offset, problem, expected)
}

// expect consumes the punctuation p or reports what is there instead.
func (t *tokenizer) expect(p string) (token, error) {
	tok := t.next()
	if tok.kind != tokPunct || tok.text != p {
		return tok, t.errAt(tok, "unexpected token", fmt.Sprintf("%q", p))
	}
	return tok, nil
}

// expectInt consumes an integer or reports what is there instead.
func (t *tokenizer) expectInt(what string) (token, error) {
	tok := t.next()
	if tok.kind != tokInt {
		return tok, t.errAt(tok, "not a number", what)
	}
	return tok, nil
}
