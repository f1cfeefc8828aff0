package nas

// Sample is one architecture drawn by a controller, with what the policy-gradient
// update needs: per decision, log p(a_t | a_<t) and the entropy of the distribution
// it was drawn from.
type Sample struct {
	Arch      Arch
	LogProbs  []float64
	Entropies []float64
}

// LogProb is the log-probability of the whole architecture, sum_t log p(a_t | a_<t).
func (s Sample) LogProb() float64 {
	var sum float64
	for _, lp := range s.LogProbs {
		sum += lp
	}
	return sum
}

// UpdateStats reports one controller update.
type UpdateStats struct {
	Loss          float64 // the surrogate loss minimised
	Baseline      float64 // the baseline after the update
	MeanAdvantage float64 // mean of (R - b) over the samples
	Entropy       float64 // mean entropy per architecture of the samples
	GradNorm      float64 // global norm of the gradient (0 for gradient-free controllers)
}

// Controller proposes architectures of a space and learns from their rewards.
type Controller interface {
	// Sample draws n architectures.
	Sample(n int) ([]Sample, error)
	// Update learns from the rewards of samples previously returned by Sample.
	Update(samples []Sample, rewards []float64) (UpdateStats, error)
}

// Evaluator scores an architecture: the reward a controller learns from (for
// example the validation accuracy of the trained child).
type Evaluator func(a Arch) (reward float64, err error)
