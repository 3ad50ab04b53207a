// Package graphcmd implements `bal graph`, which resolves the dependencies
// of a package exactly as `bal build` would and prints the dependency
// graph, writing nothing.
//
// The graph goes to stdout: Graphviz DOT in the reference toolchain's
// layout (formats.md §13) followed by a newline, an indented tree, or JSON.
// Warnings and errors go to stderr as `bal build` prints them. When
// resolution fails, the graph is still printed (conflicting packages carry
// error="true") and bal exits with status 1.
package graphcmd

import (
	"context"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/balcentral/balcentral/internal/balcli/cmdenv"
	"github.com/balcentral/balcentral/internal/balcli/helptext"
	"github.com/balcentral/balcentral/internal/balcli/resolveflags"
	"github.com/balcentral/balcentral/internal/iostreams"
	"github.com/balcentral/balcentral/internal/project"
	"github.com/balcentral/balcentral/internal/resolve"
)

// Options holds the dependencies and arguments of one `bal graph`.
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
	// Format is one of project.GraphFormats.
	Format string
	// Sticky and Offline are --sticky and --offline, nil when not given.
	Sticky, Offline *bool
	// LockingMode is --locking-mode, nil when not given.
	LockingMode *resolve.LockingMode
	// TargetDir is --target-dir as typed; its build file decides whether
	// the 24-hour window applies.
	TargetDir string
}

// NewCmdGraph returns the `bal graph` command. When runF is not nil it is
// called with the parsed options instead of resolving.
func NewCmdGraph(env *cmdenv.Env, runF func(*Options) error) *cobra.Command {
	opts := &Options{IO: env.IO, Getwd: env.Getwd, Getenv: env.Getenv, Now: env.Now, UserName: env.UserName,
		HomeDir: env.HomeDir, Distribution: env.Distribution, ConfigErr: env.ConfigErr,
		Central: env.BuildCentral}
	var resolution *resolveflags.Flags
	cmd := &cobra.Command{
		Use:   "graph [<package-path>]",
		Short: "Print the dependency graph of a package",
		Long: `Resolve the dependencies of the package in <package-path> (default:
the current directory, or the package it lies in) the way 'bal build'
would, and print the resolved graph. Nothing is written: not
Dependencies.toml, not target/build.

Formats (--format):
  dot    Graphviz DOT, one record node per package labelled with its
         version; test-only packages are marked scope="testOnly",
         local-repository ones repo="local", conflicting ones
         error="true". Language libraries are left out. Render it with
         'dot -Tsvg'.
  text   An indented tree from the package; a package shown before is
         marked (*).
  json   Every package with its version, scope, repository and direct
         dependencies.`,
		Example: `# Draw the dependency graph of the package in the current directory
$ bal graph | dot -Tsvg > graph.svg

# The same graph as a tree, using the locked versions only
$ bal graph --format text --sticky`,
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
			if !slices.Contains(project.GraphFormats, opts.Format) {
				return cmdenv.UsageErrorf("invalid value '%s' for --format: expected one of %s",
					opts.Format, strings.Join(project.GraphFormats, ", "))
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
	f.StringVar(&opts.Format, "format", project.GraphDOT, "The output format: "+strings.Join(project.GraphFormats, ", ")+".")
	helptext.SetPlaceholder(f, "format", "format")
	return cmd
}

func run(ctx context.Context, opts *Options) error {
	if ctx == nil {
		ctx = context.Background()
	}
	if opts.ConfigErr != nil {
		return opts.ConfigErr
	}
	dir, target, err := cmdenv.AbsPaths(opts.Getwd, opts.Path, opts.TargetDir)
	if err != nil {
		return err
	}
	p, err := project.LoadAndReport(dir, project.LoadOptions{UserName: opts.UserName(), TargetDir: target}, opts.IO.ErrOut)
	if err != nil {
		return err
	}
	home, err := opts.HomeDir()
	if err != nil {
		return err
	}
	central, err := cmdenv.ConnectBuild(opts.Remote, opts.Central, opts.IO.Out)
	if err != nil {
		return project.WriteFileErrors(opts.IO.ErrOut, err)
	}
	res, err := project.Build(ctx, p, project.BuildOptions{
		Distribution:  opts.Distribution,
		Now:           opts.Now(),
		Sticky:        opts.Sticky,
		Offline:       opts.Offline,
		LockingMode:   opts.LockingMode,
		HomeDir:       home,
		BallerinaHome: opts.Getenv(project.EnvBallerinaHome),
		Remote:        central.Remote,
		CentralHost:   central.Host,
		DryRun:        true,
	})
	if res != nil && res.Graph != nil {
		if werr := project.WriteGraph(opts.IO.Out, res.Graph, opts.Format); werr != nil {
			return werr
		}
	}
	if res != nil {
		project.WriteDiagnostics(opts.IO.ErrOut, res.Diagnostics)
	}
	return err
}
