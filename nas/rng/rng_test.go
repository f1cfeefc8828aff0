package rng

import "testing"

// A stream is a function of its seed, name and coordinates only; different
// names, coordinates and seeds give different streams.
func TestStreamsAreReproducibleAndApart(t *testing.T) {
	first := Stream(7, "order", 3, 1).Uint64()
	if again := Stream(7, "order", 3, 1).Uint64(); again != first {
		t.Errorf("same stream drew %x then %x", first, again)
	}
	for _, other := range []uint64{Stream(7, "orders", 3, 1).Uint64(), Stream(7, "order", 1, 3).Uint64(), Stream(8, "order", 3, 1).Uint64()} {
		if other == first {
			t.Errorf("a different stream drew the same first value %x", first)
		}
	}
	if SubSeed(1, 2) == SubSeed(2, 1) {
		t.Error("SubSeed(1, 2) == SubSeed(2, 1): seeds and streams collide")
	}
}
