// Package newcmd implements `bal new`, which creates a Ballerina package.
//
// The work is done by project.New; this package turns the command line into
// its options and reports the outcome: "Created new package '<name>' at
// <path>." on stdout, with <path> as typed, and warnings on stderr.
package newcmd

import (
	"errors"
	"fmt"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/balcentral/balcentral/internal/balcli/cmdenv"
	"github.com/balcentral/balcentral/internal/balcli/helptext"
	"github.com/balcentral/balcentral/internal/iostreams"
	"github.com/balcentral/balcentral/internal/project"
)

// Options holds the dependencies and arguments of one `bal new`.
type Options struct {
	IO       *iostreams.IOStreams
	Getwd    func() (string, error)
	UserName func() string
	// Distribution is the short distribution version recorded in
	// Ballerina.toml; ConfigErr, when set, is returned instead of running.
	Distribution string
	ConfigErr    error

	// Path is the package directory as typed on the command line.
	Path string
	// Template is the --template value.
	Template string
}

// NewCmdNew returns the `bal new` command. When runF is not nil it is called
// with the parsed options instead of creating the package.
func NewCmdNew(env *cmdenv.Env, runF func(*Options) error) *cobra.Command {
	opts := &Options{IO: env.IO, Getwd: env.Getwd, UserName: env.UserName, Distribution: env.Distribution, ConfigErr: env.ConfigErr}
	cmd := &cobra.Command{
		Use:   "new <project-path>",
		Short: "Create a new Ballerina package",
		Long: `Create a Ballerina package in the directory <project-path>.

The directory is created when it does not exist; its parent must exist. An
existing directory becomes a package unless it is one already, lies inside
one or contains one.

The package is named after the last element of <project-path>. Characters a
package name cannot hold become underscores, and a warning shows the name
chosen. The organization is derived from your user name. Both are recorded in
Ballerina.toml, where you can change them.

Templates:
  default   Ballerina.toml and main.bal, a program that prints "Hello, World!".
            In an existing directory that has .bal files, main.bal is left out.
  main      The default package plus a test in tests/main_test.bal.
  service   An HTTP service in service.bal, with tests.
  lib       A library: <package>.bal with a documented public function, a
            README.md for Ballerina Central, tests/lib_test.bal and an empty
            resources/ directory.

Every template also writes .gitignore and .devcontainer.json, keeping such
files when they already have content.`,
		Example: `# Create a program in the new directory hello
$ bal new hello

# Create a library, ready for 'bal pack' and 'bal push'
$ bal new --template lib greetings

# Turn the current directory into a package
$ bal new .`,
		Args: func(cmd *cobra.Command, args []string) error {
			switch {
			case len(args) == 0 || args[0] == "":
				return cmdenv.UsageErrorf("project path is not provided.")
			case len(args) > 1:
				return cmdenv.UsageErrorf("too many arguments")
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Path = args[0]
			if runF != nil {
				return runF(opts)
			}
			return run(opts)
		},
	}
	cmd.Flags().StringVarP(&opts.Template, "template", "t", project.TemplateDefault,
		"Create the package from a template: "+strings.Join(project.Templates, ", ")+".")
	helptext.SetPlaceholder(cmd.Flags(), "template", "template-name")
	return cmd
}

func run(opts *Options) error {
	if opts.ConfigErr != nil {
		return opts.ConfigErr
	}
	dest := opts.Path
	if !filepath.IsAbs(dest) {
		wd, err := opts.Getwd()
		if err != nil {
			return fmt.Errorf("cannot determine the current directory: %w", err)
		}
		dest = filepath.Join(wd, dest)
	}
	res, err := project.New(project.NewOptions{
		Path:         dest,
		Template:     opts.Template,
		Org:          project.GuessOrgName(opts.UserName()),
		Distribution: opts.Distribution,
	})
	if err != nil {
		var de *project.DestinationError
		if errors.As(err, &de) || errors.Is(err, project.ErrNoPackageName) {
			return &cmdenv.UsageError{Err: err}
		}
		return err
	}
	for _, w := range res.Warnings {
		fmt.Fprintf(opts.IO.ErrOut, "%s\n\n", w)
	}
	fmt.Fprintf(opts.IO.Out, "Created new package '%s' at %s.\n", res.Name, displayPath(opts.Path))
	return nil
}

// displayPath returns the path as typed, without trailing separators.
func displayPath(p string) string {
	t := strings.TrimRight(p, `/`+string(filepath.Separator))
	if t == "" {
		return p[:1]
	}
	return t
}
