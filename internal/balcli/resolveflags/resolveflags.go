// Package resolveflags defines the flags that steer dependency resolution,
// shared by bal build, bal graph and bal pack so that the three spell,
// document and validate them alike: --sticky, --offline, --locking-mode and
// --target-dir.
package resolveflags

import (
	"github.com/spf13/pflag"

	"github.com/balcentral/balcentral/internal/balcli/cmdenv"
	"github.com/balcentral/balcentral/internal/balcli/helptext"
	"github.com/balcentral/balcentral/internal/project"
	"github.com/balcentral/balcentral/internal/resolve"
)

// Flags holds the raw flag values until parsing ends.
type Flags struct {
	sticky, offline bool
	lockingMode     string
}

// Register adds the resolution flags to fs, --target-dir bound to
// targetDir, and returns the holder of the other values for [Flags.Parsed].
func Register(fs *pflag.FlagSet, targetDir *string) *Flags {
	f := &Flags{}
	fs.BoolVar(&f.sticky, "sticky", false, "Keep exactly the versions locked in Dependencies.toml. Overrides\n[build-options] sticky; --sticky=false turns it off.")
	fs.BoolVar(&f.offline, "offline", false, "Do not contact a remote registry: use the distribution, the\nlocal repository and the Central cache only. Overrides\n[build-options] offline.")
	fs.StringVar(&f.lockingMode, "locking-mode", "", "How far locked versions may move: soft, medium, hard or locked.")
	fs.StringVar(targetDir, "target-dir", "", "The build output directory, instead of target/ in the package.")
	helptext.SetPlaceholder(fs, "locking-mode", "mode")
	helptext.SetPlaceholder(fs, "target-dir", "path")
	return f
}

// Parsed returns, once fs has been parsed, the flags the user gave: a flag
// not given is nil, so Ballerina.toml's [build-options] can decide. An
// invalid --locking-mode is a usage error.
func (f *Flags) Parsed(fs *pflag.FlagSet) (sticky, offline *bool, mode *resolve.LockingMode, err error) {
	if fs.Changed("sticky") {
		sticky = &f.sticky
	}
	if fs.Changed("offline") {
		offline = &f.offline
	}
	if fs.Changed("locking-mode") {
		m, err := project.ParseLockingMode(f.lockingMode)
		if err != nil {
			return nil, nil, nil, &cmdenv.UsageError{Err: err}
		}
		mode = &m
	}
	return sticky, offline, mode, nil
}
