package nb201search

import (
	"github.com/gonas/gonas/nas"
	"github.com/gonas/gonas/nas/progress"
)

// scoreBar is a progress bar of the architectures a search scores (the pick's, the
// control's): scoring them can take minutes with no other output.
type scoreBar struct {
	s    *Search
	bar  *progress.Bar // nil: no progress output
	done int
}

// newScoreBar starts a bar of total architectures on the search's progress writer.
func (s *Search) newScoreBar(label string, total int) *scoreBar {
	return &scoreBar{s: s, bar: progress.New(s.opts.Progress, label, total)}
}

// evaluate is s.Evaluate, advancing the bar.
func (b *scoreBar) evaluate(a nas.Arch) (float64, error) {
	v, err := b.s.Evaluate(a)
	b.done++
	b.bar.Update(b.done, "")
	return v, err
}

// Done finishes the bar.
func (b *scoreBar) Done() { b.bar.Done() }
