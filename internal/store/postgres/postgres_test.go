package postgres

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"sync"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/balcentral/balcentral/internal/store"
	"github.com/balcentral/balcentral/internal/store/postgres/pgtest"
	"github.com/balcentral/balcentral/internal/store/storetest"
)

// pg is the cluster of this package's tests, started by the first test
// that needs it.
var pg pgtest.Shared

func TestMain(m *testing.M) {
	code := m.Run()
	if err := pg.Stop(); err != nil {
		fmt.Fprintln(os.Stderr, err)
		code = max(code, 1)
	}
	os.Exit(code)
}

// templateDB is the database, migrated to SchemaVersion, that the tests'
// databases are copied from.
const templateDB = "central_template"

// newDatabase returns the connection string of a fresh database with the
// current schema, dropped when tb ends.
func newDatabase(tb testing.TB) string {
	tb.Helper()
	c := pg.Cluster(tb)
	c.Template(tb, templateDB, func(ctx context.Context, dsn string) error {
		_, _, err := Migrate(ctx, dsn)
		return err
	})
	return c.NewDatabaseFrom(tb, templateDB)
}

// openTest opens the store at dsn and closes it at the end of the test.
func openTest(tb testing.TB, dsn string, opts Options) *Store {
	tb.Helper()
	s, err := Open(context.Background(), dsn, opts)
	if err != nil {
		tb.Fatalf("Open: %v", err)
	}
	tb.Cleanup(func() {
		if err := s.Close(); err != nil {
			tb.Errorf("Close: %v", err)
		}
	})
	return s
}

// admin connects to dsn as the superuser, bypassing the Store, for checks
// and for SQL the Store would never run.
func admin(tb testing.TB, dsn string) *pgx.Conn {
	tb.Helper()
	// Not tb.Context(): checkConsistency runs in a cleanup, when it is
	// canceled.
	conn, err := pgx.Connect(context.Background(), dsn)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { conn.Close(context.Background()) })
	return conn
}

func TestConformance(t *testing.T) {
	storetest.Run(t, func(t *testing.T) store.Store {
		dsn := newDatabase(t)
		s := openTest(t, dsn, Options{})
		// Cleanups run last first: this one runs before openTest's Close
		// and the drop of the database.
		t.Cleanup(func() { checkConsistency(t, dsn) })
		return s
	})
}

// checkConsistency checks the invariants between the tables that the
// conformance suite cannot see: the packages table names the right
// versions, package_search holds exactly those, and a version is in
// package_versions exactly when its reservation is published.
func checkConsistency(t *testing.T, dsn string) {
	t.Helper()
	conn := admin(t, dsn)
	for _, c := range []struct{ what, query string }{
		{"packages entries that are stale", `SELECT count(*) FROM packages p WHERE
			p.latest_public IS DISTINCT FROM (SELECT id FROM package_versions WHERE org = p.org AND name = p.name
				AND NOT deprecated AND visibility = 'public' ORDER BY latest_key DESC LIMIT 1)
			OR p.latest_any IS DISTINCT FROM (SELECT id FROM package_versions WHERE org = p.org AND name = p.name
				AND NOT deprecated ORDER BY latest_key DESC LIMIT 1)`},
		{"packages without versions", `SELECT count(*) FROM packages p
			WHERE NOT EXISTS (SELECT 1 FROM package_versions v WHERE v.org = p.org AND v.name = p.name)`},
		{"versions without a packages entry", `SELECT count(*) FROM package_versions v
			WHERE NOT EXISTS (SELECT 1 FROM packages p WHERE v.org = p.org AND v.name = p.name)`},
		{"search rows of versions that are not listed", `SELECT count(*) FROM package_search
			WHERE version_id NOT IN (SELECT latest_public FROM packages WHERE latest_public IS NOT NULL
				UNION SELECT latest_any FROM packages WHERE latest_any IS NOT NULL)`},
		{"listed versions without a search row", `SELECT count(*) FROM
			(SELECT latest_public AS id FROM packages UNION SELECT latest_any FROM packages) l
			WHERE id IS NOT NULL AND id NOT IN (SELECT version_id FROM package_search)`},
		{"search rows that differ from their version's words", `SELECT count(*) FROM package_search s
			JOIN package_versions v ON v.id = s.version_id WHERE s.words <> v.search_words`},
		{"versions whose reservation is not published", `SELECT count(*) FROM package_versions v
			JOIN reservations r ON r.id = v.id
			WHERE r.state <> 'published' OR r.org <> v.org OR r.name <> v.name OR r.version <> v.version`},
		{"published reservations without a version", `SELECT count(*) FROM reservations r
			WHERE r.state = 'published' AND r.id NOT IN (SELECT id FROM package_versions)`},
	} {
		var n int
		if err := conn.QueryRow(context.Background(), c.query).Scan(&n); err != nil {
			t.Errorf("consistency check %q: %v", c.what, err)
		} else if n != 0 {
			t.Errorf("consistency: %d %s", n, c.what)
		}
	}
}

func BenchmarkStore(b *testing.B) {
	storetest.RunBenchmarks(b, func(b *testing.B) store.Store {
		return openTest(b, newDatabase(b), Options{})
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

// schemaRows returns the schema_migrations versions of the database.
func schemaRows(t *testing.T, dsn string) []int {
	t.Helper()
	rows, err := admin(t, dsn).Query(t.Context(), "SELECT version FROM schema_migrations ORDER BY version")
	if err != nil {
		t.Fatal(err)
	}
	vs, err := pgx.CollectRows(rows, pgx.RowTo[int])
	if err != nil {
		t.Fatal(err)
	}
	return vs
}

// wantAllMigrations fails the test unless every migration was recorded
// once.
func wantAllMigrations(t *testing.T, dsn string) {
	t.Helper()
	got := schemaRows(t, dsn)
	if len(got) != SchemaVersion() {
		t.Fatalf("schema_migrations = %v, want 1..%d once each", got, SchemaVersion())
	}
	for i, v := range got {
		if v != i+1 {
			t.Fatalf("schema_migrations = %v", got)
		}
	}
}

// TestMigrations checks the schema version rules of Open and Migrate, on
// one cluster.
func TestMigrations(t *testing.T) {
	c := pg.Cluster(t)

	t.Run("Open refuses an empty database", func(t *testing.T) {
		dsn := c.NewDatabase(t)
		_, err := Open(t.Context(), dsn, Options{})
		if !errors.Is(err, ErrSchemaTooOld) {
			t.Fatalf("Open of an empty database = %v, want ErrSchemaTooOld", err)
		}
		if !strings.Contains(err.Error(), "central migrate") {
			t.Errorf("error %q does not say what to do", err)
		}
		var tables int
		if err := admin(t, dsn).QueryRow(t.Context(),
			"SELECT count(*) FROM pg_tables WHERE schemaname = 'public'").Scan(&tables); err != nil {
			t.Fatal(err)
		}
		if tables != 0 {
			t.Errorf("the refused Open created %d tables", tables)
		}
	})

	t.Run("Migrate then Open", func(t *testing.T) {
		dsn := c.NewDatabase(t)
		from, to, err := Migrate(t.Context(), dsn)
		if err != nil || from != 0 || to != SchemaVersion() {
			t.Fatalf("Migrate = %d, %d, %v; want 0, %d, nil", from, to, err, SchemaVersion())
		}
		from, to, err = Migrate(t.Context(), dsn)
		if err != nil || from != SchemaVersion() || to != SchemaVersion() {
			t.Fatalf("second Migrate = %d, %d, %v; want nothing to do", from, to, err)
		}
		wantAllMigrations(t, dsn)
		s := openTest(t, dsn, Options{})
		if err := s.CreateUser(t.Context(), &store.User{Username: "alice"}); err != nil {
			t.Fatal(err)
		}
	})

	t.Run("AutoMigrate", func(t *testing.T) {
		dsn := c.NewDatabase(t)
		for round := range 3 {
			s, err := Open(t.Context(), dsn, Options{AutoMigrate: true})
			if err != nil {
				t.Fatalf("Open, round %d: %v", round, err)
			}
			if err := s.Close(); err != nil {
				t.Fatalf("Close, round %d: %v", round, err)
			}
		}
		wantAllMigrations(t, dsn)
	})

	t.Run("concurrent migrations apply each step once", func(t *testing.T) {
		dsn := c.NewDatabase(t)
		const n = 8
		errs := make([]error, n)
		var wg sync.WaitGroup
		for i := range n {
			wg.Go(func() {
				if i%2 == 0 {
					_, _, errs[i] = Migrate(t.Context(), dsn)
					return
				}
				s, err := Open(t.Context(), dsn, Options{AutoMigrate: true})
				if err == nil {
					err = s.Close()
				}
				errs[i] = err
			})
		}
		wg.Wait()
		for i, err := range errs {
			if err != nil {
				t.Errorf("concurrent migration %d: %v", i, err)
			}
		}
		wantAllMigrations(t, dsn)
	})

	t.Run("one migration behind", func(t *testing.T) {
		dsn := c.NewDatabase(t)
		ms, err := migrations()
		if err != nil {
			t.Fatal(err)
		}
		if len(ms) < 2 {
			t.Skip("a single migration")
		}
		// Apply the first migration only, as an older program would have.
		conn := admin(t, dsn)
		var done bool
		if err := pgx.BeginFunc(t.Context(), conn, func(tx pgx.Tx) error {
			_, err := migrateStep(t.Context(), tx, ms[:1], &done)
			return err
		}); err != nil {
			t.Fatal(err)
		}
		if _, err := Open(t.Context(), dsn, Options{}); !errors.Is(err, ErrSchemaTooOld) {
			t.Fatalf("Open one migration behind = %v, want ErrSchemaTooOld", err)
		}
		from, to, err := Migrate(t.Context(), dsn)
		if err != nil || from != 1 || to != SchemaVersion() {
			t.Fatalf("Migrate = %d, %d, %v; want 1, %d, nil", from, to, err, SchemaVersion())
		}
		wantAllMigrations(t, dsn)
		openTest(t, dsn, Options{})
	})

	t.Run("newer schema refused", func(t *testing.T) {
		dsn := c.NewDatabase(t)
		if _, _, err := Migrate(t.Context(), dsn); err != nil {
			t.Fatal(err)
		}
		if _, err := admin(t, dsn).Exec(t.Context(),
			"INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, 'from the future', now())",
			SchemaVersion()+1); err != nil {
			t.Fatal(err)
		}
		for _, opts := range []Options{{}, {AutoMigrate: true}} {
			_, err := Open(t.Context(), dsn, opts)
			if !errors.Is(err, store.ErrSchemaTooNew) {
				t.Errorf("Open(%+v) of a newer schema = %v, want ErrSchemaTooNew", opts, err)
			}
		}
		if _, _, err := Migrate(t.Context(), dsn); !errors.Is(err, store.ErrSchemaTooNew) {
			t.Errorf("Migrate of a newer schema = %v, want ErrSchemaTooNew", err)
		}
	})
}

func TestOpenErrors(t *testing.T) {
	for _, dsn := range []string{"", "  ", "postgres://user:secret@host:notaport/db", "host=x port=notaport password=secret"} {
		_, err := Open(t.Context(), dsn, Options{})
		if !errors.Is(err, store.ErrInvalid) {
			t.Errorf("Open(%q) = %v, want ErrInvalid", dsn, err)
		}
		if err != nil && strings.Contains(err.Error(), "secret") {
			t.Errorf("Open(%q) error %q shows the password", dsn, err)
		}
	}
}

func TestOpenUnreachable(t *testing.T) {
	dsn := "host=" + t.TempDir() + " port=1 user=nobody password=secret dbname=nothing connect_timeout=2"
	_, err := Open(t.Context(), dsn, Options{})
	if err == nil {
		t.Fatal("Open of a server that does not exist succeeded")
	}
	if strings.Contains(err.Error(), "secret") {
		t.Errorf("error %q shows the password", err)
	}
}

func TestPoolSize(t *testing.T) {
	dsn := newDatabase(t)
	for _, tc := range []struct {
		dsn  string
		opts Options
		want int32
	}{
		{dsn + " pool_max_conns=3", Options{}, 3},
		{dsn + " pool_max_conns=3", Options{MaxConns: 7}, 7},
	} {
		s := openTest(t, tc.dsn, tc.opts)
		if got := s.pool.Config().MaxConns; got != tc.want {
			t.Errorf("Open(%q, %+v): MaxConns = %d, want %d", tc.dsn, tc.opts, got, tc.want)
		}
	}
}

// TestDatabaseGuards checks the constraints and triggers that back the
// invariants even against SQL that bypasses the Store's methods.
func TestDatabaseGuards(t *testing.T) {
	dsn := newDatabase(t)
	s := openTest(t, dsn, Options{})
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
	conn := admin(t, dsn)
	for _, q := range []string{
		"DELETE FROM reservations",
		"TRUNCATE reservations CASCADE",
		"UPDATE reservations SET version = '1.0.1'",
		"UPDATE audit_log SET actor = 'mallory'",
		"DELETE FROM audit_log",
		"TRUNCATE audit_log",
		"INSERT INTO reservations (org, name, version, state, reserved_at, updated_at) VALUES ('wso2', 'winery', '1.0.0', 'reserved', now(), now())",
		"INSERT INTO memberships (org_id, user_id, role) VALUES (999, 999, 'owner')",
		"UPDATE reservations SET state = 'gone'",
	} {
		if _, err := conn.Exec(ctx, q); err == nil {
			t.Errorf("%s: succeeded, want refused", q)
		}
	}
	r, err := s.Reservation(ctx, "wso2", "winery", "1.0.0")
	if err != nil || r.State != store.StateReserved {
		t.Fatalf("reservation after the attempts: %+v, %v", r, err)
	}
	if events, err := s.ListAudit(ctx, store.AuditFilter{}, 0); err != nil || len(events) != 1 || events[0].Actor != "alice" {
		t.Fatalf("audit log after the attempts: %+v, %v", events, err)
	}
}

// count returns the number of rows of a table.
func count(t *testing.T, conn *pgx.Conn, table string) int {
	t.Helper()
	var n int
	if err := conn.QueryRow(t.Context(), "SELECT count(*) FROM "+table).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// TestPublishIsAtomic makes the last write of PublishVersion fail and
// checks that none of its earlier writes is left behind.
func TestPublishIsAtomic(t *testing.T) {
	dsn := newDatabase(t)
	s := openTest(t, dsn, Options{})
	ctx := t.Context()
	if err := s.ReserveVersion(ctx, "wso2", "winery", "1.0.0", 0); err != nil {
		t.Fatal(err)
	}
	conn := admin(t, dsn)
	if _, err := conn.Exec(ctx, `CREATE FUNCTION fail_publish() RETURNS trigger LANGUAGE plpgsql AS $$
		BEGIN RAISE EXCEPTION 'injected failure'; END $$;
		CREATE TRIGGER fail_publish BEFORE UPDATE OF state ON reservations
		FOR EACH ROW EXECUTE FUNCTION fail_publish()`); err != nil {
		t.Fatal(err)
	}
	pv := &store.PackageVersion{
		Org: "wso2", Name: "winery", Version: "1.0.0", Digest: strings.Repeat("0", 64), BlobKey: "k",
		Summary: "wine", Modules: []store.Module{{Name: "winery"}, {Name: "winery.util"}},
	}
	if err := s.PublishVersion(ctx, pv); err == nil || !strings.Contains(err.Error(), "injected failure") {
		t.Fatalf("PublishVersion with an injected failure = %v", err)
	}
	for _, table := range []string{"package_versions", "package_modules", "package_search", "packages"} {
		if n := count(t, conn, table); n != 0 {
			t.Errorf("%s has %d rows after a failed publish, want 0", table, n)
		}
	}
	if _, err := conn.Exec(ctx, "DROP TRIGGER fail_publish ON reservations"); err != nil {
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
	dsn := newDatabase(t)
	s := openTest(t, dsn, Options{})
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
	conn := admin(t, dsn)
	for table, want := range map[string]int{"package_versions": 1, "package_modules": 2, "package_search": 1, "reservations": 2, "packages": 1} {
		if n := count(t, conn, table); n != want {
			t.Errorf("%s has %d rows after deleting one of two versions, want %d", table, n, want)
		}
	}
}

// TestTwoStoresShareOneDatabase runs what two replicas would: concurrent
// publishes of versions of one package and concurrent reservations of one
// version, split across two Stores, leave one winner and a consistent
// search index.
func TestTwoStoresShareOneDatabase(t *testing.T) {
	dsn := newDatabase(t)
	stores := []*Store{openTest(t, dsn, Options{}), openTest(t, dsn, Options{})}
	ctx := t.Context()
	const n = 40
	var wg sync.WaitGroup
	errs := make([]error, n)
	start := make(chan struct{})
	for i := range n {
		wg.Go(func() {
			<-start
			s := stores[i%2]
			v := fmt.Sprintf("1.0.%d", i/2) // each version twice, once per store
			if err := s.ReserveVersion(ctx, "wso2", "winery", v, 0); err != nil {
				errs[i] = err
				return
			}
			pv := &store.PackageVersion{Org: "wso2", Name: "winery", Version: v, Digest: strings.Repeat("0", 64),
				BlobKey: "k", Summary: "wine " + v}
			errs[i] = s.PublishVersion(ctx, pv)
		})
	}
	close(start)
	wg.Wait()
	for v := range n / 2 {
		a, b := errs[2*v], errs[2*v+1]
		if (a == nil) == (b == nil) || !errors.Is(errors.Join(a, b), store.ErrExists) {
			t.Errorf("version 1.0.%d: errors %v and %v, want one success and one ErrExists", v, a, b)
		}
	}
	res, err := stores[0].Search(ctx, store.SearchQuery{Text: "wine"})
	if err != nil || res.Total != 1 || res.Packages[0].Version != fmt.Sprintf("1.0.%d", n/2-1) {
		t.Fatalf("Search(wine) = %+v, %v; want the latest version once", res, err)
	}
	checkConsistency(t, dsn)
}

// TestUnstorableText checks that strings PostgreSQL cannot hold (NUL bytes,
// invalid UTF-8) find nothing in lookups and are refused as ErrInvalid in
// writes, instead of surfacing as database errors.
func TestUnstorableText(t *testing.T) {
	s := openTest(t, newDatabase(t), Options{})
	ctx := t.Context()
	u := &store.User{Username: "alice"}
	if err := s.CreateUser(ctx, u); err != nil {
		t.Fatal(err)
	}
	for _, bad := range []string{"a\x00b", "\xff"} {
		if _, err := s.Org(ctx, bad); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("Org(%q) = %v, want ErrNotFound", bad, err)
		}
		if _, err := s.Version(ctx, bad, "x", "1.0.0"); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("Version(%q) = %v, want ErrNotFound", bad, err)
		}
		if _, err := s.Versions(ctx, "wso2", bad); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("Versions(%q) = %v, want ErrNotFound", bad, err)
		}
		if res, err := s.Search(ctx, store.SearchQuery{Org: bad, Orgs: []string{bad}, Text: bad}); err != nil || res.Total != 0 {
			t.Errorf("Search(%q) = %+v, %v; want nothing", bad, res, err)
		}
		if events, err := s.ListAudit(ctx, store.AuditFilter{Actor: bad}, 0); err != nil || len(events) != 0 {
			t.Errorf("ListAudit(%q) = %v, %v; want nothing", bad, events, err)
		}
		if err := s.AppendAudit(ctx, &store.AuditEvent{Actor: "alice", Detail: bad}); !errors.Is(err, store.ErrInvalid) {
			t.Errorf("AppendAudit(detail %q) = %v, want ErrInvalid", bad, err)
		}
		if err := s.CreateToken(ctx, &store.Token{UserID: u.ID, Name: bad, Hash: []byte(bad)}); !errors.Is(err, store.ErrInvalid) {
			t.Errorf("CreateToken(name %q) = %v, want ErrInvalid", bad, err)
		}
	}
}
