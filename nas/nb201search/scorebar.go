package nb201search

import "github.com/gonas/gonas/nas"

// scoreBar is a progress bar of the architectures a search scores (the pick's, the
// control's): scoring them can take minutes with no other output.
type scoreBar struct {
	s    *Search
	bar  *nas.Progress // nil: no progress output
	done int
}

// newScoreBar starts a bar of total architectures on the search's progress writer.
func (s *Search) newScoreBar(label string, total int) *scoreBar {
	return &scoreBar{s: s, bar: nas.NewProgress(s.opts.Progress, label, total)}
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
