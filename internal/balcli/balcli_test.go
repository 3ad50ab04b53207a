package balcli

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/spf13/cobra"

	"github.com/balcentral/balcentral/internal/balcli/cmdenv"
	"github.com/balcentral/balcentral/internal/iostreams"
	"github.com/balcentral/balcentral/internal/version"
)

// testEnv returns an environment working in a fresh directory as user
// "testuser", and the buffers of its output streams.
func testEnv(t *testing.T) (*cmdenv.Env, *bytes.Buffer, *bytes.Buffer) {
	t.Helper()
	ios, _, out, errOut := iostreams.Test()
	wd := t.TempDir()
	return &cmdenv.Env{
		IO:       ios,
		Getwd:    func() (string, error) { return wd, nil },
		Getenv:   func(string) string { return "" },
		Now:      func() time.Time { return time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC) },
		UserName: func() string { return "testuser" },

		Distribution: version.DistributionShort,
	}, out, errOut
}

const newUsage = "\nUSAGE:\n    bal new <project-path>\n\nFor more information try --help\n"

func TestRun(t *testing.T) {
	tests := []struct {
		name       string
		args       []string
		wantCode   int
		wantOut    string // exact, unless wantOutHas is set
		wantOutHas []string
		wantErrOut string
	}{
		{
			name:       "no arguments prints help",
			args:       nil,
			wantOutHas: []string{"NAME\n    bal - The Ballerina package manager\n", "\nCOMMANDS\n", "    new          Create a new Ballerina package\n", "    version    "},
		},
		{
			name:       "help",
			args:       []string{"help"},
			wantOutHas: []string{"SYNOPSIS\n    bal <command> [<args>]\n"},
		},
		{
			name:       "help new",
			args:       []string{"help", "new"},
			wantOutHas: []string{"NAME\n    bal new - Create a new Ballerina package\n", "SYNOPSIS\n    bal new <project-path> [OPTIONS]\n", "    -t, --template <template-name>\n", "EXAMPLES\n"},
		},
		{
			name:       "new --help",
			args:       []string{"new", "--help"},
			wantOutHas: []string{"SYNOPSIS\n    bal new <project-path> [OPTIONS]\n"},
		},
		{
			name:       "version -h",
			args:       []string{"version", "-h"},
			wantOutHas: []string{"NAME\n    bal version - Print the Ballerina version\n"},
		},
		{
			name:    "new",
			args:    []string{"new", "hello"},
			wantOut: "Created new package 'hello' at hello.\n",
		},
		{
			name:       "new without path",
			args:       []string{"new"},
			wantCode:   1,
			wantErrOut: "ballerina: project path is not provided.\n" + newUsage,
		},
		{
			name:       "new with two paths",
			args:       []string{"new", "a", "b"},
			wantCode:   1,
			wantErrOut: "ballerina: too many arguments\n" + newUsage,
		},
		{
			name:       "new with unknown flag",
			args:       []string{"new", "--bogus", "x"},
			wantCode:   1,
			wantErrOut: "ballerina: unknown flag: --bogus\n" + newUsage,
		},
		{
			name:       "new with missing flag value",
			args:       []string{"new", "x", "-t"},
			wantCode:   1,
			wantErrOut: "ballerina: flag needs an argument: 't' in -t\n" + newUsage,
		},
		{
			name:       "plain error",
			args:       []string{"new", "-t", "web", "x"},
			wantCode:   1,
			wantErrOut: "ballerina: template not found: 'web'. The built-in templates are: default, main, service, lib\n",
		},
		{
			name:       "unknown command",
			args:       []string{"nwe", "hello"},
			wantCode:   1,
			wantErrOut: "ballerina: unknown command 'nwe'\nRun 'bal help' for usage.\n",
		},
		{
			name:       "help for unknown command",
			args:       []string{"help", "fly"},
			wantCode:   1,
			wantErrOut: "ballerina: unknown command 'fly'\nRun 'bal help' for usage.\n",
		},
		{
			name:       "help for unknown subcommand",
			args:       []string{"help", "new", "thing"},
			wantCode:   1,
			wantErrOut: "ballerina: unknown command 'new thing'\nRun 'bal help' for usage.\n",
		},
		{
			name:       "unknown root flag",
			args:       []string{"--bogus"},
			wantCode:   1,
			wantErrOut: "ballerina: unknown flag: --bogus\n\nUSAGE:\n    bal <command> [<args>]\n\nFor more information try --help\n",
		},
		{
			name:       "version with argument",
			args:       []string{"version", "now"},
			wantCode:   1,
			wantErrOut: "ballerina: too many arguments\n\nUSAGE:\n    bal version\n\nFor more information try --help\n",
		},
		{
			name:       "completion is not a command",
			args:       []string{"completion"},
			wantCode:   1,
			wantErrOut: "ballerina: unknown command 'completion'\nRun 'bal help' for usage.\n",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env, out, errOut := testEnv(t)
			if code := run(env, tt.args); code != tt.wantCode {
				t.Errorf("exit code = %d, want %d (stderr %q)", code, tt.wantCode, errOut)
			}
			if tt.wantOutHas != nil {
				for _, s := range tt.wantOutHas {
					if !strings.Contains(out.String(), s) {
						t.Errorf("stdout lacks %q:\n%s", s, out)
					}
				}
			} else if got := out.String(); got != tt.wantOut {
				t.Errorf("stdout = %q, want %q", got, tt.wantOut)
			}
			if got := errOut.String(); got != tt.wantErrOut {
				t.Errorf("stderr = %q\nwant     %q", got, tt.wantErrOut)
			}
		})
	}
}

func TestHelpForms(t *testing.T) {
	// "bal help new", "bal new --help" and "bal new -h" print the same.
	var outputs []string
	for _, args := range [][]string{{"help", "new"}, {"new", "--help"}, {"new", "-h"}} {
		env, out, _ := testEnv(t)
		if code := run(env, args); code != 0 {
			t.Fatalf("%q: exit code %d", args, code)
		}
		outputs = append(outputs, out.String())
	}
	if outputs[0] != outputs[1] || outputs[0] != outputs[2] {
		t.Errorf("help forms differ:\n%s\n---\n%s\n---\n%s", outputs[0], outputs[1], outputs[2])
	}
}

func TestEveryCommandDocumented(t *testing.T) {
	env, _, _ := testEnv(t)
	root := NewCmdRoot(env)
	root.InitDefaultHelpCmd()
	var check func(c *cobra.Command)
	check = func(c *cobra.Command) {
		if c.Use == "" || c.Short == "" || c.Long == "" || c.Example == "" {
			t.Errorf("command %q lacks Use, Short, Long or Example", c.CommandPath())
		}
		for _, sub := range c.Commands() {
			check(sub)
		}
	}
	check(root)
	if len(root.Commands()) < 3 {
		t.Errorf("root has %d commands, want new, version and help", len(root.Commands()))
	}
}

func TestPrintError(t *testing.T) {
	leaf := &cobra.Command{Use: "thing <x>"}
	(&cobra.Command{Use: "bal"}).AddCommand(leaf)
	tests := []struct {
		name string
		cmd  *cobra.Command
		err  error
		want string
	}{
		{"plain", leaf, errors.New("it broke"), "ballerina: it broke\n"},
		{"wrapped plain", leaf, fmt.Errorf("reading: %w", errors.New("eof")), "ballerina: reading: eof\n"},
		{"multi-line", leaf, errors.New("invalid package name : 'x' :\nwhy"), "ballerina: invalid package name : 'x' :\nwhy\n"},
		{
			"usage from command", leaf, cmdenv.UsageErrorf("bad"),
			"ballerina: bad\n\nUSAGE:\n    bal thing <x>\n\nFor more information try --help\n",
		},
		{
			"explicit usage", leaf, &cmdenv.UsageError{Err: errors.New("bad"), Usage: "bal thing {a | b}"},
			"ballerina: bad\n\nUSAGE:\n    bal thing {a | b}\n\nFor more information try --help\n",
		},
		{"usage without command", nil, cmdenv.UsageErrorf("bad"), "ballerina: bad\n\nFor more information try --help\n"},
		{"silent", leaf, cmdenv.ErrSilent, ""},
		{"wrapped silent", leaf, fmt.Errorf("x: %w", cmdenv.ErrSilent), ""},
		{"unknown command", nil, &unknownCommandError{name: "zap"}, "ballerina: unknown command 'zap'\nRun 'bal help' for usage.\n"},
	}
	for _, tt := range tests {
		var buf bytes.Buffer
		printError(&buf, tt.cmd, tt.err)
		if got := buf.String(); got != tt.want {
			t.Errorf("%s: printError wrote %q, want %q", tt.name, got, tt.want)
		}
	}
}
