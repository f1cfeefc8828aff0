package nas

import (
	"fmt"
	"io"
	"strings"
	"time"
)

// Progress draws a one-line text progress bar, redrawn in place with '\r':
//
//	epoch 1/2 [=========>          ] 469/938  52% 11.2s  loss=0.2113 ...
//
// It draws at most every 100 ms. A nil *Progress does nothing.
type Progress struct {
	w       io.Writer
	label   string
	total   int
	start   time.Time
	lastOut time.Time
}

// NewProgress returns a bar for total steps written to w, or nil if w is nil.
func NewProgress(w io.Writer, label string, total int) *Progress {
	if w == nil {
		return nil
	}
	return &Progress{w: w, label: label, total: total, start: time.Now()}
}

// Update redraws the bar at step done (1-based count of finished steps) with extra text.
func (p *Progress) Update(done int, extra string) {
	if p == nil {
		return
	}
	now := time.Now()
	if done < p.total && now.Sub(p.lastOut) < 100*time.Millisecond {
		return
	}
	p.lastOut = now
	const width = 24
	frac := float64(done) / float64(max(p.total, 1))
	filled := int(frac * width)
	bar := strings.Repeat("=", filled)
	if filled < width {
		bar += ">" + strings.Repeat(" ", width-filled-1)
	}
	elapsed := now.Sub(p.start)
	eta := ""
	if done > 0 && done < p.total {
		eta = fmt.Sprintf(" eta %s", (time.Duration(float64(elapsed) / frac * (1 - frac))).Round(time.Second))
	}
	fmt.Fprintf(p.w, "\r%s [%s] %d/%d %3.0f%% %s%s  %s\x1b[K", p.label, bar, done, p.total, 100*frac,
		elapsed.Round(100*time.Millisecond), eta, extra)
}

// Done finishes the line.
func (p *Progress) Done() {
	if p == nil {
		return
	}
	fmt.Fprintln(p.w)
}
