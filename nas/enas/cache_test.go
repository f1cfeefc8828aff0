package enas

import (
	"fmt"
	"testing"

	. "github.com/gomlx/gomlx/core/graph" //nolint:staticcheck
	"github.com/gomlx/gomlx/ml/model"
	"github.com/gonas/gonas/nas/backends"
)

func TestGraphCacheEvictsLeastRecentlyUsed(t *testing.T) {
	backend, err := backends.New()
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

// Over the memory budget, every new graph evicts one more than it replaces, down
// to the graph in use; back under it, the cache grows again to its capacity.
func TestGraphCacheGivesWayToTheBudget(t *testing.T) {
	backend, err := backends.New()
	if err != nil {
		t.Fatal(err)
	}
	store := model.NewStore()
	build := func() (*model.Exec, error) {
		return model.NewExec(backend, store, func(_ *model.Scope, x *Node) *Node { return AddScalar(x, 1) })
	}
	c := newGraphCache(4)
	over := false
	c.overBudget = func() bool { return over }
	for i := range 4 {
		if _, err := c.get(fmt.Sprint(i), build); err != nil {
			t.Fatal(err)
		}
	}
	if c.len() != 4 {
		t.Fatalf("under the budget the cache holds %d graphs, want 4", c.len())
	}
	over = true
	want := []int{3, 2, 1, 1}
	for i, w := range want {
		if _, err := c.get(fmt.Sprint("over", i), build); err != nil {
			t.Fatal(err)
		}
		if c.len() != w {
			t.Errorf("new graph %d over the budget: the cache holds %d graphs, want %d", i, c.len(), w)
		}
	}
	if _, ok := c.byKey["over3"]; !ok {
		t.Error("the graph just built was evicted")
	}
	over = false
	for i := range 3 {
		if _, err := c.get(fmt.Sprint("under", i), build); err != nil {
			t.Fatal(err)
		}
	}
	if c.len() != 4 {
		t.Errorf("back under the budget the cache holds %d graphs, want 4", c.len())
	}
	c.clear()
}
