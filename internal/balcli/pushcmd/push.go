// Package pushcmd implements `bal push`, which publishes the .bala of a
// package: to the local repository with --repository local, to a registry
// otherwise.
//
// Pushing to a registry plugs in through Options.Remote, which NewCmdPush
// sets to [NewRemote] (remote.go): Central, or the registry of [central]
// url / BALLERINA_CENTRAL_URL. Everything before the upload is common
// to both: finding the bala (the one 'bal pack' wrote to target/bala, or
// the path given), the checks of the reference CLI with its messages (the
// bala's version against Ballerina.toml, a non-empty README inside the
// archive, an existing *.bala path), and Settings.toml.
//
// --repository local installs the bala with repository.InstallLocal and
// prints
//
//	Successfully pushed target/bala/myorg-hello-any-0.1.0.bala to 'local' repository.
//
// with the path relative to the working directory (as given when a path
// was given). The local repository may be overwritten: pushing the same
// version again replaces it.
package pushcmd

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"

	"github.com/spf13/cobra"

	"github.com/balcentral/balcentral/internal/bala"
	"github.com/balcentral/balcentral/internal/balcli/cmdenv"
	"github.com/balcentral/balcentral/internal/balcli/helptext"
	"github.com/balcentral/balcentral/internal/iostreams"
	"github.com/balcentral/balcentral/internal/manifest"
	"github.com/balcentral/balcentral/internal/project"
	"github.com/balcentral/balcentral/internal/repository"
)

// LocalRepository is the --repository value of the local repository.
const LocalRepository = repository.LocalRepositoryName

// RemoteRequest is a push to a registry, handed to a RemoteFunc once the
// common checks have passed.
type RemoteRequest struct {
	// BalaPath is the bala to upload, absolute; Display is the path to
	// show the user.
	BalaPath, Display string
	// Repository is the id of the Settings.toml repository to push to, ""
	// for Central.
	Repository string
	// Settings is the validated Settings.toml (token, URL, proxy).
	Settings *manifest.Settings
	// Project is the package pushed; nil when a bala path was given.
	Project *project.Project
}

// RemoteFunc uploads a bala to a registry and prints the outcome.
type RemoteFunc func(ctx context.Context, opts *Options, req RemoteRequest) error

// Options holds the dependencies and arguments of one `bal push`.
type Options struct {
	IO       *iostreams.IOStreams
	Getwd    func() (string, error)
	UserName func() string
	HomeDir  func() (string, error)
	// Remote pushes to a registry; nil until bal can do that.
	Remote RemoteFunc

	// BalaPath is the bala path as typed, "" for the bala of the package
	// in the working directory.
	BalaPath string
	// Repository is --repository, "" for Central.
	Repository string
	// SkipSourceCheck is --skip-source-check.
	SkipSourceCheck bool
}

// NewCmdPush returns the `bal push` command. When runF is not nil it is
// called with the parsed options instead of pushing.
func NewCmdPush(env *cmdenv.Env, runF func(*Options) error) *cobra.Command {
	opts := &Options{IO: env.IO, Getwd: env.Getwd, UserName: env.UserName, HomeDir: env.HomeDir, Remote: NewRemote(env)}
	cmd := &cobra.Command{
		Use:   "push [<bala-path>]",
		Short: "Publish the .bala of a package",
		Long: `Push the .bala archive of the package in the current directory, the
one 'bal pack' wrote to target/bala, or the archive at <bala-path>.

With --repository local the archive goes to the local repository
(~/.ballerina/repositories/local, or under $BALLERINA_HOME_DIR), where
other packages on this machine can use it by naming it in their
Ballerina.toml:

    [[dependency]]
    org = "myorg"
    name = "hello"
    version = "0.1.0"
    repository = "local"

The local repository may be overwritten: pushing a version again
replaces it. Use it to try a package before publishing it.

Without --repository the archive is published to Ballerina Central, or
to the registry named by [central] url in Settings.toml or by
$BALLERINA_CENTRAL_URL, such as a self-hosted balcentral. There it is
public (unless [package] visibility = "private"), shared and permanent:
a version cannot be overwritten or removed, only deprecated (see 'bal
deprecate'). Publishing needs an access token of a user who may publish
to the package's organization: [central] accesstoken in Settings.toml,
or $BALLERINA_CENTRAL_ACCESS_TOKEN. bal push checks that the token is
set and that the registry does not have the version yet before it
uploads the archive.

Before pushing, the version in the archive's name must be the version in
Ballerina.toml, and the archive must hold a non-empty README.`,
		Example: `# Pack the package and publish it
$ bal pack
$ bal push

# Publish to a self-hosted registry
$ BALLERINA_CENTRAL_URL=https://central.example.com/2.0/registry bal push

# Push it to the local repository instead
$ bal push --repository local

# Push an archive built elsewhere to the local repository
$ bal push --repository local /tmp/myorg-hello-any-0.1.0.bala`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) > 1 {
				return cmdenv.UsageErrorf("too many arguments")
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 1 {
				opts.BalaPath = args[0]
			}
			if runF != nil {
				return runF(opts)
			}
			return run(cmd.Context(), opts)
		},
	}
	f := cmd.Flags()
	f.StringVar(&opts.Repository, "repository", "", "Push to this repository: 'local', or the id of a repository in\nSettings.toml. Default: Ballerina Central.")
	f.BoolVar(&opts.SkipSourceCheck, "skip-source-check", false, "Accepted for compatibility. bal push does not check whether the\nsources changed after 'bal pack'.")
	helptext.SetPlaceholder(f, "repository", "name")
	return cmd
}

func run(ctx context.Context, opts *Options) error {
	if ctx == nil {
		ctx = context.Background()
	}
	wd, err := opts.Getwd()
	if err != nil {
		return fmt.Errorf("cannot determine the current directory: %w", err)
	}
	var p *project.Project
	if opts.BalaPath == "" {
		if p, err = project.Load(wd, project.LoadOptions{UserName: opts.UserName()}); err != nil {
			return project.WriteFileErrors(opts.IO.ErrOut, err)
		}
	}
	home, err := opts.HomeDir()
	if err != nil {
		return err
	}
	settings, warnings, err := project.ReadSettings(home)
	project.WriteDiagnostics(opts.IO.ErrOut, warnings)
	if err != nil {
		return project.WriteFileErrors(opts.IO.ErrOut, err)
	}

	custom := ""
	switch opts.Repository {
	case "", LocalRepository:
	default:
		if _, ok := settings.Repository(opts.Repository); !ok {
			return fmt.Errorf("unsupported repository '%s' found. Only '%s' repository and repositories mentioned in the Settings.toml are supported.",
				opts.Repository, LocalRepository)
		}
		custom = opts.Repository
	}

	b, err := findBala(wd, p, opts.BalaPath)
	if err != nil {
		return err
	}
	balaPath, display := b.abs, b.display
	if err := checkDocs(b); err != nil {
		return err
	}

	if opts.Repository == LocalRepository {
		if _, err := repository.InstallLocal(repository.Layout{Home: home}, balaPath); err != nil {
			return fmt.Errorf("error while pushing bala file '%s' to '%s' repository: %w", b.named, LocalRepository, err)
		}
		fmt.Fprintf(opts.IO.Out, "Successfully pushed %s to '%s' repository.\n", display, LocalRepository)
		return nil
	}
	if opts.Remote == nil {
		if custom != "" {
			return fmt.Errorf("pushing to the repository '%s' of Settings.toml is not supported yet; use --repository %s",
				custom, LocalRepository)
		}
		return fmt.Errorf("pushing to a registry is not supported yet; use --repository %s", LocalRepository)
	}
	return opts.Remote(ctx, opts, RemoteRequest{BalaPath: balaPath, Display: display, Repository: custom,
		Settings: settings, Project: p})
}

// balaFile is the bala to push.
type balaFile struct {
	// abs is its path, absolute.
	abs string
	// display is the path shown on success: as given, else relative to
	// the working directory.
	display string
	// named is the path the reference messages name: as given, else
	// absolute.
	named string
}

// findBala returns the bala to push: the path given (checked to exist and
// to end in .bala), else the bala of p in its target directory, checked
// against p's version.
func findBala(wd string, p *project.Project, given string) (*balaFile, error) {
	if given != "" {
		abs := given
		if !filepath.IsAbs(abs) {
			abs = filepath.Join(wd, abs)
		}
		if _, err := os.Stat(abs); err != nil {
			return nil, fmt.Errorf("path provided for the bala file does not exist: %s.", given)
		}
		if filepath.Ext(abs) != ".bala" {
			return nil, fmt.Errorf("file provided is not a bala file: %s.", given)
		}
		return &balaFile{abs: filepath.Clean(abs), display: given, named: given}, nil
	}

	notFound := fmt.Errorf("cannot find bala file for the package: %s. Run 'bal pack' to compile and generate the bala.", p.Name())
	dir := filepath.Join(p.TargetDir, project.BalaDirName)
	entries, err := os.ReadDir(dir)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return nil, notFound
	case err != nil:
		return nil, err
	}
	// The balas of this package: "<org>-<name>-" cannot start the name of
	// another package's bala, as neither part may contain '-'. The one of
	// the current version is preferred; failing that the first by name is
	// taken, and refused below, as the reference CLI does.
	prefix := p.Org() + "-" + p.Name() + "-"
	var names []string
	for _, e := range entries {
		if n := e.Name(); strings.HasPrefix(n, prefix) && strings.HasSuffix(n, ".bala") && !e.IsDir() {
			names = append(names, n)
		}
	}
	if len(names) == 0 {
		return nil, notFound
	}
	sort.Strings(names)
	chosen := names[0]
	for _, n := range names {
		if strings.HasSuffix(n, "-"+p.Version()+".bala") {
			chosen = n
			break
		}
	}
	abs := filepath.Join(dir, chosen)
	if !strings.HasSuffix(chosen, p.Version()+".bala") {
		return nil, fmt.Errorf("'%s' does not match with the package version '%s' in Ballerina.toml file. Run 'bal pack' to recompile and generate the bala.",
			abs, p.Version())
	}
	b := &balaFile{abs: abs, display: abs, named: abs}
	if rel, err := filepath.Rel(wd, abs); err == nil {
		b.display = rel
	}
	return b, nil
}

// checkDocs opens the bala and checks its documentation as the reference
// CLI does before a push: the first Markdown file under docs/ must not be
// empty, and there must be one.
func checkDocs(b *balaFile) error {
	a, f, err := bala.OpenFile(b.abs, bala.DefaultLimits)
	if err != nil {
		return fmt.Errorf("invalid bala file '%s': %w", b.named, err)
	}
	defer f.Close()
	for _, name := range a.Files {
		if !strings.HasPrefix(name, "docs/") || !strings.HasSuffix(name, ".md") {
			continue
		}
		data, err := a.ReadFile(name)
		if err != nil {
			return fmt.Errorf("invalid bala file '%s': %w", b.named, err)
		}
		if len(data) == 0 {
			return fmt.Errorf("%s cannot be empty.", path.Base(name))
		}
		return nil
	}
	return fmt.Errorf("README.md is missing in bala file:%s", b.named)
}
