package multitrial

import (
	"strings"

	"github.com/gonas/gonas/nas"
	"github.com/pkg/errors"
)

// sameFailure is an error when every trial of a batch failed with the same
// message (its trial ID aside): a missing data set, a recipe no worker can
// build. The controller would then learn from rewards that are all 0, and every
// later batch would fail the same way, so the search stops with that message
// instead of running its whole budget of failures. Trials already finished stay
// recorded (a Recorder writes each result as it arrives), so nothing is lost.
func sameFailure(results []nas.TrialResult) error {
	if len(results) == 0 {
		return nil
	}
	first := failureText(results[0])
	if first == "" {
		return nil
	}
	for _, r := range results[1:] {
		if failureText(r) != first {
			return nil
		}
	}
	return errors.Errorf("all %d children failed with the same error, so the search stops: %s", len(results), results[0].Error)
}

// failureText is r's error with its trial ID removed ("" when it did not fail).
func failureText(r nas.TrialResult) string {
	return strings.ReplaceAll(r.Error, r.ID, "")
}
