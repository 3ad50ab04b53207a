// Package postgres is the PostgreSQL backend of the metadata store
// (internal/store), for registries that run as several stateless replicas
// sharing one database. It uses pgx (github.com/jackc/pgx/v5) through a
// connection pool and passes the same conformance suite
// (internal/store/storetest) as the embedded SQLite backend, whose schema it
// mirrors table for table.
//
// # Concurrency across replicas
//
// Every guarantee of the store contract holds between processes, not just
// between the goroutines of one, because each rests on the database:
//
//   - A version number is reserved at most once by the UNIQUE (org, name,
//     version) constraint of reservations: of concurrent ReserveVersion
//     calls, on any replicas, one inserts and the others get a unique
//     violation, reported as store.ErrExists. Triggers refuse deleting a
//     reservation or changing its key.
//   - PublishVersion, DeleteVersion and SetDeprecated lock the package's
//     row in packages before anything else, so the changes to one
//     package's versions are serialized, and the package's search entry,
//     recomputed in the same transaction from the versions committed
//     before the lock was granted, is never stale. Transactions run at
//     READ COMMITTED, where each statement sees the data committed before
//     it started.
//   - SetMember and RemoveMember lock the organization's row, so two
//     concurrent changes cannot both remove "the other" owner.
//   - A deadlock or serialization failure (which the locking order above
//     avoids) is retried.
//
// Beyond store.Store, a Store offers what replicas must agree on that a
// single process keeps in memory (coordination.go): named locks held in the
// database ([Store.WithLock], [Store.TryWithLock]), so that a job runs on
// one replica at a time and a dead replica's lock is released with its
// session, and rate limits counted in the database ([Store.RateLimiter]),
// so that a client cannot multiply its budget by the number of replicas.
//
// # Schema and migrations
//
// The schema is created and upgraded by numbered migrations embedded from
// migrations/NNNN_name.sql, each applied in its own transaction under an
// advisory lock and recorded in schema_migrations. Unlike the SQLite
// backend, Open does not migrate by default: with several replicas, a
// schema change is an operator's decision, made with [Migrate] (`central
// migrate`) before the new program version is rolled out. Open refuses an
// older schema with [ErrSchemaTooOld] unless [Options.AutoMigrate] is set
// (which a single-replica deployment or a test may want), and a newer one
// with store.ErrSchemaTooNew always.
//
// Migration 0001 mirrors the SQLite backend's 0001; 0002 adds the
// rate_limits table of RateLimiter. The differences from the SQLite schema
// are of form: timestamptz for times, text[] for lists, bytea for bytes,
// identity columns for IDs, COLLATE "C" on every name column (names compare
// and sort byte for byte whatever the database's collation), and a
// tsvector column with a GIN index instead of an FTS5 table. The search words are store.Words, made
// into lexemes with array_to_tsvector, so PostgreSQL's text parser and
// dictionaries never touch them, and a query is a conjunction of prefix
// lexemes ('word':*): the same matches as every backend.
//
// # Connections
//
// The connection string is pgx's (a URL or key=value pairs, including
// pool_max_conns; the libpq variables PGHOST etc. fill in what it omits).
// Tables are created in the first schema of the search_path; to keep them
// apart from others in one database, add search_path=central (a schema
// created beforehand) to the connection string. The pool holds at
// most max(4, number of CPUs) connections unless pool_max_conns or
// [Options.MaxConns] says otherwise; count them per replica against the
// server's max_connections. Statements are prepared and cached per
// connection; behind a transaction-pooling proxy such as PgBouncer, add
// default_query_exec_mode=exec (or simple_protocol) to the connection
// string.
package postgres

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unicode/utf8"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/balcentral/balcentral/internal/store"
)

// Options adjust Open. The zero Options are the defaults.
type Options struct {
	// AutoMigrate makes Open migrate a database whose schema is older than
	// this program's (an empty database included) instead of refusing it
	// with ErrSchemaTooOld.
	AutoMigrate bool
	// MaxConns, when positive, is the most connections the pool opens,
	// overriding the connection string's pool_max_conns.
	MaxConns int32
}

// Store is a store.Store on a PostgreSQL database.
type Store struct {
	pool *pgxpool.Pool

	// sweeps is when a RateLimiter last swept paid-off keys, Unix
	// nanoseconds.
	sweeps atomic.Int64

	closeOnce sync.Once
}

var _ store.Store = (*Store)(nil)

// Open connects to the database at dsn and checks that its schema is the
// one this program knows (see the package documentation for migrations).
func Open(ctx context.Context, dsn string, opts Options) (*Store, error) {
	cfg, err := parseConfig(dsn, opts)
	if err != nil {
		return nil, err
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("open metadata store %s: %w", redact(cfg), err)
	}
	if err := checkSchema(ctx, pool, opts.AutoMigrate); err != nil {
		pool.Close()
		return nil, fmt.Errorf("open metadata store %s: %w", redact(cfg), err)
	}
	return &Store{pool: pool}, nil
}

// parseConfig parses a connection string and applies opts.
func parseConfig(dsn string, opts Options) (*pgxpool.Config, error) {
	if strings.TrimSpace(dsn) == "" {
		return nil, fmt.Errorf("open metadata store: connection string: %w: empty", store.ErrInvalid)
	}
	cfg, err := pgxpool.ParseConfig(dsn)
	if err != nil {
		// pgx's message quotes the string with its password redacted.
		return nil, fmt.Errorf("open metadata store: connection string: %w: %v", store.ErrInvalid, err)
	}
	if opts.MaxConns > 0 {
		cfg.MaxConns = opts.MaxConns
		cfg.MinConns = min(cfg.MinConns, cfg.MaxConns)
	}
	if _, ok := cfg.ConnConfig.RuntimeParams["application_name"]; !ok {
		cfg.ConnConfig.RuntimeParams["application_name"] = "central"
	}
	return cfg, nil
}

// redact names the database of cfg for messages, without credentials.
func redact(cfg *pgxpool.Config) string {
	c := cfg.ConnConfig
	return fmt.Sprintf("postgres://%s@%s:%d/%s", c.User, c.Host, c.Port, c.Database)
}

// Close closes the pool, waiting for the connections in use to be
// returned. It is safe to call more than once.
func (s *Store) Close() error {
	s.closeOnce.Do(s.pool.Close)
	return nil
}

// maxAttempts bounds the retries of a transaction that failed with a
// deadlock or a serialization failure.
const maxAttempts = 5

// write runs fn in a READ COMMITTED transaction and commits it if fn
// succeeds, retrying the whole transaction after a deadlock or a
// serialization failure.
func (s *Store) write(ctx context.Context, fn func(tx pgx.Tx) error) error {
	for attempt := 1; ; attempt++ {
		err := pgx.BeginFunc(ctx, s.pool, fn)
		if attempt < maxAttempts && retryable(err) && ctx.Err() == nil {
			continue
		}
		return mapErr(err)
	}
}

// exec runs one statement outside a transaction and returns ErrNotFound,
// wrapped with what, if it changed no row.
func (s *Store) exec(ctx context.Context, what, sql string, args ...any) error {
	tag, err := s.pool.Exec(ctx, sql, args...)
	if err != nil {
		return mapErr(err)
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("%s: %w", what, store.ErrNotFound)
	}
	return nil
}

// PostgreSQL error codes (SQLSTATE) the store tells apart.
const (
	codeUniqueViolation     = "23505"
	codeForeignKeyViolation = "23503"
	codeUndefinedTable      = "42P01"
	codeSerializationFail   = "40001"
	codeDeadlock            = "40P01"
)

// pgCode returns the SQLSTATE of err, "" if it is not a server error.
func pgCode(err error) string {
	var e *pgconn.PgError
	if errors.As(err, &e) {
		return e.Code
	}
	return ""
}

func isUnique(err error) bool     { return pgCode(err) == codeUniqueViolation }
func isForeignKey(err error) bool { return pgCode(err) == codeForeignKeyViolation }

func retryable(err error) bool {
	c := pgCode(err)
	return c == codeSerializationFail || c == codeDeadlock
}

// mapErr makes a data exception (SQLSTATE class 22: a value the database
// cannot hold, such as text with a NUL byte or invalid UTF-8) an
// ErrInvalid. Errors already mapped by the caller pass unchanged.
func mapErr(err error) error {
	if c := pgCode(err); strings.HasPrefix(c, "22") {
		return fmt.Errorf("%w: %v", store.ErrInvalid, err)
	}
	return err
}

// notFound maps pgx.ErrNoRows to ErrNotFound, wrapped with what.
func notFound(err error, what string) error {
	if errors.Is(err, pgx.ErrNoRows) {
		return fmt.Errorf("%s: %w", what, store.ErrNotFound)
	}
	return mapErr(err)
}

// storable reports whether every string can be stored in a text column:
// PostgreSQL refuses NUL bytes and invalid UTF-8. A lookup by a name that
// cannot be stored finds nothing without asking the database.
func storable(ss ...string) bool {
	for _, s := range ss {
		if !utf8.ValidString(s) || strings.IndexByte(s, 0) >= 0 {
			return false
		}
	}
	return true
}

// Times are timestamptz, which holds microseconds.

func now() time.Time { return time.Now().UTC().Truncate(time.Microsecond) }

// stamp returns t as stored, or now if t is zero.
func stamp(t time.Time) time.Time {
	if t.IsZero() {
		return now()
	}
	return t.UTC().Truncate(time.Microsecond)
}

// nullTime is the stored form of an optional time: NULL for zero.
func nullTime(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	st := stamp(t)
	return &st
}

// utcPtr returns *t in UTC; pgx returns times in the local zone.
func utcPtr(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	u := t.UTC()
	return &u
}

// nullID is the stored form of an optional user ID: NULL for 0.
func nullID(id int64) *int64 {
	if id == 0 {
		return nil
	}
	return &id
}

// list returns l, or an empty list for nil: pgx sends a nil slice as NULL.
func list(l []string) []string {
	if l == nil {
		return []string{}
	}
	return l
}

// nonNil returns b, or an empty slice for nil: pgx sends nil as NULL.
func nonNil(b []byte) []byte {
	if b == nil {
		return []byte{}
	}
	return b
}

func ref(org, name, version string) string { return org + "/" + name + ":" + version }
