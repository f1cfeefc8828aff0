package multitrial

import (
	"fmt"

	"github.com/gonas/gonas/cells"
	"github.com/gonas/gonas/controllers"
	"github.com/gonas/gonas/nas"
	"github.com/pkg/errors"
)

// TransferResult is one cell trained in the transfer network and tested.
type TransferResult struct {
	Arch         nas.Arch `json:"arch"`
	Trial        string   `json:"trial"`
	TestAccuracy float64  `json:"test_accuracy"`
	TrainLoss    float64  `json:"train_loss"`
	Params       int      `json:"params"`
	FLOPs        int64    `json:"flops"`
	Seconds      float64  `json:"seconds"`
	Error        string   `json:"error,omitempty"`
}

// ControlResult is the random control: ControlArchs cells drawn uniformly from
// the space, transferred with the winner's budget. Mean and Std (n−1) are over
// the ones that trained (N of them).
type ControlResult struct {
	Archs []TransferResult `json:"archs"`
	N     int              `json:"n"`
	Mean  float64          `json:"mean"`
	Std   float64          `json:"std"`
}

// transfer trains the winner and the random control in the transfer network.
func (s *search) transfer(space *cells.NASNet) error {
	k := s.cfg.Transfer.ControlArchs
	archs := []nas.Arch{s.res.Best}
	ids := []string{s.id + "_transfer_best"}
	random, err := controllers.NewRandom(space, s.cfg.Seed^controlSalt).Sample(k)
	if err != nil {
		return err
	}
	for i, smp := range random {
		archs = append(archs, smp.Arch)
		ids = append(ids, fmt.Sprintf("%s_transfer_rand%02d", s.id, i+1))
	}
	results, err := s.run("transfer", archs, ids, s.cfg.TransferRecipe())
	if err != nil {
		return err
	}
	rows := make([]TransferResult, len(results))
	for i, r := range results {
		rows[i] = TransferResult{Arch: archs[i], Trial: r.ID, Seconds: r.Seconds, Error: r.Error}
		if r.Error == "" {
			rows[i].TestAccuracy, rows[i].TrainLoss = r.Metric(MetricTestAccuracy), r.Metric(MetricTrainLoss)
			rows[i].Params, rows[i].FLOPs = int(r.Metrics[MetricParams]), int64(r.Metrics[MetricFLOPs])
		}
	}
	s.res.Transfer = &rows[0]
	if t := s.res.Transfer; t.Error == "" {
		s.rep.linef("transfer_test_accuracy=%.4f params=%d flops=%d\n", t.TestAccuracy, t.Params, t.FLOPs)
	}
	if k == 0 {
		return nil
	}
	c := &ControlResult{Archs: rows[1:]}
	var accs []float64
	for i, r := range c.Archs {
		if r.Error == "" {
			accs = append(accs, r.TestAccuracy)
			s.rep.linef("control=%d/%d test_accuracy=%.4f params=%d\n", i+1, k, r.TestAccuracy, r.Params)
		} else {
			s.rep.linef("control=%d/%d failed: %s\n", i+1, k, r.Error)
		}
	}
	if c.N = len(accs); c.N > 0 {
		c.Mean, c.Std = nas.MeanStd(accs)
	}
	s.res.Control = c
	s.rep.linef("control_k=%d control_mean=%.4f control_std=%.4f\n", c.N, c.Mean, c.Std)
	return nil
}

// Err is the failure of the search's last phase, nil when none failed: the transfer
// of the winner, or every cell of the random control. The search's other results
// stand (Write keeps them), but the run did not give what it was for, so a command
// exits non-zero with this error.
func (r *SearchResult) Err() error {
	switch {
	case r.Transfer == nil:
		return errors.New("multitrial: the winner was not transferred")
	case r.Transfer.Error != "":
		return errors.Errorf("multitrial: the transfer of the winner (trial %s) failed: %s", r.Transfer.Trial, r.Transfer.Error)
	case r.Config.Transfer.ControlArchs > 0 && (r.Control == nil || r.Control.N == 0):
		return errors.Errorf("multitrial: all %d cells of the random control failed (see the trial warnings)", r.Config.Transfer.ControlArchs)
	}
	return nil
}
