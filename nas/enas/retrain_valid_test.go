package enas

import (
	"context"
	"testing"

	"github.com/gonas/gonas/controllers"
	"github.com/gonas/gonas/nas/backends"
	"github.com/gonas/gonas/nas/rng"
)

// Retrain measures the trained network on the validation split as well as on the
// test split: retrained once more with the two splits swapped (the same training,
// bit for bit), each number becomes the other.
func TestRetrainMeasuresValidationSplit(t *testing.T) {
	if testing.Short() {
		t.Skip("retrains four tiny networks (~30 s)")
	}
	backend, err := backends.New()
	if err != nil {
		t.Fatal(err)
	}
	for _, space := range []string{"enas-micro", "enas-rnn"} {
		t.Run(space, func(t *testing.T) {
			cfg, err := Preset(space, "tiny")
			if err != nil {
				t.Fatal(err)
			}
			d, err := LoadData(&cfg)
			if err != nil {
				t.Fatal(err)
			}
			sp, err := searchSpace(&cfg, d, false)
			if err != nil {
				t.Fatal(err)
			}
			samples, err := controllers.NewRandom(sp, rng.SplitMix(7)).Sample(1)
			if err != nil {
				t.Fatal(err)
			}
			a := samples[0].Arch
			swapped := *d
			swapped.Valid, swapped.Test = d.Test, d.Valid
			swapped.ValidIDs, swapped.TestIDs = d.TestIDs, d.ValidIDs
			r, err := Retrain(context.Background(), backend, &cfg, d, a, nil)
			if err != nil {
				t.Fatal(err)
			}
			rs, err := Retrain(context.Background(), backend, &cfg, &swapped, a, nil)
			if err != nil {
				t.Fatal(err)
			}
			valid, test := validMetric(&cfg, r), testMetric(&cfg, r)
			if !(valid > 0) || !(test > 0) || valid == test {
				t.Errorf("valid %g, test %g: want two positive numbers of two different splits", valid, test)
			}
			if validMetric(&cfg, rs) != test || testMetric(&cfg, rs) != valid {
				t.Errorf("splits swapped: valid %g, test %g; want %g, %g", validMetric(&cfg, rs), testMetric(&cfg, rs), test, valid)
			}
		})
	}
}
