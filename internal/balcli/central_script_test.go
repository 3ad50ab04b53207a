package balcli_test

import (
	"bytes"
	"context"
	"io"
	"net"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/balcentral/balcentral/internal/registry"
)

// CentralAdminToken is the administrator token of the registries scripts
// start with "central start" (user "admin", every scope).
const CentralAdminToken = "bct_script-admin-token-0123456789abcdef"

// centralCmd manages an in-process `central` registry for a script:
//
//	central start    start one on a free loopback port, data in $WORK/central-data
//	central stop     stop it (gracefully; also done when the script ends)
//
// start sets CENTRAL_URL (http://127.0.0.1:<port>), BALLERINA_CENTRAL_URL
// ($CENTRAL_URL/2.0/registry, which bal uses instead of Central) and
// CENTRAL_ADMIN_TOKEN, and clears BALCENTRAL_NO_REMOTE so that builds use
// the registry. It does not set BALLERINA_CENTRAL_ACCESS_TOKEN:
// scripts choose whose token bal uses (see centraltoken).
func centralCmd(ts *testscript.TestScript, neg bool, args []string) {
	if neg {
		ts.Fatalf("unsupported: ! central")
	}
	if len(args) != 1 {
		ts.Fatalf("usage: central start|stop")
	}
	switch args[0] {
	case "start":
		if s, ok := scriptCentrals.Load(ts); ok && s.(*scriptCentral).running() {
			ts.Fatalf("central is already running")
		}
		s := startScriptCentral(ts)
		scriptCentrals.Store(ts, s)
		ts.Defer(func() {
			s.stop(ts)
			scriptCentrals.Delete(ts)
		})
	case "stop":
		s, ok := scriptCentrals.Load(ts)
		if !ok || !s.(*scriptCentral).running() {
			ts.Fatalf("central is not running")
		}
		s.(*scriptCentral).stop(ts)
	default:
		ts.Fatalf("usage: central start|stop")
	}
}

// scriptCentrals maps each running script to its registry. Scripts run in
// parallel, so the map is per test binary and keyed by script.
var scriptCentrals sync.Map

// scriptCentral is a registry run by a script.
type scriptCentral struct {
	cancel context.CancelFunc
	done   chan error
}

func (s *scriptCentral) running() bool { return s.cancel != nil }

func startScriptCentral(ts *testscript.TestScript) *scriptCentral {
	cfg := registry.DefaultConfig()
	cfg.Addr = "127.0.0.1:0"
	cfg.DataDir = ts.MkAbs("central-data")
	cfg.BootstrapToken = CentralAdminToken
	cfg.ShutdownTimeout = 5 * time.Second
	ctx, cancel := context.WithCancel(context.Background())
	addrc := make(chan net.Addr, 1)
	var out bytes.Buffer
	s := &scriptCentral{cancel: cancel, done: make(chan error, 1)}
	go func() {
		s.done <- registry.Run(ctx, cfg, registry.RunOptions{
			Stdout:       &out,
			Bootstrapper: registry.AdminBootstrapper{},
			Listening:    func(a net.Addr) { addrc <- a },
		})
	}()
	select {
	case a := <-addrc:
		url := "http://" + a.String()
		ts.Setenv("CENTRAL_URL", url)
		ts.Setenv("BALLERINA_CENTRAL_URL", url+"/2.0/registry")
		ts.Setenv("CENTRAL_ADMIN_TOKEN", CentralAdminToken)
		ts.Setenv("BALCENTRAL_NO_REMOTE", "")
	case err := <-s.done:
		cancel()
		ts.Fatalf("central did not start: %v", err)
	case <-time.After(30 * time.Second):
		cancel()
		ts.Fatalf("central did not start within 30 s")
	}
	return s
}

func (s *scriptCentral) stop(ts *testscript.TestScript) {
	if s.cancel == nil {
		return
	}
	s.cancel()
	s.cancel = nil
	if err := <-s.done; err != nil {
		ts.Fatalf("central stopped with: %v", err)
	}
}

// centraladmin runs a `central` admin command on the script's registry
// data ($WORK/central-data), such as
//
//	centraladmin user create alice
//	centraladmin org create acme --owner alice
//	centraladmin org add-member acme bob --role member
//
// Its stdout and stderr become the command's.
func centraladmin(ts *testscript.TestScript, neg bool, args []string) {
	var stdout, stderr bytes.Buffer
	c := &registry.Command{
		Stdin: strings.NewReader(""), Stdout: &stdout, Stderr: &stderr,
		Getenv: func(string) string { return "" }, ReadFile: os.ReadFile,
	}
	code := c.Run(context.Background(), append(append([]string{}, args...), "--data", ts.MkAbs("central-data")))
	io.Copy(ts.Stdout(), &stdout)
	io.Copy(ts.Stderr(), &stderr)
	if (code != 0) != neg {
		ts.Fatalf("central %s: exit status %d", strings.Join(args, " "), code)
	}
}

// centraltoken creates a token for a user of the script's registry and
// stores it in an environment variable:
//
//	centraltoken alice ALICE_TOKEN [read,publish,deprecate]
//
// The scopes default to read, publish and deprecate.
func centraltoken(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) < 2 || len(args) > 3 {
		ts.Fatalf("usage: centraltoken <user> <VAR> [<scope>,...]")
	}
	cmdArgs := []string{"token", "create", "--user", args[0], "--name", "script", "--data", ts.MkAbs("central-data")}
	if len(args) == 3 {
		cmdArgs = append(cmdArgs, "--scope", args[2])
	}
	var stdout, stderr bytes.Buffer
	c := &registry.Command{
		Stdin: strings.NewReader(""), Stdout: &stdout, Stderr: &stderr,
		Getenv: func(string) string { return "" }, ReadFile: os.ReadFile,
	}
	if code := c.Run(context.Background(), cmdArgs); code != 0 {
		ts.Fatalf("central token create: exit status %d\n%s", code, stderr.String())
	}
	tok := strings.TrimSpace(stdout.String())
	if !strings.HasPrefix(tok, "bct_") {
		ts.Fatalf("central token create printed %q, not a token", tok)
	}
	ts.Setenv(args[1], tok)
}
