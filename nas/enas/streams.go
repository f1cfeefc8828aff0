package enas

import "math/rand/v2"

// streamRand is the generator of one named random stream of a run (the data order
// of an epoch, the augmentation of a step...): a PCG seeded by the run's seed and
// the stream's coordinates, so any position of the search can be resumed without
// replaying the draws before it.
func streamRand(seed uint64, stream string, coords ...int) *rand.Rand {
	h := splitmix(seed)
	for _, c := range []byte(stream) {
		h = splitmix(h ^ uint64(c))
	}
	for _, c := range coords {
		h = splitmix(h ^ uint64(c) ^ 0x5bd1e995)
	}
	return rand.New(rand.NewPCG(h, splitmix(h)))
}

// splitmix is SplitMix64's finaliser, a bijective mixing of 64 bits.
func splitmix(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9
	x = (x ^ (x >> 27)) * 0x94d049bb133111eb
	return x ^ (x >> 31)
}

// streamOrder is the order in which an epoch visits n examples: a random
// permutation per epoch (and per pass, when an epoch is longer than the data set).
type streamOrder struct {
	seed  uint64
	name  string
	n     int
	epoch int
	pass  int
	perm  []int
}

// at returns the example at position p of the epoch's order.
func (o *streamOrder) at(epoch, p int) int {
	pass := p / o.n
	if o.perm == nil || o.epoch != epoch || o.pass != pass {
		o.perm = streamRand(o.seed, o.name, epoch, pass).Perm(o.n)
		o.epoch, o.pass = epoch, pass
	}
	return o.perm[p%o.n]
}
