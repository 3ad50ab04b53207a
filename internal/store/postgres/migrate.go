package postgres

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/balcentral/balcentral/internal/store"
)

//go:embed migrations/*.sql
var migrationFiles embed.FS

// ErrSchemaTooOld is returned by Open, unless Options.AutoMigrate is set,
// when the database's schema is older than this program's (an empty
// database included): the schema must be migrated first, with Migrate
// (`central migrate`).
var ErrSchemaTooOld = errors.New("database schema is older than this program; run `central migrate` first")

// A migration is one numbered schema change.
type migration struct {
	version int
	name    string // file name
	sql     string
}

// migrations returns the embedded migrations in order. Their numbers must
// run 1, 2, 3 ... without gaps: a gap would mean a lost file.
func migrations() ([]migration, error) {
	names, err := fs.Glob(migrationFiles, "migrations/*.sql")
	if err != nil {
		return nil, err
	}
	var ms []migration
	for _, name := range names { // fs.Glob returns sorted names
		base := path.Base(name)
		num, _, ok := strings.Cut(base, "_")
		n, err := strconv.Atoi(num)
		if !ok || err != nil || len(num) != 4 {
			return nil, fmt.Errorf("migration %s: want a name like 0001_description.sql", base)
		}
		if n != len(ms)+1 {
			return nil, fmt.Errorf("migration %s: number %d, want %d", base, n, len(ms)+1)
		}
		b, err := migrationFiles.ReadFile(name)
		if err != nil {
			return nil, err
		}
		ms = append(ms, migration{version: n, name: base, sql: string(b)})
	}
	return ms, nil
}

// SchemaVersion is the schema version this program migrates databases to:
// the number of the newest embedded migration.
func SchemaVersion() int {
	ms, err := migrations()
	if err != nil {
		panic(err) // the embedded files are checked by the tests
	}
	return len(ms)
}

// Advisory lock keys (the two-int4 form, whose key space is apart from the
// single-bigint form's). lockClass marks this program's locks.
const (
	lockClass   = 0x62616c63 // "balc"
	lockMigrate = 1
)

// Migrate brings the schema of the database at dsn up to SchemaVersion and
// returns the schema versions before and after. It is what `central migrate`
// runs; several processes may run it at once (each migration is applied
// once, under an advisory lock). It fails with store.ErrSchemaTooNew if the
// database was migrated by a newer program.
func Migrate(ctx context.Context, dsn string) (from, to int, err error) {
	cfg, err := parseConfig(dsn, Options{MaxConns: 1})
	if err != nil {
		return 0, 0, err
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return 0, 0, fmt.Errorf("migrate %s: %w", redact(cfg), err)
	}
	defer pool.Close()
	from, to, err = migrate(ctx, pool)
	if err != nil {
		return from, to, fmt.Errorf("migrate %s: %w", redact(cfg), err)
	}
	return from, to, nil
}

// migrate brings the schema up to date, one migration per transaction, and
// returns the schema versions before and after.
func migrate(ctx context.Context, pool *pgxpool.Pool) (from, to int, err error) {
	ms, err := migrations()
	if err != nil {
		return 0, 0, err
	}
	from = -1
	for {
		var cur int
		done := false
		err := pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error {
			var err error
			cur, err = migrateStep(ctx, tx, ms, &done)
			return err
		})
		if from < 0 {
			from = cur
		}
		if err != nil {
			return from, cur, err
		}
		if done {
			return from, cur, nil
		}
	}
}

// migrateStep applies the first pending migration in tx, or sets *done if
// there is none, and returns the schema version it found. The advisory lock
// makes concurrent migrations (replicas starting at once) apply each step
// once: the version is read after the lock is held.
func migrateStep(ctx context.Context, tx pgx.Tx, ms []migration, done *bool) (int, error) {
	if _, err := tx.Exec(ctx, "SELECT pg_advisory_xact_lock($1, $2)", lockClass, lockMigrate); err != nil {
		return 0, fmt.Errorf("lock for migration: %w", err)
	}
	const create = `CREATE TABLE IF NOT EXISTS schema_migrations (
		version    integer     PRIMARY KEY,
		name       text        NOT NULL,
		applied_at timestamptz NOT NULL
	)`
	if _, err := tx.Exec(ctx, create); err != nil {
		return 0, fmt.Errorf("create schema_migrations: %w", err)
	}
	cur, err := readSchemaVersion(ctx, tx)
	if err != nil {
		return 0, err
	}
	switch {
	case cur > len(ms):
		return cur, tooNew(cur, len(ms))
	case cur == len(ms):
		*done = true
		return cur, nil
	}
	m := ms[cur]
	if _, err := tx.Exec(ctx, m.sql); err != nil {
		return cur, fmt.Errorf("migration %s: %w", m.name, err)
	}
	if _, err := tx.Exec(ctx, "INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)",
		m.version, m.name, now()); err != nil {
		return cur, fmt.Errorf("record migration %s: %w", m.name, err)
	}
	return cur, nil
}

func tooNew(cur, known int) error {
	return fmt.Errorf("%w: schema version %d, this program knows up to %d; run a newer central", store.ErrSchemaTooNew, cur, known)
}

// querier is what readSchemaVersion needs of a pool or a transaction.
type querier interface {
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
}

// readSchemaVersion returns the schema version of the database: 0 if it
// has no schema_migrations table.
func readSchemaVersion(ctx context.Context, q querier) (int, error) {
	var cur int
	err := q.QueryRow(ctx, "SELECT COALESCE(max(version), 0) FROM schema_migrations").Scan(&cur)
	if err != nil {
		if pgCode(err) == codeUndefinedTable {
			return 0, nil
		}
		return 0, fmt.Errorf("read schema version: %w", err)
	}
	return cur, nil
}

// checkSchema makes sure the schema is the one this program knows,
// migrating it first if allowed.
func checkSchema(ctx context.Context, pool *pgxpool.Pool, autoMigrate bool) error {
	cur, err := readSchemaVersion(ctx, pool)
	if err != nil {
		return err
	}
	want := SchemaVersion()
	switch {
	case cur > want:
		return tooNew(cur, want)
	case cur == want:
		return nil
	case !autoMigrate:
		return fmt.Errorf("%w (schema version %d, this program needs %d)", ErrSchemaTooOld, cur, want)
	}
	_, _, err = migrate(ctx, pool)
	return err
}
