package versioncmd

import (
	"errors"
	"fmt"
	"io"
	"testing"

	"github.com/balcentral/balcentral/internal/balcli/cmdenv"
	"github.com/balcentral/balcentral/internal/iostreams"
	"github.com/balcentral/balcentral/internal/version"
)

func TestNewCmdVersion(t *testing.T) {
	tests := []struct {
		args    []string
		wantErr string
	}{
		{args: nil},
		{args: []string{"extra"}, wantErr: "too many arguments"},
	}
	for _, tt := range tests {
		ios, _, _, _ := iostreams.Test()
		called := false
		cmd := NewCmdVersion(&cmdenv.Env{IO: ios}, func(o *Options) error {
			called = true
			if o.IO != ios || o.BuildVersion == nil {
				t.Errorf("options not filled from the environment: %+v", o)
			}
			return nil
		})
		cmd.SetArgs(tt.args)
		cmd.SetOut(io.Discard)
		cmd.SetErr(io.Discard)
		cmd.SilenceErrors, cmd.SilenceUsage = true, true
		err := cmd.Execute()
		if tt.wantErr == "" {
			if err != nil || !called {
				t.Errorf("args %q: error %v, runF called %v", tt.args, err, called)
			}
			continue
		}
		var ue *cmdenv.UsageError
		if err == nil || err.Error() != tt.wantErr || !errors.As(err, &ue) {
			t.Errorf("args %q: error %v (%T), want usage error %q", tt.args, err, err, tt.wantErr)
		}
	}
}

func TestRun(t *testing.T) {
	tests := []struct {
		dist, wantFirst string
	}{
		{version.DistributionShort, fmt.Sprintf("Ballerina %s (Swan Lake Update %v)", version.DistributionShort, version.DistributionUpdate)},
		{"2201.9.2", "Ballerina 2201.9.2 (Swan Lake Update 9)"},
	}
	for _, tt := range tests {
		ios, _, out, errOut := iostreams.Test()
		err := run(&Options{IO: ios, BuildVersion: func() string { return "v1.2.3" }, Distribution: tt.dist})
		if err != nil {
			t.Fatal(err)
		}
		want := fmt.Sprintf("%s\nLanguage specification %s\nbalcentral bal v1.2.3\n", tt.wantFirst, version.LanguageSpecVersion)
		if got := out.String(); got != want {
			t.Errorf("stdout = %q, want %q", got, want)
		}
		if errOut.Len() != 0 {
			t.Errorf("stderr = %q, want empty", errOut)
		}
	}
}

func TestRunConfigError(t *testing.T) {
	ios, _, out, _ := iostreams.Test()
	bad := errors.New("invalid BALCENTRAL_DISTRIBUTION 'x'")
	if err := run(&Options{IO: ios, Distribution: version.DistributionShort, ConfigErr: bad}); err != bad {
		t.Errorf("run error = %v, want %v", err, bad)
	}
	if out.Len() != 0 {
		t.Errorf("stdout = %q, want nothing printed", out)
	}
}

func TestBuildVersion(t *testing.T) {
	// A test binary is built from a working tree.
	if got := buildVersion(); got != "devel" {
		t.Errorf("buildVersion() = %q, want devel", got)
	}
}
