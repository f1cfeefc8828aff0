package enas

import (
	"github.com/gonas/gonas/nas/rng"
)

// streamRand is the generator of one named random stream of a run (rng.Stream):
// any position of the search can be resumed without replaying the draws before it.
var streamRand = rng.Stream

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
