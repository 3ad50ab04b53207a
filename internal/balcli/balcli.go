// Package balcli is the command line of bal: it builds the command tree,
// runs one invocation and turns its outcome into output and an exit status.
//
// Every command lives in its own package next to this one (newcmd,
// versioncmd, ...) and is built from a [cmdenv.Env] by a NewCmdX function.
// Adding a command is one line in [commands].
//
// All errors are printed by one function, printError, as
// "ballerina: <message>" on stderr, and bal exits with status 1. Usage errors
// add the command's usage line; cobra's own error and usage printing is
// switched off.
package balcli

import (
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"

	"github.com/balcentral/balcentral/internal/balcli/buildcmd"
	"github.com/balcentral/balcentral/internal/balcli/cleancmd"
	"github.com/balcentral/balcentral/internal/balcli/cmdenv"
	"github.com/balcentral/balcentral/internal/balcli/deprecatecmd"
	"github.com/balcentral/balcentral/internal/balcli/graphcmd"
	"github.com/balcentral/balcentral/internal/balcli/helptext"
	"github.com/balcentral/balcentral/internal/balcli/newcmd"
	"github.com/balcentral/balcentral/internal/balcli/packcmd"
	"github.com/balcentral/balcentral/internal/balcli/pullcmd"
	"github.com/balcentral/balcentral/internal/balcli/pushcmd"
	"github.com/balcentral/balcentral/internal/balcli/searchcmd"
	"github.com/balcentral/balcentral/internal/balcli/semvercmd"
	"github.com/balcentral/balcentral/internal/balcli/versioncmd"
	"github.com/balcentral/balcentral/internal/iostreams"
)

// Exit statuses of bal.
const (
	ExitOK    = 0
	ExitError = 1
)

// Main runs bal with args (without the program name) and returns the exit
// status.
func Main(args []string, ios *iostreams.IOStreams) int {
	return run(cmdenv.New(ios), args)
}

// run executes one invocation in env.
func run(env *cmdenv.Env, args []string) int {
	root := NewCmdRoot(env)
	root.SetArgs(args)
	cmd, err := root.ExecuteC()
	if err != nil {
		printError(env.IO.ErrOut, cmd, err)
		// A command may exit with another status (bal semver's 3).
		var st interface{ ExitStatus() int }
		if errors.As(err, &st) {
			return st.ExitStatus()
		}
		return ExitError
	}
	return ExitOK
}

// commands returns the subcommands of bal, in the order help lists them.
func commands(env *cmdenv.Env) []*cobra.Command {
	return []*cobra.Command{
		newcmd.NewCmdNew(env, nil),
		buildcmd.NewCmdBuild(env, nil),
		graphcmd.NewCmdGraph(env, nil),
		packcmd.NewCmdPack(env, nil),
		pushcmd.NewCmdPush(env, nil),
		pullcmd.NewCmdPull(env, nil),
		searchcmd.NewCmdSearch(env, nil),
		deprecatecmd.NewCmdDeprecate(env, nil),
		semvercmd.NewCmdSemver(env, nil),
		cleancmd.NewCmdClean(env, nil),
		versioncmd.NewCmdVersion(env, nil),
	}
}

// NewCmdRoot returns the bal command with all its subcommands.
func NewCmdRoot(env *cmdenv.Env) *cobra.Command {
	root := &cobra.Command{
		Use:   "bal <command> [<args>]",
		Short: "The Ballerina package manager",
		Long: `bal creates Ballerina packages and shares them through Ballerina Central or
a self-hosted balcentral registry. It reads and writes the same files as the
bal tool of the Ballerina distribution shown by 'bal version'.

Run 'bal help <command>' for the details of a command.`,
		Example: `# Create a library package in the directory hello
$ bal new --template lib hello

# Read about one command
$ bal help new`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) > 0 {
				return &unknownCommandError{name: args[0]}
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			return cmd.Help()
		},
		SilenceErrors: true,
		SilenceUsage:  true,
	}
	root.SetIn(env.IO.In)
	root.SetOut(env.IO.Out)
	root.SetErr(env.IO.ErrOut)
	root.CompletionOptions.DisableDefaultCmd = true
	root.PersistentFlags().BoolP("help", "h", false, "Print the help of the command.")
	root.SetHelpFunc(func(cmd *cobra.Command, _ []string) {
		helptext.Render(cmd.OutOrStdout(), cmd)
	})
	root.SetUsageFunc(func(cmd *cobra.Command) error {
		helptext.Render(cmd.OutOrStdout(), cmd)
		return nil
	})
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error {
		return &cmdenv.UsageError{Err: err}
	})
	root.SetHelpCommand(newCmdHelp(root))
	root.AddCommand(commands(env)...)
	return root
}

// newCmdHelp returns `bal help`, which prints the help of root or of the
// command its arguments name.
func newCmdHelp(root *cobra.Command) *cobra.Command {
	return &cobra.Command{
		Use:   "help [<command>]",
		Short: "Print the help of bal or of a command",
		Long: `Print the help of the given command, or of bal itself when no command is
given. 'bal <command> --help' prints the same text.`,
		Example: `$ bal help
$ bal help new`,
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 0 {
				return root.Help()
			}
			target, rest, err := root.Find(args)
			switch {
			case err != nil || target == root:
				return &unknownCommandError{name: args[0]}
			case len(rest) > 0:
				return &unknownCommandError{name: strings.Join(args[:len(args)-len(rest)+1], " ")}
			}
			return target.Help()
		},
	}
}

// unknownCommandError reports a command name bal does not know.
type unknownCommandError struct {
	name string
}

func (e *unknownCommandError) Error() string {
	return fmt.Sprintf("unknown command '%s'", e.name)
}

// printError writes err, returned while running cmd, to w.
func printError(w io.Writer, cmd *cobra.Command, err error) {
	var (
		unknown *unknownCommandError
		usage   *cmdenv.UsageError
	)
	switch {
	case errors.Is(err, cmdenv.ErrSilent):
	case errors.As(err, &unknown):
		fmt.Fprintf(w, "ballerina: %s\nRun 'bal help' for usage.\n", unknown)
	case errors.As(err, &usage):
		fmt.Fprintf(w, "ballerina: %s\n", usage)
		line := usage.Usage
		if line == "" && cmd != nil {
			line = helptext.UsageLine(cmd)
		}
		if line != "" {
			fmt.Fprintf(w, "\nUSAGE:\n    %s\n", line)
		}
		fmt.Fprintf(w, "\nFor more information try --help\n")
	default:
		fmt.Fprintf(w, "ballerina: %s\n", err)
	}
}
