package pgtest

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/jackc/pgx/v5"
)

func TestLookPrograms(t *testing.T) {
	if err := Available(); err != nil {
		unavailable(t, err)
	}
	found, err := lookPrograms()
	if err != nil {
		t.Fatal(err)
	}
	// The directory of the programs found, named by PGTEST_BINDIR, gives
	// the same programs.
	t.Setenv(BinDirEnv, filepath.Dir(found["initdb"]))
	again, err := lookPrograms()
	if err != nil {
		t.Fatalf("lookPrograms with %s=%s: %v", BinDirEnv, filepath.Dir(found["initdb"]), err)
	}
	if again["initdb"] != found["initdb"] {
		t.Errorf("initdb = %s with %s, %s without", again["initdb"], BinDirEnv, found["initdb"])
	}
	t.Setenv(BinDirEnv, "")

	// Without PATH, the well-known directories are searched.
	wellKnown := false
	for _, pattern := range binDirPatterns {
		dirs, _ := filepath.Glob(pattern)
		for _, d := range dirs {
			if _, missing := programsIn(d); len(missing) == 0 {
				wellKnown = true
			}
		}
	}
	t.Setenv("PATH", t.TempDir())
	if _, err := lookPrograms(); (err == nil) != wellKnown {
		t.Errorf("lookPrograms without PATH = %v; programs in a well-known directory: %v", err, wellKnown)
	}

	for path, want := range map[string]int{"/usr/lib/postgresql/15/bin": 15, "/usr/pgsql-9.6/bin": 9, "/opt/x/bin": 0} {
		if got := majorVersion(path); got != want {
			t.Errorf("majorVersion(%s) = %d, want %d", path, got, want)
		}
	}
}

func TestCluster(t *testing.T) {
	c := NewCluster(t)
	ctx := t.Context()
	dsns := []string{c.NewDatabase(t), c.NewDatabase(t)}
	if dsns[0] == dsns[1] {
		t.Fatalf("two NewDatabase calls returned the same database %q", dsns[0])
	}
	conn, err := pgx.Connect(ctx, dsns[0])
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)

	var fsync, listen, serverUser string
	if err := conn.QueryRow(ctx, "SELECT current_setting('fsync'), current_setting('listen_addresses'), current_user").
		Scan(&fsync, &listen, &serverUser); err != nil {
		t.Fatal(err)
	}
	if fsync != "off" || listen != "" || serverUser != "postgres" {
		t.Errorf("fsync=%q listen_addresses=%q user=%q; want off, empty, postgres", fsync, listen, serverUser)
	}
	if _, err := conn.Exec(ctx, "CREATE TABLE t (x int); INSERT INTO t VALUES (1)"); err != nil {
		t.Fatal(err)
	}

	// A copy of a template has its tables.
	if err := conn.Close(ctx); err != nil {
		t.Fatal(err)
	}
	copyDSN := c.NewDatabaseFrom(t, dbName(t, dsns[0]))
	conn2, err := pgx.Connect(ctx, copyDSN)
	if err != nil {
		t.Fatal(err)
	}
	defer conn2.Close(ctx)
	var x int
	if err := conn2.QueryRow(ctx, "SELECT x FROM t").Scan(&x); err != nil || x != 1 {
		t.Fatalf("copy of the template: x = %d, %v; want 1", x, err)
	}
}

// dbName returns the database a connection string names.
func dbName(t *testing.T, dsn string) string {
	t.Helper()
	cfg, err := pgx.ParseConfig(dsn)
	if err != nil {
		t.Fatal(err)
	}
	return cfg.Database
}

func TestStopRemovesEverything(t *testing.T) {
	if err := Available(); err != nil {
		unavailable(t, err)
	}
	c, err := StartCluster(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if c.cred != nil && os.Geteuid() == 0 {
		fi, err := os.Stat(c.dataDir())
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("running as root: the server runs as uid %d (data directory %v)", c.cred.Uid, fi.Mode())
	}
	if err := c.Stop(); err != nil {
		t.Fatal(err)
	}
	if err := c.Stop(); err != nil {
		t.Fatalf("second Stop: %v", err)
	}
	if _, err := os.Stat(c.dir); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("cluster directory after Stop: %v, want it removed", err)
	}
	if _, err := pgx.Connect(context.Background(), c.DSN("postgres")); err == nil {
		t.Errorf("connected to a stopped cluster")
	}
}

func TestSharedAndTemplate(t *testing.T) {
	var shared Shared
	t.Cleanup(func() {
		if err := shared.Stop(); err != nil {
			t.Error(err)
		}
	})
	c := shared.Cluster(t)
	if again := shared.Cluster(t); again != c {
		t.Fatal("a second Shared.Cluster started another cluster")
	}
	prepared := 0
	prepare := func(ctx context.Context, dsn string) error {
		prepared++
		conn, err := pgx.Connect(ctx, dsn)
		if err != nil {
			return err
		}
		_, err = conn.Exec(ctx, "CREATE TABLE prepared (x int)")
		return errors.Join(err, conn.Close(ctx))
	}
	for range 3 {
		c.Template(t, "tmpl", prepare)
		conn, err := pgx.Connect(t.Context(), c.NewDatabaseFrom(t, "tmpl"))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := conn.Exec(t.Context(), "INSERT INTO prepared VALUES (1)"); err != nil {
			t.Fatalf("copy of the template: %v", err)
		}
		conn.Close(t.Context())
	}
	if prepared != 1 {
		t.Errorf("the template was prepared %d times, want once", prepared)
	}
	if err := shared.Stop(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(c.dir); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("cluster directory after Shared.Stop: %v, want it removed", err)
	}
}

// recorder is a testing.TB that records how a test ended instead of
// ending it.
type recorder struct {
	testing.TB
	ended string // "skip" or "fatal"
}

// stop is what recorder panics with to end the calling function, as
// runtime.Goexit does in a real test.
type stop struct{}

func (r *recorder) Helper()               {}
func (r *recorder) Name() string          { return r.TB.Name() + " (simulated, not skipped)" }
func (r *recorder) Skip(...any)           { r.ended = "skip"; panic(stop{}) }
func (r *recorder) Fatalf(string, ...any) { r.ended = "fatal"; panic(stop{}) }

// run calls fn with r and returns how it ended ("" if it returned).
func (r *recorder) run(fn func(testing.TB)) (ended string) {
	defer func() {
		if v := recover(); v != nil && v != (stop{}) {
			panic(v)
		}
		ended = r.ended
	}()
	fn(r)
	return
}

func TestMissingPostgres(t *testing.T) {
	t.Setenv(BinDirEnv, t.TempDir())
	if err := Available(); !errors.Is(err, ErrUnavailable) {
		t.Fatalf("Available with an empty %s = %v, want ErrUnavailable", BinDirEnv, err)
	}
	if _, err := StartCluster(t.Context()); !errors.Is(err, ErrUnavailable) {
		t.Fatalf("StartCluster with an empty %s = %v, want ErrUnavailable", BinDirEnv, err)
	}
	for _, c := range []struct {
		ci, want string
	}{{"", "skip"}, {"false", "skip"}, {"true", "fatal"}} {
		t.Setenv("CI", c.ci)
		for name, fn := range map[string]func(testing.TB){
			"Start":          func(tb testing.TB) { Start(tb) },
			"Shared.Cluster": func(tb testing.TB) { new(Shared).Cluster(tb) },
		} {
			r := &recorder{TB: t}
			if got := r.run(fn); got != c.want {
				t.Errorf("%s without PostgreSQL, CI=%q: ended with %q, want %q", name, c.ci, got, c.want)
			}
		}
	}
}
