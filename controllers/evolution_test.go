package controllers

import (
	"testing"

	"github.com/gonas/gonas/cells"
	"github.com/gonas/gonas/nas"
)

func TestEvolutionAgingAndMutation(t *testing.T) {
	space := cells.NewNB201()
	e, err := NewEvolution(space, 5, 2, 1)
	if err != nil {
		t.Fatal(err)
	}
	// The first P samples are random; feed them back with rewards 0..4.
	first, _ := e.Sample(5)
	rewards := []float64{0, 1, 2, 3, 4}
	if _, err := e.Update(first, rewards); err != nil {
		t.Fatal(err)
	}
	// Children differ from some member in exactly one decision.
	children, _ := e.Sample(50)
	for _, ch := range children {
		if err := space.Validate(ch.Arch); err != nil {
			t.Fatal(err)
		}
		ok := false
		for _, m := range e.members {
			diff := 0
			for i := range ch.Arch.Choices {
				if ch.Arch.Choices[i] != m.arch.Choices[i] {
					diff++
				}
			}
			ok = ok || diff == 1
		}
		if !ok {
			t.Fatalf("child %v is not a one-decision mutation of a member", ch.Arch.Choices)
		}
	}
	// Aging: adding one more member removes the oldest (reward 0), not the worst.
	stats, _ := e.Update(children[:1], []float64{-10})
	if len(e.members) != 5 || e.members[0].reward != 1 || e.members[4].reward != -10 {
		t.Fatalf("population after aging: %+v", e.members)
	}
	if want := (1.0 + 2 + 3 + 4 - 10) / 5; stats.Baseline != want {
		t.Errorf("mean population reward %g, want %g", stats.Baseline, want)
	}
	if _, err := NewEvolution(space, 0, 1, 1); err == nil {
		t.Error("accepted an empty population")
	}
	if _, err := e.Update([]nas.Sample{{}}, nil); err == nil {
		t.Error("Update accepted mismatched lengths")
	}
}
