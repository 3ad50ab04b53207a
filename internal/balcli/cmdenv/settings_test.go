package cmdenv

import (
	"path/filepath"
	"testing"
	"time"

	"github.com/balcentral/balcentral/internal/iostreams"
	"github.com/balcentral/balcentral/internal/version"
)

func TestDistributionSetting(t *testing.T) {
	tests := []struct {
		value, want, wantErr string
	}{
		{"", version.DistributionShort, ""},
		{"2201.12.0", "2201.12.0", ""},
		{"2201.8.1", "2201.8.1", ""},
		{"2201.12", "", "invalid BALCENTRAL_DISTRIBUTION '2201.12': expected a short Swan Lake distribution version such as 2201.13.0"},
		{"2201.12.0-beta1", "", "invalid BALCENTRAL_DISTRIBUTION '2201.12.0-beta1': expected a short Swan Lake distribution version such as 2201.13.0"},
		{"2201.12.0+x", "", "invalid BALCENTRAL_DISTRIBUTION '2201.12.0+x': expected a short Swan Lake distribution version such as 2201.13.0"},
		{"1.2.0", "", "invalid BALCENTRAL_DISTRIBUTION '1.2.0': expected a short Swan Lake distribution version such as 2201.13.0"},
		{"swan lake", "", "invalid BALCENTRAL_DISTRIBUTION 'swan lake': expected a short Swan Lake distribution version such as 2201.13.0"},
	}
	for _, tt := range tests {
		got, err := DistributionSetting(tt.value)
		if got != tt.want || (err == nil) != (tt.wantErr == "") || err != nil && err.Error() != tt.wantErr {
			t.Errorf("DistributionSetting(%q) = %q, %v; want %q, %q", tt.value, got, err, tt.want, tt.wantErr)
		}
	}
}

// New reads BALCENTRAL_DISTRIBUTION, BALCENTRAL_NOW and BALLERINA_HOME_DIR
// from the process environment.
func TestNewSettings(t *testing.T) {
	ios, _, _, _ := iostreams.Test()
	home := t.TempDir()
	t.Setenv("BALLERINA_HOME_DIR", home)
	t.Setenv(EnvDistribution, "2201.12.0")
	t.Setenv(EnvNow, "2026-03-01T09:00:00+01:00")
	env := New(ios)
	if env.ConfigErr != nil || env.Distribution != "2201.12.0" {
		t.Errorf("Distribution, ConfigErr = %q, %v", env.Distribution, env.ConfigErr)
	}
	if want := time.Date(2026, 3, 1, 8, 0, 0, 0, time.UTC); !env.Now().Equal(want) {
		t.Errorf("Now() = %v, want %v", env.Now(), want)
	}
	if got, err := env.HomeDir(); err != nil || got != home {
		t.Errorf("HomeDir() = %q, %v; want %q", got, err, home)
	}

	t.Setenv(EnvDistribution, "")
	t.Setenv(EnvNow, "")
	t.Setenv("BALLERINA_HOME_DIR", "")
	t.Setenv("HOME", home)
	env = New(ios)
	if env.ConfigErr != nil || env.Distribution != version.DistributionShort {
		t.Errorf("defaults: Distribution, ConfigErr = %q, %v", env.Distribution, env.ConfigErr)
	}
	if d := time.Since(env.Now()); d < 0 || d > time.Minute {
		t.Errorf("Now() is not the system clock: %v", env.Now())
	}
	if got, err := env.HomeDir(); err != nil || got != filepath.Join(home, ".ballerina") {
		t.Errorf("HomeDir() = %q, %v", got, err)
	}

	t.Setenv(EnvDistribution, "next")
	t.Setenv(EnvNow, "yesterday")
	env = New(ios)
	want := "invalid BALCENTRAL_DISTRIBUTION 'next': expected a short Swan Lake distribution version such as 2201.13.0\n" +
		"invalid BALCENTRAL_NOW 'yesterday': expected a time in RFC 3339 format such as 2026-03-01T09:00:00Z"
	if env.ConfigErr == nil || env.ConfigErr.Error() != want {
		t.Errorf("ConfigErr = %v, want %q", env.ConfigErr, want)
	}
	if env.Distribution != version.DistributionShort {
		t.Errorf("Distribution = %q after a bad setting", env.Distribution)
	}
}
