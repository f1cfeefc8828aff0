package choice_test

import (
	"slices"
	"testing"

	"github.com/gonas/gonas/nas"
	"github.com/gonas/gonas/nas/choice"
	"github.com/gonas/gonas/nas/choice/models"
)

// Active leaves out the choices of the layers a Repeat does not build, and rejects
// an architecture of another space.
func TestActiveLeavesOutUnbuiltBlocks(t *testing.T) {
	s, err := choice.New("mlp", models.MLP(3), 1, 1, 4)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		arch string
		want []string
	}{
		{`{"layers":1,"layers/0/units":32,"layers/0/act":"tanh","layers/1/units":16,"layers/1/act":"relu","layers/2/units":64,"layers/2/act":"tanh"}`,
			[]string{"layers=1", "layers/0/units=32", "layers/0/act=tanh"}},
		{`{"layers":3,"layers/0/units":16,"layers/0/act":"relu","layers/1/units":64,"layers/1/act":"relu","layers/2/units":64,"layers/2/act":"tanh"}`,
			[]string{"layers=3", "layers/0/units=16", "layers/0/act=relu", "layers/1/units=64", "layers/1/act=relu", "layers/2/units=64", "layers/2/act=tanh"}},
	} {
		a, err := s.Parse(tc.arch)
		if err != nil {
			t.Fatal(err)
		}
		got, err := s.Active(a)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(got, tc.want) {
			t.Errorf("Active(%s) = %q, want %q", tc.arch, got, tc.want)
		}
	}
	if _, err := s.Active(nas.Arch{Space: "other", Choices: make([]int, 7)}); err == nil {
		t.Error("an architecture of another space accepted")
	}
}
