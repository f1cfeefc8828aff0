package nb201search

import (
	"math"
	"testing"

	"github.com/gonas/gonas/controllers"
	"github.com/gonas/gonas/nas"
	"github.com/gonas/gonas/nas/data"
)

// oracleStrategy is how a zero-cost strategy plugs in: it trains no supernet and
// scores architectures itself — here with the table's validation column.
type oracleStrategy struct{ val nas.Evaluator }

func (oracleStrategy) TrainArch(*Search, int, int) (nas.Arch, bool, error) {
	return nas.Arch{}, false, nil
}
func (oracleStrategy) EndEpoch(*Search, int, *EpochRecord) error { return nil }
func (o oracleStrategy) Score(a nas.Arch) (float64, error)       { return o.val(a) }
func (oracleStrategy) Pick(s *Search) (Pick, error) {
	return s.SearchWith(controllers.NewRandom(s.Space(), 9))
}

// TestStrategyPlugIn registers a strategy with its own Scorer and checks that the
// search uses it everywhere: no training step, τ against cifar10-val of exactly 1
// every epoch, and a pick scored by it.
func TestStrategyPlugIn(t *testing.T) {
	table := testTable(t)
	val, _ := table.Evaluator("cifar10")
	RegisterStrategy("oracle-test", func(*Search) (Strategy, error) { return oracleStrategy{val: val}, nil })
	defer delete(strategies, "oracle-test")

	n := 400
	ds := &data.Dataset{Name: "synthetic", Height: 32, Width: 32, Channels: 3, NumClasses: 10,
		Images: make([]float32, n*32*32*3), Labels: make([]int32, n)}
	cfg, err := Preset("tiny", "oracle-test", 4)
	if err != nil {
		t.Fatal(err)
	}
	d, err := SplitData(&cfg, ds)
	if err != nil {
		t.Fatal(err)
	}
	s, res := runSearch(t, cfg, d, table)
	for _, r := range s.History() {
		if r.Steps != 0 || math.Abs(r.TauVal-1) > 1e-12 {
			t.Errorf("epoch %d: %d training steps, τ(val) %v; want 0 steps and τ 1", r.Epoch, r.Steps, r.TauVal)
		}
	}
	if want := res.Pick.Table["cifar10-val"] / 100; math.Abs(res.Pick.Score-want) > 1e-12 || res.Pick.Scored != cfg.Candidates {
		t.Errorf("pick scored %v after %d queries; want its table val %v after %d", res.Pick.Score, res.Pick.Scored, want, cfg.Candidates)
	}
}
