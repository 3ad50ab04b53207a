// Command central runs a self-hosted Ballerina Central-compatible registry.
//
// With no flags it serves on localhost:9090 from the embedded default
// storage; see README.md ("Server configuration") for every option.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"os/signal"
	"syscall"

	"github.com/balcentral/balcentral/internal/registry"
)

func main() {
	os.Exit(run(os.Args[1:], os.Getenv, os.Stderr))
}

// run parses flags and the environment and serves until SIGINT/SIGTERM.
// Flags beat environment variables, which beat defaults.
func run(args []string, getenv func(string) string, stderr io.Writer) int {
	fs := flag.NewFlagSet("central", flag.ContinueOnError)
	fs.SetOutput(stderr)
	listen := fs.String("listen", envOr(getenv, "CENTRAL_LISTEN", registry.DefaultListenAddress),
		"`host:port` to listen on (env CENTRAL_LISTEN)")
	logLevel := fs.String("log-level", envOr(getenv, "CENTRAL_LOG_LEVEL", "info"),
		"log `level`: debug, info, warn or error (env CENTRAL_LOG_LEVEL)")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "central: unexpected argument %q; see central -help\n", fs.Arg(0))
		return 2
	}
	var level slog.Level
	if err := level.UnmarshalText([]byte(*logLevel)); err != nil {
		fmt.Fprintf(stderr, "central: invalid -log-level %q: use debug, info, warn or error\n", *logLevel)
		return 2
	}
	log := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: level}))

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	srv := registry.NewServer(registry.Config{ListenAddress: *listen}, log)
	err := srv.ListenAndServe(ctx, func(addr net.Addr) {
		log.Info("central is serving", "url", "http://"+addr.String())
	})
	if err != nil {
		log.Error("central stopped", "err", err)
		return 1
	}
	log.Info("central stopped")
	return 0
}

func envOr(getenv func(string) string, key, def string) string {
	if v := getenv(key); v != "" {
		return v
	}
	return def
}
