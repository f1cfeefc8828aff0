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
// Keys name an architecture and a use ("train:<arch>", "reward:<arch>").
type graphCache struct {
	capacity int
	order    *list.List // front: most recently used; values are *cacheEntry
	byKey    map[string]*list.Element

	hits, misses, evictions int
}

type cacheEntry struct {
	key  string
	exec *model.Exec
}

// defaultGraphCache is the capacity when none is configured.
const defaultGraphCache = 16

// newGraphCache returns an empty cache of the given capacity (defaultGraphCache
// when capacity <= 0).
func newGraphCache(capacity int) *graphCache {
	if capacity <= 0 {
		capacity = defaultGraphCache
	}
	return &graphCache{capacity: capacity, order: list.New(), byKey: map[string]*list.Element{}}
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
	for c.order.Len() >= c.capacity {
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
