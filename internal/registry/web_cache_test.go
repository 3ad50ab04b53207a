package registry

import (
	"slices"
	"testing"
)

func TestLRUCache(t *testing.T) {
	c := newLRUCache[string](10, func(v string) int64 { return int64(len(v)) })
	c.put("a", "aaaa") // 4
	c.put("b", "bbbb") // 8
	if _, ok := c.get("a"); !ok {
		t.Fatal("a is missing")
	}
	c.put("c", "cccc") // 12 > 10: b, the least recently used, goes
	if _, ok := c.get("b"); ok {
		t.Error("b was not evicted")
	}
	for _, k := range []string{"a", "c"} {
		if _, ok := c.get(k); !ok {
			t.Errorf("%s was evicted", k)
		}
	}
	c.put("big", "xxxxxxxxxxx") // costlier than the bound: not cached, nothing evicted
	if _, ok := c.get("big"); ok || c.len() != 2 {
		t.Errorf("a value over the bound was cached, or evicted others (len %d)", c.len())
	}
	c.put("a", "aaaaaaa") // replacing a value updates the cost: 7+4 > 10, c goes
	var left []string
	for _, k := range []string{"a", "b", "c"} {
		if _, ok := c.get(k); ok {
			left = append(left, k)
		}
	}
	if !slices.Equal(left, []string{"a"}) {
		t.Errorf("left %q, want [a]", left)
	}
}
