package enas

import (
	"fmt"
	"testing"

	. "github.com/gomlx/gomlx/core/graph" //nolint:staticcheck
	"github.com/gomlx/gomlx/ml/model"
	"github.com/gonas/gonas/nas"
)

func TestGraphCacheEvictsLeastRecentlyUsed(t *testing.T) {
	backend, err := nas.NewBackend()
	if err != nil {
		t.Fatal(err)
	}
	store := model.NewStore()
	built := map[string]int{}
	build := func(key string) func() (*model.Exec, error) {
		return func() (*model.Exec, error) {
			built[key]++
			return model.NewExec(backend, store, func(_ *model.Scope, x *Node) *Node { return AddScalar(x, 1) })
		}
	}
	c := newGraphCache(2)
	for _, k := range []string{"a", "b", "a", "c", "b", "a"} {
		e, err := c.get(k, build(k))
		if err != nil {
			t.Fatal(err)
		}
		if out, err := e.Call(float32(1)); err != nil || fmt.Sprint(out[0].Value()) != "2" {
			t.Fatalf("graph %s: %v %v", k, out, err)
		}
	}
	// a b | a hit | c evicts b | b evicts a | a evicts c.
	if c.hits != 1 || c.misses != 5 || c.evictions != 3 || c.len() != 2 {
		t.Errorf("hits %d misses %d evictions %d held %d, want 1 5 3 2", c.hits, c.misses, c.evictions, c.len())
	}
	if built["a"] != 2 || built["b"] != 2 || built["c"] != 1 {
		t.Errorf("built %v", built)
	}
	c.clear()
	if c.len() != 0 || c.evictions != 5 {
		t.Errorf("after clear: held %d evictions %d", c.len(), c.evictions)
	}
}
