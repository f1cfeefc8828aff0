package nb201search

import "github.com/gomlx/gomlx/ml/model"

// execCache keeps the compiled graphs of the architectures last used, at most
// capacity of them; the least recently used one is finalized (its executable and
// buffers freed) to make room. Keys name an architecture and a use.
type execCache struct {
	capacity int
	keys     []string // least recently used first
	execs    map[string]*model.Exec
}

// get returns the graph of key, building it on a miss.
func (c *execCache) get(key string, build func() (*model.Exec, error)) (*model.Exec, error) {
	if c.execs == nil {
		c.execs = map[string]*model.Exec{}
	}
	if e, ok := c.execs[key]; ok {
		c.touch(key)
		return e, nil
	}
	e, err := build()
	if err != nil {
		return nil, err
	}
	for len(c.keys) >= max(c.capacity, 1) {
		c.execs[c.keys[0]].Finalize()
		delete(c.execs, c.keys[0])
		c.keys = c.keys[1:]
	}
	c.execs[key] = e
	c.keys = append(c.keys, key)
	return e, nil
}

// touch moves key to the most recently used end.
func (c *execCache) touch(key string) {
	for i, k := range c.keys {
		if k == key {
			c.keys = append(append(c.keys[:i:i], c.keys[i+1:]...), key)
			return
		}
	}
}

// len is the number of graphs held.
func (c *execCache) len() int { return len(c.keys) }

// clear finalizes every graph.
func (c *execCache) clear() {
	for _, k := range c.keys {
		c.execs[k].Finalize()
	}
	c.keys, c.execs = nil, nil
}
