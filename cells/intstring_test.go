package cells

import (
	"strings"
	"testing"
)

func TestIntString(t *testing.T) {
	in := NewIntString("fmt", " 3\t1\n 12 x")
	if in.Len() != 4 {
		t.Fatalf("%d tokens, want 4", in.Len())
	}
	if v, err := in.Next(4, "the first"); v != 3 || err != nil {
		t.Fatalf("Next = %d, %v", v, err)
	}
	if err := in.End("the first"); err == nil || !strings.Contains(err.Error(), `fmt: token 2 "1" (byte 3): expected the end of the text after the first`) {
		t.Errorf("End: %v", err)
	}
	in.Next(2, "the second")
	if _, err := in.Next(10, "the third"); err == nil || !strings.Contains(err.Error(), `token 3 "12" (byte 6): expected the third, an integer in [0, 10)`) {
		t.Errorf("out of range: %v", err)
	}
	if _, err := in.Next(10, "the fourth"); err == nil || !strings.Contains(err.Error(), `token 4 "x" (byte 9)`) {
		t.Errorf("not a number: %v", err)
	}
	if _, err := in.Next(10, "the fifth"); err == nil || !strings.Contains(err.Error(), "token 5: expected the fifth, an integer in [0, 10), got the end of the text (4 tokens)") {
		t.Errorf("past the end: %v", err)
	}
	if got := FormatInts([]int{0, 12, 3}); got != "0 12 3" {
		t.Errorf("FormatInts = %q", got)
	}
}
