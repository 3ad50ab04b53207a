package registry

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/balcentral/balcentral/internal/blob/fsblob"
	"github.com/balcentral/balcentral/internal/registry/credential"
	"github.com/balcentral/balcentral/internal/store"
	"github.com/balcentral/balcentral/internal/store/sqlite"
)

// adminData returns a data directory with an empty registry database, as
// a server's first start leaves it.
func adminData(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	meta, err := sqlite.Open(context.Background(), filepath.Join(dir, DatabaseFile))
	if err != nil {
		t.Fatal(err)
	}
	if err := meta.Close(); err != nil {
		t.Fatal(err)
	}
	return dir
}

// runAdmin runs central with args, the data directory in CENTRAL_DATA and
// stdin, and returns the exit status, stdout and stderr.
func runAdmin(t *testing.T, data, stdin string, args ...string) (int, string, string) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	c := &Command{Stdin: strings.NewReader(stdin), Stdout: &stdout, Stderr: &stderr, Getenv: env(map[string]string{"CENTRAL_DATA": data}), ReadFile: os.ReadFile}
	code := c.Run(context.Background(), args)
	return code, stdout.String(), stderr.String()
}

// times finds the RFC 3339 times in command output, which vary; the tests
// replace them with TIME (after the columns were aligned on them).
var times = regexp.MustCompile(`\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ`)

// adminStep is one command of an admin CLI session and what it must give.
type adminStep struct {
	args   []string
	stdin  string
	code   int
	stdout string // exact, after times are replaced by TIME; "-" skips the check
	stderr string // exact
}

func runAdminSteps(t *testing.T, data string, steps []adminStep) {
	t.Helper()
	for _, s := range steps {
		code, out, errOut := runAdmin(t, data, s.stdin, s.args...)
		out = times.ReplaceAllString(out, "TIME")
		errOut = times.ReplaceAllString(errOut, "TIME")
		if code != s.code || s.stdout != "-" && out != s.stdout || errOut != s.stderr {
			t.Errorf("central %s = %d\nstdout:\n%s\nstderr:\n%s\nwant %d\nstdout:\n%s\nstderr:\n%s",
				strings.Join(s.args, " "), code, out, errOut, s.code, s.stdout, s.stderr)
		}
	}
}

const usageHint = "Run 'central --help' for usage.\n"

func TestAdminUserCommands(t *testing.T) {
	data := adminData(t)
	runAdminSteps(t, data, []adminStep{
		{args: []string{"user", "create", "alice", "--admin"}, stdout: `created administrator "alice" (no password: it uses tokens only; set one with 'central user passwd alice --password-stdin')` + "\n"},
		{args: []string{"user", "create", "bob", "--password-stdin"}, stdin: "bob-password\r\n", stdout: `created user "bob"` + "\n"},
		{args: []string{"user", "create", "bob"}, code: 1, stdout: "", stderr: "central: user \"bob\" already exists\n"},
		{args: []string{"user", "create", "Bob"}, code: 1, stdout: "", stderr: "central: invalid user name \"Bob\": use 1 to 64 lowercase letters, digits, '.', '_' and '-', starting with a letter or a digit\n"},
		{args: []string{"user", "create", "cli"}, code: 1, stdout: "", stderr: "central: user name \"cli\" is reserved (it names a non-user actor in the audit log); choose another\n"},
		{args: []string{"user", "create", "carol", "--password-stdin"}, stdin: "short\n", code: 1, stdout: "", stderr: "central: password too short: use at least 8 characters\n"},
		{args: []string{"user", "create", "carol", "--password-stdin"}, stdin: "", code: 1, stdout: "", stderr: "central: --password-stdin: standard input is empty; pipe the password in, such as: printf '%s\\n' \"$PASSWORD\" | central user …\n"},
		{args: []string{"user", "create"}, code: 2, stdout: "", stderr: "central: central user create: missing <name>\n" + usageHint},
		{args: []string{"user", "create", "a", "b"}, code: 2, stdout: "", stderr: "central: central user create: unexpected argument \"b\"\n" + usageHint},
		{args: []string{"user"}, code: 2, stdout: "", stderr: "central: central user needs a command: create, list, passwd\n" + usageHint},
		{args: []string{"user", "frob"}, code: 2, stdout: "", stderr: "central: unknown command \"frob\" for central user; want create, list, passwd\n" + usageHint},
		{args: []string{"user", "list"}, stdout: "USER   ADMIN  PASSWORD  CREATED\nalice  yes    no        TIME\nbob    no     yes       TIME\n"},
		{args: []string{"user", "passwd", "bob"}, code: 2, stdout: "", stderr: "central: central user passwd: --password-stdin is required: pipe the new password to standard input\n" + usageHint},
		{args: []string{"user", "passwd", "zed", "--password-stdin"}, stdin: "zed-password\n", code: 1, stdout: "", stderr: "central: user not found: zed\n"},
		{args: []string{"user", "passwd", "alice", "--password-stdin"}, stdin: "alice-password\nignored second line\n", stdout: "changed the password of \"alice\"\n"},
	})
	meta := openStore(t, data)
	ctx := context.Background()
	for user, pw := range map[string]string{"alice": "alice-password", "bob": "bob-password"} {
		u, err := meta.UserByName(ctx, user)
		if err != nil {
			t.Fatal(err)
		}
		if ok, err := credential.VerifyPassword(u.PasswordHash, pw); !ok || err != nil {
			t.Errorf("%s's password is not %q: %v", user, pw, err)
		}
	}
	assertAudit(t, meta, []string{"cli password.change alice", "cli user.create bob", "cli user.create alice"})
}

// assertAudit checks the audit log, newest first, as "actor action subject".
func assertAudit(t *testing.T, meta store.Store, want []string) {
	t.Helper()
	evs, err := meta.ListAudit(context.Background(), store.AuditFilter{}, 0)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range evs {
		got = append(got, e.Actor+" "+e.Action+" "+e.Subject)
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("audit log:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func TestAdminOrgCommands(t *testing.T) {
	data := adminData(t)
	runAdminSteps(t, data, []adminStep{
		{args: []string{"user", "create", "alice"}, stdout: "-"},
		{args: []string{"user", "create", "bob"}, stdout: "-"},
		{args: []string{"org", "create", "acme", "--owner", "alice"}, stdout: "created organization \"acme\", owned by \"alice\"\n"},
		{args: []string{"org", "create", "ballerinax", "--owner", "bob"}, stdout: "created organization \"ballerinax\", owned by \"bob\"\n"},
		{args: []string{"org", "create", "acme", "--owner", "bob"}, code: 1, stdout: "", stderr: "central: organization \"acme\" already exists\n"},
		{args: []string{"org", "create", "my-org", "--owner", "bob"}, code: 1, stdout: "", stderr: "central: invalid organization name 'my-org': invalid characters; use ASCII letters, digits and single underscores, not starting with a digit or an underscore\n"},
		{args: []string{"org", "create", "other", "--owner", "zed"}, code: 1, stdout: "", stderr: "central: user not found: zed\n"},
		{args: []string{"org", "create", "other"}, code: 2, stdout: "", stderr: "central: central org create: --owner is required: the user who will own the organization\n" + usageHint},
		{args: []string{"org", "add-member", "acme", "bob", "--role", "publisher"}, stdout: "\"bob\" is now a publisher of \"acme\"\n"},
		{args: []string{"org", "add-member", "acme", "bob", "--role", "owner"}, stdout: "\"bob\" is now an owner of \"acme\"\n"},
		{args: []string{"org", "add-member", "acme", "bob", "--role", "boss"}, code: 1, stdout: "", stderr: "central: invalid role \"boss\": want owner, publisher or member\n"},
		{args: []string{"org", "add-member", "nosuch", "bob"}, code: 1, stdout: "", stderr: "central: organization not found: nosuch\n"},
		{args: []string{"org", "add-member", "ballerinax", "bob", "--role", "member"}, code: 1, stdout: "", stderr: "central: bob is the only owner of ballerinax: make another member an owner first\n"},
		{args: []string{"org", "list"}, stdout: "ORG         OWNERS     MEMBERS  CREATED\nacme        alice,bob  2        TIME\nballerinax  bob        1        TIME\n"},
		{args: []string{"org", "remove-member", "acme", "alice"}, stdout: "removed \"alice\" from \"acme\"\n"},
		{args: []string{"org", "remove-member", "acme", "alice"}, code: 1, stdout: "", stderr: "central: alice is not a member of acme\n"},
		{args: []string{"org", "remove-member", "acme", "bob"}, code: 1, stdout: "", stderr: "central: bob is the only owner of acme: make another member an owner first\n"},
		{args: []string{"org", "remove-member", "acme"}, code: 2, stdout: "", stderr: "central: central org remove-member: missing <user>\n" + usageHint},
	})
	assertAudit(t, openStore(t, data), []string{
		"cli member.remove acme",
		"cli member.set acme",
		"cli member.set acme",
		"cli org.create ballerinax",
		"cli org.create acme",
		"cli user.create bob",
		"cli user.create alice",
	})
}

// TestAdminTokenCommands creates a token with the CLI, uses it against a
// server on the same data directory, and revokes it with the CLI while
// that server runs.
func TestAdminTokenCommands(t *testing.T) {
	data := adminData(t)
	runAdminSteps(t, data, []adminStep{
		{args: []string{"user", "create", "alice"}, stdout: "-"},
	})
	code, out, errOut := runAdmin(t, data, "", "token", "create", "--user", "alice", "--name", "ci", "--scope", "read,publish", "--scope", "admin", "--expires-in-days", "30")
	if code != 0 || !regexp.MustCompile(`^bct_[A-Za-z0-9_-]{43}\n$`).MatchString(out) {
		t.Fatalf("token create = %d, stdout %q (want only the token), stderr %q", code, out, errOut)
	}
	secret := strings.TrimSpace(out)
	if want := `created token 1 "ci" for "alice": scopes read,publish,admin; expires TIME` + "\n"; times.ReplaceAllString(errOut, "TIME") != want {
		t.Errorf("token create stderr %q, want %q", errOut, want)
	}

	// A server on the same data directory accepts the token.
	meta := openStore(t, data)
	blobs, err := fsblob.Open(filepath.Join(data, BlobDir), fsblob.Options{MaxSize: DefaultMaxUploadSize})
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(NewServer(DefaultConfig(), Storage{Meta: meta, Blobs: blobs}, testLogger()).Handler())
	defer hs.Close()
	status, me := whoamiOf(t, hs.URL, secret)
	if status != http.StatusOK || me.User.Username != "alice" || fmt.Sprint(me.Token.Scopes) != "[read publish admin]" {
		t.Fatalf("the CLI's token on the server: %d %+v", status, me)
	}
	if me.Token.ExpiresAt.Sub(me.Token.CreatedAt).Hours() != 30*24 {
		t.Errorf("token lifetime %v, want 30 days", me.Token.ExpiresAt.Sub(me.Token.CreatedAt))
	}

	runAdminSteps(t, data, []adminStep{
		{args: []string{"token", "list", "--user", "alice"}, stdout: "ID  NAME  PREFIX        SCOPES              STATE   CREATED               EXPIRES               LAST USED\n1   ci    " + secret[:12] + "  read,publish,admin  active  TIME  TIME  TIME\n"},
		{args: []string{"token", "create", "--user", "alice", "--scope", "write"}, code: 1, stdout: "", stderr: "central: unknown scope \"write\": want read, publish, deprecate, admin\n"},
		{args: []string{"token", "create", "--user", "alice", "--expires-in-days", "0"}, code: 1, stdout: "", stderr: "central: expires_in_days 0 out of range: want 1 to 3650\n"},
		{args: []string{"token", "create", "--user", "alice", "--expires-in-days", "x"}, code: 2, stdout: "", stderr: "central: invalid argument \"x\" for \"--expires-in-days\" flag: strconv.ParseInt: parsing \"x\": invalid syntax\n" + usageHint},
		{args: []string{"token", "create", "--user", "zed"}, code: 1, stdout: "", stderr: "central: user not found: zed\n"},
		{args: []string{"token", "create"}, code: 2, stdout: "", stderr: "central: central token create: --user is required: the user the token acts for\n" + usageHint},
		{args: []string{"token", "list"}, code: 2, stdout: "", stderr: "central: central token list: --user is required: whose tokens to list\n" + usageHint},
		{args: []string{"token", "revoke", "x"}, code: 2, stdout: "", stderr: "central: central token revoke: invalid token ID \"x\": want the number 'central token list' shows\n" + usageHint},
		{args: []string{"token", "revoke", "99"}, code: 1, stdout: "", stderr: "central: token not found: 99\n"},
		{args: []string{"token", "revoke", "1"}, stdout: "revoked token 1 (\"ci\" of \"alice\")\n"},
		{args: []string{"token", "revoke", "1"}, stdout: "token 1 (\"ci\" of \"alice\") was revoked already, at TIME\n"},
	})
	// The running server refuses the token from the next request on.
	if status, _ := whoamiOf(t, hs.URL, secret); status != http.StatusUnauthorized {
		t.Errorf("revoked token: %d, want 401", status)
	}
	code, out, _ = runAdmin(t, data, "", "token", "list", "--user", "alice")
	if code != 0 || !strings.Contains(out, " revoked ") {
		t.Errorf("token list after the revocation: %d %q", code, out)
	}
	// Default scopes and lifetime.
	code, _, errOut = runAdmin(t, data, "", "token", "create", "--user", "alice")
	if code != 0 || !strings.HasPrefix(errOut, `created token 2 "cli" for "alice": scopes read,publish,deprecate; expires `) {
		t.Errorf("token create with defaults = %d, %q", code, errOut)
	}
	assertAudit(t, meta, []string{"cli token.create 2", "cli token.revoke 1", "cli token.create 1", "cli user.create alice"})
}

// TestAdminCommandsNeedARegistry: the commands do not create a database
// where there is none, so a mistyped --data fails instead of showing an
// empty registry.
func TestAdminCommandsNeedARegistry(t *testing.T) {
	empty := t.TempDir()
	code, out, errOut := runAdmin(t, filepath.Join(empty, "nope"), "", "user", "list")
	want := "central: no registry in " + filepath.Join(empty, "nope") + " (it has no central.db): pass the server's data directory with --data or CENTRAL_DATA, or start the server once to create it\n"
	if code != 1 || out != "" || errOut != want {
		t.Errorf("user list on an empty directory = %d %q %q, want 1 and %q", code, out, errOut, want)
	}
	// --data beats CENTRAL_DATA, as for serve.
	data := adminData(t)
	if code, out, errOut := runAdmin(t, filepath.Join(empty, "nope"), "", "user", "list", "--data", data); code != 0 || out != "USER  ADMIN  PASSWORD  CREATED\n" {
		t.Errorf("user list --data = %d %q %q", code, out, errOut)
	}
	if _, err := os.Stat(filepath.Join(empty, "nope")); err == nil {
		t.Error("the command created the missing data directory")
	}
}

func TestAdminHelp(t *testing.T) {
	tests := []struct {
		args []string
		want []string
	}{
		{[]string{"help", "user"}, []string{"Usage:\n  central user <command> [flags]\n", "\nCommands:\n  create    Create a user\n  list      List the users\n  passwd    Set a user's password\n"}},
		{[]string{"help", "org"}, []string{"  add-member    Add a member or change their role\n", "  remove-member Remove a member\n"}},
		{[]string{"help", "user", "create"}, []string{"Usage:\n  central user create <name> [--admin] [--password-stdin] [flags]\n", "  --admin\n", "  --password-stdin\n", "  --data <dir>\n        env CENTRAL_DATA; file key data; default: ./central-data\n", "  --config <file>\n        env CENTRAL_CONFIG; default: none\n", "  -h, --help\n"}},
		{[]string{"token", "create", "--help"}, []string{"  --scope <scopes>\n", "  --expires-in-days <n>\n", "  --user <name>\n", "Examples:\n"}},
		{[]string{"--help"}, []string{"  user      Create and list users, set passwords\n", "  org       Create and list organizations, manage members\n", "  token     Create, list and revoke access tokens\n"}},
		{[]string{"help", "serve"}, []string{"the management API under\n/api/v1", "CENTRAL_BOOTSTRAP_TOKEN sets the token's\nvalue instead"}},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			code, out, errOut := runAdmin(t, t.TempDir(), "", tt.args...)
			if code != 0 || errOut != "" {
				t.Fatalf("central %q = %d, stderr %q", tt.args, code, errOut)
			}
			for _, w := range tt.want {
				if !strings.Contains(out, w) {
					t.Errorf("help lacks %q:\n%s", w, out)
				}
			}
			// Admin commands list their own flags, not the server's.
			if tt.args[0] != "--help" && tt.args[len(tt.args)-1] != "serve" && strings.Contains(out, "--addr") {
				t.Errorf("admin help lists the server's options:\n%s", out)
			}
		})
	}
}
