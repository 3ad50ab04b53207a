// Package versioncmd implements `bal version`, which prints the Ballerina
// distribution this bal stands in for, its language specification, and the
// build of balcentral's bal itself.
package versioncmd

import (
	"fmt"
	"runtime/debug"

	"github.com/spf13/cobra"

	"github.com/balcentral/balcentral/internal/balcli/cmdenv"
	"github.com/balcentral/balcentral/internal/iostreams"
	"github.com/balcentral/balcentral/internal/version"
)

// Options holds the dependencies of one `bal version`.
type Options struct {
	IO *iostreams.IOStreams
	// BuildVersion returns the version of this bal build.
	BuildVersion func() string
	// Distribution is the short distribution version bal emulates
	// ("2201.13.0"); ConfigErr, when set, is returned instead of printing.
	Distribution string
	ConfigErr    error
}

// NewCmdVersion returns the `bal version` command. When runF is not nil it is
// called with the options instead of printing.
func NewCmdVersion(env *cmdenv.Env, runF func(*Options) error) *cobra.Command {
	opts := &Options{IO: env.IO, BuildVersion: buildVersion, Distribution: env.Distribution, ConfigErr: env.ConfigErr}
	return &cobra.Command{
		Use:   "version",
		Short: "Print the Ballerina version",
		Long: `Print the Ballerina distribution this bal is compatible with, the
Ballerina language specification it implements, and the version of this
balcentral build of bal.

Packages created by bal new record the distribution version in Ballerina.toml.`,
		Example: `$ bal version`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) > 0 {
				return cmdenv.UsageErrorf("too many arguments")
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			if runF != nil {
				return runF(opts)
			}
			return run(opts)
		},
	}
}

func run(opts *Options) error {
	if opts.ConfigErr != nil {
		return opts.ConfigErr
	}
	out := opts.IO.Out
	// A short Swan Lake version is 2201.<update>.<patch>.
	v, err := version.Parse(opts.Distribution)
	if err != nil {
		return fmt.Errorf("invalid distribution version %q: %w", opts.Distribution, err)
	}
	fmt.Fprintf(out, "Ballerina %s (Swan Lake Update %s)\n", v, v.Minor())
	fmt.Fprintf(out, "Language specification %s\n", version.LanguageSpecVersion)
	fmt.Fprintf(out, "balcentral bal %s\n", opts.BuildVersion())
	return nil
}

// buildVersion returns the module version bal was built from, or "devel"
// for a build from a working tree.
func buildVersion() string {
	bi, ok := debug.ReadBuildInfo()
	if !ok || bi.Main.Version == "" || bi.Main.Version == "(devel)" {
		return "devel"
	}
	return bi.Main.Version
}
