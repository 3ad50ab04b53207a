// Package registry is the Ballerina Central-compatible registry server: the
// REST API the real `bal` client calls, its authentication, organizations,
// search and the web UI.
//
// This file holds the process-level pieces: configuration, the HTTP server
// with explicit timeouts, health checks and graceful shutdown. The API
// itself is added route by route on the same ServeMux.
package registry

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"time"
)

// DefaultListenAddress is where `central` listens when not told otherwise:
// loopback only, so a first run on a laptop exposes nothing to the network.
const DefaultListenAddress = "localhost:9090"

// Config is the server's configuration, filled from flags and the
// environment by cmd/central.
type Config struct {
	// ListenAddress is the host:port to listen on.
	ListenAddress string
	// ShutdownTimeout bounds how long in-flight requests may take to finish
	// after a stop signal.
	ShutdownTimeout time.Duration
}

// Server serves the registry.
type Server struct {
	cfg    Config
	log    *slog.Logger
	mux    *http.ServeMux
	closed chan struct{}
}

// NewServer returns a Server for cfg that logs to log.
func NewServer(cfg Config, log *slog.Logger) *Server {
	if cfg.ListenAddress == "" {
		cfg.ListenAddress = DefaultListenAddress
	}
	if cfg.ShutdownTimeout == 0 {
		cfg.ShutdownTimeout = 30 * time.Second
	}
	s := &Server{cfg: cfg, log: log, mux: http.NewServeMux()}
	s.mux.HandleFunc("GET /healthz", s.handleHealth)
	return s
}

// Handler returns the server's HTTP handler, for tests and embedding.
func (s *Server) Handler() http.Handler { return s.mux }

// handleHealth answers load balancers and orchestrators: 200 while the
// process can serve requests.
func (s *Server) handleHealth(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	json.NewEncoder(w).Encode(map[string]string{"status": "ok"})
}

// ListenAndServe listens on the configured address and serves until ctx is
// cancelled, then shuts down gracefully. ready, if not nil, is called with
// the bound address once the listener is open (useful with port 0).
func (s *Server) ListenAndServe(ctx context.Context, ready func(addr net.Addr)) error {
	ln, err := net.Listen("tcp", s.cfg.ListenAddress)
	if err != nil {
		return fmt.Errorf("listen on %s: %w (set --listen to a free host:port)", s.cfg.ListenAddress, err)
	}
	srv := &http.Server{
		Handler:           s.mux,
		ReadHeaderTimeout: 10 * time.Second,
		IdleTimeout:       120 * time.Second,
		ErrorLog:          slog.NewLogLogger(s.log.Handler(), slog.LevelWarn),
	}
	if ready != nil {
		ready(ln.Addr())
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	shutdownCtx, cancel := context.WithTimeout(context.Background(), s.cfg.ShutdownTimeout)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil {
		return fmt.Errorf("shut down: %w", err)
	}
	if err := <-errc; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}
