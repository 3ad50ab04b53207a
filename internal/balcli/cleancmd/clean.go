// Package cleancmd implements `bal clean`, which removes the build output
// directory of a package and so lets the next `bal build` look for newer
// dependency versions at once.
//
// The work is done by project.Clean. Output on stdout: "Removed <dir>", or
// "Nothing to clean: <dir> does not exist", with <dir> relative to the
// current directory when it lies inside it.
package cleancmd

import (
	"fmt"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/balcentral/balcentral/internal/balcli/cmdenv"
	"github.com/balcentral/balcentral/internal/balcli/helptext"
	"github.com/balcentral/balcentral/internal/iostreams"
	"github.com/balcentral/balcentral/internal/project"
)

// Options holds the dependencies and arguments of one `bal clean`.
type Options struct {
	IO    *iostreams.IOStreams
	Getwd func() (string, error)

	// Path is the package path as typed, "" for the current directory.
	Path string
	// TargetDir is --target-dir as typed.
	TargetDir string
}

// NewCmdClean returns the `bal clean` command. When runF is not nil it is
// called with the parsed options instead of cleaning.
func NewCmdClean(env *cmdenv.Env, runF func(*Options) error) *cobra.Command {
	opts := &Options{IO: env.IO, Getwd: env.Getwd}
	cmd := &cobra.Command{
		Use:   "clean [<package-path>]",
		Short: "Remove the build output of a package",
		Long: `Remove the build output directory of the package in <package-path>
(default: the current directory, or the package it lies in): --target-dir
when given, else [build-options] targetDir of Ballerina.toml, else
target/.

target/build remembers when dependencies were last updated, and within
24 hours bal build keeps the locked versions. After 'bal clean' the next
build looks for newer compatible versions at once.

Only a directory is removed, never the package itself, a directory that
contains it or one that holds a Ballerina.toml; a targetDir from
Ballerina.toml must lie inside the package.`,
		Example: `# Remove target/ of the package in the current directory
$ bal clean

# Remove a build directory kept elsewhere
$ bal clean --target-dir /tmp/app-build`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) > 1 {
				return cmdenv.UsageErrorf("too many arguments")
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 1 {
				opts.Path = args[0]
			}
			if runF != nil {
				return runF(opts)
			}
			return run(opts)
		},
	}
	cmd.Flags().StringVar(&opts.TargetDir, "target-dir", "", "The build output directory to remove, instead of target/ in the\npackage.")
	helptext.SetPlaceholder(cmd.Flags(), "target-dir", "path")
	return cmd
}

func run(opts *Options) error {
	wd, err := opts.Getwd()
	if err != nil {
		return fmt.Errorf("cannot determine the current directory: %w", err)
	}
	dir, target := absPath(wd, opts.Path), ""
	if opts.TargetDir != "" {
		target = absPath(wd, opts.TargetDir)
	}
	res, err := project.Clean(dir, project.CleanOptions{TargetDir: target})
	if err != nil {
		return err
	}
	if res.Removed {
		fmt.Fprintf(opts.IO.Out, "Removed %s\n", display(wd, res.Dir))
	} else {
		fmt.Fprintf(opts.IO.Out, "Nothing to clean: %s does not exist\n", display(wd, res.Dir))
	}
	return nil
}

func absPath(wd, p string) string {
	if filepath.IsAbs(p) {
		return filepath.Clean(p)
	}
	return filepath.Join(wd, p)
}

// display returns p relative to wd when it lies inside wd, else p.
func display(wd, p string) string {
	rel, err := filepath.Rel(wd, p)
	if err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
		return p
	}
	return rel
}
