package natsexec

import (
	"encoding/json"
	"math"

	"github.com/gonas/gonas/nas"
	"github.com/pkg/errors"
)

// metric is a float64 whose JSON form keeps NaN and ±Inf (as the strings "NaN",
// "+Inf", "-Inf"), which encoding/json refuses: a trial whose loss went NaN must come
// back from a worker as it would from a local executor.
type metric float64

// MarshalJSON implements json.Marshaler.
func (m metric) MarshalJSON() ([]byte, error) {
	switch f := float64(m); {
	case math.IsNaN(f):
		return []byte(`"NaN"`), nil
	case math.IsInf(f, 1):
		return []byte(`"+Inf"`), nil
	case math.IsInf(f, -1):
		return []byte(`"-Inf"`), nil
	default:
		return json.Marshal(f)
	}
}

// UnmarshalJSON implements json.Unmarshaler.
func (m *metric) UnmarshalJSON(b []byte) error {
	switch string(b) {
	case `"NaN"`:
		*m = metric(math.NaN())
	case `"+Inf"`:
		*m = metric(math.Inf(1))
	case `"-Inf"`:
		*m = metric(math.Inf(-1))
	default:
		var f float64
		if err := json.Unmarshal(b, &f); err != nil {
			return errors.Wrapf(err, "metric %s", b)
		}
		*m = metric(f)
	}
	return nil
}

// wireResult is nas.TrialResult as recorded in the results stream.
type wireResult struct {
	ID      string            `json:"id"`
	Metrics map[string]metric `json:"metrics,omitempty"`
	Error   string            `json:"error,omitempty"`
	Retry   bool              `json:"retry,omitempty"`
	Worker  string            `json:"worker,omitempty"`
	Seconds float64           `json:"seconds"`
}

// encodeResult is the recorded form of r.
func encodeResult(r nas.TrialResult) ([]byte, error) {
	w := wireResult{ID: r.ID, Error: r.Error, Retry: r.Retry, Worker: r.Worker, Seconds: r.Seconds}
	if r.Metrics != nil {
		w.Metrics = make(map[string]metric, len(r.Metrics))
		for k, v := range r.Metrics {
			w.Metrics[k] = metric(v)
		}
	}
	blob, err := json.Marshal(w)
	return blob, errors.Wrapf(err, "encode the result of trial %q", r.ID)
}

// decodeResult reads a recorded result.
func decodeResult(data []byte) (nas.TrialResult, error) {
	var w wireResult
	if err := json.Unmarshal(data, &w); err != nil {
		return nas.TrialResult{}, errors.Wrap(err, "decode a trial result")
	}
	r := nas.TrialResult{ID: w.ID, Error: w.Error, Retry: w.Retry, Worker: w.Worker, Seconds: w.Seconds}
	if w.Metrics != nil {
		r.Metrics = make(map[string]float64, len(w.Metrics))
		for k, v := range w.Metrics {
			r.Metrics[k] = float64(v)
		}
	}
	return r, nil
}

// encodeTrial is the queued form of t.
func encodeTrial(t nas.Trial) ([]byte, error) {
	blob, err := json.Marshal(t)
	return blob, errors.Wrapf(err, "encode trial %q", t.ID)
}

// decodeTrial reads a queued trial.
func decodeTrial(data []byte) (nas.Trial, error) {
	var t nas.Trial
	if err := json.Unmarshal(data, &t); err != nil {
		return nas.Trial{}, errors.Wrap(err, "decode a trial")
	}
	return t, checkTrialID(t.ID)
}
