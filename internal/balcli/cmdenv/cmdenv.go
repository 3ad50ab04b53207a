// Package cmdenv holds what every bal command receives from the invocation
// that runs it, and the error types commands return to the central printer.
//
// An [Env] is built once per invocation by [New] (or by hand in tests) and
// handed to every command constructor. Commands copy the parts they use into
// their options struct, so a test replaces a dependency by setting a field.
//
// Commands report failures by returning an error; they never print errors
// themselves. The printer in package balcli writes every error as
// "ballerina: <message>" on stderr and exits with status 1. A [*UsageError]
// additionally prints the command's usage line, and [ErrSilent] prints
// nothing because the command has already explained itself.
package cmdenv

import (
	"errors"
	"fmt"
	"os"
	"os/user"
	"path/filepath"
	"strings"
	"time"

	"github.com/balcentral/balcentral/internal/iostreams"
	"github.com/balcentral/balcentral/internal/manifest"
	"github.com/balcentral/balcentral/internal/version"
)

// Env is the environment of one bal invocation.
type Env struct {
	// IO holds the standard streams.
	IO *iostreams.IOStreams
	// Getwd returns the directory relative paths on the command line are
	// resolved against.
	Getwd func() (string, error)
	// Getenv reads an environment variable; "" when unset.
	Getenv func(string) string
	// LookupEnv reads an environment variable and reports whether it is
	// set, so that a variable set to "" can be told from an unset one
	// (BALLERINA_CENTRAL_ACCESS_TOKEN="" replaces the token of
	// Settings.toml). When nil, [Env.Lookup] falls back to Getenv and
	// treats "" as unset.
	LookupEnv func(string) (string, bool)
	// Now returns the current time.
	Now func() time.Time
	// UserName returns the name of the user running bal, "" when unknown.
	// bal new derives the default organization from it.
	UserName func() string
	// Distribution is the short version of the Ballerina distribution bal
	// emulates, e.g. "2201.13.0": version.DistributionShort unless
	// $BALCENTRAL_DISTRIBUTION names another (see [DistributionSetting]).
	// It is recorded in Dependencies.toml and target/build, filters the
	// Central cache and drives the distribution-change warnings.
	Distribution string
	// HomeDir returns the Ballerina home directory: $BALLERINA_HOME_DIR,
	// else ~/.ballerina.
	HomeDir func() (string, error)
	// ConfigErr is the problem New found with a setting read from the
	// environment ($BALCENTRAL_DISTRIBUTION, $BALCENTRAL_NOW), nil when
	// there is none. New then leaves the setting at its default; commands
	// that depend on Distribution or Now return ConfigErr instead of
	// running with a value the user did not ask for.
	ConfigErr error
}

// Environment variables read by New.
const (
	// EnvDistribution overrides the distribution bal emulates.
	EnvDistribution = "BALCENTRAL_DISTRIBUTION"
	// EnvNow fixes the clock, in RFC 3339 ("2026-03-01T09:00:00Z"). It is
	// a testing aid: scripts use it to build "25 hours later" and to
	// compare target/build byte for byte.
	EnvNow = "BALCENTRAL_NOW"
)

// New returns the environment of the running process around ios.
func New(ios *iostreams.IOStreams) *Env {
	env := &Env{
		IO:           ios,
		Getwd:        os.Getwd,
		Getenv:       os.Getenv,
		LookupEnv:    os.LookupEnv,
		Now:          time.Now,
		Distribution: version.DistributionShort,
	}
	env.UserName = func() string { return userName(env.Getenv, user.Current) }
	env.HomeDir = func() (string, error) { return manifest.HomeDir(env.Getenv, os.UserHomeDir) }
	dist, distErr := DistributionSetting(env.Getenv(EnvDistribution))
	if distErr == nil {
		env.Distribution = dist
	}
	now, nowErr := clockSetting(env.Getenv(EnvNow))
	if nowErr == nil && now != nil {
		env.Now = now
	}
	env.ConfigErr = errors.Join(distErr, nowErr)
	return env
}

// Lookup reads the environment variable name through LookupEnv, or through
// Getenv when LookupEnv is nil (an Env built by hand in a test).
func (e *Env) Lookup(name string) (string, bool) {
	if e.LookupEnv != nil {
		return e.LookupEnv(name)
	}
	if e.Getenv == nil {
		return "", false
	}
	v := e.Getenv(name)
	return v, v != ""
}

// DistributionSetting returns the distribution named by a
// BALCENTRAL_DISTRIBUTION value: version.DistributionShort for "", else
// the value itself when it is a short Swan Lake distribution version
// (2201.<update>.<patch>, no pre-release or build suffix).
func DistributionSetting(value string) (string, error) {
	if value == "" {
		return version.DistributionShort, nil
	}
	v, err := version.Parse(value)
	if err != nil || v.IsPreRelease() || v.Build() != "" || v.Major() != "2201" {
		return "", fmt.Errorf("invalid %s '%s': expected a short Swan Lake distribution version such as %s",
			EnvDistribution, value, version.DistributionShort)
	}
	return v.String(), nil
}

// clockSetting returns a clock fixed at the time a BALCENTRAL_NOW value
// names, or nil for "".
func clockSetting(value string) (func() time.Time, error) {
	if value == "" {
		return nil, nil
	}
	t, err := time.Parse(time.RFC3339, value)
	if err != nil {
		return nil, fmt.Errorf("invalid %s '%s': expected a time in RFC 3339 format such as 2026-03-01T09:00:00Z",
			EnvNow, value)
	}
	return func() time.Time { return t }, nil
}

// userName returns $USER, else $USERNAME (Windows), else the account name of
// the process owner without any Windows domain prefix; "" when none is known.
// The environment comes first so that scripts and CI jobs can choose the name.
func userName(getenv func(string) string, current func() (*user.User, error)) string {
	for _, name := range []string{"USER", "USERNAME"} {
		if v := getenv(name); v != "" {
			return v
		}
	}
	u, err := current()
	if err != nil || u == nil {
		return ""
	}
	name := u.Username
	if i := strings.LastIndex(name, `\`); i >= 0 {
		name = name[i+1:]
	}
	return name
}

// UsageError reports a command line that cannot be acted on: a missing or
// extra argument, an unknown flag, a destination that does not exist. The
// printer follows its message with the usage line of the command.
type UsageError struct {
	// Err is the problem; its text is printed after "ballerina: ".
	Err error
	// Usage overrides the usage line, e.g. "bal new <project-path>". When
	// empty, the printer uses the line of the command that failed.
	Usage string
}

// UsageErrorf returns a *UsageError whose message is formatted as by
// fmt.Errorf, so %w wraps as usual.
func UsageErrorf(format string, a ...any) error {
	return &UsageError{Err: fmt.Errorf(format, a...)}
}

func (e *UsageError) Error() string { return e.Err.Error() }

func (e *UsageError) Unwrap() error { return e.Err }

// ErrSilent is returned by a command that has already written its own
// diagnostics; the printer adds nothing and bal exits with status 1.
var ErrSilent = errors.New("silent error")

// AbsPaths returns the package path and the target directory (or "") of a
// command line as absolute paths, relative ones being taken from the
// working directory getwd returns.
func AbsPaths(getwd func() (string, error), path, target string) (string, string, error) {
	if filepath.IsAbs(path) && (target == "" || filepath.IsAbs(target)) {
		return filepath.Clean(path), target, nil
	}
	wd, err := getwd()
	if err != nil {
		return "", "", fmt.Errorf("cannot determine the current directory: %w", err)
	}
	if !filepath.IsAbs(path) {
		path = filepath.Join(wd, path)
	}
	if target != "" && !filepath.IsAbs(target) {
		target = filepath.Join(wd, target)
	}
	return filepath.Clean(path), target, nil
}
