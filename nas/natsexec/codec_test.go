package natsexec

import (
	"math"
	"testing"

	"github.com/gonas/gonas/nas"
)

// sameMetrics compares metrics bit for bit (NaN equals NaN).
func sameMetrics(a, b map[string]float64) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		w, ok := b[k]
		if !ok || math.Float64bits(v) != math.Float64bits(w) {
			return false
		}
	}
	return true
}

func TestResultCodecKeepsEveryFloat(t *testing.T) {
	r := nas.TrialResult{ID: "a_1", Worker: "w", Seconds: 1.25, Error: "",
		Metrics: map[string]float64{"nan": math.NaN(), "inf": math.Inf(1), "-inf": math.Inf(-1),
			"tiny": 5e-324, "third": 1.0 / 3, "neg": -0.0}}
	blob, err := encodeResult(r)
	if err != nil {
		t.Fatal(err)
	}
	got, err := decodeResult(blob)
	if err != nil {
		t.Fatal(err)
	}
	if got.ID != r.ID || got.Worker != r.Worker || got.Seconds != r.Seconds || !sameMetrics(got.Metrics, r.Metrics) {
		t.Errorf("round trip of %+v gave %+v (%s)", r, got, blob)
	}
	if _, err := decodeResult([]byte(`{"id":"x","metrics":{"a":"fast"}}`)); err == nil {
		t.Error("a metric that is not a number was accepted")
	}
}

func TestTrialCodecChecksTheID(t *testing.T) {
	tr := toyTrials(1)[0]
	blob, err := encodeTrial(tr)
	if err != nil {
		t.Fatal(err)
	}
	got, err := decodeTrial(blob)
	if err != nil || got.ID != tr.ID || got.Seed != tr.Seed || got.Arch.String() != tr.Arch.String() || string(got.Recipe) != string(tr.Recipe) {
		t.Errorf("round trip of %+v gave %+v, %v", tr, got, err)
	}
	if _, err := decodeTrial([]byte(`{"id":"a.b"}`)); err == nil {
		t.Error("a trial ID with '.' was accepted")
	}
}
