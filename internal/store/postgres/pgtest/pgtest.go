// Package pgtest starts throwaway PostgreSQL servers for tests: a cluster
// made by initdb in a temporary directory, listening only on a Unix socket
// in that directory, with trust authentication and without fsync, removed
// when the test ends.
//
// Starting a cluster costs an initdb, a second or more; a database in a
// running cluster costs a CREATE DATABASE, a tenth of that. So a test that
// needs one database calls [Start]; a test with many subtests calls
// [NewCluster] once and [Cluster.NewDatabase] per subtest; and a package
// with many such tests shares one cluster per test binary through a
// [Shared], which its TestMain stops:
//
//	var pg pgtest.Shared
//
//	func TestMain(m *testing.M) {
//		code := m.Run()
//		if err := pg.Stop(); err != nil {
//			fmt.Fprintln(os.Stderr, err)
//		}
//		os.Exit(code)
//	}
//
//	func TestSomething(t *testing.T) {
//		dsn := pg.Cluster(t).NewDatabase(t)
//		...
//	}
//
// [Cluster.Template] prepares a database once (a migrated schema, say) for
// [Cluster.NewDatabaseFrom] to copy, which is faster than preparing every
// database.
//
// # Finding PostgreSQL
//
// The server programs (initdb, pg_ctl, postgres) are looked up in PATH,
// then in the directories where distributions install them without putting
// them in PATH (/usr/lib/postgresql/N/bin on Debian and Ubuntu,
// /usr/pgsql-N/bin on RHEL), newest first; PGTEST_BINDIR, when set, names
// the only directory to use. When they are missing, a test that asks for a cluster is skipped with a
// message on standard error, so that a developer without PostgreSQL can
// still run the other tests; with the environment variable CI=true it fails
// instead, so that a CI machine without PostgreSQL cannot pass by skipping.
//
// # Running as root
//
// initdb and postgres refuse to run as root. When the test process is root,
// the cluster's directory is given to an unprivileged account ("postgres"
// if it exists, else "nobody") and the server programs run under that
// account's user and group IDs (syscall.Credential, which root may set).
// The test process itself stays root and connects through the socket,
// which is world-accessible (unix_socket_permissions 0777) in a directory
// root can always enter.
//
// # Lifetime
//
// The server is started by running postgres directly as a child process,
// not through `pg_ctl start`, which would detach it: on Linux the child is
// bound to the test process with a parent-death signal, so that a test
// binary killed by a timeout or a panic does not leave a server running.
// Stop runs `pg_ctl stop -m immediate` (no checkpoint: the data is thrown
// away) and removes the directory.
package pgtest

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// ErrUnavailable reports that the PostgreSQL server programs are not in
// PATH.
var ErrUnavailable = errors.New("PostgreSQL server programs (initdb, pg_ctl, postgres) not found in PATH")

// The programs a cluster needs.
var programs = []string{"initdb", "pg_ctl", "postgres"}

// maxSocketDir is the longest socket directory used: the socket's path
// (directory, "/.s.PGSQL.5432") must fit in sun_path, 108 bytes on Linux
// and 104 on the BSDs.
const maxSocketDir = 80

// startTimeout bounds the wait for a new server to accept connections.
const startTimeout = 60 * time.Second

// A Cluster is a running PostgreSQL server owned by a test. Its superuser is
// "postgres", authenticated by trust.
type Cluster struct {
	dir     string              // temporary directory: data/, server.log and the socket
	bin     map[string]string   // program name -> path
	cred    *syscall.Credential // the account the server runs as; nil: this process's
	cmd     *exec.Cmd           // the postmaster
	exited  chan struct{}       // closed when cmd has been waited for
	waitErr error               // cmd's exit status, once exited is closed
	version int                 // server_version_num

	dbs      atomic.Int64 // names of databases made by NewDatabase
	stopOnce sync.Once
	stopErr  error
	stopped  atomic.Bool

	templatesMu sync.Mutex
	templates   map[string]error // made by Template: name -> error of its preparation
}

// A Shared is a cluster shared by the tests of one test binary: started by
// the first test that asks for it, stopped by the binary's TestMain (see
// the package documentation). The zero Shared is ready to use.
type Shared struct {
	mu      sync.Mutex
	started bool
	c       *Cluster
	err     error
}

// Cluster returns the shared cluster, starting it on the first call. When
// PostgreSQL is missing it skips or fails tb as the package documentation
// says; when the cluster failed to start it fails tb (and every later
// caller, without trying again).
func (s *Shared) Cluster(tb testing.TB) *Cluster {
	tb.Helper()
	if err := Available(); err != nil {
		unavailable(tb, err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.started {
		s.started = true
		s.c, s.err = StartCluster(context.Background())
	}
	if s.err != nil {
		tb.Fatalf("pgtest: shared cluster: %v", s.err)
	}
	return s.c
}

// Stop stops the shared cluster if it was started. TestMain calls it after
// m.Run.
func (s *Shared) Stop() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.c == nil {
		return nil
	}
	return s.c.Stop()
}

// Start starts a cluster for tb, creates an empty database in it and
// returns that database's connection string (key=value form, which pgx and
// libpq accept). The cluster is stopped and removed when tb ends. It skips
// or fails tb as the package documentation says when PostgreSQL is not
// installed.
func Start(tb testing.TB) string {
	tb.Helper()
	return NewCluster(tb).NewDatabase(tb)
}

// NewCluster starts a cluster that is stopped and removed when tb ends. It
// skips or fails tb as the package documentation says when PostgreSQL is
// not installed.
func NewCluster(tb testing.TB) *Cluster {
	tb.Helper()
	if err := Available(); err != nil {
		unavailable(tb, err)
	}
	c, err := StartCluster(context.Background())
	if err != nil {
		tb.Fatalf("pgtest: %v", err)
	}
	tb.Cleanup(func() {
		if err := c.Stop(); err != nil {
			tb.Errorf("pgtest: %v", err)
		}
	})
	return c
}

// unavailable skips tb, or fails it under CI=true, because of err.
func unavailable(tb testing.TB, err error) {
	tb.Helper()
	msg := fmt.Sprintf("pgtest: %v; install PostgreSQL (13 or later) to run the PostgreSQL tests", err)
	if os.Getenv("CI") == "true" {
		tb.Fatalf("%s (CI=true: PostgreSQL tests must not be skipped)", msg)
	}
	// Loud: on standard error, visible without -v.
	fmt.Fprintf(os.Stderr, "\n*** SKIPPING %s: %s ***\n\n", tb.Name(), msg)
	tb.Skip(msg)
}

// Available reports whether the server programs are in PATH, with an error
// wrapping ErrUnavailable when they are not.
func Available() error {
	_, err := lookPrograms()
	return err
}

// BinDirEnv is the environment variable that, when set, names the only
// directory where the server programs are looked for.
const BinDirEnv = "PGTEST_BINDIR"

// binDirPatterns are where distributions install the server programs
// without putting them in PATH (Debian and Ubuntu, RHEL and Fedora,
// Homebrew), searched when PATH lacks them.
var binDirPatterns = []string{
	"/usr/lib/postgresql/*/bin",
	"/usr/pgsql-*/bin",
	"/opt/homebrew/opt/postgresql@*/bin",
	"/usr/local/opt/postgresql@*/bin",
}

// lookPrograms finds the server programs: in $PGTEST_BINDIR if it is set,
// else in PATH, else in the newest of the directories of binDirPatterns
// that has all of them.
func lookPrograms() (map[string]string, error) {
	if dir := os.Getenv(BinDirEnv); dir != "" {
		bin, missing := programsIn(dir)
		if len(missing) > 0 {
			return nil, fmt.Errorf("%w: %s=%s lacks %s", ErrUnavailable, BinDirEnv, dir, strings.Join(missing, ", "))
		}
		return bin, nil
	}
	bin := map[string]string{}
	var missing []string
	for _, p := range programs {
		path, err := exec.LookPath(p)
		if err != nil {
			missing = append(missing, p)
			continue
		}
		bin[p] = path
	}
	if len(missing) == 0 {
		return bin, nil
	}
	var dirs []string
	for _, pattern := range binDirPatterns {
		ds, _ := filepath.Glob(pattern)
		dirs = append(dirs, ds...)
	}
	// Newest first: by the major version in the path, "9.6" before "10"
	// being wrong only for versions no one tests with.
	slices.SortFunc(dirs, func(a, b string) int { return cmp.Compare(majorVersion(b), majorVersion(a)) })
	for _, dir := range dirs {
		if bin, missing := programsIn(dir); len(missing) == 0 {
			return bin, nil
		}
	}
	return nil, fmt.Errorf("%w: missing %s (also looked in %s; set %s to choose a directory)",
		ErrUnavailable, strings.Join(missing, ", "), strings.Join(binDirPatterns, ", "), BinDirEnv)
}

// programsIn returns the paths of the server programs in dir, and the names
// of those it lacks.
func programsIn(dir string) (bin map[string]string, missing []string) {
	bin = map[string]string{}
	for _, p := range programs {
		path := filepath.Join(dir, p)
		if fi, err := os.Stat(path); err != nil || fi.IsDir() || fi.Mode()&0o111 == 0 {
			missing = append(missing, p)
			continue
		}
		bin[p] = path
	}
	return bin, missing
}

// majorVersion returns the first number in path, 0 if there is none.
func majorVersion(path string) int {
	start := strings.IndexAny(path, "0123456789")
	if start < 0 {
		return 0
	}
	end := start
	for end < len(path) && '0' <= path[end] && path[end] <= '9' {
		end++
	}
	n, _ := strconv.Atoi(path[start:end])
	return n
}

// StartCluster initializes and starts a cluster. The caller must Stop it;
// tests should prefer NewCluster, which does that. The error wraps
// ErrUnavailable when the programs are missing.
func StartCluster(ctx context.Context) (_ *Cluster, err error) {
	bin, err := lookPrograms()
	if err != nil {
		return nil, err
	}
	cred, err := serverCredential()
	if err != nil {
		return nil, err
	}
	dir, err := makeDir(cred)
	if err != nil {
		return nil, err
	}
	c := &Cluster{dir: dir, bin: bin, cred: cred, exited: make(chan struct{})}
	defer func() {
		if err != nil {
			err = errors.Join(err, c.Stop())
		}
	}()

	initdb := c.command(ctx, "initdb", "-D", c.dataDir(), "-U", "postgres", "-A", "trust",
		"-E", "UTF8", "--locale=C", "--no-sync", "--no-instructions")
	if out, err := initdb.CombinedOutput(); err != nil {
		return nil, fmt.Errorf("initdb: %v\n%s", err, out)
	}
	if err := c.startServer(ctx); err != nil {
		return nil, err
	}
	return c, nil
}

// serverCredential returns the account the server programs must run as:
// nil (this process's) unless this process is root, which PostgreSQL
// refuses.
func serverCredential() (*syscall.Credential, error) {
	if os.Geteuid() != 0 {
		return nil, nil
	}
	var errs []error
	for _, name := range []string{"postgres", "nobody"} {
		u, err := user.Lookup(name)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		uid, err1 := strconv.ParseUint(u.Uid, 10, 32)
		gid, err2 := strconv.ParseUint(u.Gid, 10, 32)
		if err1 != nil || err2 != nil || uid == 0 {
			errs = append(errs, fmt.Errorf("account %s: unusable uid %s, gid %s", name, u.Uid, u.Gid))
			continue
		}
		return &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid), NoSetGroups: false}, nil
	}
	return nil, fmt.Errorf("running as root, which PostgreSQL refuses, and no unprivileged account to run the server as: %w",
		errors.Join(errs...))
}

// makeDir creates the cluster's directory with a short path (it holds the
// socket) and gives it to the server's account.
func makeDir(cred *syscall.Credential) (string, error) {
	parent := os.TempDir()
	if len(parent) > maxSocketDir-len("/pgtest-0123456789") {
		parent = "/tmp"
	}
	sweepStale(parent)
	dir, err := os.MkdirTemp(parent, "pgtest-")
	if err != nil {
		return "", fmt.Errorf("cluster directory: %w", err)
	}
	if cred != nil {
		if err := os.Chown(dir, int(cred.Uid), int(cred.Gid)); err != nil {
			return "", errors.Join(fmt.Errorf("cluster directory: %w", err), os.RemoveAll(dir))
		}
	}
	return dir, nil
}

// staleAge is how long a cluster directory whose server is gone is kept
// before a new cluster removes it.
const staleAge = time.Hour

// sweepStale removes, best effort, the directories of clusters whose test
// process died without stopping them (the server died with it, see
// bindToParent): directories named like ours, untouched for staleAge,
// whose postmaster is not running.
func sweepStale(parent string) {
	dirs, _ := filepath.Glob(filepath.Join(parent, "pgtest-*"))
	for _, dir := range dirs {
		fi, err := os.Stat(filepath.Join(dir, "server.log"))
		if err != nil || time.Since(fi.ModTime()) < staleAge {
			continue
		}
		if pid, ok := postmasterPID(dir); ok && syscall.Kill(pid, 0) == nil {
			continue
		}
		os.RemoveAll(dir)
	}
}

// postmasterPID returns the process ID recorded in a cluster's
// postmaster.pid.
func postmasterPID(dir string) (int, bool) {
	b, err := os.ReadFile(filepath.Join(dir, "data", "postmaster.pid"))
	if err != nil {
		return 0, false
	}
	line, _, _ := strings.Cut(string(b), "\n")
	pid, err := strconv.Atoi(strings.TrimSpace(line))
	return pid, err == nil && pid > 0
}

func (c *Cluster) dataDir() string { return filepath.Join(c.dir, "data") }
func (c *Cluster) logFile() string { return filepath.Join(c.dir, "server.log") }

// command returns a command running one of the server programs as the
// server's account, in the cluster's directory.
func (c *Cluster) command(ctx context.Context, program string, args ...string) *exec.Cmd {
	cmd := exec.CommandContext(ctx, c.bin[program], args...)
	cmd.Dir = c.dir
	cmd.Env = append(os.Environ(), "LC_ALL=C", "PGTZ=UTC")
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: c.cred}
	return cmd
}

// startServer starts the postmaster and waits until it accepts
// connections.
func (c *Cluster) startServer(ctx context.Context) error {
	log, err := os.OpenFile(c.logFile(), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return err
	}
	defer log.Close()
	// Not CommandContext: the server outlives ctx, which only bounds the
	// start.
	cmd := exec.Command(c.bin["postgres"], "-D", c.dataDir(),
		"-c", "listen_addresses=",
		"-c", "unix_socket_directories="+c.dir,
		"-c", "unix_socket_permissions=0777",
		"-c", "fsync=off",
		"-c", "synchronous_commit=off",
		"-c", "full_page_writes=off",
		"-c", "max_connections=300",
		"-c", "shared_buffers=64MB",
		"-c", "TimeZone=UTC",
	)
	cmd.Dir = c.dir
	cmd.Env = append(os.Environ(), "LC_ALL=C")
	cmd.Stdout, cmd.Stderr = log, log
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: c.cred}
	bindToParent(cmd.SysProcAttr)
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("start postgres: %w", err)
	}
	c.cmd = cmd
	go func() {
		c.waitErr = cmd.Wait()
		close(c.exited)
	}()

	ctx, cancel := context.WithTimeout(ctx, startTimeout)
	defer cancel()
	for delay := 10 * time.Millisecond; ; delay = min(2*delay, 200*time.Millisecond) {
		conn, err := pgx.Connect(ctx, c.DSN("postgres"))
		if err == nil {
			err = conn.QueryRow(ctx, "SELECT current_setting('server_version_num')::int").Scan(&c.version)
			return errors.Join(err, conn.Close(ctx))
		}
		select {
		case <-c.exited:
			return fmt.Errorf("postgres exited during start (%v):\n%s", c.waitErr, c.tail())
		case <-ctx.Done():
			return fmt.Errorf("postgres did not accept connections within %v: %v\n%s", startTimeout, err, c.tail())
		case <-time.After(delay):
		}
	}
}

// tail returns the end of the server log, for error messages.
func (c *Cluster) tail() string {
	b, _ := os.ReadFile(c.logFile())
	if len(b) > 4000 {
		b = b[len(b)-4000:]
	}
	return string(b)
}

// Stop stops the server at once (pg_ctl stop -m immediate) and removes the
// cluster's directory. It is safe to call more than once.
func (c *Cluster) Stop() error {
	c.stopOnce.Do(func() {
		c.stopped.Store(true)
		var errs []error
		if c.cmd != nil {
			select {
			case <-c.exited:
			default:
				stop := c.command(context.Background(), "pg_ctl", "stop", "-D", c.dataDir(), "-m", "immediate", "-w", "-t", "30")
				if out, err := stop.CombinedOutput(); err != nil {
					errs = append(errs, fmt.Errorf("pg_ctl stop: %v\n%s", err, out))
					errs = append(errs, c.cmd.Process.Kill())
				}
				<-c.exited
			}
		}
		if err := os.RemoveAll(c.dir); err != nil {
			errs = append(errs, err)
		}
		if err := errors.Join(errs...); err != nil {
			c.stopErr = fmt.Errorf("stop cluster %s: %w", c.dir, err)
		}
	})
	return c.stopErr
}

// DSN returns the connection string of a database of the cluster, as the
// superuser "postgres".
func (c *Cluster) DSN(database string) string {
	return fmt.Sprintf("host=%s port=5432 user=postgres dbname=%s sslmode=disable", c.dir, database)
}

// CreateDatabase creates a database, a copy of template ("" for an empty
// one), and returns its connection string. The template must have no open
// connections.
func (c *Cluster) CreateDatabase(ctx context.Context, name, template string) (string, error) {
	if template == "" {
		template = "template0"
	}
	q := "CREATE DATABASE " + pgx.Identifier{name}.Sanitize() + " TEMPLATE " + pgx.Identifier{template}.Sanitize()
	if c.version >= 150000 {
		// Copying the files beats WAL-logging every block for the small
		// databases of tests (and fsync is off).
		q += " STRATEGY FILE_COPY"
	}
	if err := c.exec(ctx, q); err != nil {
		return "", fmt.Errorf("create database %s: %w", name, err)
	}
	return c.DSN(name), nil
}

// DropDatabase drops a database, closing the connections to it.
func (c *Cluster) DropDatabase(ctx context.Context, name string) error {
	q := "DROP DATABASE IF EXISTS " + pgx.Identifier{name}.Sanitize()
	if c.version >= 130000 {
		q += " WITH (FORCE)"
	}
	if err := c.exec(ctx, q); err != nil {
		return fmt.Errorf("drop database %s: %w", name, err)
	}
	return nil
}

// NewDatabase creates an empty database, dropped when tb ends, and returns
// its connection string.
func (c *Cluster) NewDatabase(tb testing.TB) string {
	tb.Helper()
	return c.NewDatabaseFrom(tb, "")
}

// NewDatabaseFrom creates a copy of the template database (see
// [Cluster.CreateDatabase]), dropped when tb ends, and returns its
// connection string. Copying a prepared template (a migrated schema, say)
// is much faster than preparing every database.
func (c *Cluster) NewDatabaseFrom(tb testing.TB, template string) string {
	tb.Helper()
	name := fmt.Sprintf("test_%d", c.dbs.Add(1))
	dsn, err := c.CreateDatabase(tb.Context(), name, template)
	if err != nil {
		tb.Fatalf("pgtest: %v", err)
	}
	tb.Cleanup(func() {
		if c.stopped.Load() {
			return // gone with the cluster
		}
		if err := c.DropDatabase(context.Background(), name); err != nil {
			tb.Errorf("pgtest: %v", err)
		}
	})
	return dsn
}

// Template makes sure the cluster has a database called name, prepared by
// prepare, to be copied by NewDatabaseFrom. The first call for a name
// creates the database and runs prepare on it; later calls return at once,
// or fail tb if the preparation failed. prepare must close every connection
// it opens: a database with connections cannot be copied.
func (c *Cluster) Template(tb testing.TB, name string, prepare func(ctx context.Context, dsn string) error) {
	tb.Helper()
	c.templatesMu.Lock()
	defer c.templatesMu.Unlock()
	err, done := c.templates[name]
	if !done {
		ctx := context.Background()
		var dsn string
		dsn, err = c.CreateDatabase(ctx, name, "")
		if err == nil {
			if err = prepare(ctx, dsn); err != nil {
				err = fmt.Errorf("prepare template %s: %w", name, err)
			}
		}
		if c.templates == nil {
			c.templates = map[string]error{}
		}
		c.templates[name] = err
	}
	if err != nil {
		tb.Fatalf("pgtest: %v", err)
	}
}

// exec runs one statement in the maintenance database "postgres".
func (c *Cluster) exec(ctx context.Context, q string) error {
	conn, err := pgx.Connect(ctx, c.DSN("postgres"))
	if err != nil {
		return err
	}
	_, err = conn.Exec(ctx, q)
	return errors.Join(err, conn.Close(ctx))
}
