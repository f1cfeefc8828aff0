package enas

import (
	"container/list"

	"github.com/gomlx/gomlx/ml/model"
)

// graphCache keeps the compiled graphs of the most recently used architectures,
// at most capacity of them: a search samples a new architecture at every step, and
// without a bound every compiled graph would stay in memory for the whole search.
// An evicted graph is finalized, which frees its executable and buffers.
//
// A cached graph holds its code and metadata only (on the gonas backend, the
// buffers a step works in come from the backend's pool while it runs), but those
// add up: 11–16 MB per graph for the short and scaled presets' children. So the
// cache also gives way to the memory budget (kernels.MaxMemory): while the live
// heap is above half the budget, each new graph evicts one more than it replaces,
// so the cache shrinks until the process fits (down to the graph in use).
//
// Keys name an architecture and a use ("train:<arch>", "reward:<arch>").
type graphCache struct {
	capacity int
	order    *list.List // front: most recently used; values are *cacheEntry
	byKey    map[string]*list.Element
	// overBudget reports whether the process holds more than the cache may let it;
	// heapOverBudget unless a test sets it.
	overBudget func() bool

	hits, misses, evictions int
}

type cacheEntry struct {
	key  string
	exec *model.Exec
}

// defaultGraphCache is the capacity when none is configured. A search samples a
// new architecture at almost every step: over the two epochs of the tiny
// enas-micro search (42 graphs) a cache of 16 had no hit at all, and derive and
// retrain reuse only the graph they just built. Four graphs leave room for the
// repeats of a controller that has converged, at a quarter of the memory.
const defaultGraphCache = 4

// newGraphCache returns an empty cache of the given capacity (defaultGraphCache
// when capacity <= 0).
func newGraphCache(capacity int) *graphCache {
	if capacity <= 0 {
		capacity = defaultGraphCache
	}
	return &graphCache{capacity: capacity, order: list.New(), byKey: map[string]*list.Element{}, overBudget: heapOverBudget}
}

// get returns the graph of key, building it with build on a miss (and evicting the
// least recently used graph when the cache is full).
func (c *graphCache) get(key string, build func() (*model.Exec, error)) (*model.Exec, error) {
	if el, ok := c.byKey[key]; ok {
		c.hits++
		c.order.MoveToFront(el)
		return el.Value.(*cacheEntry).exec, nil
	}
	c.misses++
	exec, err := build()
	if err != nil {
		return nil, err
	}
	keep := c.capacity - 1 // graphs kept beside the new one
	if c.order.Len() > 0 && c.overBudget() {
		keep = min(keep, c.order.Len()-2)
	}
	for c.order.Len() > max(keep, 0) {
		c.evictOldest()
	}
	c.byKey[key] = c.order.PushFront(&cacheEntry{key: key, exec: exec})
	return exec, nil
}

func (c *graphCache) evictOldest() {
	el := c.order.Back()
	e := el.Value.(*cacheEntry)
	c.order.Remove(el)
	delete(c.byKey, e.key)
	e.exec.Finalize()
	c.evictions++
}

// len is the number of graphs held.
func (c *graphCache) len() int { return c.order.Len() }

// clear finalizes every graph.
func (c *graphCache) clear() {
	for c.order.Len() > 0 {
		c.evictOldest()
	}
}
