package registry

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/balcentral/balcentral/internal/registry/credential"
	"github.com/balcentral/balcentral/internal/store"
	"github.com/balcentral/balcentral/internal/store/sqlite"
)

// whoamiOf asks GET /api/v1/user of a running server with token and
// returns the status and the decoded answer.
func whoamiOf(t *testing.T, base, token string) (int, struct {
	User  userJSON  `json:"user"`
	Token tokenJSON `json:"token"`
}) {
	t.Helper()
	var me struct {
		User  userJSON  `json:"user"`
		Token tokenJSON `json:"token"`
	}
	req, err := http.NewRequest(http.MethodGet, base+"/api/v1/user", nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body := readBody(t, resp)
	if resp.StatusCode == http.StatusOK {
		if err := json.Unmarshal([]byte(body), &me); err != nil {
			t.Fatalf("GET /api/v1/user: %v; body %s", err, body)
		}
	}
	return resp.StatusCode, me
}

var bootstrapTokenLine = regexp.MustCompile(`^admin token \(shown once\): (bct_[A-Za-z0-9_-]{43})$`)

// TestBootstrapFirstStart: the first start prints a token that makes the
// caller the administrator with every scope; the second start prints
// nothing and makes no new token.
func TestBootstrapFirstStart(t *testing.T) {
	cfg := testConfig(t)
	var logs syncBuffer
	s, before := startRun(t, cfg, RunOptions{Bootstrapper: AdminBootstrapper{}, Log: NewLogger(&logs, Config{LogFormat: "json"})})
	if len(before) != 8 {
		t.Fatalf("first start printed %d lines before the listening line, want 8:\n%s", len(before), strings.Join(before, "\n"))
	}
	m := bootstrapTokenLine.FindStringSubmatch(before[1])
	if m == nil {
		t.Fatalf("second line %q, want the admin token", before[1])
	}
	token := m[1]
	want := []string{
		`created administrator "admin" (no password: it signs in with the token below)`,
		"admin token (shown once): " + token,
		"URL: " + s.url,
		"to use it with bal:",
		"  export BALLERINA_CENTRAL_URL=" + s.url + "/2.0/registry",
		"  export BALLERINA_CENTRAL_ACCESS_TOKEN=" + token,
		"to manage accounts (docs/API.md):",
		`  curl -H "Authorization: Bearer $BALLERINA_CENTRAL_ACCESS_TOKEN" ` + s.url + "/api/v1/user",
	}
	if !slices.Equal(before, want) {
		t.Errorf("first start printed:\n%s\nwant:\n%s", strings.Join(before, "\n"), strings.Join(want, "\n"))
	}

	status, me := whoamiOf(t, s.url, token)
	if status != http.StatusOK {
		t.Fatalf("GET /api/v1/user with the printed token: %d", status)
	}
	if me.User.Username != "admin" || !me.User.Admin || !slices.Equal(me.Token.Scopes, AllScopes) || me.Token.Name != "bootstrap" {
		t.Errorf("the printed token is %+v of %+v, want an admin token of the administrator", me.Token, me.User)
	}
	if me.Token.ExpiresAt == nil || me.Token.ExpiresAt.Sub(me.Token.CreatedAt) != DefaultTokenLifetime {
		t.Errorf("token created %v, expires %v; want a year later", me.Token.CreatedAt, me.Token.ExpiresAt)
	}
	if strings.Contains(logs.String(), token) {
		t.Errorf("the logs contain the token:\n%s", logs.String())
	}
	if !strings.Contains(logs.String(), "created the first administrator") {
		t.Errorf("the logs do not record the bootstrap:\n%s", logs.String())
	}
	if _, err := s.stop(t); err != nil {
		t.Fatal(err)
	}

	s2, before2 := startRun(t, cfg, RunOptions{Bootstrapper: AdminBootstrapper{}})
	if len(before2) != 0 {
		t.Errorf("second start printed %q before the listening line, want nothing", before2)
	}
	if status, _ := whoamiOf(t, s2.url, token); status != http.StatusOK {
		t.Errorf("the first token after a restart: %d", status)
	}
	if _, err := s2.stop(t); err != nil {
		t.Fatal(err)
	}

	meta := openStore(t, cfg.DataDir)
	users, err := meta.ListUsers(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(users) != 1 || users[0].PasswordHash != "" {
		t.Errorf("users after two starts = %+v, want one administrator without a password", users)
	}
	tokens, err := meta.ListTokens(context.Background(), users[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(tokens) != 1 {
		t.Errorf("tokens after two starts: %d, want 1", len(tokens))
	}
	evs, err := meta.ListAudit(context.Background(), store.AuditFilter{Action: "bootstrap"}, 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(evs) != 1 || evs[0].Actor != "system" || evs[0].Subject != "admin" || strings.Contains(evs[0].Detail, token) {
		t.Errorf("bootstrap audit events = %+v", evs)
	}
}

// openStore opens the metadata store of a data directory for a test.
func openStore(t *testing.T, dataDir string) store.Store {
	t.Helper()
	meta, err := sqlite.Open(context.Background(), filepath.Join(dataDir, DatabaseFile))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { meta.Close() })
	return meta
}

// TestBootstrapTokenFromEnvironment: with CENTRAL_BOOTSTRAP_TOKEN the
// administrator's token is that value, and the value is not printed.
func TestBootstrapTokenFromEnvironment(t *testing.T) {
	cfg := testConfig(t)
	cfg.BootstrapToken = "automation-secret-0123456789"
	s, before := startRun(t, cfg, RunOptions{Bootstrapper: AdminBootstrapper{}})
	out := strings.Join(before, "\n")
	if strings.Contains(out, cfg.BootstrapToken) {
		t.Errorf("stdout shows the bootstrap token:\n%s", out)
	}
	for _, want := range []string{
		"admin token: the value of CENTRAL_BOOTSTRAP_TOKEN",
		`  export BALLERINA_CENTRAL_ACCESS_TOKEN="$CENTRAL_BOOTSTRAP_TOKEN"`,
	} {
		if !slices.Contains(before, want) {
			t.Errorf("stdout lacks %q:\n%s", want, out)
		}
	}
	status, me := whoamiOf(t, s.url, cfg.BootstrapToken)
	if status != http.StatusOK || !me.User.Admin {
		t.Fatalf("GET /api/v1/user with CENTRAL_BOOTSTRAP_TOKEN: %d %+v", status, me)
	}
	if me.Token.Prefix != cfg.BootstrapToken[:credential.ShownPrefixLength] {
		t.Errorf("token prefix %q", me.Token.Prefix)
	}
	if status, _ := whoamiOf(t, s.url, "bct_a-generated-token-it-is-not"); status != http.StatusUnauthorized {
		t.Errorf("another token: %d, want 401", status)
	}
}

// TestBootstrapSkipsWhenAnAdministratorExists: an administrator made
// beforehand (by `central user create --admin`) means nothing to do, with
// or without CENTRAL_BOOTSTRAP_TOKEN.
func TestBootstrapSkipsWhenAnAdministratorExists(t *testing.T) {
	e := newTestEnv(t)
	e.user("alice", false)
	e.user("root", true)
	var out bytes.Buffer
	var logs syncBuffer
	env := BootstrapEnv{DataDir: t.TempDir(), Storage: Storage{Meta: e.meta}, Token: "automation-secret-0123456789", URL: "http://x", Out: &out, Log: NewLogger(&logs, Config{})}
	if err := (AdminBootstrapper{}).Bootstrap(context.Background(), env); err != nil {
		t.Fatal(err)
	}
	if out.Len() != 0 {
		t.Errorf("printed %q", out.String())
	}
	if _, err := e.meta.UserByName(context.Background(), "admin"); err == nil {
		t.Error("created admin although root is an administrator")
	}
	if _, err := e.meta.TokenByHash(context.Background(), credential.HashToken(env.Token)); err == nil {
		t.Error("made CENTRAL_BOOTSTRAP_TOKEN a token although an administrator exists")
	}
	if !strings.Contains(logs.String(), "an administrator exists already; ignoring it") {
		t.Errorf("logs do not say the bootstrap token is ignored:\n%s", logs.String())
	}
}

// TestBootstrapCompletesAnInterruptedBootstrap: a start that died after
// creating "admin" but before making it an administrator is completed by
// the next one; an "admin" with a password is somebody's and stops it.
func TestBootstrapCompletesAnInterruptedBootstrap(t *testing.T) {
	for _, tc := range []struct {
		name     string
		password bool
		fromEnv  bool
		wantErr  string
	}{
		{"generated token", false, false, ""},
		{"same environment token again", false, true, ""},
		{"admin has a password", true, false, `no user is an administrator, and the user name "admin" is taken by an account with a password; create an administrator with ` + "`central user create <name> --admin`" + `, then start again`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newTestEnv(t)
			ctx := context.Background()
			var leftover *store.User
			if tc.password {
				leftover = e.user("admin", false)
			} else {
				leftover = &store.User{Username: "admin"}
				if err := e.meta.CreateUser(ctx, leftover); err != nil {
					t.Fatal(err)
				}
			}
			env := BootstrapEnv{Storage: Storage{Meta: e.meta}, URL: "http://x", Out: &bytes.Buffer{}, Log: testLogger()}
			if tc.fromEnv {
				env.Token = "automation-secret-0123456789"
				secret := credential.TokenFromSecret(env.Token)
				// The interrupted start had made the token already.
				if err := e.meta.CreateToken(ctx, &store.Token{UserID: leftover.ID, Name: "bootstrap", Prefix: secret.Prefix, Hash: secret.Hash, Scopes: AllScopes}); err != nil {
					t.Fatal(err)
				}
			}
			err := (AdminBootstrapper{}).Bootstrap(ctx, env)
			if tc.wantErr != "" {
				if err == nil || err.Error() != tc.wantErr {
					t.Fatalf("Bootstrap = %v, want %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			u, err := e.meta.UserByName(ctx, "admin")
			if err != nil || !u.Admin {
				t.Fatalf("admin after the bootstrap: %+v, %v", u, err)
			}
			if !strings.Contains(env.Out.(*bytes.Buffer).String(), "admin token") {
				t.Errorf("printed %q, want a token", env.Out.(*bytes.Buffer).String())
			}
		})
	}
}

// TestBootstrapRefusesAnotherUsersToken: CENTRAL_BOOTSTRAP_TOKEN equal to
// an existing token of somebody else is an error, not a takeover.
func TestBootstrapRefusesAnotherUsersToken(t *testing.T) {
	e := newTestEnv(t)
	alice := e.user("alice", false)
	secret := e.token(alice)
	env := BootstrapEnv{Storage: Storage{Meta: e.meta}, Token: secret, URL: "http://x", Out: &bytes.Buffer{}, Log: testLogger()}
	err := (AdminBootstrapper{}).Bootstrap(context.Background(), env)
	if want := "the value of CENTRAL_BOOTSTRAP_TOKEN is already an access token of this registry; choose another value"; err == nil || err.Error() != want {
		t.Errorf("Bootstrap = %v, want %q", err, want)
	}
	if u, err := e.meta.UserByName(context.Background(), "admin"); err == nil && u.Admin {
		t.Error("admin became an administrator")
	}
}

// TestMainCommandBootstraps: the command Main runs bootstraps a new data
// directory before the listening line.
func TestMainCommandBootstraps(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data")
	getenv := env(map[string]string{"CENTRAL_ADDR": "127.0.0.1:0", "CENTRAL_DATA": dir})
	pr, pw := io.Pipe()
	var stderr syncBuffer
	c := mainCommand(getenv, pw, &stderr)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan int, 1)
	go func() {
		done <- c.Run(ctx, []string{"serve"})
		pw.Close()
	}()
	defer func() {
		cancel()
		io.Copy(io.Discard, pr)
		<-done
	}()
	sc := bufio.NewScanner(pr)
	var lines []string
	for sc.Scan() {
		lines = append(lines, sc.Text())
		if m := listeningLine.FindStringSubmatch(sc.Text()); m != nil {
			tok := ""
			for _, l := range lines {
				if m := bootstrapTokenLine.FindStringSubmatch(l); m != nil {
					tok = m[1]
				}
			}
			if status, me := whoamiOf(t, m[1], tok); status != http.StatusOK || !me.User.Admin {
				t.Errorf("the printed token %q: %d %+v", tok, status, me)
			}
			return
		}
	}
	t.Fatalf("no listening line; stdout %q, stderr:\n%s", lines, stderr.String())
}
