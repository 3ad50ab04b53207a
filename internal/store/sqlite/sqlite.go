// Package sqlite is the embedded default backend of the metadata store
// (internal/store): one SQLite database file, accessed through the pure-Go
// driver modernc.org/sqlite, so that `central` needs no cgo and no database
// server.
//
// # Connections and concurrency
//
// [Open] makes two connection pools on the same file. Every write goes
// through the writer pool, which has exactly one connection and begins its
// transactions with BEGIN IMMEDIATE: writers queue in Go, in order, instead
// of polling SQLite's lock, and a transaction never has to upgrade a read
// lock (the case in which SQLite fails at once with SQLITE_BUSY). Reads use
// a pool of read-only connections that, in WAL mode, run in parallel with
// each other and with the writer, each on a consistent snapshot. The busy
// timeout (5 s) is for other processes that open the same file, such as the
// `central` admin commands.
//
// # Durability
//
// The database runs in WAL mode with synchronous=FULL: a transaction that
// has committed is on disk and survives a power failure, not just a crash
// of the process. synchronous=NORMAL would save one fsync per commit, at the
// price of losing the last committed transactions when the machine loses
// power, and for a registry that can mean a version a client was told is
// published (HTTP 204) no longer being listed. So each write costs an fsync;
// reads cost none. Hot counters are therefore designed to be batched
// (store.PullCounter takes a count).
//
// # Schema
//
// The schema is created and upgraded by numbered migrations embedded from
// migrations/NNNN_name.sql. Each one runs in its own transaction and is
// recorded in the schema_migrations table. Open refuses a database whose
// schema is newer than the newest migration this program knows
// (store.ErrSchemaTooNew), because older code cannot know what the newer
// schema means.
//
// Tables (migrations/0001_init.sql has the details):
//
//   - users, tokens (UNIQUE hash), orgs (UNIQUE name), memberships.
//   - reservations: every version number ever claimed, with its state.
//     Immutability rests on its UNIQUE (org, name, version) constraint;
//     triggers refuse deleting a row or changing its key.
//   - package_versions: one row per published version (sharing the
//     reservation's id), so listings need no state filter; package_modules
//     holds its modules, indexed by (org, module) for resolve-modules.
//   - packages: per package, the version a search lists (the latest that is
//     not deprecated, once among public versions and once among all), found
//     through latest_key, a byte string that sorts like the "latest" rule
//     (store.LatestOrderKey).
//   - package_search: an FTS5 index of the listed versions only.
//   - audit_log: triggers refuse UPDATE and DELETE.
//
// Publishing writes package_versions, package_modules, packages,
// package_search and the reservation's state in one transaction; deleting
// and (un)deprecating a version update packages and package_search in the
// same transaction as the change.
//
// Frequent fixed-text reads (token lookup, version metadata, roles) run as
// prepared statements cached per Store.
package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"github.com/balcentral/balcentral/internal/store"
)

// busyTimeout is how long a connection waits for a lock held by another
// process before failing with SQLITE_BUSY.
const busyTimeout = 5 * time.Second

// Store is a store.Store on a SQLite database file.
type Store struct {
	w *sql.DB // the single writer connection
	r *sql.DB // read-only connections

	// stmts caches prepared statements of the read pool by query text:
	// SQLite would otherwise parse and plan every query on every call. Only
	// queries with a fixed text go through it.
	stmts sync.Map

	closeOnce sync.Once
	closeErr  error
	closed    atomic.Bool
}

var _ store.Store = (*Store)(nil)

// Open opens the database at path, creating it if needed, and migrates its
// schema to the newest version. The file's directory must exist.
func Open(ctx context.Context, path string) (*Store, error) {
	s, err := open(ctx, path)
	if err != nil {
		return nil, fmt.Errorf("open metadata store %s: %w", path, err)
	}
	return s, nil
}

func open(ctx context.Context, path string) (_ *Store, err error) {
	if path == "" || strings.ContainsAny(path, "?#") || strings.HasPrefix(path, "file:") {
		return nil, fmt.Errorf("%w: want a plain file path without '?' or '#'", store.ErrInvalid)
	}
	w, err := sql.Open("sqlite", dsn(path, false))
	if err != nil {
		return nil, err
	}
	w.SetMaxOpenConns(1)
	w.SetMaxIdleConns(1)
	w.SetConnMaxLifetime(0)
	w.SetConnMaxIdleTime(0)
	s := &Store{w: w}
	defer func() {
		if err != nil {
			err = errors.Join(err, s.Close())
		}
	}()

	if err := setWAL(ctx, w); err != nil {
		return nil, err
	}
	if err := migrate(ctx, w); err != nil {
		return nil, err
	}

	s.r, err = sql.Open("sqlite", dsn(path, true))
	if err != nil {
		return nil, err
	}
	n := max(4, 2*runtime.GOMAXPROCS(0))
	s.r.SetMaxOpenConns(n)
	s.r.SetMaxIdleConns(n)
	if err := s.r.PingContext(ctx); err != nil {
		return nil, err
	}
	return s, nil
}

// dsn returns the driver's connection string: the pragmas every connection
// needs and, for the writer, BEGIN IMMEDIATE transactions. The journal mode
// is a property of the file, set once by setWAL.
func dsn(path string, readOnly bool) string {
	q := url.Values{}
	q.Add("_pragma", fmt.Sprintf("busy_timeout(%d)", busyTimeout.Milliseconds()))
	q.Add("_pragma", "foreign_keys(1)")
	q.Add("_pragma", "synchronous(FULL)")
	if readOnly {
		q.Add("_pragma", "query_only(1)")
	} else {
		q.Set("_txlock", "immediate")
	}
	return path + "?" + q.Encode()
}

// Close closes the database. It is safe to call more than once.
func (s *Store) Close() error {
	s.closeOnce.Do(func() {
		s.closed.Store(true)
		var errs []error
		s.stmts.Range(func(_, st any) bool {
			errs = append(errs, st.(*sql.Stmt).Close())
			return true
		})
		if s.r != nil {
			errs = append(errs, s.r.Close())
		}
		if s.w != nil {
			errs = append(errs, s.w.Close())
		}
		s.closeErr = errors.Join(errs...)
	})
	return s.closeErr
}

// setWAL switches the database to WAL mode (a no-op if it is in WAL mode
// already). While another process is creating or converting the same file,
// SQLite can answer SQLITE_BUSY at once, without waiting for the busy
// timeout, so setWAL retries for up to busyTimeout.
func setWAL(ctx context.Context, db *sql.DB) error {
	deadline := time.Now().Add(busyTimeout)
	for delay := 5 * time.Millisecond; ; delay = min(2*delay, 200*time.Millisecond) {
		var mode string
		err := db.QueryRowContext(ctx, "PRAGMA journal_mode = WAL").Scan(&mode)
		if err == nil && !strings.EqualFold(mode, "wal") {
			return fmt.Errorf("journal mode is %q, not WAL (does the file system support shared memory?)", mode)
		}
		if !isBusy(err) || time.Now().After(deadline) {
			return err
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(delay):
		}
	}
}

// isBusy reports whether err is SQLITE_BUSY or one of its extended codes.
func isBusy(err error) bool {
	var e *sqlite.Error
	return errors.As(err, &e) && e.Code()&0xff == sqlite3.SQLITE_BUSY
}

// stmt returns the prepared statement of the read pool for query.
func (s *Store) stmt(ctx context.Context, query string) (*sql.Stmt, error) {
	if st, ok := s.stmts.Load(query); ok {
		return st.(*sql.Stmt), nil
	}
	st, err := s.r.PrepareContext(ctx, query)
	if err != nil {
		return nil, err
	}
	if prev, loaded := s.stmts.LoadOrStore(query, st); loaded {
		return prev.(*sql.Stmt), st.Close()
	}
	return st, nil
}

// row runs a single-row query of the read pool as a prepared statement.
// A statement that fails to prepare is run unprepared, so that its error
// reaches the caller through Scan.
func (s *Store) row(ctx context.Context, query string, args ...any) *sql.Row {
	st, err := s.stmt(ctx, query)
	if err != nil {
		return s.r.QueryRowContext(ctx, query, args...)
	}
	return st.QueryRowContext(ctx, args...)
}

// query runs a query of the read pool as a prepared statement.
func (s *Store) query(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	st, err := s.stmt(ctx, query)
	if err != nil {
		return nil, err
	}
	return st.QueryContext(ctx, args...)
}

// write runs fn in a write transaction and commits it if fn succeeds.
func (s *Store) write(ctx context.Context, fn func(tx *sql.Tx) error) error {
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	if err := fn(tx); err != nil {
		return rollback(tx, err)
	}
	return tx.Commit()
}

// read runs fn in a read-only transaction: every query in it sees the same
// snapshot.
func (s *Store) read(ctx context.Context, fn func(tx *sql.Tx) error) error {
	tx, err := s.r.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return err
	}
	if err := fn(tx); err != nil {
		return rollback(tx, err)
	}
	return tx.Commit()
}

// rollback rolls tx back after err and returns err, with the rollback's
// own failure if any.
func rollback(tx *sql.Tx, err error) error {
	if rerr := tx.Rollback(); rerr != nil && !errors.Is(rerr, sql.ErrTxDone) {
		return errors.Join(err, fmt.Errorf("rollback: %w", rerr))
	}
	return err
}

// isUnique reports whether err is a violation of a UNIQUE or PRIMARY KEY
// constraint.
func isUnique(err error) bool {
	var e *sqlite.Error
	if !errors.As(err, &e) {
		return false
	}
	return e.Code() == sqlite3.SQLITE_CONSTRAINT_UNIQUE || e.Code() == sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY
}

// affected returns ErrNotFound, wrapped with what, if res changed no row.
func affected(res sql.Result, what string) error {
	n, err := res.RowsAffected()
	if err != nil {
		return err
	}
	if n == 0 {
		return fmt.Errorf("%s: %w", what, store.ErrNotFound)
	}
	return nil
}

// notFound maps sql.ErrNoRows to ErrNotFound, wrapped with what.
func notFound(err error, what string) error {
	if errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("%s: %w", what, store.ErrNotFound)
	}
	return err
}

// Times are stored as microseconds since the Unix epoch.

func now() time.Time { return time.Now().UTC().Truncate(time.Microsecond) }

// stamp returns the stored form of t, or of now if t is zero, and the
// time it stands for.
func stamp(t time.Time) (int64, time.Time) {
	if t.IsZero() {
		t = now()
	}
	t = t.UTC().Truncate(time.Microsecond)
	return t.UnixMicro(), t
}

func fromMicros(us int64) time.Time { return time.UnixMicro(us).UTC() }

// nullTime is the stored form of an optional time: NULL for zero.
func nullTime(t time.Time) sql.NullInt64 {
	if t.IsZero() {
		return sql.NullInt64{}
	}
	us, _ := stamp(t)
	return sql.NullInt64{Int64: us, Valid: true}
}

func timePtr(n sql.NullInt64) *time.Time {
	if !n.Valid {
		return nil
	}
	t := fromMicros(n.Int64)
	return &t
}

// nullID is the stored form of an optional user ID: NULL for 0.
func nullID(id int64) sql.NullInt64 { return sql.NullInt64{Int64: id, Valid: id != 0} }

// encodeList returns the JSON form of a string list; nil is [].
func encodeList(l []string) string {
	if l == nil {
		l = []string{}
	}
	b, err := json.Marshal(l)
	if err != nil {
		panic(err) // a []string always marshals
	}
	return string(b)
}

func decodeList(s string) ([]string, error) {
	l := []string{}
	if err := json.Unmarshal([]byte(s), &l); err != nil {
		return nil, fmt.Errorf("corrupt list %q: %w", s, err)
	}
	if l == nil {
		l = []string{}
	}
	return l, nil
}

// rowScanner is *sql.Row or *sql.Rows.
type rowScanner interface {
	Scan(dest ...any) error
}

// userExists reports ErrNotFound unless user id exists.
func userExists(ctx context.Context, tx *sql.Tx, id int64) error {
	var one int
	err := tx.QueryRowContext(ctx, "SELECT 1 FROM users WHERE id = ?", id).Scan(&one)
	return notFound(err, fmt.Sprintf("user %d", id))
}

// nonNil returns b, or an empty slice for nil: a NULL would violate NOT NULL.
func nonNil(b []byte) []byte {
	if b == nil {
		return []byte{}
	}
	return b
}
