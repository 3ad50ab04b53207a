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
	"strings"
	"time"

	"github.com/balcentral/balcentral/internal/iostreams"
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
	// Now returns the current time.
	Now func() time.Time
	// UserName returns the name of the user running bal, "" when unknown.
	// bal new derives the default organization from it.
	UserName func() string
}

// New returns the environment of the running process around ios.
func New(ios *iostreams.IOStreams) *Env {
	env := &Env{
		IO:     ios,
		Getwd:  os.Getwd,
		Getenv: os.Getenv,
		Now:    time.Now,
	}
	env.UserName = func() string { return userName(env.Getenv, user.Current) }
	return env
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
