package notebooks

import (
	"fmt"
	"path/filepath"
	"regexp"
	"strconv"
	"testing"
)

// learningLine is the line notebooks 04–06 print after their search:
//
//	controller entropy: X → Y nats (...; uniform policy: U); mean reward of its samples: A → B (...)
var learningLine = regexp.MustCompile(`controller entropy: ([0-9.]+) → ([0-9.]+) nats \([^;]*; uniform policy: ([0-9.]+)\); ` +
	`mean reward of its (?:samples|children): ([0-9.]+) → ([0-9.]+)`)

// learningNotebooks are the notebooks whose quick setting must show a controller
// that learns.
var learningNotebooks = []string{"04_nasnet_search.ipynb", "05_enas_micro.ipynb", "06_enas_rnn.ipynb"}

// minEntropyFall is how far, as a fraction of a uniform policy's entropy, the
// controller's entropy must fall over a quick run: the reference controllers
// moved by 10⁻⁵ of it (58.059 → 58.049 nats).
const minEntropyFall = 0.05

// controllerLearned checks a notebook's outputs for the learning line: the entropy
// fell by at least minEntropyFall of a uniform policy's, ends below it, and the
// mean reward of the samples rose.
func controllerLearned(text string) error {
	m := learningLine.FindStringSubmatch(text)
	if m == nil {
		return fmt.Errorf("no line matching %q in the outputs", learningLine)
	}
	var v [5]float64
	for i := range v {
		f, err := strconv.ParseFloat(m[i+1], 64)
		if err != nil {
			return fmt.Errorf("%q: %v", m[0], err)
		}
		v[i] = f
	}
	first, last, uniform, rewardFirst, rewardLast := v[0], v[1], v[2], v[3], v[4]
	switch {
	case last > first-minEntropyFall*uniform || last > (1-minEntropyFall)*uniform:
		return fmt.Errorf("%q: the entropy fell by %.3f nats, less than %.0f%% of a uniform policy's %.3f: the controller did not learn",
			m[0], first-last, 100*minEntropyFall, uniform)
	case rewardLast <= rewardFirst:
		return fmt.Errorf("%q: the mean reward of the samples did not rise", m[0])
	}
	return nil
}

// TestExecutedControllersLearn checks, in the executed copies, that the quick
// setting of notebooks 04–06 shows a controller that learns.
func TestExecutedControllersLearn(t *testing.T) {
	for _, name := range learningNotebooks {
		nb, err := Read(filepath.Join(executedDir, name))
		if err != nil {
			t.Fatal(err)
		}
		if err := controllerLearned(nb.Text()); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
}

// TestControllerLearned checks the parser on made-up lines: one that learns, and
// ones whose entropy or reward did not move.
func TestControllerLearned(t *testing.T) {
	const line = "controller entropy: %s → %s nats (first update → last; uniform policy: 7.337); mean reward of its samples: %s → %s (first → last)"
	cases := []struct {
		first, last, r0, r1 string
		ok                  bool
	}{
		{"7.337", "5.100", "0.0200", "0.0600", true},
		{"58.059", "58.049", "0.1290", "0.2360", false}, // the kept run: entropy flat
		{"7.337", "7.000", "0.0200", "0.0600", false},   // a fall under 5 % of uniform
		{"7.337", "5.100", "0.0600", "0.0600", false},   // reward flat
	}
	for _, c := range cases {
		err := controllerLearned("x\n" + fmt.Sprintf(line, c.first, c.last, c.r0, c.r1) + "\ny")
		if (err == nil) != c.ok {
			t.Errorf("%s → %s, reward %s → %s: err = %v, want ok = %v", c.first, c.last, c.r0, c.r1, err, c.ok)
		}
	}
	if controllerLearned("entropy 58.059 → 58.049 nats over 10 epochs") == nil {
		t.Error("a text without the learning line passed")
	}
}
