package nas

import "errors"

// A trial's runner can say why it failed, which decides what an executor does with
// the trial:
//
//   - Refused: the trial itself cannot be run as given (an invalid recipe, a child
//     too big for the worker's memory, data outside the worker's data roots). It
//     fails the same way everywhere, so a queue drops it on its first failure
//     rather than hand it to another worker; the reason is its recorded error.
//   - Environmental: the worker's environment failed (the data set missing or
//     unreadable, no backend). The trial is not to blame: it is handed to
//     another worker, and a result recorded for it has TrialResult.Retry set, so a
//     resumed search runs it again instead of replaying the failure.
//
// Any other error is the trial's own failure (a NaN loss, say): recorded once and
// not run again.

// trialFailure marks an error with its kind.
type trialFailure struct {
	err           error
	environmental bool
}

func (f *trialFailure) Error() string { return f.err.Error() }
func (f *trialFailure) Unwrap() error { return f.err }

// Refused marks err as a refusal of the trial itself (nil stays nil).
func Refused(err error) error {
	if err == nil {
		return nil
	}
	return &trialFailure{err: err}
}

// Environmental marks err as a failure of the worker's environment (nil stays nil).
func Environmental(err error) error {
	if err == nil {
		return nil
	}
	return &trialFailure{err: err, environmental: true}
}

// IsRefused reports whether err (or an error it wraps) was marked by Refused.
func IsRefused(err error) bool {
	var f *trialFailure
	return errors.As(err, &f) && !f.environmental
}

// IsEnvironmental reports whether err (or an error it wraps) was marked by
// Environmental.
func IsEnvironmental(err error) bool {
	var f *trialFailure
	return errors.As(err, &f) && f.environmental
}
