package enas

import (
	"strings"
	"testing"
)

// A position no search reaches (a hand-edited state.json) is refused on resume.
func TestPositionCheckRefusesEditedStates(t *testing.T) {
	const epochs, steps, updates = 3, 10, 5
	for _, p := range []position{{}, {Epoch: 1, Step: 10, Update: 5}, {Epoch: 3, Done: true}} {
		if err := p.check(epochs, steps, updates); err != nil {
			t.Errorf("%+v: %v", p, err)
		}
	}
	for _, c := range []struct {
		p    position
		want string
	}{
		{position{Epoch: -1}, "epoch -1"},
		{position{Epoch: 4}, "epoch 4"},
		{position{Step: -3}, "step -3"},
		{position{Step: 11}, "step 11"},
		{position{Update: 6}, "update 6"},
		{position{Epoch: 1, Done: true}, "says done=true"},
		{position{Epoch: 3}, "says done=false"},
	} {
		if err := c.p.check(epochs, steps, updates); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%+v: %v, want an error containing %q", c.p, err, c.want)
		}
	}
}

// A resume asked with other flags names only the settings that differ.
func TestConfigDifferencesNamesWhatDiffers(t *testing.T) {
	saved, err := Preset("enas-micro", "tiny")
	if err != nil {
		t.Fatal(err)
	}
	want := saved
	want.Seed = saved.Seed + 8
	got := configDifferences(saved, want)
	if !strings.Contains(got, "seed") || strings.Contains(got, "preset") {
		t.Errorf("seed changed: %q, want only the seed named", got)
	}
	want = saved
	want.Child.LRMax *= 2
	if got := configDifferences(saved, want); !strings.Contains(got, "settings asked for differ") {
		t.Errorf("an unnamed setting changed: %q", got)
	}
}
