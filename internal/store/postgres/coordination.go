package postgres

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/balcentral/balcentral/internal/store"
)

// This file holds what replicas need to agree on besides the metadata:
// named locks, so that a job runs on one replica at a time (single flight),
// and rate limits counted in the database, so that a client cannot multiply
// its budget by the number of replicas. Neither is part of store.Store: a
// single process has both in memory.

// Advisory lock classes: of WithLock and TryWithLock, and of the keys of
// RateLimiter.Allow.
const (
	lockNamed = lockClass + 1
	lockRate  = lockClass + 2
)

// WithLock runs fn while holding the database-wide lock called name,
// waiting for it as long as ctx allows. Every replica sharing the database
// contends for the same lock, so fn runs on one of them at a time. The lock
// is a session-level advisory lock on a connection set aside for the
// duration: if the process dies, the server releases it with the session.
// Names are hashed to 32 bits; two names that collide only share a lock.
func (s *Store) WithLock(ctx context.Context, name string, fn func(ctx context.Context) error) error {
	_, err := s.withLock(ctx, name, false, fn)
	return err
}

// TryWithLock runs fn if the lock called name (see WithLock) is free, and
// reports whether it ran: a job that one replica is already doing is
// skipped by the others.
func (s *Store) TryWithLock(ctx context.Context, name string, fn func(ctx context.Context) error) (ran bool, err error) {
	return s.withLock(ctx, name, true, fn)
}

func (s *Store) withLock(ctx context.Context, name string, try bool, fn func(ctx context.Context) error) (ran bool, err error) {
	if !storable(name) {
		return false, fmt.Errorf("lock %q: %w: NUL byte or invalid UTF-8", name, store.ErrInvalid)
	}
	conn, err := s.pool.Acquire(ctx)
	if err != nil {
		return false, fmt.Errorf("lock %q: %w", name, err)
	}
	// Unless the lock is known to be released, the session must end: an
	// interrupted pg_advisory_lock may have been granted, fn may panic,
	// and a lock left on a pooled connection would be held for good.
	clean := false
	defer func() {
		if !clean {
			err = errors.Join(err, conn.Conn().Close(context.WithoutCancel(ctx)))
		}
		conn.Release()
	}()
	got := true
	if try {
		err = conn.QueryRow(ctx, "SELECT pg_try_advisory_lock($1, hashtext($2))", lockNamed, name).Scan(&got)
	} else {
		_, err = conn.Exec(ctx, "SELECT pg_advisory_lock($1, hashtext($2))", lockNamed, name)
	}
	if err != nil {
		return false, fmt.Errorf("lock %q: %w", name, err)
	}
	if !got {
		clean = true
		return false, nil
	}
	fnErr := fn(ctx)
	// Unlock even if ctx is done: the lock must not outlive fn.
	var unlocked bool
	err = conn.QueryRow(context.WithoutCancel(ctx), "SELECT pg_advisory_unlock($1, hashtext($2))", lockNamed, name).Scan(&unlocked)
	switch {
	case err != nil:
		err = fmt.Errorf("unlock %q: %w", name, err)
	case !unlocked:
		err = fmt.Errorf("unlock %q: the lock was not held", name)
	default:
		clean = true
	}
	return true, errors.Join(fnErr, err)
}

// A RateLimiter admits at most n events per period per key, counted in the
// database and so across every replica sharing it, with the generic cell
// rate algorithm of internal/registry/ratelimit: a burst of n at once, then
// one every period/n. Times are the database server's, so the replicas'
// clocks need not agree. Make one with [Store.RateLimiter].
type RateLimiter struct {
	s                *Store
	prefix           string // of the stored keys: the limiter's name
	interval, period time.Duration
	sweeps           *atomic.Int64 // time of the last sweep, Unix nanoseconds
}

// sweepEvery is how often a Store removes the rows of keys that are paid
// off.
const sweepEvery = time.Minute

// RateLimiter returns the limiter called name admitting n events per
// period. Limiters with different names count separately; a limiter with
// the same name made by another replica shares the counts, and must have
// the same rate. It returns ErrInvalid if n < 1, period is shorter than n
// nanoseconds or name cannot be stored.
func (s *Store) RateLimiter(name string, n int, period time.Duration) (*RateLimiter, error) {
	if n < 1 || period < time.Duration(n) {
		return nil, fmt.Errorf("rate limit %d per %v: %w: want n ≥ 1 and a period of at least n nanoseconds", n, period, store.ErrInvalid)
	}
	if !storable(name) {
		return nil, fmt.Errorf("rate limiter %q: %w: NUL byte or invalid UTF-8", name, store.ErrInvalid)
	}
	return &RateLimiter{s: s, prefix: name + "\x1f", interval: period / time.Duration(n), period: period, sweeps: &s.sweeps}, nil
}

// Allow reports whether one event may happen now for every one of keys,
// and if so records it against each of them, as
// internal/registry/ratelimit's Limiter.Allow does: all or nothing, each
// distinct key charged once, retryAfter the longest wait when refused, and
// no keys always admitted.
//
// It is one round trip: a pipeline that the server runs as one implicit
// transaction. Its first statement takes a transaction-level advisory lock
// per key, in the order of the lock numbers so that concurrent calls cannot
// deadlock; its second charges every key only if none is over its limit
// (a refusal writes nothing); its third computes the wait.
func (l *RateLimiter) Allow(ctx context.Context, keys ...string) (ok bool, retryAfter time.Duration, err error) {
	if len(keys) == 0 {
		return true, 0, nil
	}
	stored := make([]string, 0, len(keys))
	for _, k := range keys {
		if !storable(k) {
			return false, 0, fmt.Errorf("rate limit key %q: %w: NUL byte or invalid UTF-8", k, store.ErrInvalid)
		}
		stored = append(stored, l.prefix+k)
	}
	slices.Sort(stored)
	stored = slices.Compact(stored)
	args := pgx.NamedArgs{
		"class": lockRate, "keys": stored,
		"interval": l.interval.Microseconds(), "period": l.period.Microseconds(),
	}

	// The TAT of a key after one more event; now() is the same instant in
	// every statement of the batch.
	const next = "(GREATEST(r.tat, now()) + @interval * interval '1 microsecond')"
	b := &pgx.Batch{}
	b.Queue(`SELECT count(pg_advisory_xact_lock(@class, h))
		FROM (SELECT DISTINCT hashtext(k) AS h FROM unnest(@keys::text[]) AS k ORDER BY h) AS locks`, args)
	// Admitted if, after the event, every key's TAT is at most period
	// ahead. A key without a row has a full bucket.
	b.Queue(`INSERT INTO rate_limits AS r (key, tat)
		SELECT k, now() + @interval * interval '1 microsecond' FROM unnest(@keys::text[]) AS k
		WHERE NOT EXISTS (SELECT FROM rate_limits r WHERE r.key = ANY(@keys)
			AND `+next+` > now() + @period * interval '1 microsecond')
		ON CONFLICT (key) DO UPDATE SET tat = `+next, args)
	b.Queue(`SELECT COALESCE(max(EXTRACT(EPOCH FROM `+next+` - now()) * 1000000 - @period), 0)::bigint
		FROM rate_limits r WHERE r.key = ANY(@keys)`, args)
	res := l.s.pool.SendBatch(ctx, b)
	_, err = res.Exec()
	var charged int64
	if err == nil {
		var tag pgconn.CommandTag
		tag, err = res.Exec()
		charged = tag.RowsAffected()
	}
	var waitUS int64
	if err == nil {
		err = res.QueryRow().Scan(&waitUS)
	}
	if cerr := res.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return false, 0, fmt.Errorf("rate limit: %w", err)
	}
	l.maybeSweep(ctx)
	if charged == int64(len(stored)) {
		return true, 0, nil
	}
	return false, max(time.Duration(waitUS)*time.Microsecond, time.Microsecond), nil
}

// maybeSweep deletes, at most once per sweepEvery per Store, the rows of
// keys whose bucket is full again: they mean the same as no row. SKIP
// LOCKED keeps it from waiting for, or deadlocking with, concurrent Allow
// calls; it is best effort and its errors are ignored.
func (l *RateLimiter) maybeSweep(ctx context.Context) {
	last := l.sweeps.Load()
	nowNS := time.Now().UnixNano()
	if nowNS-last < int64(sweepEvery) || !l.sweeps.CompareAndSwap(last, nowNS) {
		return
	}
	l.s.pool.Exec(ctx, `DELETE FROM rate_limits WHERE key IN
		(SELECT key FROM rate_limits WHERE tat <= now() LIMIT 10000 FOR UPDATE SKIP LOCKED)`)
}
