package multitrial

import (
	"fmt"
	"io"

	"github.com/gonas/gonas/nas/progress"
)

// reporter writes a search's name=value lines and, on a terminal, a progress bar
// (trials done of all) below them: each line clears the bar, which is drawn again.
// Elsewhere (a file, a pipe, a buffer) the lines are plain.
type reporter struct {
	w      io.Writer
	bar    *progress.Bar
	trials int
}

func newReporter(w io.Writer, total int) *reporter {
	r := &reporter{w: w}
	if progress.IsTerminal(w) {
		r.bar = progress.New(w, "nasnet search", total)
	}
	return r
}

// linef writes one line above the bar.
func (r *reporter) linef(format string, args ...any) {
	if r.w == nil {
		return
	}
	if r.bar != nil {
		format = "\r\x1b[K" + format
	}
	fmt.Fprintf(r.w, format, args...)
	r.bar.Update(r.trials, "trials")
}

// advance counts n more trials done.
func (r *reporter) advance(n int) {
	r.trials += n
	r.bar.Update(r.trials, "trials")
}

// finish ends the bar's line.
func (r *reporter) finish() { r.bar.Done() }
