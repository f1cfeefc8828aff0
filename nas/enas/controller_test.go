package enas

import (
	"testing"

	"github.com/gonas/gonas/cells"
	"github.com/gonas/gonas/controllers"
)

// A controller rebuilt from its seed and its call log is, bit for bit, the one
// that made the calls: same probe, same next samples.
func TestRecorderReplayRestoresTheController(t *testing.T) {
	space := cells.NewNB201()
	newLSTM := func() *controllers.LSTM {
		c, err := controllers.NewLSTM(space, controllers.ENASMicro(), 3, nil)
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	orig := newLSTM()
	defer orig.Close()
	rec := &recorder{ctrl: orig}
	for i := range 4 {
		if _, err := rec.sample(1); err != nil { // child steps
			t.Fatal(err)
		}
		s, err := rec.sample(3) // a controller update
		if err != nil {
			t.Fatal(err)
		}
		if _, err := rec.update(s, []float64{0.1 * float64(i), 0.5, 0.9}); err != nil {
			t.Fatal(err)
		}
	}
	s, _ := rec.sample(1) // a skipped step's penalty, after a run of samples of 1
	if _, err := rec.update(s, []float64{0}); err != nil {
		t.Fatal(err)
	}
	want, err := probe(orig, space)
	if err != nil {
		t.Fatal(err)
	}

	copyCtrl := newLSTM()
	defer copyCtrl.Close()
	rep := &recorder{ctrl: copyCtrl}
	if err := rep.replay(rec.log); err != nil {
		t.Fatal(err)
	}
	got, err := probe(copyCtrl, space)
	if err != nil {
		t.Fatal(err)
	}
	if !equalProbes(got, want) {
		t.Fatalf("replayed probe %+v, want %+v", got, want)
	}
	a, _ := orig.Sample(2)
	b, _ := copyCtrl.Sample(2)
	for i := range a {
		if a[i].Arch.String() != b[i].Arch.String() {
			t.Fatalf("next samples differ: %s vs %s", a[i].Arch, b[i].Arch)
		}
	}

	// A different history gives a different controller.
	other := newLSTM()
	defer other.Close()
	log := append([]ctrlCall(nil), rec.log...)
	log[1].Rewards = []float64{1, 1, 1}
	if err := (&recorder{ctrl: other}).replay(log); err != nil {
		t.Fatal(err)
	}
	if p, _ := probe(other, space); equalProbes(p, want) {
		t.Fatal("a different call log replayed to the same probe")
	}
}
