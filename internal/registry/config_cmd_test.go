package registry

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// runCommand runs central with args to completion and returns its exit
// status, stdout and stderr.
func runCommand(t *testing.T, args []string, envs map[string]string) (int, string, string) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	c := &Command{Stdout: &stdout, Stderr: &stderr, Getenv: env(envs), ReadFile: os.ReadFile}
	code := c.Run(context.Background(), args)
	return code, stdout.String(), stderr.String()
}

// TestHelpListsEveryOption: the help of central and of central serve names
// every flag with its environment variable, file key and default.
func TestHelpListsEveryOption(t *testing.T) {
	for _, args := range [][]string{{"--help"}, {"-h"}, {"serve", "--help"}, {"help", "serve"}, {"help"}} {
		t.Run(strings.Join(args, " "), func(t *testing.T) {
			code, out, errOut := runCommand(t, args, nil)
			if code != ExitOK || errOut != "" {
				t.Fatalf("central %q = %d, stderr %q; want 0 and nothing on stderr", args, code, errOut)
			}
			want := []string{"--config <file>", "env CENTRAL_CONFIG;", "CENTRAL_BOOTSTRAP_TOKEN", "-h, --help"}
			for i := range options {
				o := &options[i]
				want = append(want,
					"--"+o.flag()+" <"+o.arg+">",
					"env "+o.env()+"; file key "+o.name+"; default: "+o.def+"\n")
			}
			for _, w := range want {
				if !strings.Contains(out, w) {
					t.Errorf("central %q does not mention %q", args, w)
				}
			}
			// Flag names are cobra's; an option missing from the table
			// but defined as a flag would slip through the check above.
			for _, name := range regexp.MustCompile(`(?m)^  --([a-z0-9-]+)`).FindAllStringSubmatch(out, -1) {
				if name[1] != configFlag && !slicesContainsFlag(name[1]) {
					t.Errorf("help lists --%s, which is not an option", name[1])
				}
			}
		})
	}
}

func slicesContainsFlag(flag string) bool {
	for i := range options {
		if options[i].flag() == flag {
			return true
		}
	}
	return false
}

func TestRootHelpListsCommands(t *testing.T) {
	_, out, _ := runCommand(t, []string{"--help"}, nil)
	for _, cmd := range []string{"serve", "version", "help"} {
		if !regexp.MustCompile(`(?m)^  ` + cmd + ` +\S`).MatchString(out) {
			t.Errorf("central --help does not list the command %s:\n%s", cmd, out)
		}
	}
}

func TestVersion(t *testing.T) {
	code, out, errOut := runCommand(t, []string{"version"}, nil)
	if code != ExitOK || errOut != "" {
		t.Fatalf("central version = %d, stderr %q", code, errOut)
	}
	if !regexp.MustCompile(`^balcentral central \S+ \(go\S+ \w+/\w+\)\n$`).MatchString(out) {
		t.Errorf("central version printed %q", out)
	}
}

func TestBadInvocations(t *testing.T) {
	const usageHint = "Run 'central --help' for usage.\n"
	tests := []struct {
		name       string
		args       []string
		env        map[string]string
		code       int
		wantStderr string // exact unless contains is set
		contains   bool
	}{
		{"unknown flag", []string{"--nope"}, nil, ExitUsage, "central: unknown flag: --nope\n" + usageHint, false},
		{"old --listen flag", []string{"--listen", "127.0.0.1:1"}, nil, ExitUsage, "central: unknown flag: --listen\n" + usageHint, false},
		{"unknown command", []string{"frobnicate"}, nil, ExitUsage, "central: unknown command \"frobnicate\"\n" + usageHint, false},
		{"serve with an argument", []string{"serve", "extra"}, nil, ExitUsage, "central: unexpected argument \"extra\"\n" + usageHint, false},
		{"version with an argument", []string{"version", "x"}, nil, ExitUsage, "central: unexpected argument \"x\"\n" + usageHint, false},
		{"help for an unknown command", []string{"help", "nope"}, nil, ExitUsage, "central: unknown command \"nope\"\n" + usageHint, false},
		{"bad log level", []string{"--log-level", "loud"}, nil, ExitUsage,
			"central: invalid --log-level \"loud\": want debug, info, warn or error\n", false},
		{"bad log level from env", []string{"serve"}, map[string]string{"CENTRAL_LOG_LEVEL": "loud"}, ExitUsage,
			"central: invalid CENTRAL_LOG_LEVEL \"loud\": want debug, info, warn or error\n", false},
		{"two problems", []string{"--addr", "x", "--log-format", "xml"}, nil, ExitUsage,
			"central: invalid --addr \"x\": missing port in address (want host:port, such as 127.0.0.1:9090)\ncentral: invalid --log-format \"xml\": want text or json\n", false},
		{"unusable address", []string{"--addr", "256.256.256.256:1"}, nil, ExitError, "cannot listen on 256.256.256.256:1", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			args := append([]string{}, tt.args...)
			if tt.code == ExitError {
				args = append(args, "--data", t.TempDir())
			}
			code, out, errOut := runCommand(t, args, tt.env)
			if code != tt.code {
				t.Errorf("central %q = %d, want %d; stderr:\n%s", args, code, tt.code, errOut)
			}
			if tt.contains && !strings.Contains(errOut, tt.wantStderr) || !tt.contains && errOut != tt.wantStderr {
				t.Errorf("central %q stderr:\n%s\nwant:\n%s", args, errOut, tt.wantStderr)
			}
			if out != "" {
				t.Errorf("central %q stdout = %q, want nothing", args, out)
			}
		})
	}
}

func TestUnwritableDataDirExitStatus(t *testing.T) {
	file := filepath.Join(t.TempDir(), "file")
	if err := os.WriteFile(file, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	code, out, errOut := runCommand(t, []string{"--addr", "127.0.0.1:0", "--data", file}, nil)
	if code != ExitError || out != "" {
		t.Errorf("central --data <a file> = %d, stdout %q; want 1 and nothing", code, out)
	}
	want := "cannot create the data directory " + file + ": not a directory (set --data or CENTRAL_DATA to a writable directory)"
	if !strings.Contains(errOut, want) {
		t.Errorf("stderr:\n%s\nwant it to contain %q", errOut, want)
	}
}

// TestServeInProcess runs `central` and `central serve` as a user would,
// in-process: the listening line with the real port, /healthz, logs on
// stderr in the requested format, a clean stop.
func TestServeInProcess(t *testing.T) {
	for _, tc := range []struct {
		name string
		args []string
		env  map[string]string
	}{
		{"central", []string{"--addr", "127.0.0.1:0"}, nil},
		{"central serve, json logs from the environment", []string{"serve"}, map[string]string{"CENTRAL_ADDR": "127.0.0.1:0", "CENTRAL_LOG_FORMAT": "json"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			data := filepath.Join(t.TempDir(), "data")
			args := append(append([]string{}, tc.args...), "--data", data)
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			pr, pw := io.Pipe()
			var stderr syncBuffer
			c := &Command{Stdout: pw, Stderr: &stderr, Getenv: env(tc.env), ReadFile: os.ReadFile}
			codec := make(chan int, 1)
			go func() {
				code := c.Run(ctx, args)
				pw.Close()
				codec <- code
			}()
			sc := bufio.NewScanner(pr)
			if !sc.Scan() {
				t.Fatalf("no stdout line; exit %d, stderr:\n%s", <-codec, stderr.String())
			}
			m := listeningLine.FindStringSubmatch(sc.Text())
			if m == nil || m[2] == "0" {
				t.Fatalf("first stdout line = %q, want \"listening on http://127.0.0.1:<port>\"", sc.Text())
			}
			getHealth(t, m[1])
			cancel()
			var rest []string
			for sc.Scan() {
				rest = append(rest, sc.Text())
			}
			select {
			case code := <-codec:
				if code != ExitOK {
					t.Errorf("exit status after stop = %d, want 0; stderr:\n%s", code, stderr.String())
				}
			case <-time.After(10 * time.Second):
				t.Fatal("central did not stop")
			}
			if len(rest) != 0 {
				t.Errorf("stdout after the listening line: %q", rest)
			}
			logs := stderr.String()
			if !strings.Contains(logs, "central stopped") {
				t.Errorf("stderr has no stop record:\n%s", logs)
			}
			if tc.env["CENTRAL_LOG_FORMAT"] == "json" {
				for _, line := range strings.Split(strings.TrimSpace(logs), "\n") {
					var rec map[string]any
					if err := json.Unmarshal([]byte(line), &rec); err != nil {
						t.Errorf("log line is not JSON: %q", line)
					}
				}
			}
		})
	}
}

// TestREADMEDocumentsEveryOption keeps the README's configuration section
// in step with the options, and checks that its example file loads.
func TestREADMEDocumentsEveryOption(t *testing.T) {
	readme, err := os.ReadFile(filepath.Join("..", "..", "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	_, section, ok := strings.Cut(string(readme), "## `central` server configuration")
	if !ok {
		t.Fatal("README.md has no \"## `central` server configuration\" section")
	}
	section, _, _ = strings.Cut(section, "\n## ")
	want := []string{"`--config <file>` | `CENTRAL_CONFIG`", "`CENTRAL_BOOTSTRAP_TOKEN`"}
	for i := range options {
		o := &options[i]
		want = append(want, fmt.Sprintf("| `--%s <%s>` | `%s` | `%s` | ", o.flag(), o.arg, o.env(), o.name))
	}
	for _, w := range want {
		if !strings.Contains(section, w) {
			t.Errorf("README's central section lacks %q", w)
		}
	}
	_, example, ok := strings.Cut(section, "```toml\n")
	if !ok {
		t.Fatal("README's central section has no TOML example")
	}
	example, _, _ = strings.Cut(example, "```")
	if _, err := LoadConfig([]string{"--config", "central.toml"}, env(nil), files(map[string]string{"central.toml": example})); err != nil {
		t.Errorf("README's example configuration does not load: %v", err)
	}
}
