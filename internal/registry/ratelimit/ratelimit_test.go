package ratelimit

import (
	"fmt"
	"math/rand/v2"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// fakeClock is a clock that moves only when told to.
type fakeClock struct {
	mu  sync.Mutex
	now time.Time
}

func newFakeClock() *fakeClock {
	return &fakeClock{now: time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)}
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// step is one call of Allow in a scripted test: first the clock moves by
// advance, then Allow(keys...) must return ok and retry.
type step struct {
	advance time.Duration
	keys    []string
	ok      bool
	retry   time.Duration
}

func allow(keys ...string) step { return step{keys: keys, ok: true} }
func deny(retry time.Duration, keys ...string) step {
	return step{keys: keys, retry: retry}
}
func after(d time.Duration, s step) step { s.advance = d; return s }

// repeat returns s n times.
func repeat(n int, s step) []step {
	out := make([]step, n)
	for i := range out {
		out[i] = s
	}
	return out
}

func concat(parts ...[]step) []step {
	var out []step
	for _, p := range parts {
		out = append(out, p...)
	}
	return out
}

func TestAllowScripts(t *testing.T) {
	ms := time.Millisecond
	tests := []struct {
		name   string
		n      int
		period time.Duration
		steps  []step
	}{
		{"burst of n, then denied until one interval has passed", 3, 3 * time.Second, concat(
			repeat(3, allow("a")),
			[]step{deny(time.Second, "a"), after(500*ms, deny(500*ms, "a")), after(499*ms, deny(ms, "a")),
				after(ms, allow("a")), deny(time.Second, "a")},
		)},
		{"refill is gradual: one event per interval", 3, 3 * time.Second, concat(
			repeat(3, allow("a")),
			[]step{after(2*time.Second, allow("a")), allow("a"), deny(time.Second, "a")},
		)},
		{"a full bucket holds n, never more", 3, 3 * time.Second, concat(
			[]step{allow("a")},
			[]step{after(time.Hour, allow("a"))},
			repeat(2, allow("a")),
			[]step{deny(time.Second, "a")},
		)},
		{"the default of central: 30 per minute, retry after 2 s", 30, time.Minute, concat(
			repeat(30, allow("tok")),
			[]step{deny(2*time.Second, "tok"), after(1500*ms, deny(500*ms, "tok")), after(500*ms, allow("tok"))},
		)},
		{"n = 1: one event per period", 1, time.Minute, []step{
			allow("a"), deny(time.Minute, "a"), after(59*time.Second, deny(time.Second, "a")), after(time.Second, allow("a")),
		}},
		{"keys are independent", 2, time.Second, []step{
			allow("a"), allow("a"), deny(500*ms, "a"), allow("b"), allow("b"), deny(500*ms, "b"), allow("c"),
		}},
		{"all or nothing: a denied key charges none", 2, time.Second, []step{
			allow("b"), allow("b"),
			deny(500*ms, "a", "b"), deny(500*ms, "a", "b"),
			allow("a"), allow("a"), deny(500*ms, "a"), // "a" still had its whole burst
		}},
		{"retry after is the longest wait among the keys", 1, time.Second, []step{
			allow("a"), after(300*ms, allow("b")), after(100*ms, deny(900*ms, "a", "b")),
			deny(600*ms, "a"), deny(900*ms, "b"), deny(900*ms, "c", "b", "a"), allow("c"),
		}},
		{"a key listed twice is charged once", 2, time.Second, []step{
			allow("a", "a"), allow("a"), deny(500*ms, "a"),
		}},
		{"no keys: always admitted", 1, time.Hour, []step{allow(), allow(), allow()}},
		{"the empty string is a key like any other", 1, time.Second, []step{allow(""), deny(time.Second, ""), allow("x")}},
		{"a clock going backwards makes nobody freer", 2, time.Second, []step{
			allow("a"), allow("a"), after(-10*time.Second, deny(10500*ms, "a")), after(10500*ms, allow("a")),
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			clock := newFakeClock()
			l := New(tt.n, tt.period, Options{Now: clock.Now})
			for i, s := range tt.steps {
				clock.Advance(s.advance)
				ok, retry := l.Allow(s.keys...)
				if ok != s.ok || retry != s.retry {
					t.Fatalf("step %d: Allow(%q) = %v, %v; want %v, %v", i, s.keys, ok, retry, s.ok, s.retry)
				}
			}
		})
	}
}

// TestLongRunRate checks the average: a client trying every 100 ms for ten
// minutes gets the burst plus one event per interval (or every call, when
// it calls less often than that), no more and at most one fewer.
func TestLongRunRate(t *testing.T) {
	for _, tc := range []struct {
		n      int
		period time.Duration
	}{{30, time.Minute}, {1, time.Second}, {7, time.Hour}, {1000, time.Minute}} {
		t.Run(fmt.Sprintf("%d per %v", tc.n, tc.period), func(t *testing.T) {
			clock := newFakeClock()
			l := New(tc.n, tc.period, Options{Now: clock.Now})
			const span, tick = 10 * time.Minute, 100 * time.Millisecond
			admitted := 0
			for elapsed := time.Duration(0); elapsed <= span; elapsed += tick {
				if ok, _ := l.Allow("k"); ok {
					admitted++
				}
				clock.Advance(tick)
			}
			// At most the burst plus one per interval, and never more
			// than the calls made.
			calls := int(span/tick) + 1
			want := min(calls, tc.n+int(span/(tc.period/time.Duration(tc.n))))
			if admitted < want-1 || admitted > want {
				t.Errorf("admitted %d events in %v, want %d (or one fewer)", admitted, span, want)
			}
		})
	}
}

// TestRetryAfterIsExact checks, on random traffic, that a denied key is
// still denied a nanosecond before the wait it was told and admitted at it.
func TestRetryAfterIsExact(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	clock := newFakeClock()
	l := New(5, 10*time.Second, Options{Now: clock.Now})
	keys := []string{"a", "b", "c"}
	checked := 0
	for range 5000 {
		clock.Advance(time.Duration(rng.IntN(1000)) * time.Millisecond)
		k := keys[rng.IntN(len(keys))]
		ok, retry := l.Allow(k)
		if ok {
			if retry != 0 {
				t.Fatalf("admitted with retry %v", retry)
			}
			continue
		}
		if retry <= 0 {
			t.Fatalf("denied with retry %v", retry)
		}
		clock.Advance(retry - 1)
		if ok, r := l.Allow(k); ok || r != 1 {
			t.Fatalf("1 ns before the retry time: Allow = %v, %v; want false, 1ns", ok, r)
		}
		clock.Advance(1)
		if ok, _ := l.Allow(k); !ok {
			t.Fatalf("denied at the retry time")
		}
		checked++
	}
	if checked < 100 {
		t.Fatalf("only %d denials exercised; the traffic is too light to test anything", checked)
	}
}

// reference is GCRA without any eviction: a map that only grows.
type reference struct {
	interval, period time.Duration
	tat              map[string]time.Duration
}

func (r *reference) allow(key string, now time.Duration) (bool, time.Duration) {
	tat, ok := r.tat[key]
	if !ok {
		tat = now
	}
	next := max(tat, now) + r.interval
	if wait := next - r.period - now; wait > 0 {
		return false, wait
	}
	r.tat[key] = next
	return true, 0
}

// TestForgettingPaidOffKeysChangesNothing compares the Limiter with the
// reference on random traffic over many keys: forgetting keys whose bucket
// is full again must not change a single decision, and the Limiter must
// remember exactly the keys still in debt.
func TestForgettingPaidOffKeysChangesNothing(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	clock := newFakeClock()
	start := clock.Now()
	l := New(4, 2*time.Second, Options{Now: clock.Now, MaxKeys: 1 << 20})
	ref := &reference{interval: 500 * time.Millisecond, period: 2 * time.Second, tat: map[string]time.Duration{}}
	maxKeys := 0
	for i := range 20000 {
		clock.Advance(time.Duration(rng.IntN(20)) * time.Millisecond)
		now := clock.Now().Sub(start)
		k := fmt.Sprint("k", rng.IntN(200))
		gotOK, gotRetry := l.Allow(k)
		wantOK, wantRetry := ref.allow(k, now)
		if gotOK != wantOK || gotRetry != wantRetry {
			t.Fatalf("call %d, key %s: Allow = %v, %v; the reference says %v, %v", i, k, gotOK, gotRetry, wantOK, wantRetry)
		}
		inDebt := 0
		for _, tat := range ref.tat {
			if tat > now {
				inDebt++
			}
		}
		st := l.Stats()
		if st.Keys != inDebt || st.Evicted != 0 {
			t.Fatalf("call %d: Stats = %+v; want %d keys (those in debt), 0 evicted", i, st, inDebt)
		}
		maxKeys = max(maxKeys, st.Keys)
	}
	if maxKeys < 50 {
		t.Fatalf("at most %d keys were in debt at once; the traffic is too light to test anything", maxKeys)
	}
	clock.Advance(2 * time.Second)
	l.Allow()
	if st := l.Stats(); st.Keys != 0 {
		t.Errorf("after a quiet period: %d keys remembered, want 0", st.Keys)
	}
}

func TestMaxKeysEvictsTheKeyNearestToFull(t *testing.T) {
	clock := newFakeClock()
	l := New(1, 10*time.Second, Options{Now: clock.Now, MaxKeys: 2})
	mustAllow := func(key string, want bool) {
		t.Helper()
		if ok, _ := l.Allow(key); ok != want {
			t.Fatalf("Allow(%q) = %v, want %v", key, ok, want)
		}
	}
	mustAllow("a", true) // paid off at 10 s
	clock.Advance(time.Second)
	mustAllow("b", true) // paid off at 11 s
	clock.Advance(time.Second)
	mustAllow("c", true) // full: forgets "a", the nearest to full
	if st := l.Stats(); st.Keys != 2 || st.Evicted != 1 {
		t.Fatalf("Stats = %+v, want 2 keys, 1 evicted", st)
	}
	mustAllow("b", false)
	mustAllow("c", false)
	mustAllow("a", true) // forgotten, so a fresh burst; forgets "b"
	mustAllow("b", true)
	if st := l.Stats(); st.Keys != 2 || st.Evicted != 3 {
		t.Fatalf("Stats = %+v, want 2 keys, 3 evicted", st)
	}
	// Paid-off keys make room without eviction.
	clock.Advance(time.Minute)
	mustAllow("d", true)
	mustAllow("e", true)
	if st := l.Stats(); st.Keys != 2 || st.Evicted != 3 {
		t.Fatalf("after a quiet minute: Stats = %+v, want 2 keys, still 3 evicted", st)
	}
}

// TestMemoryIsBounded sends a flood of distinct keys, as an attacker
// cycling addresses would, and checks that the Limiter never remembers more
// than MaxKeys while a steady key keeps its limit.
func TestMemoryIsBounded(t *testing.T) {
	clock := newFakeClock()
	l := New(10, time.Minute, Options{Now: clock.Now, MaxKeys: 1000})
	for i := range 100_000 {
		l.Allow(fmt.Sprint("flood", i))
		if i%1000 == 0 {
			if st := l.Stats(); st.Keys > 1000 {
				t.Fatalf("after %d keys: %d remembered, want at most 1000", i, st.Keys)
			}
		}
	}
	if st := l.Stats(); st.Keys != 1000 || st.Evicted != 99_000 {
		t.Fatalf("Stats = %+v, want 1000 keys, 99000 evicted", st)
	}
}

// TestConcurrentCallersGetExactlyTheBurst runs many goroutines against a
// stopped clock: each key admits exactly n events, however the calls
// interleave. Run it with -race.
func TestConcurrentCallersGetExactlyTheBurst(t *testing.T) {
	clock := newFakeClock()
	const n = 25
	l := New(n, time.Minute, Options{Now: clock.Now, MaxKeys: 10})
	keys := []string{"a", "b", "c", "d"}
	var admitted [4]atomic.Int64
	var both atomic.Int64 // Allow("a", "b") admissions
	var wg sync.WaitGroup
	for g := range 64 {
		wg.Go(func() {
			for i := range 50 {
				k := (g + i) % len(keys)
				if ok, _ := l.Allow(keys[k]); ok {
					admitted[k].Add(1)
				}
				if i%10 == 0 {
					if ok, _ := l.Allow("a", "b"); ok {
						both.Add(1)
					}
				}
				l.Stats()
			}
		})
	}
	wg.Wait()
	got := [4]int64{admitted[0].Load() + both.Load(), admitted[1].Load() + both.Load(), admitted[2].Load(), admitted[3].Load()}
	for i, g := range got {
		if g != n {
			t.Errorf("key %s: %d events admitted, want exactly %d", keys[i], g, n)
		}
	}
}

func TestNewRefusesImpossibleLimits(t *testing.T) {
	for _, tc := range []struct {
		n      int
		period time.Duration
	}{{0, time.Second}, {-1, time.Second}, {1, 0}, {1, -time.Second}, {10, 9}} {
		t.Run(fmt.Sprintf("%d per %v", tc.n, tc.period), func(t *testing.T) {
			defer func() {
				if recover() == nil {
					t.Errorf("New(%d, %v) did not panic", tc.n, tc.period)
				}
			}()
			New(tc.n, tc.period, Options{})
		})
	}
}

func TestDefaults(t *testing.T) {
	l := New(30, time.Minute, Options{})
	if l.maxKeys != DefaultMaxKeys {
		t.Errorf("maxKeys = %d, want %d", l.maxKeys, DefaultMaxKeys)
	}
	// The real clock: a burst of 30 passes, the 31st waits about 2 s.
	for i := range 30 {
		if ok, _ := l.Allow("k"); !ok {
			t.Fatalf("event %d denied", i+1)
		}
	}
	if ok, retry := l.Allow("k"); ok || retry <= 0 || retry > 2*time.Second {
		t.Fatalf("31st event: Allow = %v, %v; want false, (0, 2s]", ok, retry)
	}
}

func BenchmarkAllow(b *testing.B) {
	l := New(1000, time.Second, Options{})
	keys := make([]string, 1024)
	for i := range keys {
		keys[i] = fmt.Sprint("198.51.100.", i)
	}
	b.RunParallel(func(pb *testing.PB) {
		i := 0
		for pb.Next() {
			l.Allow(keys[i%len(keys)])
			i++
		}
	})
}
