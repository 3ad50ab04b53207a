package postgres

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/balcentral/balcentral/internal/store"
)

// twoStores opens two Stores on one fresh database, as two replicas would.
func twoStores(t *testing.T) (a, b *Store, dsn string) {
	t.Helper()
	dsn = newDatabase(t)
	return openTest(t, dsn, Options{}), openTest(t, dsn, Options{}), dsn
}

func TestWithLockIsExclusiveAcrossStores(t *testing.T) {
	a, b, _ := twoStores(t)
	stores := []*Store{a, b}
	var inside, most, runs atomic.Int32
	var wg sync.WaitGroup
	for i := range 20 {
		wg.Go(func() {
			err := stores[i%2].WithLock(t.Context(), "job", func(context.Context) error {
				n := inside.Add(1)
				for {
					m := most.Load()
					if n <= m || most.CompareAndSwap(m, n) {
						break
					}
				}
				time.Sleep(time.Millisecond) // widen the window for an overlap
				inside.Add(-1)
				runs.Add(1)
				return nil
			})
			if err != nil {
				t.Errorf("WithLock: %v", err)
			}
		})
	}
	wg.Wait()
	if most.Load() != 1 || runs.Load() != 20 {
		t.Fatalf("%d runs, at most %d at once; want 20, 1", runs.Load(), most.Load())
	}
}

func TestTryWithLock(t *testing.T) {
	a, b, _ := twoStores(t)
	ctx := t.Context()
	errJob := errors.New("job failed")
	ran, err := a.TryWithLock(ctx, "job", func(context.Context) error {
		// Held by a: b skips, another name is free.
		ran, err := b.TryWithLock(ctx, "job", func(context.Context) error { return nil })
		if err != nil || ran {
			t.Errorf("TryWithLock of a held lock = %v, %v; want false, nil", ran, err)
		}
		ran, err = b.TryWithLock(ctx, "other job", func(context.Context) error { return nil })
		if err != nil || !ran {
			t.Errorf("TryWithLock of another name = %v, %v; want true, nil", ran, err)
		}
		return errJob
	})
	if !ran || !errors.Is(err, errJob) {
		t.Fatalf("TryWithLock = %v, %v; want true and the job's error", ran, err)
	}
	// Released after the job's error, and after a panic.
	func() {
		defer func() {
			if v := recover(); v != "boom" {
				t.Fatalf("recovered %v, want the job's panic", v)
			}
		}()
		a.WithLock(ctx, "job", func(context.Context) error { panic("boom") })
	}()
	// After a panic the session is closed, and the server releases the
	// lock when it notices: wait for it.
	if err := b.WithLock(ctx, "job", func(context.Context) error { return nil }); err != nil {
		t.Fatalf("WithLock after the holder's error and panic: %v", err)
	}
}

func TestWithLockWaitEndsWithContext(t *testing.T) {
	a, b, _ := twoStores(t)
	held := make(chan struct{})
	release := make(chan struct{})
	done := make(chan error)
	go func() {
		done <- a.WithLock(t.Context(), "job", func(context.Context) error {
			close(held)
			<-release
			return nil
		})
	}()
	<-held
	ctx, cancel := context.WithCancel(t.Context())
	waited := make(chan error)
	go func() { waited <- b.WithLock(ctx, "job", func(context.Context) error { return nil }) }()
	cancel()
	if err := <-waited; err == nil {
		t.Error("WithLock succeeded while another Store held the lock and its context was canceled")
	}
	close(release)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if err := b.WithLock(t.Context(), "job", func(context.Context) error { return nil }); err != nil {
		t.Fatalf("WithLock after the holder finished and a waiter gave up: %v", err)
	}
}

// allow calls l.Allow and fails the test on an error.
func allow(t *testing.T, l *RateLimiter, keys ...string) (bool, time.Duration) {
	t.Helper()
	ok, wait, err := l.Allow(t.Context(), keys...)
	if err != nil {
		t.Fatalf("Allow(%q): %v", keys, err)
	}
	return ok, wait
}

func TestRateLimiter(t *testing.T) {
	a, b, _ := twoStores(t)
	la, err := a.RateLimiter("publish", 3, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	lb, err := b.RateLimiter("publish", 3, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	// The budget is shared by the replicas.
	for i, l := range []*RateLimiter{la, lb, la} {
		if ok, _ := allow(t, l, "alice"); !ok {
			t.Fatalf("event %d of 3 refused", i+1)
		}
	}
	ok, wait := allow(t, lb, "alice")
	if ok {
		t.Fatal("a fourth event within the period was admitted")
	}
	// One event every 20 minutes; the three were just now.
	if wait <= 19*time.Minute || wait > 20*time.Minute {
		t.Errorf("retryAfter = %v, want just under 20m", wait)
	}
	if ok, _ := allow(t, la); !ok {
		t.Error("Allow without keys refused")
	}

	// All or nothing: bob is free but alice is not, so bob is not charged.
	if ok, _ := allow(t, la, "bob", "alice"); ok {
		t.Fatal("Allow(bob, alice) admitted with alice over her limit")
	}
	for i := range 3 {
		if ok, _ := allow(t, la, "bob", "bob"); !ok { // a key listed twice is charged once
			t.Fatalf("bob's event %d refused: a refused Allow charged him", i+1)
		}
	}
	if ok, _ := allow(t, la, "bob"); ok {
		t.Fatal("bob's fourth event admitted")
	}

	// Another name counts apart.
	other, err := a.RateLimiter("deprecate", 1, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	if ok, _ := allow(t, other, "alice"); !ok {
		t.Fatal("a limiter with another name shares the counts")
	}

	for _, c := range []struct {
		name   string
		n      int
		period time.Duration
	}{{"x", 0, time.Hour}, {"x", 10, 5}, {"a\x00b", 1, time.Hour}} {
		if _, err := a.RateLimiter(c.name, c.n, c.period); !errors.Is(err, store.ErrInvalid) {
			t.Errorf("RateLimiter(%q, %d, %v) = %v, want ErrInvalid", c.name, c.n, c.period, err)
		}
	}
	if _, _, err := la.Allow(t.Context(), "\xff"); !errors.Is(err, store.ErrInvalid) {
		t.Errorf("Allow(invalid UTF-8) = %v, want ErrInvalid", err)
	}
}

func TestRateLimiterConcurrent(t *testing.T) {
	a, b, _ := twoStores(t)
	const n, calls = 10, 60
	var admitted atomic.Int32
	var wg sync.WaitGroup
	for i := range calls {
		wg.Go(func() {
			s := []*Store{a, b}[i%2]
			l, err := s.RateLimiter("publish", n, time.Hour)
			if err != nil {
				t.Error(err)
				return
			}
			// Overlapping key sets, in both orders: no deadlock.
			keys := []string{"addr", fmt.Sprint("token", i%3)}
			if i%2 == 1 {
				keys[0], keys[1] = keys[1], keys[0]
			}
			ok, _, err := l.Allow(t.Context(), keys...)
			if err != nil {
				t.Errorf("Allow: %v", err)
			}
			if ok {
				admitted.Add(1)
			}
		})
	}
	wg.Wait()
	if admitted.Load() != n {
		t.Fatalf("%d of %d concurrent events admitted, want %d", admitted.Load(), calls, n)
	}
}

func TestRateLimiterSweep(t *testing.T) {
	dsn := newDatabase(t)
	s := openTest(t, dsn, Options{})
	conn := admin(t, dsn)
	if _, err := conn.Exec(t.Context(), `INSERT INTO rate_limits (key, tat) VALUES
		('old', now() - interval '1 hour'), ('current', now() + interval '1 hour')`); err != nil {
		t.Fatal(err)
	}
	l, err := s.RateLimiter("x", 1, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	s.sweeps.Store(0) // due
	allow(t, l, "k")
	rows, err := conn.Query(t.Context(), "SELECT key FROM rate_limits ORDER BY key")
	if err != nil {
		t.Fatal(err)
	}
	var keys []string
	for rows.Next() {
		var k string
		if err := rows.Scan(&k); err != nil {
			t.Fatal(err)
		}
		keys = append(keys, k)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(keys) != "[current x\x1fk]" {
		t.Fatalf("rate_limits keys after a sweep = %q, want the paid-off one gone", keys)
	}
}
