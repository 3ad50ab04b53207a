// Package deprecatecmd implements `bal deprecate`, which marks a package
// version, or every version of a package, as deprecated in the registry,
// or with --undo reverses that.
//
// The flow and the messages are the reference CLI's (central-api.md §11):
// the package is looked up first (it must exist, and an undo needs a
// deprecated package), then the registry is asked to change it. Output on
// stdout:
//
//	package myorg/hello:0.1.0 marked as deprecated in central successfully
//	deprecation message is successfully updated for the package myorg/hello:0.1.0 in central
//	deprecation of the package myorg/hello:0.1.0 is successfully undone in central
//	package myorg/hello is not marked as deprecated in central
//
// A deprecated version stays available: builds that have it in
// Dependencies.toml keep it with --sticky, new resolutions avoid it
// unless nothing else fits, and every use prints a warning. Search no
// longer lists it.
package deprecatecmd

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strings"

	"github.com/spf13/cobra"

	"github.com/balcentral/balcentral/internal/balcli/cmdenv"
	"github.com/balcentral/balcentral/internal/balcli/helptext"
	"github.com/balcentral/balcentral/internal/iostreams"
	"github.com/balcentral/balcentral/internal/manifest"
	"github.com/balcentral/balcentral/internal/project"
	"github.com/balcentral/balcentral/internal/repository/centralclient"
)

// Usage is the reference CLI's usage line for argument errors.
const Usage = "bal deprecate {<org-name>/<package-name>:<version>} [OPTIONS]"

// messagePattern is what a deprecation message may contain: no
// whitespace other than spaces, no backslash (the reference CLI builds
// the request body by string concatenation).
var messagePattern = regexp.MustCompile(`^[^\f\n\r\t\v\\]*$`)

// Client is what bal deprecate needs of the registry client.
type Client interface {
	Package(ctx context.Context, org, name, version string) (*centralclient.Package, error)
	Deprecate(ctx context.Context, org, name, version, message string, undo bool) (*centralclient.Package, error)
}

// Options holds the dependencies and arguments of one `bal deprecate`.
type Options struct {
	IO *iostreams.IOStreams
	// Settings loads Settings.toml with the environment applied.
	Settings func() (*manifest.Settings, []project.Diagnostic, error)
	// NewClient returns the registry client for the settings.
	NewClient func(*manifest.Settings) (Client, error)
	// Unauthorized words a 401 (cmdenv.Env.UnauthorizedError).
	Unauthorized func(org string, cerr *centralclient.Error) error

	// Org, Name and Version are the parsed argument; Version "" for all
	// versions.
	Org, Name, Version string
	// Message is --message; MessageSet tells whether it was given.
	Message    string
	MessageSet bool
	// Undo is --undo.
	Undo bool
}

// NewCmdDeprecate returns the `bal deprecate` command. When runF is not
// nil it is called with the parsed options instead of deprecating.
func NewCmdDeprecate(env *cmdenv.Env, runF func(*Options) error) *cobra.Command {
	opts := &Options{
		IO:           env.IO,
		Settings:     env.CentralSettings,
		NewClient:    func(s *manifest.Settings) (Client, error) { return env.CentralClient(s) },
		Unauthorized: env.UnauthorizedError,
	}
	cmd := &cobra.Command{
		Use:   "deprecate <org-name>/<package-name>[:<version>]",
		Short: "Deprecate a package in Ballerina Central",
		Long: `Mark a package published to Ballerina Central, or to the registry named
by [central] url in Settings.toml or by $BALLERINA_CENTRAL_URL, as
deprecated: the given version, or every version when none is given.

Nothing is deleted. A deprecated version is no longer listed by 'bal
search' and is not chosen for a new dependency unless no other version
fits; a package that already has it in Dependencies.toml keeps it when
built with --sticky. Every build or pull that uses it prints a warning
with the deprecation message.

Deprecating needs an access token of an owner or publisher of the
package's organization. --undo reverses a deprecation. Deprecating a
deprecated package again replaces its message.`,
		Example: `# Deprecate one version, saying what to use instead
$ bal deprecate myorg/hello:0.1.0 --message="use 0.2.0, which fixes a security issue"

# Deprecate every version
$ bal deprecate myorg/hello --message="moved to myorg/greetings"

# Undo
$ bal deprecate myorg/hello:0.1.0 --undo`,
		Args: func(cmd *cobra.Command, args []string) error {
			switch {
			case len(args) == 0:
				return &cmdenv.UsageError{Err: errors.New("no package given"), Usage: Usage}
			case len(args) > 1:
				return &cmdenv.UsageError{Err: errors.New("too many arguments"), Usage: Usage}
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.MessageSet = cmd.Flags().Changed("message")
			if opts.MessageSet && !messagePattern.MatchString(opts.Message) {
				return &cmdenv.UsageError{
					Err:   errors.New("invalid deprecation message. The message cannot contain non-space whitespace or back slash characters."),
					Usage: Usage,
				}
			}
			org, name, ver, err := parsePackage(args[0])
			if err != nil {
				return &cmdenv.UsageError{Err: err, Usage: Usage}
			}
			opts.Org, opts.Name, opts.Version = org, name, ver
			if runF != nil {
				return runF(opts)
			}
			return run(cmd.Context(), opts)
		},
	}
	f := cmd.Flags()
	f.StringVar(&opts.Message, "message", "", "The deprecation message, shown wherever the package is used: say\nwhat to use instead. It cannot contain tabs, line breaks or\nbackslashes.")
	f.BoolVar(&opts.Undo, "undo", false, "Undo the deprecation.")
	helptext.SetPlaceholder(f, "message", "message")
	return cmd
}

// parsePackage reads the package argument: cmdenv.ParsePackage, where the
// version "*" (every version, as upstream allows) means no version.
func parsePackage(arg string) (org, name, ver string, err error) {
	return cmdenv.ParsePackage(strings.TrimSuffix(arg, ":*"))
}

func run(ctx context.Context, opts *Options) error {
	if ctx == nil {
		ctx = context.Background()
	}
	if opts.MessageSet && opts.Undo {
		fmt.Fprintln(opts.IO.Out, "warning: ignoring --message flag since this is an undo request")
	}
	settings, warnings, err := opts.Settings()
	project.WriteDiagnostics(opts.IO.ErrOut, warnings)
	if err != nil {
		return project.WriteFileErrors(opts.IO.ErrOut, err)
	}
	client, err := opts.NewClient(settings)
	if err != nil {
		return err
	}
	// <p> of the messages: the argument without a trailing ":*".
	display := opts.Org + "/" + opts.Name
	ver := "*"
	if opts.Version != "" {
		display += ":" + opts.Version
		ver = opts.Version
	}

	existing, err := client.Package(ctx, opts.Org, opts.Name, ver)
	if err != nil {
		return lookupError(opts, display, err)
	}
	if opts.Undo && !existing.IsDeprecated {
		fmt.Fprintf(opts.IO.Out, "package %s is not marked as deprecated in central\n", display)
		return nil
	}
	message := ""
	if !opts.Undo {
		message = opts.Message
	}
	updated, err := client.Deprecate(ctx, opts.Org, opts.Name, ver, message, opts.Undo)
	if err != nil {
		return deprecateError(opts, display, err)
	}
	switch {
	case !updated.IsDeprecated:
		fmt.Fprintf(opts.IO.Out, "deprecation of the package %s is successfully undone in central\n", display)
	case existing.IsDeprecated:
		fmt.Fprintf(opts.IO.Out, "deprecation message is successfully updated for the package %s in central\n", display)
	default:
		fmt.Fprintf(opts.IO.Out, "package %s marked as deprecated in central successfully\n", display)
	}
	return nil
}

// lookupError words a failed lookup of the package, as the reference
// client's getPackage does.
func lookupError(opts *Options, display string, err error) error {
	sig := display
	if opts.Version == "" {
		sig += ":*"
	}
	var ce *centralclient.Error
	if !errors.As(err, &ce) {
		return fmt.Errorf("could not connect to remote repository to find package: %s. reason: %v", sig, err)
	}
	switch {
	case errors.Is(err, centralclient.ErrUnauthorized):
		return opts.Unauthorized(opts.Org, ce)
	case errors.Is(err, centralclient.ErrNotFound) && ce.Message != "":
		return errors.New(ce.Message)
	case ce.Status == 404 && ce.Message != "":
		return fmt.Errorf("could not connect to remote repository to find package: %s. reason: %s", sig, ce.Message)
	case ce.Status >= 400 && ce.Message != "":
		return errors.New(ce.Message)
	case ce.Cause != nil:
		return fmt.Errorf("could not connect to remote repository to find package: %s. reason: %v", sig, ce.Cause)
	}
	return fmt.Errorf("could not connect to remote repository to find package: %s", sig)
}

// deprecateError words a failed deprecation as the reference client does.
func deprecateError(opts *Options, display string, err error) error {
	prefix := "failed to deprecate the package: "
	if opts.Undo {
		prefix = "failed to undo deprecation of the package: "
	}
	var ce *centralclient.Error
	if !errors.As(err, &ce) {
		return fmt.Errorf("%s'%s'. reason: %v", prefix, display, err)
	}
	switch {
	case errors.Is(err, centralclient.ErrUnauthorized):
		return opts.Unauthorized("", ce)
	case ce.Status >= 500 && ce.Message != "":
		return fmt.Errorf("%s'%s' reason:%s", prefix, display, ce.Message)
	case ce.Status >= 400 && ce.Message != "":
		return errors.New(ce.Message)
	case ce.Cause != nil:
		return fmt.Errorf("%s'%s'. reason: %v", prefix, display, ce.Cause)
	}
	return fmt.Errorf("%s'%s'.", prefix, display)
}
