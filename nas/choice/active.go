package choice

import (
	"slices"

	"github.com/gonas/gonas/nas"
)

// Active lists the choices that building architecture a meets, as "name=label" in
// decision order. The choices of the blocks a Repeat does not build are left out:
// any value of theirs builds the same network, so two architectures with the same
// active choices are one network.
func (s *Space) Active(a nas.Arch) ([]string, error) {
	b, tr, err := s.traceArch(a)
	if err != nil {
		return nil, err
	}
	defer tr.g.Finalize()
	met := make([]int, 0, len(b.seen))
	for _, i := range b.seen {
		met = append(met, i)
	}
	slices.Sort(met)
	out := make([]string, len(met))
	for k, i := range met {
		d := s.decisions[i]
		out[k] = d.Name + "=" + d.Label(a.Choices[i])
	}
	return out, nil
}
