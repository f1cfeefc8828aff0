package cells

import (
	"strconv"
	"strings"
	"unicode"

	"github.com/pkg/errors"
)

// IntString reads the whitespace-separated integer strings that ENAS uses for its
// architectures (the reference code's fixed_arc, e.g. "0 3 0 0 1 0"), one token at a
// time, with errors that name the token, its position and what was expected:
//
//	enas-macro: token 4 "7" (byte 6): expected the op of layer 2, an integer in [0, 6)
//
// A format calls Next once per integer it expects and End when it expects no more.
type IntString struct {
	format string
	tokens []intToken
	next   int
}

type intToken struct {
	text   string
	offset int // byte offset in the text
}

// NewIntString splits text into tokens; format names the format in errors ("enas-macro").
func NewIntString(format, text string) *IntString {
	s := &IntString{format: format}
	start := -1
	for i, r := range text {
		if unicode.IsSpace(r) {
			if start >= 0 {
				s.tokens = append(s.tokens, intToken{text[start:i], start})
				start = -1
			}
		} else if start < 0 {
			start = i
		}
	}
	if start >= 0 {
		s.tokens = append(s.tokens, intToken{text[start:], start})
	}
	return s
}

// Len is the number of tokens.
func (s *IntString) Len() int { return len(s.tokens) }

// Next reads the next token, which must be a decimal integer in [0, n); expected
// says what it is ("the op of layer 2") for the error.
func (s *IntString) Next(n int, expected string) (int, error) {
	if s.next >= len(s.tokens) {
		return 0, errors.Errorf("%s: token %d: expected %s, an integer in [0, %d), got the end of the text (%d tokens)",
			s.format, s.next+1, expected, n, len(s.tokens))
	}
	t := s.tokens[s.next]
	s.next++
	v, err := strconv.Atoi(t.text)
	if err != nil || !isDigits(t.text) || v < 0 || v >= n {
		return 0, errors.Errorf("%s: token %d %q (byte %d): expected %s, an integer in [0, %d)",
			s.format, s.next, truncate(t.text, 20), t.offset, expected, n)
	}
	return v, nil
}

// End checks that every token was read; after names the last thing read ("layer 11").
func (s *IntString) End(after string) error {
	if s.next < len(s.tokens) {
		t := s.tokens[s.next]
		return errors.Errorf("%s: token %d %q (byte %d): expected the end of the text after %s (%d tokens), got %d more",
			s.format, s.next+1, truncate(t.text, 20), t.offset, after, s.next, len(s.tokens)-s.next)
	}
	return nil
}

// FormatInts writes integers the way IntString reads them: separated by single spaces.
func FormatInts(values []int) string {
	var b strings.Builder
	for i, v := range values {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(strconv.Itoa(v))
	}
	return b.String()
}

func isDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

// truncate is s cut to n bytes, "..." marking the cut, for quoting input in errors.
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "..."
}
