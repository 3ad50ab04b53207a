package deprecatecmd

import (
	"context"
	"errors"
	"io"
	"testing"

	"github.com/balcentral/balcentral/internal/balcli/cmdenv"
	"github.com/balcentral/balcentral/internal/iostreams"
	"github.com/balcentral/balcentral/internal/manifest"
	"github.com/balcentral/balcentral/internal/project"
	"github.com/balcentral/balcentral/internal/repository/centralclient"
)

func TestNewCmdDeprecate(t *testing.T) {
	badMessage := "invalid deprecation message. The message cannot contain non-space whitespace or back slash characters."
	tests := []struct {
		args    []string
		want    Options
		wantErr string
	}{
		{args: []string{"acme/hello"}, want: Options{Org: "acme", Name: "hello"}},
		{args: []string{"acme/hello:*"}, want: Options{Org: "acme", Name: "hello"}},
		{args: []string{"acme/hello:0.1.0", "--message", "use 0.2.0 (it's \"better\")"},
			want: Options{Org: "acme", Name: "hello", Version: "0.1.0", Message: "use 0.2.0 (it's \"better\")", MessageSet: true}},
		{args: []string{"acme/hello", "--message="}, want: Options{Org: "acme", Name: "hello", MessageSet: true}},
		{args: []string{"--undo", "acme/hello:1.0.0"}, want: Options{Org: "acme", Name: "hello", Version: "1.0.0", Undo: true}},
		{args: nil, wantErr: "no package given"},
		{args: []string{"a/b", "c/d"}, wantErr: "too many arguments"},
		{args: []string{"acme/hello", "--message", "tab\there"}, wantErr: badMessage},
		{args: []string{"acme/hello", "--message", "two\nlines"}, wantErr: badMessage},
		{args: []string{"acme/hello", "--message", `back\slash`}, wantErr: badMessage},
		{args: []string{"acme/hello", "--message", "form\ffeed\v"}, wantErr: badMessage},
		{args: []string{"hello"}, wantErr: "invalid package. Provide the package name with the organization."},
		{args: []string{"acme/he-llo"}, wantErr: "invalid package name. Provide the package name with the organization."},
		{args: []string{"9acme/hello"}, wantErr: "invalid organization. Provide the package name with the organization."},
		{args: []string{"acme/hello:x"}, wantErr: "invalid package version. Invalid version: 'x'. "},
	}
	for _, tt := range tests {
		ios, _, _, _ := iostreams.Test()
		var got *Options
		cmd := NewCmdDeprecate(&cmdenv.Env{IO: ios}, func(o *Options) error { got = o; return nil })
		cmd.SetArgs(tt.args)
		cmd.SetOut(io.Discard)
		cmd.SetErr(io.Discard)
		cmd.SilenceErrors, cmd.SilenceUsage = true, true
		err := cmd.Execute()
		if tt.wantErr != "" {
			var ue *cmdenv.UsageError
			if !errors.As(err, &ue) || len(ue.Error()) < len(tt.wantErr) || ue.Error()[:len(tt.wantErr)] != tt.wantErr || ue.Usage != Usage || got != nil {
				t.Errorf("%q: err = %v, want usage error %q", tt.args, err, tt.wantErr)
			}
			continue
		}
		w := tt.want
		if err != nil || got == nil || got.Org != w.Org || got.Name != w.Name || got.Version != w.Version ||
			got.Message != w.Message || got.MessageSet != w.MessageSet || got.Undo != w.Undo {
			t.Errorf("%q: err %v, options %+v", tt.args, err, got)
		}
	}
}

// fakeClient is a registry holding one package.
type fakeClient struct {
	pkg        *centralclient.Package
	getErr     error
	putErr     error
	gotVersion string
	gotMessage string
	gotUndo    bool
	puts       int
}

func (f *fakeClient) Package(_ context.Context, org, name, version string) (*centralclient.Package, error) {
	f.gotVersion = version
	if f.getErr != nil {
		return nil, f.getErr
	}
	p := *f.pkg
	return &p, nil
}

func (f *fakeClient) Deprecate(_ context.Context, org, name, version, message string, undo bool) (*centralclient.Package, error) {
	f.puts++
	f.gotVersion, f.gotMessage, f.gotUndo = version, message, undo
	if f.putErr != nil {
		return nil, f.putErr
	}
	f.pkg.IsDeprecated = !undo
	f.pkg.DeprecateMessage = message
	p := *f.pkg
	return &p, nil
}

func runDeprecate(t *testing.T, c *fakeClient, edit func(*Options)) (string, string, error) {
	t.Helper()
	ios, _, out, errOut := iostreams.Test()
	opts := &Options{
		IO:        ios,
		Settings:  func() (*manifest.Settings, []project.Diagnostic, error) { return manifest.DefaultSettings(), nil, nil },
		NewClient: func(*manifest.Settings) (Client, error) { return c, nil },
		Unauthorized: func(org string, ce *centralclient.Error) error {
			return errors.New("unauthorized[" + org + "]: " + ce.Message)
		},
		Org: "acme", Name: "hello", Version: "0.1.0",
	}
	if edit != nil {
		edit(opts)
	}
	err := run(context.Background(), opts)
	return out.String(), errOut.String(), err
}

func TestRun(t *testing.T) {
	c := &fakeClient{pkg: &centralclient.Package{Organization: "acme", Name: "hello", Version: "0.1.0"}}
	steps := []struct {
		name string
		edit func(*Options)
		want string
		puts int
	}{
		{"deprecate", func(o *Options) { o.Message, o.MessageSet = "use 0.2.0", true },
			"package acme/hello:0.1.0 marked as deprecated in central successfully\n", 1},
		{"update", func(o *Options) { o.Message, o.MessageSet = "really, use 0.2.0", true },
			"deprecation message is successfully updated for the package acme/hello:0.1.0 in central\n", 2},
		{"undo with a message", func(o *Options) { o.Undo, o.Message, o.MessageSet = true, "ignored", true },
			"warning: ignoring --message flag since this is an undo request\n" +
				"deprecation of the package acme/hello:0.1.0 is successfully undone in central\n", 3},
		{"undo again", func(o *Options) { o.Undo = true },
			"package acme/hello:0.1.0 is not marked as deprecated in central\n", 3},
		{"all versions", func(o *Options) { o.Version = "" },
			"package acme/hello marked as deprecated in central successfully\n", 4},
	}
	for _, s := range steps {
		out, errOut, err := runDeprecate(t, c, s.edit)
		if err != nil || out != s.want || errOut != "" || c.puts != s.puts {
			t.Fatalf("%s: %v\nstdout %q\nwant   %q\nstderr %q, %d PUTs", s.name, err, out, s.want, errOut, c.puts)
		}
	}
	// The last step asked for every version, without a message.
	if c.gotVersion != "*" || c.gotMessage != "" || c.gotUndo {
		t.Errorf("last request: version %q, message %q, undo %v", c.gotVersion, c.gotMessage, c.gotUndo)
	}
}

func TestRunErrors(t *testing.T) {
	tests := []struct {
		name           string
		getErr, putErr error
		undo           bool
		want           string
	}{
		{"not found", &centralclient.Error{Status: 404, Message: "package not found for: acme/hello:0.1.0_any", Err: centralclient.ErrNotFound}, nil, false,
			"package not found for: acme/hello:0.1.0_any"},
		{"lookup unauthorized", &centralclient.Error{Status: 401, Message: "expired", Err: centralclient.ErrUnauthorized}, nil, false,
			"unauthorized[acme]: expired"},
		{"lookup connection", &centralclient.Error{Err: centralclient.ErrConnection, Cause: errors.New("connection refused")}, nil, false,
			"could not connect to remote repository to find package: acme/hello:0.1.0. reason: connection refused"},
		{"unauthorized", nil, &centralclient.Error{Status: 401, Message: "access token required", Err: centralclient.ErrUnauthorized}, false,
			"unauthorized[]: access token required"},
		{"forbidden", nil, &centralclient.Error{Status: 403, Message: "you may not change the deprecation"}, false,
			"you may not change the deprecation"},
		{"server", nil, &centralclient.Error{Status: 500, Message: "boom"}, false,
			"failed to deprecate the package: 'acme/hello:0.1.0' reason:boom"},
		{"server undo", nil, &centralclient.Error{Status: 503, Message: "boom"}, true,
			"failed to undo deprecation of the package: 'acme/hello:0.1.0' reason:boom"},
		{"connection", nil, &centralclient.Error{Err: centralclient.ErrConnection, Cause: errors.New("reset")}, false,
			"failed to deprecate the package: 'acme/hello:0.1.0'. reason: reset"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := &fakeClient{pkg: &centralclient.Package{IsDeprecated: tt.undo}, getErr: tt.getErr, putErr: tt.putErr}
			out, _, err := runDeprecate(t, c, func(o *Options) { o.Undo = tt.undo })
			if err == nil || err.Error() != tt.want || out != "" {
				t.Errorf("err = %v, stdout %q\nwant %s", err, out, tt.want)
			}
		})
	}
}
