package apidiff

import "unicode/utf16"

// The reference checker collects every group of named items (functions,
// parameters, fields, ...) in a java.util.HashMap and emits them in that
// map's iteration order. This file reproduces that order, so that our diff
// trees list children as the reference's JSON does.
//
// A HashMap with the default settings starts with 16 buckets and doubles
// them when its size exceeds 3/4 of the bucket count. A key's bucket is
// (h ^ (h >>> 16)) & (buckets - 1), h being Java's String.hashCode over
// UTF-16 code units. Iteration walks the buckets in index order and each
// bucket's chain in insertion order (a resize splits a chain into two
// chains keeping the relative order). Putting an existing key keeps its
// place. Chains of 8 or more entries become trees in Java; that needs 8
// colliding names in one group and is not modelled.

// javaStringHash returns Java's String.hashCode of s.
func javaStringHash(s string) int32 {
	var h int32
	for _, u := range utf16.Encode([]rune(s)) {
		h = 31*h + int32(u)
	}
	return h
}

// javaSpread is HashMap.hash: the hash code with its high half folded in.
func javaSpread(s string) uint32 {
	h := uint32(javaStringHash(s))
	return h ^ (h >> 16)
}

// javaHashOrder returns the distinct keys of seq (in insertion order; a
// repeated key keeps its first place) in the iteration order of a
// java.util.HashMap built by putting them in that order.
func javaHashOrder(seq []string) []string {
	capacity := 16
	buckets := make([][]string, capacity)
	seen := make(map[string]bool, len(seq))
	size := 0
	for _, k := range seq {
		if seen[k] {
			continue
		}
		seen[k] = true
		i := int(javaSpread(k) & uint32(capacity-1))
		buckets[i] = append(buckets[i], k)
		size++
		if size > capacity*3/4 {
			capacity *= 2
			grown := make([][]string, capacity)
			for _, chain := range buckets {
				for _, key := range chain {
					j := int(javaSpread(key) & uint32(capacity-1))
					grown[j] = append(grown[j], key)
				}
			}
			buckets = grown
		}
	}
	out := make([]string, 0, size)
	for _, chain := range buckets {
		out = append(out, chain...)
	}
	return out
}

// extraction is the reference DiffExtractor: the keys only in the new
// version, only in the old one, and in both, each in the order the
// reference emits them.
type extraction struct {
	added, removed, common []string
}

// extract splits the keys of two versions, given in declaration order, as
// the reference DiffExtractor does over two HashMaps.
func extract(newKeys, oldKeys []string) extraction {
	newOrder := javaHashOrder(newKeys)
	oldOrder := javaHashOrder(oldKeys)
	inOld := make(map[string]bool, len(oldOrder))
	for _, k := range oldOrder {
		inOld[k] = true
	}
	inNew := make(map[string]bool, len(newOrder))
	var added, common, removed []string
	for _, k := range newOrder {
		inNew[k] = true
		if inOld[k] {
			common = append(common, k)
		} else {
			added = append(added, k)
		}
	}
	for _, k := range oldOrder {
		if !inNew[k] {
			removed = append(removed, k)
		}
	}
	return extraction{
		added:   javaHashOrder(added),
		removed: javaHashOrder(removed),
		common:  javaHashOrder(common),
	}
}
