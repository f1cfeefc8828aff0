// Package rng holds the random streams of GoNAS's searches: every random choice of
// a run (the data order of an epoch, the augmentation of a step, a controller's
// rewards) comes from a named stream seeded by the run's seed and the stream's
// coordinates, so any position of a search can be reproduced or resumed without
// replaying the draws before it. The search loops (nas/enas, nas/nb201search) use it.
package rng

import "math/rand/v2"

// Stream is the generator of one named random stream of a run: a PCG seeded by
// the run's seed, the stream's name and its coordinates (epoch, step...).
func Stream(seed uint64, stream string, coords ...int) *rand.Rand {
	h := SplitMix(seed)
	for _, c := range []byte(stream) {
		h = SplitMix(h ^ uint64(c))
	}
	for _, c := range coords {
		h = SplitMix(h ^ uint64(c) ^ 0x5bd1e995)
	}
	return rand.New(rand.NewPCG(h, SplitMix(h)))
}

// SplitMix is SplitMix64's finaliser, a bijective mixing of 64 bits.
func SplitMix(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9
	x = (x ^ (x >> 27)) * 0x94d049bb133111eb
	return x ^ (x >> 31)
}

// SubSeed is the seed of one named use (stream) of a run's seed. Mixing the seed
// before combining keeps the uses of different seeds apart (seed ^ stream alone
// collides: seed 1's stream 2 is seed 2's stream 1).
func SubSeed(seed, stream uint64) uint64 { return SplitMix(SplitMix(seed) ^ stream) }
