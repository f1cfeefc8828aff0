package tutorial

import "github.com/gonas/gonas/nas"

// TanhEntropyFloor is the lowest entropy (nats) that a softmax over choices options
// can reach when every logit is bounded by c·tanh(·) to (−c, c), as ENAS's tanh
// constant does (nas.ScaleLogits): the entropy of one logit at c and the others at −c,
//
//	p = 1 / (1 + (K−1)·e^{−2c}),  q = (1 − p)/(K−1),  H_min = −p log p − (K−1) q log q.
//
// No bounded policy is more certain than that; the logits only approach ±c, so an
// LSTM controller's entropy settles just above T·H_min for T decisions. c ≤ 0 means
// no bound (floor 0).
func TanhEntropyFloor(choices int, c float64) float64 {
	if choices < 2 || c <= 0 {
		return 0
	}
	logits := make([]float64, choices)
	logits[0] = c
	for i := 1; i < choices; i++ {
		logits[i] = -c
	}
	return nas.CategoricalEntropy(logits)
}
