package searchcmd

import (
	"bytes"
	"context"
	"errors"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/balcentral/balcentral/internal/balcli/cmdenv"
	"github.com/balcentral/balcentral/internal/iostreams"
	"github.com/balcentral/balcentral/internal/manifest"
	"github.com/balcentral/balcentral/internal/project"
	"github.com/balcentral/balcentral/internal/repository/centralclient"
)

// 2026-03-01T09:00:00Z, a Sunday.
const march1 = 1772355600000

var pkgs = []centralclient.Package{
	{Organization: "acme", Name: "hello", Version: "0.1.0", Summary: "Greets people in many languages, politely and fast",
		Authors: []string{"Alice", "Bob"}, CreatedDate: march1},
	{Organization: "acme", Name: "a_very_long_package_name", Version: "10.200.3000-alpha", CreatedDate: march1},
}

// The tables of the reference CLI, derived by hand from its layout rules
// (PrintUtils.printPackages): width 80 has no AUTHOR column.
func TestWriteTable(t *testing.T) {
	tests := []struct {
		width int
		want  string
	}{
		{80, `
Ballerina Central
=================

|NAME           |DESCRIPTION                     |DATE            |VERSION   |
|---------------|--------------------------------|----------------|----------|
|acme/hello     |Greets people in many langua... |2026-03-01-Sun  |0.1.0     |
|acme/a_very... |                                |2026-03-01-Sun  |10.200... |

2 packages found
`},
		{140, `
Ballerina Central
=================

|NAME                            |DESCRIPTION                                       |AUTHOR          |DATE            |VERSION            |
|--------------------------------|--------------------------------------------------|----------------|----------------|-------------------|
|acme/hello                      |Greets people in many languages, politely and ... |Bob             |2026-03-01-Sun  |0.1.0              |
|acme/a_very_long_package_name   |                                                  |                |2026-03-01-Sun  |10.200.3000-alpha  |

2 packages found
`},
	}
	for _, tt := range tests {
		var b bytes.Buffer
		WriteTable(&b, pkgs, tt.width, time.UTC)
		if b.String() != tt.want {
			t.Errorf("width %d:\n%s\nwant\n%s", tt.width, b.String(), tt.want)
		}
	}
}

func TestSummary(t *testing.T) {
	for _, tt := range []struct {
		p    centralclient.Package
		want string
	}{
		{centralclient.Package{Summary: "s", Readme: "r\nx"}, "s"},
		{centralclient.Package{Readme: "# Title\n\nBody"}, "# Title"},
		{centralclient.Package{Readme: "no newline"}, "no newline"},
		{centralclient.Package{}, ""},
	} {
		if got := summary(tt.p); got != tt.want {
			t.Errorf("summary(%+v) = %q, want %q", tt.p, got, tt.want)
		}
	}
}

func TestWidth(t *testing.T) {
	for value, want := range map[string]int{"": 80, "120": 120, " 100 ": 100, "wide": 80, "10": MinWidth, "-5": MinWidth} {
		if got := Width(func(string) string { return value }); got != want {
			t.Errorf("Width(%q) = %d, want %d", value, got, want)
		}
	}
}

func TestNewCmdSearch(t *testing.T) {
	tests := []struct {
		args     []string
		query    string
		json     bool
		wantErr  string
		wantArgs bool
	}{
		{args: []string{"http"}, query: "http"},
		{args: []string{"--json", "acme"}, query: "acme", json: true},
		{args: nil, wantErr: "no keyword given"},
		{args: []string{"a", "b"}, wantErr: "too many arguments"},
	}
	for _, tt := range tests {
		ios, _, _, _ := iostreams.Test()
		var got *Options
		cmd := NewCmdSearch(&cmdenv.Env{IO: ios}, func(o *Options) error { got = o; return nil })
		cmd.SetArgs(tt.args)
		cmd.SetOut(io.Discard)
		cmd.SetErr(io.Discard)
		cmd.SilenceErrors, cmd.SilenceUsage = true, true
		err := cmd.Execute()
		if tt.wantErr != "" {
			var ue *cmdenv.UsageError
			if !errors.As(err, &ue) || ue.Error() != tt.wantErr || ue.Usage != Usage {
				t.Errorf("%v: err = %v, want usage error %q", tt.args, err, tt.wantErr)
			}
			continue
		}
		if err != nil || got == nil || got.Query != tt.query || got.JSON != tt.json {
			t.Errorf("%v: err %v, options %+v", tt.args, err, got)
		}
	}
}

type fakeClient struct {
	res   *centralclient.SearchResult
	err   error
	query string
}

func (f *fakeClient) Search(_ context.Context, q string) (*centralclient.SearchResult, error) {
	f.query = q
	return f.res, f.err
}

func runSearch(t *testing.T, c *fakeClient, edit func(*Options)) (string, string, error) {
	t.Helper()
	ios, _, out, errOut := iostreams.Test()
	opts := &Options{
		IO:        ios,
		Getenv:    func(string) string { return "" },
		Location:  time.UTC,
		Settings:  func() (*manifest.Settings, []project.Diagnostic, error) { return manifest.DefaultSettings(), nil, nil },
		NewClient: func(*manifest.Settings) (Client, error) { return c, nil },
		Unauthorized: func(org string, ce *centralclient.Error) error {
			return errors.New("unauthorized[" + org + "]: " + ce.Message)
		},
		Query: "hello",
	}
	if edit != nil {
		edit(opts)
	}
	err := run(context.Background(), opts)
	return out.String(), errOut.String(), err
}

func TestRun(t *testing.T) {
	c := &fakeClient{res: &centralclient.SearchResult{Packages: pkgs[:1], Count: 1}}
	out, _, err := runSearch(t, c, nil)
	if err != nil || c.query != "hello" || !strings.HasSuffix(out, "\n1 packages found\n") ||
		!strings.Contains(out, "\n|acme/hello     |Greets people in many langua... |2026-03-01-Sun  |0.1.0     |\n") {
		t.Errorf("table: %v\n%s", err, out)
	}

	c = &fakeClient{res: &centralclient.SearchResult{Count: 0}}
	if out, _, err := runSearch(t, c, nil); err != nil || out != "no modules found\n" {
		t.Errorf("no result: %v, %q", err, out)
	}

	// --json: the answer, indented; an empty answer has an empty list.
	if out, _, err := runSearch(t, c, func(o *Options) { o.JSON = true }); err != nil || out != "{\n  \"packages\": [],\n  \"count\": 0\n}\n" {
		t.Errorf("json: %v, %q", err, out)
	}
	c = &fakeClient{res: &centralclient.SearchResult{Packages: pkgs[:1], Count: 1}}
	out, _, err = runSearch(t, c, func(o *Options) { o.JSON = true })
	if err != nil || !strings.Contains(out, "\n      \"organization\": \"acme\",\n") || !strings.HasSuffix(out, "  \"count\": 1\n}\n") {
		t.Errorf("json: %v\n%s", err, out)
	}
}

func TestRunErrors(t *testing.T) {
	tests := []struct {
		err  error
		want string
	}{
		{&centralclient.Error{Status: 401, Message: "invalid access token", Err: centralclient.ErrUnauthorized},
			"unauthorized[]: invalid access token"},
		{&centralclient.Error{Status: 400, Message: "invalid query"}, "invalid query"},
		{&centralclient.Error{Status: 503, Message: "down for maintenance"},
			"failed to search packages: 'hello' reason:down for maintenance"},
		{&centralclient.Error{Status: 0, Err: centralclient.ErrConnection, Cause: errors.New("connection refused")},
			"failed to search packages: 'hello'. reason: connection refused"},
		{&centralclient.Error{Status: 502}, "failed to search packages: 'hello'."},
	}
	for _, tt := range tests {
		out, _, err := runSearch(t, &fakeClient{err: tt.err}, nil)
		if err == nil || err.Error() != tt.want || out != "" {
			t.Errorf("%v: err = %v, stdout %q; want %q", tt.err, err, out, tt.want)
		}
	}

	// Settings.toml errors are printed and stop the search.
	_, errOut, err := runSearch(t, &fakeClient{}, func(o *Options) {
		o.Settings = func() (*manifest.Settings, []project.Diagnostic, error) {
			return nil, nil, &project.FileErrors{Summary: "Settings.toml contains errors",
				Diagnostics: []project.Diagnostic{{Sites: []string{"Settings.toml:1:1"}, Message: "bad"}}}
		}
	})
	if err == nil || err.Error() != "Settings.toml contains errors" || !strings.Contains(errOut, "bad") {
		t.Errorf("settings errors: %v, %q", err, errOut)
	}
}
