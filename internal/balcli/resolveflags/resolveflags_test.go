package resolveflags

import (
	"errors"
	"testing"

	"github.com/spf13/pflag"

	"github.com/balcentral/balcentral/internal/balcli/cmdenv"
)

func TestParsed(t *testing.T) {
	tests := []struct {
		args                  []string
		sticky, offline, mode string // "unset" when nil
		target                string
		wantErr               string
	}{
		{args: nil, sticky: "unset", offline: "unset", mode: "unset"},
		{args: []string{"--sticky", "--offline", "--locking-mode", "MEDIUM", "--target-dir", "out"}, sticky: "true", offline: "true", mode: "medium", target: "out"},
		{args: []string{"--sticky=false", "--offline=false"}, sticky: "false", offline: "false", mode: "unset"},
		{args: []string{"--locking-mode=bogus"}, wantErr: "invalid value 'bogus' for --locking-mode: expected one of soft, medium, hard, locked"},
	}
	for _, tt := range tests {
		fs := pflag.NewFlagSet("test", pflag.ContinueOnError)
		var target string
		f := Register(fs, &target)
		if err := fs.Parse(tt.args); err != nil {
			t.Fatalf("Parse(%q): %v", tt.args, err)
		}
		sticky, offline, mode, err := f.Parsed(fs)
		if tt.wantErr != "" {
			var ue *cmdenv.UsageError
			if !errors.As(err, &ue) || err.Error() != tt.wantErr {
				t.Errorf("Parsed(%q) error = %v, want usage error %q", tt.args, err, tt.wantErr)
			}
			continue
		}
		if err != nil {
			t.Fatalf("Parsed(%q): %v", tt.args, err)
		}
		b := func(p *bool) string {
			if p == nil {
				return "unset"
			}
			if *p {
				return "true"
			}
			return "false"
		}
		m := "unset"
		if mode != nil {
			m = mode.String()
		}
		if b(sticky) != tt.sticky || b(offline) != tt.offline || m != tt.mode || target != tt.target {
			t.Errorf("Parsed(%q) = sticky %s, offline %s, mode %s, target %q; want %s, %s, %s, %q",
				tt.args, b(sticky), b(offline), m, target, tt.sticky, tt.offline, tt.mode, tt.target)
		}
	}
}
