package enas

import (
	"os"

	"github.com/pkg/errors"
)

// The search loop one step at a time, for a reader who wants to write it out (as
// notebooks/05_enas_micro.ipynb does) or change it:
//
//	for !s.Done() {
//		for !s.ChildPhaseDone() {
//			s.ChildStep() // w moves: one SGD step of a sampled child, θ fixed
//		}
//		for !s.ControllerPhaseDone() {
//			s.ControllerStep() // θ moves: one REINFORCE update on validation rewards, w fixed
//		}
//		s.EndEpoch() // record the epoch, save a checkpoint
//	}
//
// Run is exactly this loop plus progress bars and interruption; the two give the
// same search, bit for bit. A search reopened with Open resumes mid-phase.

// ChildPhaseDone reports whether the current epoch's child steps are all taken.
func (s *Search) ChildPhaseDone() bool {
	return s.st.Pos.Done || s.st.Pos.Step >= s.child.stepsPerEpoch()
}

// ControllerPhaseDone reports whether the current epoch's controller updates are all
// made.
func (s *Search) ControllerPhaseDone() bool {
	return s.st.Pos.Done || s.st.Pos.Update >= s.cfg.Controller.TrainSteps
}

// ChildStep samples one architecture from the controller and trains the shared
// weights on it for one minibatch (a child loss that is not finite skips the step
// and gives the architecture the worst reward).
func (s *Search) ChildStep() error {
	if s.ChildPhaseDone() {
		return errors.Errorf("enas: ChildStep: the child phase of epoch %d is over (%d steps); ControllerStep or EndEpoch next",
			s.st.Pos.Epoch+1, s.child.stepsPerEpoch())
	}
	if err := s.timed(s.childStep); err != nil {
		return err
	}
	s.st.Pos.Step++
	return nil
}

// ControllerStep samples Aggregate architectures, rewards each with its accuracy
// (or 80/perplexity) on a validation minibatch with the shared weights, and
// updates the controller by REINFORCE. It comes after the epoch's child phase.
func (s *Search) ControllerStep() error {
	switch {
	case !s.ChildPhaseDone():
		return errors.Errorf("enas: ControllerStep: epoch %d has %d child steps left; the controller phase comes after them",
			s.st.Pos.Epoch+1, s.child.stepsPerEpoch()-s.st.Pos.Step)
	case s.ControllerPhaseDone():
		return errors.Errorf("enas: ControllerStep: the controller phase of epoch %d is over (%d updates); EndEpoch next",
			s.st.Pos.Epoch+1, s.cfg.Controller.TrainSteps)
	}
	if err := s.timed(s.controllerUpdate); err != nil {
		return err
	}
	s.st.Pos.Update++
	return nil
}

// EndEpoch records the finished epoch in the history (printing its metrics line),
// moves to the next, and saves a checkpoint and history.jsonl.
func (s *Search) EndEpoch() error {
	if s.st.Pos.Done || !s.ChildPhaseDone() || !s.ControllerPhaseDone() {
		return errors.Errorf("enas: EndEpoch: epoch %d is not finished (step %d of %d, update %d of %d) or the search is done",
			s.st.Pos.Epoch+1, s.st.Pos.Step, s.child.stepsPerEpoch(), s.st.Pos.Update, s.cfg.Controller.TrainSteps)
	}
	if err := os.MkdirAll(s.opts.Out, 0o755); err != nil {
		return errors.Wrap(err, "enas")
	}
	s.endEpoch()
	if _, err := s.saveCheckpoint(); err != nil {
		return err
	}
	return s.writeHistory()
}
