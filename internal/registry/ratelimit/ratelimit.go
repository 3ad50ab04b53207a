// Package ratelimit limits how often events may happen per key (a client
// address, a token), with the generic cell rate algorithm (GCRA), the
// token bucket expressed as one timestamp per key.
//
// A [Limiter] admits at most n events per period for each key: a burst of n
// at once, then one every period/n, so that over any long stretch a key
// averages n per period. Its memory is bounded: a key whose bucket is full
// again (it could burst n events right now) is indistinguishable from a key
// never seen, so it is forgotten, and when more than MaxKeys keys are in
// debt at once the one closest to being paid off is forgotten early.
//
// The clock is injected ([Options.Now]) so that tests can move time without
// sleeping; a Limiter has no global state and is safe for concurrent use.
package ratelimit

import (
	"container/heap"
	"fmt"
	"slices"
	"sync"
	"time"
)

// DefaultMaxKeys is how many keys a Limiter remembers at most unless
// [Options.MaxKeys] says otherwise. Each costs about a hundred bytes plus
// its key.
const DefaultMaxKeys = 100_000

// Options adjust a Limiter. The zero Options are the defaults.
type Options struct {
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// MaxKeys bounds the number of keys remembered at once; zero or less
	// means DefaultMaxKeys.
	MaxKeys int
}

// A Limiter admits at most n events per period per key. Its zero value is
// not usable; make one with [New].
type Limiter struct {
	period   time.Duration
	interval time.Duration // period / n: the cost of one event
	now      func() time.Time
	maxKeys  int
	// base is the origin of the times kept per key, which are durations
	// since base so that the monotonic clock reading is used throughout.
	base time.Time

	mu      sync.Mutex
	keys    map[string]*entry
	byDebt  debtHeap // every entry, the earliest paid off first
	evicted int      // keys forgotten while still in debt
}

// An entry is the state of one key: the theoretical arrival time (TAT) of
// GCRA, the moment at which the key's bucket will be full again, as a
// duration since Limiter.base. Each admitted event moves it interval later;
// an event is admitted while it stays within period of now.
type entry struct {
	key   string
	tat   time.Duration
	index int // in Limiter.byDebt
}

// New returns a Limiter that admits n events per period per key. It panics
// if n < 1 or period is shorter than n nanoseconds: both are programming
// errors, as configurations are checked when they are read.
func New(n int, period time.Duration, opts Options) *Limiter {
	if n < 1 || period < time.Duration(n) {
		panic(fmt.Sprintf("ratelimit.New(%d, %v): want n ≥ 1 and a period of at least n nanoseconds", n, period))
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.MaxKeys <= 0 {
		opts.MaxKeys = DefaultMaxKeys
	}
	return &Limiter{
		period: period, interval: period / time.Duration(n),
		now: opts.Now, maxKeys: opts.MaxKeys, base: opts.Now(),
		keys: make(map[string]*entry),
	}
}

// Allow reports whether one event may happen now for every one of keys, and
// if so records it against each of them. It is all or nothing: when any key
// is over its limit, no key is charged, and retryAfter is how long until
// every key would admit the event (the longest wait among them). Each
// distinct key is charged once, however often it is listed. With no keys,
// Allow admits.
func (l *Limiter) Allow(keys ...string) (ok bool, retryAfter time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now().Sub(l.base)
	l.forgetPaidOff(now)
	for _, k := range keys {
		if wait := l.wait(k, now); wait > retryAfter {
			retryAfter = wait
		}
	}
	if retryAfter > 0 {
		return false, retryAfter
	}
	for i, k := range keys {
		if !slices.Contains(keys[:i], k) {
			l.charge(k, now)
		}
	}
	return true, 0
}

// wait returns how long key must wait until an event is admitted, 0 if one
// is admitted now.
func (l *Limiter) wait(key string, now time.Duration) time.Duration {
	e, ok := l.keys[key]
	if !ok {
		return 0 // a bucket that is full; n ≥ 1
	}
	// Admitted if, after the event, the TAT is at most period ahead.
	next := max(e.tat, now) + l.interval
	return max(next-l.period-now, 0)
}

// charge records an event for key at now; wait(key, now) must be 0.
func (l *Limiter) charge(key string, now time.Duration) {
	if e, ok := l.keys[key]; ok {
		e.tat = max(e.tat, now) + l.interval
		heap.Fix(&l.byDebt, e.index)
		return
	}
	if len(l.keys) >= l.maxKeys {
		// Forgetting the key nearest to full errs on the lenient side
		// by the least.
		old := heap.Pop(&l.byDebt).(*entry)
		delete(l.keys, old.key)
		l.evicted++
	}
	e := &entry{key: key, tat: now + l.interval}
	l.keys[key] = e
	heap.Push(&l.byDebt, e)
}

// forgetPaidOff drops the keys whose bucket is full at now: forgetting them
// changes nothing, as a new key starts full.
func (l *Limiter) forgetPaidOff(now time.Duration) {
	for len(l.byDebt) > 0 && l.byDebt[0].tat <= now {
		e := heap.Pop(&l.byDebt).(*entry)
		delete(l.keys, e.key)
	}
}

// Stats describes a Limiter's memory.
type Stats struct {
	// Keys is how many keys are remembered: those still in debt as of the
	// last call of Allow.
	Keys int
	// Evicted counts the keys forgotten before their bucket was full
	// again because MaxKeys keys were in debt at once.
	Evicted int
}

// Stats returns the Limiter's current Stats.
func (l *Limiter) Stats() Stats {
	l.mu.Lock()
	defer l.mu.Unlock()
	return Stats{Keys: len(l.keys), Evicted: l.evicted}
}

// debtHeap orders entries by TAT, the earliest first: the top is the key
// that is paid off first.
type debtHeap []*entry

func (h debtHeap) Len() int           { return len(h) }
func (h debtHeap) Less(i, j int) bool { return h[i].tat < h[j].tat }
func (h debtHeap) Swap(i, j int) {
	h[i], h[j] = h[j], h[i]
	h[i].index = i
	h[j].index = j
}

func (h *debtHeap) Push(x any) {
	e := x.(*entry)
	e.index = len(*h)
	*h = append(*h, e)
}

func (h *debtHeap) Pop() any {
	old := *h
	e := old[len(old)-1]
	old[len(old)-1] = nil
	*h = old[:len(old)-1]
	return e
}
