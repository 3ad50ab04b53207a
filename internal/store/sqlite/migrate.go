package sqlite

import (
	"context"
	"database/sql"
	"embed"
	"fmt"
	"io/fs"
	"path"
	"strconv"
	"strings"

	"github.com/balcentral/balcentral/internal/store"
)

//go:embed migrations/*.sql
var migrationFiles embed.FS

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

// migrate brings the schema of db up to date, one migration per
// transaction. Concurrent migrations of one file (two processes starting at
// once) are safe: each step re-reads the schema version under the write
// lock.
func migrate(ctx context.Context, db *sql.DB) error {
	ms, err := migrations()
	if err != nil {
		return err
	}
	for {
		done := false
		err := func() error {
			tx, err := db.BeginTx(ctx, nil)
			if err != nil {
				return err
			}
			err = migrateStep(ctx, tx, ms, &done)
			if err != nil {
				return rollback(tx, err)
			}
			return tx.Commit()
		}()
		if err != nil || done {
			return err
		}
	}
}

// migrateStep applies the first pending migration in tx, or sets *done if
// there is none.
func migrateStep(ctx context.Context, tx *sql.Tx, ms []migration, done *bool) error {
	const create = `CREATE TABLE IF NOT EXISTS schema_migrations (
		version    INTEGER PRIMARY KEY,
		name       TEXT    NOT NULL,
		applied_at INTEGER NOT NULL
	) STRICT`
	if _, err := tx.ExecContext(ctx, create); err != nil {
		return fmt.Errorf("create schema_migrations: %w", err)
	}
	var cur int
	if err := tx.QueryRowContext(ctx, "SELECT COALESCE(MAX(version), 0) FROM schema_migrations").Scan(&cur); err != nil {
		return fmt.Errorf("read schema version: %w", err)
	}
	switch {
	case cur > len(ms):
		return fmt.Errorf("%w: schema version %d, this program knows up to %d; run a newer central", store.ErrSchemaTooNew, cur, len(ms))
	case cur == len(ms):
		*done = true
		return nil
	}
	m := ms[cur]
	if _, err := tx.ExecContext(ctx, m.sql); err != nil {
		return fmt.Errorf("migration %s: %w", m.name, err)
	}
	us, _ := stamp(now())
	if _, err := tx.ExecContext(ctx, "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)", m.version, m.name, us); err != nil {
		return fmt.Errorf("record migration %s: %w", m.name, err)
	}
	return nil
}
