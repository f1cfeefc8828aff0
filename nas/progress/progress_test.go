package progress

import (
	"bytes"
	"os"
	"strings"
	"testing"
	"time"
)

func TestProgressOnATerminalRedrawsOneLine(t *testing.T) {
	var b bytes.Buffer
	p := newProgress(&b, "epoch 1/2", 4, true, LogInterval)
	for i := 1; i <= 4; i++ {
		p.lastOut = time.Time{} // as if 100 ms had passed
		p.Update(i, "loss=0.5")
	}
	p.Done()
	out := b.String()
	if n := strings.Count(out, "\r"); n != 4 {
		t.Errorf("want 4 redraws, got %d: %q", n, out)
	}
	if n := strings.Count(out, "\n"); n != 1 || !strings.HasSuffix(out, "\n") {
		t.Errorf("want one line ended by Done, got %d newlines: %q", n, out)
	}
	if !strings.Contains(out, "4/4 100%") || !strings.Contains(out, "[========================]") {
		t.Errorf("the last redraw is not the full bar: %q", out)
	}
}

func TestProgressInALogWritesPlainLines(t *testing.T) {
	var b bytes.Buffer
	p := newProgress(&b, "epoch 1/2", 1000, false, time.Hour)
	for i := 1; i <= 1000; i++ {
		p.Update(i, "loss=0.5")
	}
	p.Done()
	out := b.String()
	if strings.ContainsAny(out, "\r\x1b") {
		t.Errorf("control characters in a log: %q", out)
	}
	lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	if len(lines) != 1 || !strings.HasPrefix(lines[0], "epoch 1/2: 1000/1000 100% ") || !strings.HasSuffix(lines[0], " loss=0.5") {
		t.Errorf("want one line at the end of 1000 steps within the interval, got %q", out)
	}

	// An interval that has passed gives a line at the next step.
	b.Reset()
	p = newProgress(&b, "search", 10, false, time.Hour)
	p.Update(3, "")
	p.lastOut = time.Now().Add(-2 * time.Hour)
	p.Update(4, "r=1")
	p.Update(5, "r=2")
	if got := b.String(); !strings.HasPrefix(got, "search: 4/10 40% ") || !strings.Contains(got, "eta") || strings.Count(got, "\n") != 1 {
		t.Errorf("want one line at step 4, got %q", got)
	}
}

func TestProgressIsATerminalOnlyOnACharacterDevice(t *testing.T) {
	if IsTerminal(&bytes.Buffer{}) {
		t.Error("a buffer is not a terminal")
	}
	f, err := openTemp(t)
	if err != nil {
		t.Fatal(err)
	}
	if IsTerminal(f) {
		t.Error("a regular file is not a terminal")
	}
	if p := New(f, "x", 3); p.terminal {
		t.Error("New draws a bar into a file")
	}
	if New(nil, "x", 3) != nil {
		t.Error("New(nil) is not nil")
	}
}

func openTemp(t *testing.T) (*os.File, error) {
	f, err := os.CreateTemp(t.TempDir(), "log")
	if err == nil {
		t.Cleanup(func() { f.Close() })
	}
	return f, err
}
