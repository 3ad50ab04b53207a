// Package packcmd implements `bal pack`, which checks a package, resolves
// and locks its dependencies and writes its .bala archive. It does not
// compile: the module-level declarations of the sources are parsed (a
// syntax error there stops the pack) and the archive holds the sources as
// they are, as the reference bala does.
//
// The work is done by project.Load and project.Pack. Output (stdout):
//
//	Checking source
//		myorg/hello:0.1.0
//
//	Creating bala
//		target/bala/myorg-hello-any-0.1.0.bala
//
// The archive path is relative to the package (absolute when the target
// directory lies outside it). The reference bal pack says "Compiling
// source"; this one says "Checking source" because it compiles nothing.
// When resolution moved locked dependencies to other versions, an
// "Updated Dependencies.toml" section listing them comes before "Creating
// bala"; a Dependencies.toml created or left unchanged is not mentioned
// (bal build reports on it), so the usual output is the reference's two
// sections.
//
// Warnings and errors go to stderr: the reference README warnings as
// "ballerina: warning: ..." lines, diagnostics as bal build prints them.
// A failure ends with "ballerina: <message>" and exit status 1.
package packcmd

import (
	"context"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/balcentral/balcentral/internal/balcli/cmdenv"
	"github.com/balcentral/balcentral/internal/balcli/resolveflags"
	"github.com/balcentral/balcentral/internal/iostreams"
	"github.com/balcentral/balcentral/internal/project"
	"github.com/balcentral/balcentral/internal/resolve"
)

// Options holds the dependencies and arguments of one `bal pack`.
type Options struct {
	IO           *iostreams.IOStreams
	Getwd        func() (string, error)
	Getenv       func(string) string
	Now          func() time.Time
	UserName     func() string
	HomeDir      func() (string, error)
	Distribution string
	// ConfigErr is cmdenv.Env.ConfigErr: a bad setting in the environment.
	ConfigErr error
	// Remote connects Central to a remote registry; nil for none.
	Remote project.RemoteFunc
	// Central, used when Remote is nil, connects to the registry of
	// Settings.toml (cmdenv.Env.BuildCentral); nil for none.
	Central func(out io.Writer) (*cmdenv.BuildCentral, error)

	// Path is the package path as typed, "" for the current directory.
	Path string
	// Sticky and Offline are --sticky and --offline, nil when not given.
	Sticky, Offline *bool
	// LockingMode is --locking-mode, nil when not given.
	LockingMode *resolve.LockingMode
	// TargetDir is --target-dir as typed.
	TargetDir string
}

// NewCmdPack returns the `bal pack` command. When runF is not nil it is
// called with the parsed options instead of packing.
func NewCmdPack(env *cmdenv.Env, runF func(*Options) error) *cobra.Command {
	opts := &Options{IO: env.IO, Getwd: env.Getwd, Getenv: env.Getenv, Now: env.Now, UserName: env.UserName,
		HomeDir: env.HomeDir, Distribution: env.Distribution, ConfigErr: env.ConfigErr,
		Central: env.BuildCentral}
	var resolution *resolveflags.Flags
	cmd := &cobra.Command{
		Use:   "pack [<package-path>]",
		Short: "Create the .bala archive of a package",
		Long: `Check the package in <package-path> (default: the current directory, or
the package it lies in), resolve and lock its dependencies like
'bal build', and write its distribution archive, the .bala that
'bal push' publishes, to target/bala/<org>-<name>-<platform>-<version>.bala.

bal pack does not compile. It checks that Ballerina.toml has a [package]
table with org, name and version, that Settings.toml is valid, that the
declarations of every source file parse (function bodies are left to the
compiler) and that every import can be resolved; the Ballerina
distribution compiles the package when it is used.

The archive holds bala.json, package.json (from Ballerina.toml),
dependency-graph.json (the resolved graph and the imports of each module),
the README and icon under docs/, the sources of every module (not the
tests), resources/, the files [package] include names and the platform
libraries. Its platform is 'any', or 'java21' when a module imports
ballerina/jballerina.java or Ballerina.toml declares platform libraries.
Packing an unchanged package again gives a byte-identical file.

A README.md (or the file [package] readme names) is required to push to
Ballerina Central; bal pack warns when it is missing or empty.`,
		Example: `# Pack the package in the current directory
$ bal pack

# Pack with exactly the locked versions, without contacting Central
$ bal pack --sticky --offline

# Write the archive under another build directory
$ bal pack --target-dir /tmp/build`,
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
			var err error
			opts.Sticky, opts.Offline, opts.LockingMode, err = resolution.Parsed(cmd.Flags())
			if err != nil {
				return err
			}
			if runF != nil {
				return runF(opts)
			}
			return run(cmd.Context(), opts)
		},
	}
	f := cmd.Flags()
	resolution = resolveflags.Register(f, &opts.TargetDir)
	return cmd
}

// errSingleFile is the reference message for a .bal file given as the
// package.
const errSingleFile = "bal pack can only be used with a Ballerina package."

func run(ctx context.Context, opts *Options) error {
	if ctx == nil {
		ctx = context.Background()
	}
	if opts.ConfigErr != nil {
		return opts.ConfigErr
	}
	if opts.Path != "" && filepath.Ext(filepath.Clean(opts.Path)) == ".bal" {
		return errors.New(errSingleFile)
	}
	dir, target, err := cmdenv.AbsPaths(opts.Getwd, opts.Path, opts.TargetDir)
	if err != nil {
		return err
	}
	p, err := project.LoadAndReport(dir, project.LoadOptions{UserName: opts.UserName(), TargetDir: target}, opts.IO.ErrOut)
	if err != nil {
		return err
	}
	errOut := opts.IO.ErrOut
	home, err := opts.HomeDir()
	if err != nil {
		return err
	}

	out := opts.IO.Out
	fmt.Fprintf(out, "Checking source\n\t%s\n", p.ID())
	central, err := cmdenv.ConnectBuild(opts.Remote, opts.Central, opts.IO.Out)
	if err != nil {
		return project.WriteFileErrors(errOut, err)
	}
	res, err := project.Pack(ctx, p, project.PackOptions{BuildOptions: project.BuildOptions{
		Distribution:  opts.Distribution,
		Now:           opts.Now(),
		Sticky:        opts.Sticky,
		Offline:       opts.Offline,
		LockingMode:   opts.LockingMode,
		HomeDir:       home,
		BallerinaHome: opts.Getenv(project.EnvBallerinaHome),
		Remote:        central.Remote,
		CentralHost:   central.Host,
	}})
	if res != nil {
		for _, n := range res.Notices {
			fmt.Fprintf(errOut, "ballerina: %s\n", n)
		}
		project.WriteDiagnostics(errOut, res.Diagnostics)
		if res.Build != nil {
			project.WriteDiagnostics(errOut, res.Build.Diagnostics)
		}
	}
	if err != nil {
		return project.WriteFileErrors(errOut, err)
	}
	if res.Build.Lock == project.LockUpdated && len(res.Build.Changes) > 0 {
		fmt.Fprintln(out, "\nUpdated Dependencies.toml")
		for _, c := range res.Build.Changes {
			fmt.Fprintf(out, "\t%s\n", c)
		}
	}
	fmt.Fprintf(out, "\nCreating bala\n\t%s\n", displayPath(p.Dir, res.Path))
	return nil
}

// displayPath returns path relative to the package directory, or absolute
// when it lies outside it, as the reference bal pack prints the archive.
func displayPath(pkgDir, path string) string {
	rel, err := filepath.Rel(pkgDir, path)
	if err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
		return path
	}
	return rel
}
