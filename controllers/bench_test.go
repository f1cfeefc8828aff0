package controllers

import (
	"fmt"
	"testing"

	"github.com/gonas/gonas/cells"
	"github.com/gonas/gonas/nas"
)

// chainSpace is a plain chain of n Op decisions of 5 choices each.
type chainSpace int

func (n chainSpace) Name() string { return fmt.Sprintf("chain%d", int(n)) }

func (n chainSpace) Decisions() []nas.Decision {
	ds := make([]nas.Decision, n)
	for i := range ds {
		ds[i] = nas.Decision{Name: fmt.Sprintf("op%d", i), Kind: nas.Op, NumChoices: 5, Node: -1, Group: "chain"}
	}
	return ds
}

func (n chainSpace) Validate(a nas.Arch) error { return nas.ValidateChoices(n, a) }

// BenchmarkLSTMSampleUpdate40 is one controller step for a 40-decision architecture
// on the embedded backend: sample one architecture, then one REINFORCE update (ENAS
// micro hyperparameters; the compiled graph is reused across steps).
func BenchmarkLSTMSampleUpdate40(b *testing.B) {
	benchmarkSampleUpdate(b, chainSpace(40), 1)
}

// BenchmarkLSTMSampleUpdate40Batch10 is the same with m = 10 architectures per update.
func BenchmarkLSTMSampleUpdate40Batch10(b *testing.B) {
	benchmarkSampleUpdate(b, chainSpace(40), 10)
}

// BenchmarkLSTMSampleUpdateENASMicro is one step on the ENAS micro space of package
// cells: 40 decisions, 20 of them Input decisions read by attention.
func BenchmarkLSTMSampleUpdateENASMicro(b *testing.B) {
	space, err := cells.NewSpace("enas-micro")
	if err != nil {
		b.Fatal(err)
	}
	benchmarkSampleUpdate(b, space, 1)
}

func benchmarkSampleUpdate(b *testing.B, space nas.Space, m int) {
	c, err := NewLSTM(space, ENASMicro(), 1, nil)
	if err != nil {
		b.Fatal(err)
	}
	defer c.Close()
	rewards := make([]float64, m)
	step := func(i int) {
		samples, err := c.Sample(m)
		if err != nil {
			b.Fatal(err)
		}
		for k := range rewards {
			rewards[k] = float64((i+k)%7) / 7
		}
		if _, err := c.Update(samples, rewards); err != nil {
			b.Fatal(err)
		}
	}
	step(0) // compile
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		step(i + 1)
	}
}

// BenchmarkLSTMCompile is creating a controller and compiling its update graph.
func BenchmarkLSTMCompile40(b *testing.B) {
	for b.Loop() {
		c, err := NewLSTM(chainSpace(40), ENASMicro(), 1, nil)
		if err != nil {
			b.Fatal(err)
		}
		samples, _ := c.Sample(1)
		if _, err := c.Update(samples, []float64{1}); err != nil {
			b.Fatal(err)
		}
		c.Close()
	}
}

// BenchmarkLSTMSampleUpdateNB201 is one step on NAS-Bench-201 (6 decisions, m = 10).
func BenchmarkLSTMSampleUpdateNB201(b *testing.B) {
	benchmarkSampleUpdate(b, cells.NewNB201(), 10)
}

// BenchmarkLSTMNewNB201 is creating an NB201 controller and its first update (which
// compiles the update graph): the fixed cost of one REINFORCE run of the benchmark.
func BenchmarkLSTMNewNB201(b *testing.B) {
	for b.Loop() {
		c, err := NewLSTM(cells.NewNB201(), NB201Tuned(), 1, nil)
		if err != nil {
			b.Fatal(err)
		}
		samples, _ := c.Sample(10)
		if _, err := c.Update(samples, make([]float64, 10)); err != nil {
			b.Fatal(err)
		}
		c.Close()
	}
}
