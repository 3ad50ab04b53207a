package registry

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"runtime"
	"runtime/debug"
	"strings"
	"syscall"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// Exit statuses of central.
const (
	ExitOK = 0
	// ExitError: the server could not start or failed while serving.
	ExitError = 1
	// ExitUsage: the command line or the configuration is wrong.
	ExitUsage = 2
)

// Main runs the central program with args (without the program name) and
// returns its exit status. SIGINT and SIGTERM stop a running server
// gracefully; a second signal kills the process at once.
func Main(args []string, getenv func(string) string, stdout, stderr io.Writer) int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	// After the first signal, give the default behaviour back, so that an
	// impatient second Ctrl-C ends a slow drain.
	context.AfterFunc(ctx, stop)
	return mainCommand(getenv, stdout, stderr).Run(ctx, args)
}

// mainCommand is the Command of Main: the process's streams and files, and
// the first start's bootstrap ([AdminBootstrapper]).
func mainCommand(getenv func(string) string, stdout, stderr io.Writer) *Command {
	return &Command{Stdin: os.Stdin, Stdout: stdout, Stderr: stderr, Getenv: getenv, ReadFile: os.ReadFile, Bootstrapper: AdminBootstrapper{}}
}

// Command is one invocation of central with the outside world injected, so
// tests run it in-process. Main fills it from the process.
type Command struct {
	// Stdin is read by the admin commands' --password-stdin.
	Stdin io.Reader
	// Stdout receives the "listening on" line and command output; Stderr
	// the logs and error messages.
	Stdout, Stderr io.Writer
	// Getenv and ReadFile read the environment and the configuration file.
	Getenv   func(string) string
	ReadFile func(string) ([]byte, error)
	// Bootstrapper, if not nil, runs before the server accepts requests;
	// see [Bootstrapper]. Main sets [AdminBootstrapper]; tests leave it
	// nil or set their own.
	Bootstrapper Bootstrapper
}

// Run executes the invocation and returns the exit status. The server
// stops when ctx is done.
func (c *Command) Run(ctx context.Context, args []string) int {
	root := c.newRootCmd(ctx)
	root.SetArgs(args)
	err := root.Execute()
	var silent *silentError
	var usage *UsageError
	switch {
	case err == nil:
		return ExitOK
	case errors.As(err, &silent):
		return ExitError
	case errors.As(err, &usage):
		fmt.Fprintf(c.Stderr, "central: %v\nRun 'central --help' for usage.\n", err)
		return ExitUsage
	case errors.As(err, new(*configError)):
		for _, line := range strings.Split(err.Error(), "\n") {
			fmt.Fprintf(c.Stderr, "central: %s\n", line)
		}
		return ExitUsage
	default:
		fmt.Fprintf(c.Stderr, "central: %v\n", err)
		return ExitError
	}
}

// silentError is an error that has been logged already.
type silentError struct{ err error }

func (e *silentError) Error() string { return e.err.Error() }
func (e *silentError) Unwrap() error { return e.err }

// configError is an invalid configuration (one problem per line).
type configError struct{ err error }

func (e *configError) Error() string { return e.err.Error() }
func (e *configError) Unwrap() error { return e.err }

func (c *Command) newRootCmd(ctx context.Context) *cobra.Command {
	serve := func(cmd *cobra.Command, _ []string) error {
		cfg, err := configFromFlags(cmd.Flags(), c.Getenv, c.ReadFile)
		if err != nil {
			var ue *UsageError
			if errors.As(err, &ue) {
				return err
			}
			return &configError{err}
		}
		if err := checkStorage(&cfg); err != nil {
			return &configError{err}
		}
		log := NewLogger(c.Stderr, cfg)
		if err := Run(ctx, cfg, RunOptions{Stdout: c.Stdout, Log: log, Bootstrapper: c.Bootstrapper}); err != nil {
			log.Error("central stopped", "err", err)
			return &silentError{err}
		}
		return nil
	}
	root := &cobra.Command{
		Use:   "central",
		Short: "A self-hosted Ballerina Central-compatible registry",
		Long: `central serves a package registry that speaks the Ballerina Central REST API,
so that the bal tool (the Ballerina distribution's and balcentral's) can
publish, pull and resolve packages against it. With no command it serves, as
'central serve' does. The user, org and token commands manage accounts on
the server's machine, without the web UI.`,
		Example: `# Serve on 127.0.0.1:9090 with data in ./central-data
$ central

# Serve on a free port with data elsewhere, as a test script does
$ central serve --addr 127.0.0.1:0 --data /tmp/central
listening on http://127.0.0.1:41237

# Behind a reverse proxy, configured by a file
$ CENTRAL_CONFIG=/etc/central/central.toml central`,
		Args:          noArgs,
		RunE:          serve,
		SilenceErrors: true,
		SilenceUsage:  true,
	}
	root.Flags().SortFlags = false
	addConfigFlags(root.Flags())

	serveCmd := &cobra.Command{
		Use:   "serve",
		Short: "Serve the registry (what central does with no command)",
		Long: `Serve the registry until SIGINT or SIGTERM. On start, central creates the
data directory if needed and, once it accepts connections, prints one line
"listening on http://<host:port>" to stdout (with the real port when --addr
asks for port 0); logs go to stderr. A stop signal lets requests in flight
finish for up to --shutdown-timeout, then central exits with status 0.

The first start on a data directory creates the administrator "admin"
(without a password) and prints, before the listening line, a token for it
with every scope, valid a year, shown this once, with the URL and the
environment variables bal reads; CENTRAL_BOOTSTRAP_TOKEN sets the token's
value instead. Later starts print no token. A lost or expired administrator
token is replaced with 'central token create --user admin --scope
read,publish,deprecate,admin'.

Endpoints: the Central API under /2.0/registry (what bal calls; point
BALLERINA_CENTRAL_URL at <url>/2.0/registry), the management API under
/api/v1 (users, organizations, members, tokens, sessions, audit log; see
docs/API.md), GET /healthz and GET /metrics.`,
		Example: `$ central serve --addr 0.0.0.0:9090 --public-url https://central.example.com`,
		Args:    noArgs,
		RunE:    serve,
	}
	serveCmd.Flags().SortFlags = false
	addConfigFlags(serveCmd.Flags())

	versionCmd := &cobra.Command{
		Use:     "version",
		Short:   "Print the version of central",
		Long:    `Print the version of this central build and the Go toolchain it was built with.`,
		Example: `$ central version`,
		Args:    noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			fmt.Fprintf(c.Stdout, "balcentral central %s (%s %s/%s)\n", BuildVersion(), runtime.Version(), runtime.GOOS, runtime.GOARCH)
			return nil
		},
	}

	root.AddCommand(serveCmd, c.migrateCmd(ctx), versionCmd)
	root.AddCommand(c.adminCommands(ctx)...)
	root.SetOut(c.Stdout)
	root.SetErr(c.Stderr)
	root.CompletionOptions.DisableDefaultCmd = true
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return &UsageError{Err: err} })
	root.SetHelpFunc(func(cmd *cobra.Command, _ []string) { renderHelp(cmd.OutOrStdout(), cmd) })
	root.SetHelpCommand(&cobra.Command{
		Use:     "help [command]",
		Short:   "Print the help of central or of a command",
		Long:    `Print the help of central, or of the command named.`,
		Example: `$ central help serve`,
		RunE: func(cmd *cobra.Command, args []string) error {
			target, rest, err := root.Find(args)
			if err != nil || len(rest) > 0 {
				return &UsageError{Err: fmt.Errorf("unknown command %q", strings.Join(args, " "))}
			}
			renderHelp(c.Stdout, target)
			return nil
		},
	})
	return root
}

// noArgs refuses positional arguments; for central itself an argument is
// most likely a misspelt command.
func noArgs(cmd *cobra.Command, args []string) error {
	if len(args) == 0 {
		return nil
	}
	if cmd.HasSubCommands() {
		return &UsageError{Err: fmt.Errorf("unknown command %q", args[0])}
	}
	return &UsageError{Err: fmt.Errorf("unexpected argument %q", args[0])}
}

// BuildVersion returns the module version central was built from, or
// "devel" for a build from a working tree.
func BuildVersion() string {
	bi, ok := debug.ReadBuildInfo()
	if !ok || bi.Main.Version == "" || bi.Main.Version == "(devel)" {
		return "devel"
	}
	return bi.Main.Version
}

// NewLogger returns the logger cfg asks for, writing to w.
func NewLogger(w io.Writer, cfg Config) *slog.Logger {
	opts := &slog.HandlerOptions{Level: cfg.LogLevel}
	if cfg.LogFormat == "json" {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}

// --- help ---

// helpWidth is the column help text wraps at.
const helpWidth = 80

// renderHelp writes the help of cmd: what it does, how to call it, its
// commands, every option with its flag, environment variable, file key and
// default, and examples.
func renderHelp(w io.Writer, cmd *cobra.Command) {
	var b strings.Builder
	b.WriteString(cmd.Long)
	b.WriteString("\n\nUsage:\n")
	serverOptions := cmd.Flags().Lookup(options[0].flag()) != nil
	switch {
	case cmd.HasSubCommands() && !cmd.HasParent():
		fmt.Fprintf(&b, "  %s [flags]\n  %s <command> [flags]\n", cmd.CommandPath(), cmd.CommandPath())
	case cmd.HasSubCommands():
		fmt.Fprintf(&b, "  %s <command> [flags]\n", cmd.CommandPath())
	case serverOptions:
		fmt.Fprintf(&b, "  %s [flags]\n", cmd.CommandPath())
	default:
		fmt.Fprintf(&b, "  %s\n", cmd.UseLine())
	}
	if cmd.HasSubCommands() {
		b.WriteString("\nCommands:\n")
		var subs []*cobra.Command
		width := 9
		for _, sub := range cmd.Commands() {
			if sub.IsAvailableCommand() || sub.Name() == "help" {
				subs = append(subs, sub)
				width = max(width, len(sub.Name()))
			}
		}
		for _, sub := range subs {
			fmt.Fprintf(&b, "  %-*s %s\n", width, sub.Name(), sub.Short)
		}
	}
	switch {
	case serverOptions:
		writeOptionsHelp(&b)
	case cmd.Flags().Lookup(configFlag) != nil:
		writeFlagsHelp(&b, cmd.Flags())
	}
	if cmd.Example != "" {
		b.WriteString("\nExamples:\n")
		for _, line := range strings.Split(cmd.Example, "\n") {
			if line == "" {
				b.WriteString("\n")
			} else {
				b.WriteString("  " + line + "\n")
			}
		}
	}
	io.WriteString(w, b.String())
}

// writeFlagsHelp lists the flags of a command that is not the server (the
// admin commands); --config and --data say where else they can be set.
func writeFlagsHelp(b *strings.Builder, fs *pflag.FlagSet) {
	b.WriteString("\nOptions:\n")
	fs.VisitAll(func(f *pflag.Flag) {
		if f.Name == "help" {
			return
		}
		fmt.Fprintf(b, "  --%s", f.Name)
		if arg := f.Annotations[argAnnotation]; len(arg) == 1 {
			fmt.Fprintf(b, " <%s>", arg[0])
		}
		b.WriteString("\n")
		switch f.Name {
		case configFlag:
			fmt.Fprintf(b, "        env %s; default: none\n", EnvConfig)
		case "data", "database":
			o := optionNamed(f.Name)
			fmt.Fprintf(b, "        env %s; file key %s; default: %s\n", o.env(), o.name, o.def)
		}
		wrap(b, "        ", f.Usage)
	})
	b.WriteString("  -h, --help\n")
	wrap(b, "        ", `Print this help.`)
}

func writeOptionsHelp(b *strings.Builder) {
	b.WriteString("\nOptions:\n")
	wrap(b, "  ", `Each option can be given as a flag, as an environment variable or as a key of the TOML configuration file; a flag beats the environment, which beats the file, which beats the default. An empty environment variable counts as unset.`)
	b.WriteString("\n")
	fmt.Fprintf(b, "  --%s <file>\n        env %s; default: none\n", configFlag, EnvConfig)
	wrap(b, "        ", `TOML file to read options from, with the keys below at its top level. A key that is not an option is an error.`)
	for i := range options {
		o := &options[i]
		fmt.Fprintf(b, "  --%s <%s>\n        env %s; file key %s; default: %s\n", o.flag(), o.arg, o.env(), o.name, o.def)
		wrap(b, "        ", o.help)
	}
	fmt.Fprintf(b, "  -h, --help\n")
	wrap(b, "        ", `Print this help.`)
	b.WriteString("\nEnvironment only:\n")
	fmt.Fprintf(b, "  %s, %s\n", EnvS3AccessKey, EnvS3SecretKey)
	wrap(b, "        ", `The access key and secret key of blob_store s3, set together. Unset, the AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY variables or the instance's IAM role are used.`)
	fmt.Fprintf(b, "  %s\n", EnvBootstrapToken)
	wrap(b, "        ", fmt.Sprintf(`The first administrator's token, for automation: on the first start of a data directory the server creates an administrator and prints a one-time token, and with this variable set that token is this value instead of a generated one. %d to %d printable ASCII characters without spaces. Neither a flag nor a file key, so that it shows neither in process listings nor in files. The value is not printed; once an administrator exists it is ignored.`, MinBootstrapTokenLength, MaxBootstrapTokenLength))
}

// wrap writes text as lines of at most helpWidth columns, each starting
// with indent.
func wrap(b *strings.Builder, indent, text string) {
	line := indent
	for _, word := range strings.Fields(text) {
		if len(line) > len(indent) && len(line)+1+len(word) > helpWidth {
			b.WriteString(line + "\n")
			line = indent
		}
		if len(line) > len(indent) {
			line += " "
		}
		line += word
	}
	b.WriteString(line + "\n")
}

// migrateCmd is `central migrate`: the explicit schema migration that a
// PostgreSQL database needs before the first start and after every upgrade
// of central (the server never migrates one itself: with several replicas,
// a schema change is the operator's step, taken once, before the new
// version rolls out). Several runs at once are safe: each step is applied
// once, under a database lock.
func (c *Command) migrateCmd(ctx context.Context) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "migrate",
		Short: "Create or upgrade the metadata database's schema",
		Long: `Create or upgrade the schema of the metadata database to the one this
central needs, and print the schema versions. A PostgreSQL database (the
database option) must be migrated this way before the first start and after
every upgrade of central, before the new version serves: the server refuses a
schema older than its own and never changes it, so that replicas of two
versions never fight over it. Running it twice, or on several machines at
once, is safe. The embedded SQLite database is migrated on every start, so
there central migrate only does the same explicitly.`,
		Example: `$ CENTRAL_DATABASE='postgres://central@db.internal/central' central migrate
postgres postgres://central@db.internal:5432/central: migrated the schema from version 0 to 2

$ central migrate --config /etc/central/central.toml`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			cfg, err := configFromFlags(cmd.Flags(), c.Getenv, c.ReadFile)
			if err != nil {
				var ue *UsageError
				if errors.As(err, &ue) {
					return err
				}
				return &configError{err}
			}
			msg, err := migrateDatabase(ctx, cfg)
			if err != nil {
				return err
			}
			fmt.Fprintln(c.Stdout, msg)
			return nil
		},
	}
	fs := cmd.Flags()
	fs.SortFlags = false
	fs.String(configFlag, "", `TOML configuration file of the server, read for its database and data keys.`)
	setFlagArg(fs, configFlag, "file")
	fs.String("database", "", `PostgreSQL connection string of the database to migrate (the server's database option); empty means the SQLite database of the data directory. Prefer the environment variable: a password in a flag shows in process listings.`)
	setFlagArg(fs, "database", "dsn")
	fs.String("data", "", `Data directory of the SQLite database, when database is empty.`)
	setFlagArg(fs, "data", "dir")
	return cmd
}
