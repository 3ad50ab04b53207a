package graphcmd

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/balcentral/balcentral/internal/balcli/cmdenv"
	"github.com/balcentral/balcentral/internal/iostreams"
)

func TestNewCmdGraph(t *testing.T) {
	tests := []struct {
		name     string
		args     []string
		want     string
		wantErr  string
		usageErr bool
	}{
		{name: "defaults", args: nil, want: `{Path:"" Format:dot Sticky:unset Offline:unset LockingMode:unset TargetDir:""}`},
		{name: "all flags", args: []string{"--format", "json", "--sticky", "--offline=false", "--locking-mode", "hard", "--target-dir", "out", "app"},
			want: `{Path:"app" Format:json Sticky:true Offline:false LockingMode:hard TargetDir:"out"}`},
		{name: "text", args: []string{"--format=text"}, want: `{Path:"" Format:text Sticky:unset Offline:unset LockingMode:unset TargetDir:""}`},
		{name: "bad format", args: []string{"--format", "svg"}, wantErr: "invalid value 'svg' for --format: expected one of dot, text, json", usageErr: true},
		{name: "bad locking mode", args: []string{"--locking-mode", "loose"},
			wantErr: "invalid value 'loose' for --locking-mode: expected one of soft, medium, hard, locked", usageErr: true},
		{name: "two paths", args: []string{"a", "b"}, wantErr: "too many arguments", usageErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ios, _, _, _ := iostreams.Test()
			var got *Options
			cmd := NewCmdGraph(&cmdenv.Env{IO: ios}, func(o *Options) error {
				got = o
				return nil
			})
			cmd.SetArgs(tt.args)
			cmd.SetOut(io.Discard)
			cmd.SetErr(io.Discard)
			cmd.SilenceErrors, cmd.SilenceUsage = true, true
			err := cmd.Execute()
			if tt.wantErr != "" {
				var ue *cmdenv.UsageError
				if err == nil || err.Error() != tt.wantErr || errors.As(err, &ue) != tt.usageErr {
					t.Fatalf("error = %v (%T), want %q", err, err, tt.wantErr)
				}
				if got != nil {
					t.Error("runF was called despite the error")
				}
				return
			}
			if err != nil || got == nil {
				t.Fatalf("error = %v, runF called: %v", err, got != nil)
			}
			if s := describe(got); s != tt.want {
				t.Errorf("options = %s, want %s", s, tt.want)
			}
		})
	}
}

func describe(o *Options) string {
	b := func(p *bool) string {
		if p == nil {
			return "unset"
		}
		return fmt.Sprint(*p)
	}
	mode := "unset"
	if o.LockingMode != nil {
		mode = o.LockingMode.String()
	}
	return fmt.Sprintf("{Path:%q Format:%s Sticky:%s Offline:%s LockingMode:%s TargetDir:%q}",
		o.Path, o.Format, b(o.Sticky), b(o.Offline), mode, o.TargetDir)
}

func write(t *testing.T, p, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

// fixture writes package app importing samjs/a and samjs/b, and a Central
// cache in which a depends on samjs/c:1.0.0 and b on c at version cb.
func fixture(t *testing.T, cb string) (wd string) {
	wd = t.TempDir()
	write(t, filepath.Join(wd, "app", "Ballerina.toml"), "[package]\norg = \"myorg\"\nname = \"app\"\nversion = \"0.1.0\"\n")
	write(t, filepath.Join(wd, "app", "main.bal"), "import samjs/a;\nimport samjs/b;\n")
	bala := func(name, ver, dep string) {
		dir := filepath.Join(wd, "home", "repositories", "central.ballerina.io", "bala", "samjs", name, ver, "any")
		write(t, filepath.Join(dir, "package.json"), fmt.Sprintf(`{"organization": "samjs", "name": %q, "version": %q, "ballerina_version": "2201.13.0"}`, name, ver))
		deps := ""
		if dep != "" {
			n, v, _ := strings.Cut(dep, ":")
			deps = fmt.Sprintf(`{"org": "samjs", "name": %q, "version": %q}`, n, v)
		}
		write(t, filepath.Join(dir, "dependency-graph.json"), fmt.Sprintf(`{"packages": [{"org": "samjs", "name": %q, "version": %q, "dependencies": [%s]}]}`, name, ver, deps))
	}
	bala("a", "1.0.0", "c:1.0.0")
	bala("b", "1.0.0", "c:"+cb)
	bala("c", "1.0.0", "")
	bala("c", cb, "")
	return wd
}

func runIn(t *testing.T, wd string, format string) (string, string, error) {
	ios, _, out, errOut := iostreams.Test()
	err := run(context.Background(), &Options{
		IO:           ios,
		Getwd:        func() (string, error) { return wd, nil },
		Getenv:       func(string) string { return "" },
		Now:          func() time.Time { return time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC) },
		UserName:     func() string { return "tester" },
		HomeDir:      func() (string, error) { return filepath.Join(wd, "home"), nil },
		Distribution: "2201.13.0",
		Path:         "app",
		Format:       format,
	})
	return out.String(), errOut.String(), err
}

func TestRun(t *testing.T) {
	wd := fixture(t, "1.1.0")
	out, errOut, err := runIn(t, wd, "dot")
	if err != nil || errOut != "" {
		t.Fatalf("error %v, stderr %q", err, errOut)
	}
	want := `digraph "myorg/app:0.1.0" {
	node [shape=record]
	"myorg/app" [label="<0.1.0> myorg/app:0.1.0"];
	"samjs/b" [label="<1.0.0> samjs/b:1.0.0"];
	"samjs/a" [label="<1.0.0> samjs/a:1.0.0"];
	"samjs/c" [label="<1.1.0> samjs/c:1.1.0"];

	// Edges
	"myorg/app":"0.1.0" -> "samjs/a":"1.0.0";
	"myorg/app":"0.1.0" -> "samjs/b":"1.0.0";
	"samjs/b":"1.0.0" -> "samjs/c":"1.1.0";
	"samjs/a":"1.0.0" -> "samjs/c":"1.1.0";
}
`
	if out != want {
		t.Errorf("stdout:\n%s\nwant:\n%s", out, want)
	}
	out, _, _ = runIn(t, wd, "text")
	if want := "myorg/app:0.1.0\n├── samjs/a:1.0.0\n│   └── samjs/c:1.1.0\n└── samjs/b:1.0.0\n    └── samjs/c:1.1.0\n"; out != want {
		t.Errorf("text:\n%s\nwant:\n%s", out, want)
	}
	entries, err := os.ReadDir(filepath.Join(wd, "app"))
	if err != nil || len(entries) != 2 {
		t.Errorf("bal graph wrote files: %v %v", entries, err)
	}
}

// A conflict still prints the graph, then the error.
func TestRunConflict(t *testing.T) {
	wd := fixture(t, "2.0.0")
	out, errOut, err := runIn(t, wd, "dot")
	if err == nil || err.Error() != "dependency resolution failed" {
		t.Errorf("error = %v", err)
	}
	if !strings.Contains(out, `"samjs/c" [error="true",label=`) {
		t.Errorf("stdout lacks the error node:\n%s", out)
	}
	if !strings.HasPrefix(errOut, "error: Two incompatible versions exist in the dependency graph: samjs/c versions: 1.0.0, 2.0.0\n") {
		t.Errorf("stderr:\n%s", errOut)
	}
}

func TestRunErrors(t *testing.T) {
	wd := t.TempDir()
	write(t, filepath.Join(wd, "app", "Ballerina.toml"), "[package]\norg = 1\n")
	_, errOut, err := runIn(t, wd, "dot")
	if err == nil || err.Error() != "Ballerina.toml contains errors" {
		t.Errorf("error = %v", err)
	}
	if want := "Ballerina.toml:2:7: incompatible type for key 'org': expected 'STRING', found 'INTEGER'\n"; !strings.HasPrefix(errOut, want) {
		t.Errorf("stderr %q, want prefix %q", errOut, want)
	}
	ios, _, _, _ := iostreams.Test()
	err = run(context.Background(), &Options{IO: ios, ConfigErr: errors.New("bad setting")})
	if err == nil || err.Error() != "bad setting" {
		t.Errorf("ConfigErr: error = %v", err)
	}
}
