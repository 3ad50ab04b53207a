package registry

import (
	"container/list"
	"sync"
)

// lruCache is a map bounded by the total cost of its values (bytes, for
// rendered pages), dropping the least recently used entries first. The web
// pages keep what they derive from immutable package versions in it:
// rendered READMEs by digest, API docs by digest and module, files read
// from balas. It is safe for concurrent use.
type lruCache[K comparable, V any] struct {
	mu      sync.Mutex
	maxCost int64
	cost    int64
	order   *list.List // of *lruEntry[K, V], most recently used first
	entries map[K]*list.Element
	costOf  func(V) int64
}

type lruEntry[K comparable, V any] struct {
	key  K
	val  V
	cost int64
}

// newLRUCache returns a cache that holds values of a total cost of at
// most maxCost; costOf gives a value's cost (at least 1 is counted).
func newLRUCache[K comparable, V any](maxCost int64, costOf func(V) int64) *lruCache[K, V] {
	return &lruCache[K, V]{maxCost: maxCost, order: list.New(), entries: map[K]*list.Element{}, costOf: costOf}
}

// get returns the value cached under k.
func (c *lruCache[K, V]) get(k K) (V, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if el, ok := c.entries[k]; ok {
		c.order.MoveToFront(el)
		return el.Value.(*lruEntry[K, V]).val, true
	}
	var zero V
	return zero, false
}

// put caches v under k, evicting the least recently used values to stay
// within the bound. A value costlier than the whole bound is not cached.
func (c *lruCache[K, V]) put(k K, v V) {
	cost := max(c.costOf(v), 1)
	c.mu.Lock()
	defer c.mu.Unlock()
	if cost > c.maxCost {
		return
	}
	if el, ok := c.entries[k]; ok {
		e := el.Value.(*lruEntry[K, V])
		c.cost += cost - e.cost
		e.val, e.cost = v, cost
		c.order.MoveToFront(el)
	} else {
		c.entries[k] = c.order.PushFront(&lruEntry[K, V]{key: k, val: v, cost: cost})
		c.cost += cost
	}
	for c.cost > c.maxCost {
		last := c.order.Back()
		e := last.Value.(*lruEntry[K, V])
		c.order.Remove(last)
		delete(c.entries, e.key)
		c.cost -= e.cost
	}
}

// len returns the number of cached values.
func (c *lruCache[K, V]) len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.entries)
}
