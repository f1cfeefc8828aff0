package nas

import "math"

// UniformEntropy is the entropy, in nats, of the uniform policy over s: the sum over
// its decisions of log(number of choices). It is the most a controller's summed
// per-decision entropy (Σ_t H_t) can be, and where an untrained one starts.
func UniformEntropy(s Space) float64 {
	h := 0.0
	for _, d := range s.Decisions() {
		if d.NumChoices > 1 {
			h += math.Log(float64(d.NumChoices))
		}
	}
	return h
}

// ChanceAccuracy is the accuracy of guessing among numClasses classes (0 when
// there are none).
func ChanceAccuracy(numClasses int) float64 {
	if numClasses <= 0 {
		return 0
	}
	return 1 / float64(numClasses)
}
