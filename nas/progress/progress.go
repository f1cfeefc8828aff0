package progress

import (
	"fmt"
	"io"
	"os"
	"strings"
	"time"
)

// Bar reports how far a loop of steps is. On a terminal it draws a one-line
// bar, redrawn in place with '\r' at most every 100 ms:
//
//	epoch 1/2 [=========>          ] 469/938  52% 11.2s eta 10s  loss=0.2113
//
// Anywhere else (a log file, a pipe, a buffer: Katib pods and CI read such logs) it
// writes plain lines instead, one every LogInterval and one when the loop ends:
//
//	epoch 1/2: 469/938 50% 11.2s eta 11s loss=0.2113
//
// A nil *Bar does nothing.
type Bar struct {
	w        io.Writer
	label    string
	total    int
	terminal bool          // draw a bar in place; otherwise plain lines
	every    time.Duration // plain lines: the least time between two
	start    time.Time
	lastOut  time.Time
	done     int    // the last step reported to Update
	extra    string // and its text
}

// LogInterval is the least time between two plain progress lines.
const LogInterval = 10 * time.Second

// New returns a progress report for total steps written to w, or nil if w
// is nil: a bar when w is a terminal, plain lines otherwise.
func New(w io.Writer, label string, total int) *Bar {
	return newProgress(w, label, total, IsTerminal(w), LogInterval)
}

func newProgress(w io.Writer, label string, total int, terminal bool, every time.Duration) *Bar {
	if w == nil {
		return nil
	}
	now := time.Now()
	return &Bar{w: w, label: label, total: total, terminal: terminal, every: every, start: now, lastOut: now}
}

// IsTerminal reports whether w is a terminal (a character device).
func IsTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok || f == nil {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

// Update reports step done (1-based count of finished steps) with extra text.
func (p *Bar) Update(done int, extra string) {
	if p == nil {
		return
	}
	p.done, p.extra = done, extra
	now := time.Now()
	if !p.terminal {
		if now.Sub(p.lastOut) >= p.every && done < p.total {
			p.lastOut = now
			p.line(now)
		}
		return
	}
	if done < p.total && now.Sub(p.lastOut) < 100*time.Millisecond {
		return
	}
	p.lastOut = now
	const width = 24
	frac := p.fraction()
	filled := int(frac * width)
	bar := strings.Repeat("=", filled)
	if filled < width {
		bar += ">" + strings.Repeat(" ", width-filled-1)
	}
	fmt.Fprintf(p.w, "\r%s [%s] %d/%d %3.0f%% %s%s  %s\x1b[K", p.label, bar, done, p.total, 100*frac,
		now.Sub(p.start).Round(100*time.Millisecond), p.eta(now), extra)
}

// Done finishes the report: the bar's line, or the last plain line.
func (p *Bar) Done() {
	if p == nil {
		return
	}
	if !p.terminal {
		p.line(time.Now())
		return
	}
	fmt.Fprintln(p.w)
}

// line writes one plain line.
func (p *Bar) line(now time.Time) {
	text := fmt.Sprintf("%s: %d/%d %.0f%% %s%s", p.label, p.done, p.total, 100*p.fraction(),
		now.Sub(p.start).Round(100*time.Millisecond), p.eta(now))
	if p.extra != "" {
		text += " " + p.extra
	}
	fmt.Fprintln(p.w, text)
}

func (p *Bar) fraction() float64 { return float64(p.done) / float64(max(p.total, 1)) }

// eta is " eta D" while steps remain, else "".
func (p *Bar) eta(now time.Time) string {
	frac := p.fraction()
	if p.done <= 0 || p.done >= p.total {
		return ""
	}
	return fmt.Sprintf(" eta %s", time.Duration(float64(now.Sub(p.start))/frac*(1-frac)).Round(time.Second))
}
