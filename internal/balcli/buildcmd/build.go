// Package buildcmd implements `bal build`, which resolves the dependencies
// of a package and locks them in Dependencies.toml. It does not compile:
// this bal manages packages, and compiling is left to the Ballerina
// distribution.
//
// The work is done by project.Load and project.Build. Output:
//
//	Resolving dependencies
//		myorg/app:0.1.0
//		samjs/foo:1.2.1 pulled from central successfully
//
//	Updated Dependencies.toml
//		samjs/foo:1.2.0 → 1.2.1
//
// on stdout: a heading, the package, a line for each package downloaded
// from the registry (cmdenv.Env.BuildCentral), then what became of Dependencies.toml
// ("Created Dependencies.toml", "Updated Dependencies.toml" with one line
// per changed version, "Dependencies.toml is up to date", or "No
// dependencies: Dependencies.toml not needed"). Inside the 24-hour window
// a line under the package says that the locked versions were kept.
// Warnings and errors go to stderr, positioned as "file:line:col:" where
// they have a place, with explanation lines indented by a TAB; a failed
// build ends with "ballerina: <summary>" and exit status 1.
package buildcmd

import (
	"context"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/balcentral/balcentral/internal/balcli/cmdenv"
	"github.com/balcentral/balcentral/internal/balcli/helptext"
	"github.com/balcentral/balcentral/internal/balcli/resolveflags"
	"github.com/balcentral/balcentral/internal/iostreams"
	"github.com/balcentral/balcentral/internal/manifest"
	"github.com/balcentral/balcentral/internal/project"
	"github.com/balcentral/balcentral/internal/resolve"
)

// Options holds the dependencies and arguments of one `bal build`.
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
	// WhyOrg and WhyName are the package of --why, "" when not given.
	WhyOrg, WhyName string
}

// NewCmdBuild returns the `bal build` command. When runF is not nil it is
// called with the parsed options instead of building.
func NewCmdBuild(env *cmdenv.Env, runF func(*Options) error) *cobra.Command {
	opts := &Options{IO: env.IO, Getwd: env.Getwd, Getenv: env.Getenv, Now: env.Now, UserName: env.UserName,
		HomeDir: env.HomeDir, Distribution: env.Distribution, ConfigErr: env.ConfigErr,
		Central: env.BuildCentral}
	var (
		resolution *resolveflags.Flags
		why        string
	)
	cmd := &cobra.Command{
		Use:   "build [<package-path>]",
		Short: "Resolve and lock the dependencies of a package",
		Long: `Resolve the dependencies of the package in <package-path> (default:
the current directory, or the package it lies in) and lock them in
Dependencies.toml. bal build does not compile: it checks that every
import can be resolved and records the versions, so that the Ballerina
distribution's compiler, another machine or CI uses the same ones.

Packages come from the distribution repository ($BALLERINA_HOME/repo/bala
and the built-in packages), from the local repository for [[dependency]]
entries with repository = "local", and from Ballerina Central: the
registry of Settings.toml ([central] url, or $BALLERINA_CENTRAL_URL; the
token of [central] accesstoken or $BALLERINA_CENTRAL_ACCESS_TOKEN gives
access to private packages) and its cache in the Ballerina home
(~/.ballerina, or $BALLERINA_HOME_DIR). The packages of the resolved
graph that the cache lacks are downloaded into it, in parallel. With
--offline, or when the registry cannot be reached (bal then warns), the
cache alone is used.

The first build picks the latest compatible versions and writes
Dependencies.toml. Later builds treat its versions as minimums and take
newer patches at most once a day: within 24 hours of the last update the
locked versions are kept, and the registry is not asked at all when the
cache holds them. 'bal clean' removes target/ and with it that memory.
A Dependencies.toml written by another Swan Lake Update is updated to
the newest compatible versions, with a warning.

Locking modes (--locking-mode):
  soft     Same major version, newest (for 0.x: same minor).
  medium   Same minor version, newest patch. The default for a package
           with a Dependencies.toml.
  hard     Exactly the locked versions. Same as --sticky.
  locked   Like hard, and a new import is an error.

Dependencies.toml is rewritten only when its content changes;
target/build records when dependencies were last updated. Nothing is
written when resolution fails.`,
		Example: `# Resolve and lock the dependencies of the package in the current directory
$ bal build

# Keep exactly the versions in Dependencies.toml, without contacting Central
$ bal build --sticky --offline

# Show why a package is in the dependency graph
$ bal build --why ballerina/io`,
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
			if cmd.Flags().Changed("why") {
				org, name, ok := strings.Cut(why, "/")
				if !ok || manifest.CheckPackage(org, name) != nil {
					return cmdenv.UsageErrorf("invalid value '%s' for --why: expected <org>/<package-name>", why)
				}
				opts.WhyOrg, opts.WhyName = org, name
			}
			if runF != nil {
				return runF(opts)
			}
			return run(cmd.Context(), opts)
		},
	}
	f := cmd.Flags()
	resolution = resolveflags.Register(f, &opts.TargetDir)
	f.StringVar(&why, "why", "", "Print every import path from the package to <org>/<package-name>.")
	helptext.SetPlaceholder(f, "why", "org>/<package-name")
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

	out := opts.IO.Out
	fmt.Fprintf(out, "Resolving dependencies\n\t%s\n", p.ID())
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
	})
	if res != nil {
		project.WriteDiagnostics(opts.IO.ErrOut, res.Diagnostics)
	}
	if err != nil {
		return err
	}
	if res.WithinUpdateWindow {
		fmt.Fprintf(out, "\tkept the versions resolved less than 24 hours ago (run 'bal clean' to look for updates)\n")
	}
	fmt.Fprintln(out)
	switch res.Lock {
	case project.LockCreated:
		fmt.Fprintln(out, "Created Dependencies.toml")
	case project.LockUpdated:
		fmt.Fprintln(out, "Updated Dependencies.toml")
		for _, c := range res.Changes {
			fmt.Fprintf(out, "\t%s\n", c)
		}
	case project.LockUnchanged:
		fmt.Fprintln(out, "Dependencies.toml is up to date")
	case project.LockNotNeeded:
		fmt.Fprintln(out, "No dependencies: Dependencies.toml not needed")
	}
	if opts.WhyName != "" {
		printWhy(out, res.Graph, opts.WhyOrg, opts.WhyName)
	}
	return nil
}

// printWhy prints the import paths to a package.
func printWhy(w io.Writer, g *resolve.Graph, org, name string) {
	fmt.Fprintln(w)
	paths := g.PathsTo(org, name)
	if len(paths) == 0 {
		fmt.Fprintf(w, "%s/%s is not in the dependency graph of %s\n", org, name, g.Root.ID())
		return
	}
	fmt.Fprintf(w, "Why %s/%s is a dependency:\n", org, name)
	for _, path := range paths {
		ids := make([]string, len(path))
		for i, n := range path {
			ids[i] = n.ID()
		}
		fmt.Fprintf(w, "\t%s\n", strings.Join(ids, " → "))
	}
}
