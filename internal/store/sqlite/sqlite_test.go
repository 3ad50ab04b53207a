package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/balcentral/balcentral/internal/store"
	"github.com/balcentral/balcentral/internal/store/storetest"
)

// openTest opens the store at path and closes it at the end of the test.
func openTest(t testing.TB, path string) *Store {
	t.Helper()
	s, err := Open(context.Background(), path)
	if err != nil {
		t.Fatalf("Open(%s): %v", path, err)
	}
	t.Cleanup(func() {
		if err := s.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	return s
}

// TestCachedConformance runs the suite through store.Cached with a TTL
// longer than any test: a process must see its own writes at once.
func TestCachedConformance(t *testing.T) {
	storetest.Run(t, func(t *testing.T) store.Store {
		return store.NewCached(openTest(t, filepath.Join(t.TempDir(), "central.db")), time.Hour)
	})
}

func TestConformance(t *testing.T) {
	storetest.Run(t, func(t *testing.T) store.Store {
		s := openTest(t, filepath.Join(t.TempDir(), "central.db"))
		// Cleanups run last first: this one runs before open's Close.
		t.Cleanup(func() {
			if !s.closed.Load() {
				checkConsistency(t, s)
			}
		})
		return s
	})
}

// checkConsistency checks the invariants between the tables that the
// conformance suite cannot see: the packages table names the right
// versions, package_search holds exactly those, and a version is in
// package_versions exactly when its reservation is published.
func checkConsistency(t *testing.T, s *Store) {
	t.Helper()
	for _, c := range []struct{ what, query string }{
		{"packages entries that are stale", `SELECT COUNT(*) FROM packages p WHERE
			p.latest_public IS NOT (SELECT id FROM package_versions WHERE org = p.org AND name = p.name
				AND deprecated = 0 AND visibility = 'public' ORDER BY latest_key DESC LIMIT 1)
			OR p.latest_any IS NOT (SELECT id FROM package_versions WHERE org = p.org AND name = p.name
				AND deprecated = 0 ORDER BY latest_key DESC LIMIT 1)`},
		{"packages without versions", `SELECT COUNT(*) FROM packages p
			WHERE NOT EXISTS (SELECT 1 FROM package_versions v WHERE v.org = p.org AND v.name = p.name)`},
		{"versions without a packages entry", `SELECT COUNT(*) FROM package_versions v
			WHERE NOT EXISTS (SELECT 1 FROM packages p WHERE v.org = p.org AND v.name = p.name)`},
		{"search rows of versions that are not listed", `SELECT COUNT(*) FROM package_search
			WHERE rowid NOT IN (SELECT latest_public FROM packages WHERE latest_public IS NOT NULL
				UNION SELECT latest_any FROM packages WHERE latest_any IS NOT NULL)`},
		{"listed versions without a search row", `SELECT COUNT(*) FROM
			(SELECT latest_public AS id FROM packages UNION SELECT latest_any FROM packages)
			WHERE id IS NOT NULL AND id NOT IN (SELECT rowid FROM package_search)`},
		{"versions whose reservation is not published", `SELECT COUNT(*) FROM package_versions v
			JOIN reservations r ON r.id = v.id
			WHERE r.state <> 'published' OR r.org <> v.org OR r.name <> v.name OR r.version <> v.version`},
		{"published reservations without a version", `SELECT COUNT(*) FROM reservations r
			WHERE r.state = 'published' AND r.id NOT IN (SELECT id FROM package_versions)`},
		{"modules of missing versions", `SELECT COUNT(*) FROM package_modules
			WHERE version_id NOT IN (SELECT id FROM package_versions)`},
	} {
		var n int
		if err := s.r.QueryRow(c.query).Scan(&n); err != nil {
			t.Errorf("consistency check %q: %v", c.what, err)
		} else if n != 0 {
			t.Errorf("consistency: %d %s", n, c.what)
		}
	}
	var fk int
	if err := s.r.QueryRow("SELECT COUNT(*) FROM pragma_foreign_key_check").Scan(&fk); err != nil {
		t.Errorf("foreign key check: %v", err)
	} else if fk != 0 {
		t.Errorf("consistency: %d foreign key violations", fk)
	}
}

func BenchmarkStore(b *testing.B) {
	storetest.RunBenchmarks(b, func(b *testing.B) store.Store {
		return openTest(b, filepath.Join(b.TempDir(), "central.db"))
	})
}

func TestMigrationFiles(t *testing.T) {
	ms, err := migrations()
	if err != nil {
		t.Fatal(err)
	}
	if len(ms) == 0 || SchemaVersion() != len(ms) {
		t.Fatalf("%d migrations, SchemaVersion %d", len(ms), SchemaVersion())
	}
	for i, m := range ms {
		if m.version != i+1 || strings.TrimSpace(m.sql) == "" {
			t.Errorf("migration %d: %+v", i, m)
		}
	}
}

// schemaRows returns the schema_migrations versions of the file at path.
func schemaRows(t *testing.T, path string) []int {
	t.Helper()
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	rows, err := db.Query("SELECT version FROM schema_migrations ORDER BY version")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var vs []int
	for rows.Next() {
		var v int
		if err := rows.Scan(&v); err != nil {
			t.Fatal(err)
		}
		vs = append(vs, v)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return vs
}

func TestMigrateFromEmptyAndReopen(t *testing.T) {
	path := filepath.Join(t.TempDir(), "central.db")
	for round := range 3 {
		s, err := Open(t.Context(), path)
		if err != nil {
			t.Fatalf("Open, round %d: %v", round, err)
		}
		if err := s.Close(); err != nil {
			t.Fatalf("Close, round %d: %v", round, err)
		}
		got := schemaRows(t, path)
		if len(got) != SchemaVersion() {
			t.Fatalf("round %d: schema_migrations = %v, want 1..%d once each", round, got, SchemaVersion())
		}
		for i, v := range got {
			if v != i+1 {
				t.Fatalf("round %d: schema_migrations = %v", round, got)
			}
		}
	}
}

func TestConcurrentOpenMigratesOnce(t *testing.T) {
	path := filepath.Join(t.TempDir(), "central.db")
	errs := make(chan error, 4)
	for range 4 {
		go func() {
			s, err := Open(t.Context(), path)
			if err == nil {
				err = s.Close()
			}
			errs <- err
		}()
	}
	for range 4 {
		if err := <-errs; err != nil {
			t.Fatalf("concurrent Open: %v", err)
		}
	}
	if got := schemaRows(t, path); len(got) != SchemaVersion() {
		t.Fatalf("schema_migrations = %v, want each migration once", got)
	}
}

func TestRefuseNewerSchema(t *testing.T) {
	path := filepath.Join(t.TempDir(), "central.db")
	s := openTest(t, path)
	if _, err := s.w.Exec("INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, 'from the future', 0)",
		SchemaVersion()+1); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	_, err := Open(t.Context(), path)
	if !errors.Is(err, store.ErrSchemaTooNew) {
		t.Fatalf("Open of a newer schema = %v, want ErrSchemaTooNew", err)
	}
	if !strings.Contains(err.Error(), path) {
		t.Errorf("error %q does not name the file", err)
	}
}

func TestOpenErrors(t *testing.T) {
	dir := t.TempDir()
	for _, path := range []string{"", filepath.Join(dir, "a?b.db"), "file:" + filepath.Join(dir, "x.db")} {
		if _, err := Open(t.Context(), path); !errors.Is(err, store.ErrInvalid) {
			t.Errorf("Open(%q) = %v, want ErrInvalid", path, err)
		}
	}
	if _, err := Open(t.Context(), filepath.Join(dir, "missing", "central.db")); err == nil {
		t.Errorf("Open in a missing directory succeeded")
	}
}

func TestPragmas(t *testing.T) {
	s := openTest(t, filepath.Join(t.TempDir(), "central.db"))
	for _, db := range []*sql.DB{s.w, s.r} {
		for pragma, want := range map[string]string{"journal_mode": "wal", "synchronous": "2", "foreign_keys": "1", "busy_timeout": "5000"} {
			var got string
			if err := db.QueryRow("PRAGMA " + pragma).Scan(&got); err != nil {
				t.Fatal(err)
			}
			if got != want {
				t.Errorf("PRAGMA %s = %s, want %s", pragma, got, want)
			}
		}
	}
	if _, err := s.r.Exec("INSERT INTO audit_log (at, actor, action, subject, detail) VALUES (0, '', '', '', '')"); err == nil {
		t.Error("the read pool accepted a write")
	}
}

func TestDurability(t *testing.T) {
	path := filepath.Join(t.TempDir(), "central.db")
	ctx := t.Context()
	s, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	u := &store.User{Username: "alice"}
	steps := []func() error{
		func() error { return s.CreateUser(ctx, u) },
		func() error { return s.CreateOrg(ctx, &store.Org{Name: "wso2"}, u.ID) },
		func() error { return s.CreateToken(ctx, &store.Token{UserID: u.ID, Hash: []byte("hash")}) },
		func() error { return s.ReserveVersion(ctx, "wso2", "winery", "1.0.0", u.ID) },
		func() error {
			return s.PublishVersion(ctx, &store.PackageVersion{
				Org: "wso2", Name: "winery", Version: "1.0.0", Platform: "any", Summary: "Wine connector",
				Digest: strings.Repeat("ab", 32), BlobKey: "k", Modules: []store.Module{{Name: "winery"}},
			})
		},
		func() error { return s.ReserveVersion(ctx, "wso2", "winery", "2.0.0", u.ID) },
		func() error { return s.SetDeprecated(ctx, "wso2", "winery", "1.0.0", true, "old") },
		func() error { return s.AppendAudit(ctx, &store.AuditEvent{Actor: "alice", Action: "publish"}) },
		s.Close,
	}
	for i, step := range steps {
		if err := step(); err != nil {
			t.Fatalf("step %d: %v", i, err)
		}
	}

	s = openTest(t, path)
	if _, err := s.UserByName(ctx, "alice"); err != nil {
		t.Errorf("user after reopen: %v", err)
	}
	if role, err := s.Role(ctx, "wso2", u.ID); err != nil || role != store.RoleOwner {
		t.Errorf("role after reopen: %q, %v", role, err)
	}
	if _, err := s.TokenByHash(ctx, []byte("hash")); err != nil {
		t.Errorf("token after reopen: %v", err)
	}
	if pv, err := s.Version(ctx, "wso2", "winery", "1.0.0"); err != nil || !pv.Deprecated {
		t.Errorf("version after reopen: %+v, %v", pv, err)
	}
	if res, err := s.Search(ctx, store.SearchQuery{Text: "wine", Limit: 1}); err != nil || res.Total != 0 {
		t.Errorf("search after reopen (the only version is deprecated): %+v, %v", res, err)
	}
	if mods, err := s.ModuleProviders(ctx, "wso2", "winery"); err != nil || len(mods) != 1 {
		t.Errorf("module providers after reopen: %+v, %v", mods, err)
	}
	if err := s.ReserveVersion(ctx, "wso2", "winery", "2.0.0", u.ID); !errors.Is(err, store.ErrExists) {
		t.Errorf("reserving a version reserved before the reopen = %v, want ErrExists", err)
	}
	if events, err := s.ListAudit(ctx, store.AuditFilter{}, 0); err != nil || len(events) != 1 {
		t.Errorf("audit after reopen: %+v, %v", events, err)
	}
}

// TestDatabaseGuards checks the constraints and triggers that back the
// invariants even against SQL that bypasses the Store's methods.
func TestDatabaseGuards(t *testing.T) {
	s := openTest(t, filepath.Join(t.TempDir(), "central.db"))
	ctx := t.Context()
	u := &store.User{Username: "alice"}
	if err := s.CreateUser(ctx, u); err != nil {
		t.Fatal(err)
	}
	if err := s.ReserveVersion(ctx, "wso2", "winery", "1.0.0", u.ID); err != nil {
		t.Fatal(err)
	}
	if err := s.AppendAudit(ctx, &store.AuditEvent{Actor: "alice", Action: "publish"}); err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{
		"DELETE FROM reservations",
		"UPDATE reservations SET version = '1.0.1'",
		"UPDATE audit_log SET actor = 'mallory'",
		"DELETE FROM audit_log",
		"INSERT INTO reservations (org, name, version, state, reserved_at, updated_at) VALUES ('wso2', 'winery', '1.0.0', 'reserved', 0, 0)",
		"INSERT INTO memberships (org_id, user_id, role) VALUES (999, 999, 'owner')",
		"UPDATE reservations SET state = 'gone'",
	} {
		if _, err := s.w.ExecContext(ctx, q); err == nil {
			t.Errorf("%s: succeeded, want refused", q)
		}
	}
	r, err := s.Reservation(ctx, "wso2", "winery", "1.0.0")
	if err != nil || r.State != store.StateReserved {
		t.Fatalf("reservation after the attempts: %+v, %v", r, err)
	}
}

// count returns the number of rows of a table.
func count(t *testing.T, s *Store, table string) int {
	t.Helper()
	var n int
	if err := s.r.QueryRow("SELECT COUNT(*) FROM " + table).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// TestPublishIsAtomic makes the last write of PublishVersion fail and
// checks that none of its earlier writes is left behind.
func TestPublishIsAtomic(t *testing.T) {
	s := openTest(t, filepath.Join(t.TempDir(), "central.db"))
	ctx := t.Context()
	if err := s.ReserveVersion(ctx, "wso2", "winery", "1.0.0", 0); err != nil {
		t.Fatal(err)
	}
	if _, err := s.w.Exec(`CREATE TEMP TRIGGER fail_publish BEFORE UPDATE OF state ON main.reservations
		BEGIN SELECT RAISE(ABORT, 'injected failure'); END`); err != nil {
		t.Fatal(err)
	}
	pv := &store.PackageVersion{
		Org: "wso2", Name: "winery", Version: "1.0.0", Digest: strings.Repeat("0", 64), BlobKey: "k",
		Summary: "wine", Modules: []store.Module{{Name: "winery"}, {Name: "winery.util"}},
	}
	if err := s.PublishVersion(ctx, pv); err == nil || !strings.Contains(err.Error(), "injected failure") {
		t.Fatalf("PublishVersion with an injected failure = %v", err)
	}
	for _, table := range []string{"package_versions", "package_modules", "package_search"} {
		if n := count(t, s, table); n != 0 {
			t.Errorf("%s has %d rows after a failed publish, want 0", table, n)
		}
	}
	if _, err := s.w.Exec("DROP TRIGGER temp.fail_publish"); err != nil {
		t.Fatal(err)
	}
	r, err := s.Reservation(ctx, "wso2", "winery", "1.0.0")
	if err != nil || r.State != store.StateReserved {
		t.Fatalf("reservation after a failed publish: %+v, %v; want reserved", r, err)
	}
	if err := s.PublishVersion(ctx, pv); err != nil {
		t.Fatalf("PublishVersion after the failure: %v", err)
	}
}

// TestDeleteCleansUp checks that DeleteVersion leaves no module or search
// rows behind (the suite sees no difference: stale rows are unreachable).
func TestDeleteCleansUp(t *testing.T) {
	s := openTest(t, filepath.Join(t.TempDir(), "central.db"))
	ctx := t.Context()
	for _, v := range []string{"1.0.0", "2.0.0"} {
		if err := s.ReserveVersion(ctx, "wso2", "winery", v, 0); err != nil {
			t.Fatal(err)
		}
		pv := &store.PackageVersion{
			Org: "wso2", Name: "winery", Version: v, Digest: strings.Repeat("0", 64), BlobKey: "k",
			Modules: []store.Module{{Name: "winery"}, {Name: "winery.util"}},
		}
		if err := s.PublishVersion(ctx, pv); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.DeleteVersion(ctx, "wso2", "winery", "1.0.0"); err != nil {
		t.Fatal(err)
	}
	for table, want := range map[string]int{"package_versions": 1, "package_modules": 2, "package_search": 1, "reservations": 2} {
		if n := count(t, s, table); n != want {
			t.Errorf("%s has %d rows after deleting one of two versions, want %d", table, n, want)
		}
	}
}
