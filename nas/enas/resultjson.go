package enas

import (
	"encoding/json"
	"os"
	"path/filepath"

	"github.com/gonas/gonas/nas"
	"github.com/pkg/errors"
)

// Architectures are written to result.json (and retrain.json) as JSON objects;
// files written before that hold them as JSON strings, which are still read.

// MarshalJSON writes the candidate with its architecture as an object.
func (c Candidate) MarshalJSON() ([]byte, error) {
	type plain Candidate
	return json.Marshal(struct {
		plain
		Arch json.RawMessage `json:"arch"`
	}{plain(c), nas.ArchObject(c.Arch)})
}

// UnmarshalJSON reads a candidate, its architecture an object or a string.
func (c *Candidate) UnmarshalJSON(blob []byte) error {
	type plain Candidate
	var v struct {
		plain
		Arch json.RawMessage `json:"arch"`
	}
	if err := json.Unmarshal(blob, &v); err != nil {
		return err
	}
	*c = Candidate(v.plain)
	var err error
	c.Arch, err = nas.ArchText(v.Arch)
	return err
}

// MarshalJSON writes the result with its architecture as an object.
func (r RetrainResult) MarshalJSON() ([]byte, error) {
	type plain RetrainResult
	return json.Marshal(struct {
		plain
		Arch json.RawMessage `json:"arch"`
	}{plain(r), nas.ArchObject(r.Arch)})
}

// UnmarshalJSON reads a result, its architecture an object or a string.
func (r *RetrainResult) UnmarshalJSON(blob []byte) error {
	type plain RetrainResult
	var v struct {
		plain
		Arch json.RawMessage `json:"arch"`
	}
	if err := json.Unmarshal(blob, &v); err != nil {
		return err
	}
	*r = RetrainResult(v.plain)
	var err error
	r.Arch, err = nas.ArchText(v.Arch)
	return err
}

// ResultName is the file of an output directory that holds its Result.
const ResultName = "result.json"

// ReadResult reads dir/result.json, of this version or an older one (architectures
// as JSON strings, the derived one only among the formats under "best").
func ReadResult(dir string) (*Result, error) {
	var res Result
	path := filepath.Join(dir, ResultName)
	blob, err := os.ReadFile(path)
	if err != nil {
		return nil, errors.Wrap(err, "enas")
	}
	if err := json.Unmarshal(blob, &res); err != nil {
		return nil, errors.Wrapf(err, "enas: %s", path)
	}
	if d := res.Derived; d != nil && d.Arch.Space == "" && res.Best["json"] != "" {
		if d.Arch, err = nas.ParseArchJSON(res.Best["json"]); err != nil {
			return nil, errors.WithMessagef(err, "enas: %s: the derived architecture", path)
		}
	}
	delete(res.Best, "json")
	if res.Verdict == "" && res.Derived != nil {
		res.Verdict = res.Comparison().Verdict()
	}
	return &res, nil
}

// Finished tells whether the run is over: retrained beside its random control, or,
// for a run without retraining, derived.
func (r *Result) Finished(retrain bool) bool {
	if !retrain {
		return r.Derived != nil
	}
	return r.Retrained != nil && (r.Config.Retrain.ControlArchs == 0 || r.Control != nil)
}

// Comparison is the retrained derived architecture beside the random control; its
// Verdict is the run's one-line verdict. Use it once the run is retrained.
func (r *Result) Comparison() nas.Comparison {
	c := nas.Comparison{Pick: "derived " + pickNoun(r.Config.Space), Metric: "test accuracy", Percent: true}
	if r.Config.Space == "enas-rnn" {
		c.Metric, c.Percent, c.Lower = "test perplexity", false, true
	}
	if r.Retrained != nil {
		c.Value = testMetric(&r.Config, r.Retrained)
	}
	if r.Control != nil {
		for _, a := range r.Control.Archs {
			c.Control = append(c.Control, testMetric(&r.Config, a))
		}
	}
	return c
}

// pickNoun names what a space's search picks.
func pickNoun(space string) string {
	if space == "enas-macro" {
		return "network"
	}
	return "cell"
}
