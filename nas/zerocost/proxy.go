package zerocost

import (
	"fmt"
	"strings"
)

// Proxy names a zero-cost score.
type Proxy string

// The proxies of the package (see the package comment).
const (
	NASWOT   Proxy = "naswot"
	Synflow  Proxy = "synflow"
	GradNorm Proxy = "grad_norm"
	// NASWOTPerUnit is a GoNAS variant, not from the papers: log det(K/N_A), NASWOT's
	// kernel divided by the number of ReLU units N_A (K's diagonal), so that the score
	// measures how differently the network codes the images and no longer grows by
	// N·log N_A with every ReLU added. It comes free with NASWOT (same kernel).
	NASWOTPerUnit Proxy = "naswot_unit"
	// ZiCo is the inverse coefficient of variation of the weights' gradients over two
	// batches [4].
	ZiCo Proxy = "zico"
	// NTK is TE-NAS's trainability score [5]: minus the log of the condition number
	// of the network's neural tangent kernel on the minibatch's first images.
	NTK Proxy = "ntk"
	// StemGrad is a GoNAS score, not from the papers: minus the log of the norm of the
	// loss gradient at the network's first weights (its stem) on the minibatch, batch
	// norm on the batch's statistics. Batch norm makes gradients grow with depth on
	// their way back to the input unless shortcuts carry them [6]; a network whose
	// stem gradient is smaller has less of that explosion and scores higher. A network
	// whose stem gets no gradient at all (its input never reaches the logits) scores
	// -Inf, the worst.
	StemGrad Proxy = "stem_grad"
)

// Proxies lists every proxy, in a fixed order.
var Proxies = []Proxy{NASWOT, Synflow, GradNorm, NASWOTPerUnit, ZiCo, NTK, StemGrad}

// Scores holds one score per proxy computed; higher is better for each.
type Scores map[Proxy]float64

// ParseProxy reads a proxy name ("naswot", "naswot_unit", "synflow", "grad_norm", "zico", "ntk",
// "stem_grad"; "grad-norm", "gradnorm" and "stem-grad" are accepted too).
func ParseProxy(name string) (Proxy, error) {
	switch strings.ToLower(strings.TrimSpace(name)) {
	case "naswot":
		return NASWOT, nil
	case "naswot_unit", "naswot-unit":
		return NASWOTPerUnit, nil
	case "synflow":
		return Synflow, nil
	case "grad_norm", "grad-norm", "gradnorm":
		return GradNorm, nil
	case "zico":
		return ZiCo, nil
	case "ntk":
		return NTK, nil
	case "stem_grad", "stem-grad":
		return StemGrad, nil
	}
	return "", fmt.Errorf("zerocost: unknown proxy %q (have %v)", name, Proxies)
}

// ParseProxies reads a comma-separated list of proxy names, e.g. "naswot,synflow".
func ParseProxies(list string) ([]Proxy, error) {
	var out []Proxy
	for _, name := range strings.Split(list, ",") {
		p, err := ParseProxy(name)
		if err != nil {
			return nil, err
		}
		for _, q := range out {
			if q == p {
				return nil, fmt.Errorf("zerocost: proxy %q listed twice in %q", p, list)
			}
		}
		out = append(out, p)
	}
	return out, nil
}
