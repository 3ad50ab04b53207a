// Package registry is the Ballerina Central-compatible registry server: the
// REST API the real `bal` client calls, its authentication, organizations,
// search and the web UI.
//
// This file holds the process-level pieces: startup ([Run]: data
// directory, storage, the bootstrap seam, the listener), the HTTP server
// with explicit timeouts, health checks and graceful shutdown. config.go
// turns flags, the environment and the configuration file into a [Config];
// config_cmd.go is the `central` command line. The API itself is added route
// by route on the same ServeMux.
package registry

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"os"
	"time"

	"github.com/balcentral/balcentral/internal/blob"
	"github.com/balcentral/balcentral/internal/store"
)

// Names inside the data directory.
const (
	// BlobDir holds the package archives (an fsblob store).
	BlobDir = "blobs"
	// DatabaseFile holds the metadata (an internal/store/sqlite database).
	DatabaseFile = "central.db"
)

// DataDirMode is the mode a new data directory gets: the database holds
// token hashes, so nobody else needs to read it.
const DataDirMode os.FileMode = 0o700

// Storage is where a server keeps its data: metadata in Meta, package
// archives in Blobs. The registry writes a blob before the metadata that
// refers to it (see internal/store), so every version Meta lists has its
// content in Blobs.
type Storage struct {
	Meta  store.Store
	Blobs blob.Store
	// Direct, when not nil, presigns object store URLs that pulls are
	// redirected to (redirect_downloads; direct_download.go).
	Direct *directDownloads
}

// Bootstrapper prepares a server for its first use: on a data directory
// without an administrator it creates one and prints a one-time token.
// [AdminBootstrapper] is the implementation; [Main] sets it, and tests that
// build a [Command] or call [Run] themselves choose their own.
//
// [Run] calls Bootstrap on every start, after the data directory and the
// storage are ready and the listener is bound, before the server accepts
// any request and before the "listening on" line. So Bootstrap
//
//   - must find out itself whether there is anything to do, and do nothing
//     when an administrator exists (every restart calls it);
//   - knows the URL clients will use (env.URL), even with port 0;
//   - may print to env.Out (stdout), where its lines precede "listening
//     on"; the token belongs there and never in env.Log, whose records end
//     up in log collectors;
//   - stops the start when it fails: Run returns its error, nothing is
//     served and central exits with status 1.
type Bootstrapper interface {
	Bootstrap(ctx context.Context, env BootstrapEnv) error
}

// BootstrapFunc adapts a function to [Bootstrapper].
type BootstrapFunc func(ctx context.Context, env BootstrapEnv) error

// Bootstrap calls f.
func (f BootstrapFunc) Bootstrap(ctx context.Context, env BootstrapEnv) error { return f(ctx, env) }

// BootstrapEnv is what a [Bootstrapper] gets.
type BootstrapEnv struct {
	// DataDir is the data directory, existing and writable.
	DataDir string
	// Storage is the opened storage.
	Storage Storage
	// Token is CENTRAL_BOOTSTRAP_TOKEN (checked only loosely, see
	// checkBootstrapToken): the value to make the first administrator's
	// token, or empty to generate one.
	Token string
	// URL is the base URL of the server: the public URL if configured,
	// else http://<the address the listener is bound to>.
	URL string
	// Out is stdout.
	Out io.Writer
	// Log is the server's logger.
	Log *slog.Logger
}

// RunOptions are the process's contributions to [Run].
type RunOptions struct {
	// Stdout receives the "listening on" line (and what the bootstrapper
	// prints).
	Stdout io.Writer
	// Log receives the server's structured logs.
	Log *slog.Logger
	// Bootstrapper, if not nil, runs before the first request.
	Bootstrapper Bootstrapper
	// Listening, if not nil, is called with the bound address right after
	// the "listening on" line is printed.
	Listening func(net.Addr)
}

// Run starts a server for cfg and serves until ctx is done, then shuts
// down gracefully and returns nil. In order, it
//
//  1. creates the data directory (mode 0700) if missing and checks that it
//     can write there;
//  2. opens the blob store (<data>/blobs, or the S3 bucket configured) and
//     removes what interrupted uploads left, then the metadata store
//     (<data>/central.db, or the PostgreSQL database configured; see
//     storage.go);
//  3. listens on cfg.Addr;
//  4. runs the bootstrapper, if any;
//  5. prints "listening on http://<host:port>" to stdout, with the bound
//     address, and starts serving.
//
// Any failure before serving is returned and nothing is served.
func Run(ctx context.Context, cfg Config, opts RunOptions) error {
	if opts.Stdout == nil {
		opts.Stdout = io.Discard
	}
	if opts.Log == nil {
		opts.Log = slog.New(slog.DiscardHandler)
	}
	log := opts.Log
	if ctx.Err() != nil {
		return nil // stopped before it started
	}
	log.Info("starting central", "version", BuildVersion(), "addr", cfg.Addr, "data", cfg.DataDir,
		"public_url", cfg.PublicURL, "config", cfg.ConfigFile,
		"database", describeDatabase(&cfg), "blobs", describeBlobs(&cfg))

	if err := checkStorage(&cfg); err != nil {
		return err
	}
	// With shared backends the data directory still holds the spool of
	// pushes in progress (tmp/), so every replica needs a writable one
	// of its own.
	if err := prepareDataDir(cfg.DataDir, log); err != nil {
		return err
	}
	st, err := openStorage(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer closeStorage(st, log)

	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		var oe *net.OpError
		if errors.As(err, &oe) {
			err = oe.Err
		}
		return fmt.Errorf("cannot listen on %s: %v (set --addr or CENTRAL_ADDR to a free host:port; port 0 picks one)", cfg.Addr, err)
	}
	defer ln.Close()
	url := "http://" + ln.Addr().String()
	base := url
	if cfg.PublicURL != "" {
		base = cfg.PublicURL
	}

	switch {
	case opts.Bootstrapper != nil:
		env := BootstrapEnv{DataDir: cfg.DataDir, Storage: st, Token: cfg.BootstrapToken, URL: base, Out: opts.Stdout, Log: log}
		// Replicas starting at once against one database take turns, so
		// that one creates the administrator and the others find it.
		err := withStoreLock(ctx, st.Meta, bootstrapLock, func(ctx context.Context) error {
			return opts.Bootstrapper.Bootstrap(ctx, env)
		})
		if err != nil {
			return fmt.Errorf("bootstrap: %w", err)
		}
	case cfg.BootstrapToken != "":
		log.Warn(EnvBootstrapToken + " is set, but this build has no accounts yet; ignoring it")
	}
	if err := ctx.Err(); err != nil {
		// Stopped while starting: nothing was served, which is no failure.
		log.Info("central stopped before serving")
		return nil
	}

	srv := NewServer(cfg, st, log)
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ctx, ln) }()
	if _, err := fmt.Fprintf(opts.Stdout, "listening on %s\n", url); err != nil {
		log.Warn("cannot print the listening line", "err", err)
	}
	log.Info("serving", "url", url, "public_url", base)
	if opts.Listening != nil {
		opts.Listening(ln.Addr())
	}
	return <-errc
}

// prepareDataDir creates the data directory if needed and checks that the
// server can create files in it.
func prepareDataDir(dir string, log *slog.Logger) error {
	const hint = "set --data or CENTRAL_DATA to a writable directory"
	if err := os.MkdirAll(dir, DataDirMode); err != nil {
		return fmt.Errorf("cannot create the data directory %s: %v (%s)", dir, underlying(err), hint)
	}
	fi, err := os.Stat(dir)
	if err != nil {
		return fmt.Errorf("cannot use the data directory %s: %v (%s)", dir, underlying(err), hint)
	}
	if fi.Mode().Perm()&0o077 != 0 {
		log.Warn("the data directory is accessible to other users; consider chmod 700", "data", dir, "mode", fi.Mode().Perm().String())
	}
	probe, err := os.CreateTemp(dir, ".write-test-*")
	if err != nil {
		return fmt.Errorf("the data directory %s is not writable: %v (%s)", dir, underlying(err), hint)
	}
	name := probe.Name()
	if err := probe.Close(); err != nil {
		os.Remove(name)
		return fmt.Errorf("the data directory %s is not writable: %v (%s)", dir, underlying(err), hint)
	}
	if err := os.Remove(name); err != nil {
		return fmt.Errorf("the data directory %s is not writable: %v (%s)", dir, underlying(err), hint)
	}
	return nil
}

// underlying strips the path from a file system error: the messages above
// name the data directory themselves.
func underlying(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// Server serves the registry's HTTP API: the Central API under
// /2.0/registry (central_*.go), the management API under /api/v1
// (manage_*.go), /healthz and /metrics, behind the middleware of
// middleware.go (request IDs, access logs, metrics, rate limits).
type Server struct {
	cfg     Config
	storage Storage
	log     *slog.Logger
	mux     *http.ServeMux
	handler http.Handler
	// now is the clock; tests replace it.
	now func() time.Time
	// hooks holds what the middleware needs across requests.
	hooks *serverHooks
	// touches throttles the recording of token use.
	touches *touchThrottle
	// pulls counts downloads in memory (pullcount.go).
	pulls *pullCounter
}

// NewServer returns a Server for cfg that keeps its data in st and logs to
// log. Zero fields of cfg take their defaults.
func NewServer(cfg Config, st Storage, log *slog.Logger) *Server {
	if cfg.ShutdownTimeout <= 0 {
		cfg.ShutdownTimeout = DefaultShutdownTimeout
	}
	if cfg.MaxUploadSize <= 0 {
		cfg.MaxUploadSize = DefaultMaxUploadSize
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	s := &Server{cfg: cfg, storage: st, log: log, mux: http.NewServeMux(), now: time.Now, touches: newTouchThrottle()}
	s.hooks = s.newHooks()
	s.handle("GET /healthz", routeOther, s.handleHealth)
	s.registerCentralRoutes()
	s.registerManagementRoutes()
	s.registerWebRoutes()
	s.handler = s.withMiddleware(s.mux)
	return s
}

// Handler returns the server's HTTP handler, for tests and embedding.
func (s *Server) Handler() http.Handler { return s.handler }

// handleHealth answers load balancers and orchestrators: 200 while the
// process can serve requests.
func (s *Server) handleHealth(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	if err := json.NewEncoder(w).Encode(map[string]string{"status": "ok"}); err != nil {
		s.log.Debug("writing /healthz", "err", err)
	}
}

// Serve serves on ln until ctx is done, then stops accepting connections
// and lets requests in flight finish for up to the shutdown timeout; those
// still running then are cut off. It returns nil after a requested stop,
// also when requests had to be cut off, and the error otherwise.
func (s *Server) Serve(ctx context.Context, ln net.Listener) error {
	srv := &http.Server{
		Handler:           s.handler,
		ReadHeaderTimeout: 10 * time.Second,
		IdleTimeout:       120 * time.Second,
		ErrorLog:          slog.NewLogLogger(s.log.Handler(), slog.LevelWarn),
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	s.log.Info("shutting down: draining requests in flight", "timeout", s.cfg.ShutdownTimeout.String())
	drainCtx, cancel := context.WithTimeout(context.Background(), s.cfg.ShutdownTimeout)
	defer cancel()
	if err := srv.Shutdown(drainCtx); err != nil {
		s.log.Warn("requests still running at the shutdown timeout were cut off", "timeout", s.cfg.ShutdownTimeout.String())
		if err := srv.Close(); err != nil {
			s.log.Warn("closing connections", "err", err)
		}
	}
	if err := <-errc; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("serve: %w", err)
	}
	s.flushPullCounts()
	s.log.Info("central stopped")
	return nil
}
