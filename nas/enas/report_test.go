package enas

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gonas/gonas/nas"
)

// TestReportCannotExaggerate: a nearly flat entropy (a 0.0005-nat range) is drawn
// on an axis from 0 beside the uniform policy's entropy, the accuracy beside
// chance, and the verdict and the retraining budget head the page.
func TestReportCannotExaggerate(t *testing.T) {
	cfg, err := Preset("enas-micro", "tiny")
	if err != nil {
		t.Fatal(err)
	}
	space, err := searchSpace(&cfg, &Data{}, false)
	if err != nil {
		t.Skipf("space: %v", err)
	}
	h := &History{}
	for i := range 5 {
		h.Updates = append(h.Updates, UpdateRecord{Epoch: 1, Update: i + 1, RewardMean: 0.5, Baseline: 0.5, Entropy: 30 - 0.0001*float64(i)})
	}
	h.Epochs = []EpochRecord{{Epoch: 1, ValidAcc: 0.3, TrainLoss: 2}, {Epoch: 2, ValidAcc: 0.31, TrainLoss: 1.9}}
	res := &Result{Config: cfg, Retrained: &RetrainResult{TestAccuracy: 0.7465},
		Control: &ControlResult{Archs: []*RetrainResult{{TestAccuracy: 0.87}, {TestAccuracy: 0.91}, {TestAccuracy: 0.933}}}}
	res.Verdict = res.Comparison().Verdict()
	page, err := Report(res, h, space)
	if err != nil {
		t.Fatal(err)
	}
	html := string(page)
	verdictAt := strings.Index(html, `class="verdict"`)
	if verdictAt < 0 || verdictAt > strings.Index(html, "<h2>") || !strings.Contains(html, "15.8 points below the control") {
		t.Error("the verdict does not head the report")
	}
	if !strings.Contains(html, "Retraining budget") || !strings.Contains(html, "epochs on") {
		t.Error("the report does not state the retraining budget")
	}
	entropy := html[strings.Index(html, "Controller entropy"):]
	entropy = entropy[:strings.Index(entropy, "</svg>")]
	if !strings.Contains(entropy, ">0</text>") || !strings.Contains(entropy, "uniform policy") {
		t.Error("the entropy axis does not start at 0 or lacks the uniform policy's line")
	}
	if u := nas.UniformEntropy(space); u <= 30 {
		t.Errorf("uniform entropy %g is not above the curve", u)
	}
	if !strings.Contains(html, "chance (10 classes)") {
		t.Error("no chance level on the accuracy plot")
	}
	if strings.Contains(html, "overflow-x:auto") {
		t.Error("the genotype still scrolls")
	}
}

// TestReadResultReadsOldFiles: result.json from before architectures were objects
// (JSON strings, the derived one under best.json) still reads, with its verdict.
func TestReadResultReadsOldFiles(t *testing.T) {
	dir := t.TempDir()
	old := `{"config":{"space":"enas-micro","data":"mnist","retrain":{"epochs":1,"control_archs":2}},
 "derived":{"reward":0.5,"candidates":[{"arch":"{\"space\":\"enas-micro\",\"choices\":[1,2]}","reward":0.5,"log_prob":-3}]},
 "best":{"json":"{\"space\":\"enas-micro\",\"choices\":[1,2]}","enas":"1 2"},
 "retrained":{"arch":"{\"space\":\"enas-micro\",\"choices\":[1,2]}","test_accuracy":0.9,"parameters":10},
 "control":{"archs":[{"arch":"{\"space\":\"enas-micro\",\"choices\":[0,0]}","test_accuracy":0.5},{"arch":"{\"space\":\"enas-micro\",\"choices\":[0,1]}","test_accuracy":0.7}],"mean":0.6,"std":0.14}}`
	if err := os.WriteFile(filepath.Join(dir, ResultName), []byte(old), 0o644); err != nil {
		t.Fatal(err)
	}
	res, err := ReadResult(dir)
	if err != nil {
		t.Fatal(err)
	}
	want := `{"space":"enas-micro","choices":[1,2]}`
	if res.Derived.Arch.String() != want || res.Derived.Candidates[0].Arch != want || res.Retrained.Arch != want ||
		res.Control.Archs[1].Arch != `{"space":"enas-micro","choices":[0,1]}` || !res.Finished(true) {
		t.Errorf("read %+v", res)
	}
	if !strings.Contains(res.Verdict, "30.0 points above the control") {
		t.Errorf("verdict %q", res.Verdict)
	}
	// Written again, the architectures are objects, and they read back the same.
	if err := writeJSON(filepath.Join(dir, ResultName), res); err != nil {
		t.Fatal(err)
	}
	blob, _ := os.ReadFile(filepath.Join(dir, ResultName))
	if strings.Contains(string(blob), `"{\"space`) {
		t.Errorf("an architecture is still a JSON string:\n%s", blob)
	}
	again, err := ReadResult(dir)
	if err != nil || again.Retrained.Arch != want || again.Derived.Candidates[0].Arch != want {
		t.Errorf("read back: %v %+v", err, again)
	}
}
