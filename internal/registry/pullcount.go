package registry

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"time"

	"github.com/balcentral/balcentral/internal/store"
)

// pullFlushInterval is the longest a download waits in memory before its
// count is written: pull counts are statistics, and a write per download
// would make every download wait for the database.
const pullFlushInterval = 30 * time.Second

// pullFlushTimeout bounds one flush's database writes.
const pullFlushTimeout = 30 * time.Second

// versionKey names a package version.
type versionKey struct{ org, name, version string }

// pullCounter counts downloads in memory and adds them to the store in
// batches: the first count after a flush schedules the next flush one
// interval later, so an idle server keeps no timer running and a busy one
// writes each version's count at most once per interval. [Server.Serve]
// flushes what is left when it stops; a crash loses at most one interval of
// counts.
type pullCounter struct {
	store    store.PullCounter
	log      *slog.Logger
	interval time.Duration

	mu      sync.Mutex
	pending map[versionKey]int64
	timer   *time.Timer // the scheduled flush; nil when none is scheduled
	closed  bool        // no more flushes are scheduled

	// flushing serializes flushes, so that a scheduled flush and the final
	// one never write the same batch twice or interleave.
	flushing sync.Mutex
}

func newPullCounter(st store.PullCounter, log *slog.Logger, interval time.Duration) *pullCounter {
	return &pullCounter{store: st, log: log, interval: interval, pending: map[versionKey]int64{}}
}

// add counts one download of org/name:version.
func (c *pullCounter) add(org, name, version string) {
	c.addN(versionKey{org, name, version}, 1)
}

func (c *pullCounter) addN(k versionKey, n int64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.pending[k] += n
	if c.timer == nil && !c.closed {
		c.timer = time.AfterFunc(c.interval, c.scheduledFlush)
	}
}

// scheduledFlush is the timer's flush.
func (c *pullCounter) scheduledFlush() {
	c.mu.Lock()
	c.timer = nil
	c.mu.Unlock()
	ctx, cancel := context.WithTimeout(context.Background(), pullFlushTimeout)
	defer cancel()
	if err := c.flush(ctx); err != nil {
		c.log.Warn("cannot record pull counts; will retry", "err", err)
	}
}

// flush writes the pending counts to the store, one call per version.
// Counts that cannot be written are kept for the next flush, except those
// of versions the store no longer has.
func (c *pullCounter) flush(ctx context.Context) error {
	c.flushing.Lock()
	defer c.flushing.Unlock()
	c.mu.Lock()
	batch := c.pending
	c.pending = map[versionKey]int64{}
	c.mu.Unlock()

	var errs []error
	for k, n := range batch {
		err := c.store.IncrementPullCount(ctx, k.org, k.name, k.version, n)
		switch {
		case err == nil:
		case errors.Is(err, store.ErrNotFound):
			// Deleted since the download: nothing left to count.
		default:
			errs = append(errs, err)
			c.addN(k, n)
		}
	}
	return errors.Join(errs...)
}

// close stops scheduled flushes and writes what is pending.
func (c *pullCounter) close(ctx context.Context) error {
	c.mu.Lock()
	c.closed = true
	if c.timer != nil {
		c.timer.Stop()
		c.timer = nil
	}
	c.mu.Unlock()
	return c.flush(ctx)
}

// flushPullCounts writes the pull counts still in memory; Serve calls it
// once requests have drained.
func (s *Server) flushPullCounts() {
	if s.pulls == nil {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), pullFlushTimeout)
	defer cancel()
	if err := s.pulls.close(ctx); err != nil {
		s.log.Warn("pull counts were lost at shutdown", "err", err)
	}
}
