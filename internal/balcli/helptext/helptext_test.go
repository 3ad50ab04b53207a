package helptext

import (
	"bytes"
	"testing"

	"github.com/spf13/cobra"
)

func testTree() (root, leaf *cobra.Command) {
	root = &cobra.Command{Use: "bal <command> [<args>]", Short: "Manage packages", Run: func(*cobra.Command, []string) {}}
	root.PersistentFlags().BoolP("help", "h", false, "Print the help of the command.")
	leaf = &cobra.Command{
		Use:     "make <path>",
		Short:   "Make a thing",
		Long:    "Makes a thing at <path>.\n\nThe parent of <path> must exist.",
		Example: "# A thing here\n$ bal make thing",
		Run:     func(*cobra.Command, []string) {},
	}
	leaf.Flags().StringP("kind", "k", "plain", "The kind of thing:\n{plain | fancy}.")
	SetPlaceholder(leaf.Flags(), "kind", "kind-name")
	leaf.Flags().Bool("quiet", false, "Print nothing.")
	leaf.Flags().String("secret", "", "Hidden.")
	leaf.Flags().MarkHidden("secret")
	root.AddCommand(leaf, &cobra.Command{Use: "other", Short: "Another thing", Run: func(*cobra.Command, []string) {}})
	return root, leaf
}

func TestRenderLeaf(t *testing.T) {
	_, leaf := testTree()
	var buf bytes.Buffer
	Render(&buf, leaf)
	want := `NAME
    bal make - Make a thing

SYNOPSIS
    bal make <path> [OPTIONS]

DESCRIPTION
    Makes a thing at <path>.

    The parent of <path> must exist.

OPTIONS
    -k, --kind <kind-name>
        The kind of thing:
        {plain | fancy}.
    --quiet
        Print nothing.
    -h, --help
        Print the help of the command.

EXAMPLES
    # A thing here
    $ bal make thing
`
	if got := buf.String(); got != want {
		t.Errorf("Render(leaf) =\n%s\nwant\n%s", got, want)
	}
}

func TestRenderRoot(t *testing.T) {
	root, _ := testTree()
	var buf bytes.Buffer
	Render(&buf, root)
	want := `NAME
    bal - Manage packages

SYNOPSIS
    bal <command> [<args>]

DESCRIPTION
    Manage packages

OPTIONS
    -h, --help
        Print the help of the command.

COMMANDS
    make     Make a thing
    other    Another thing
`
	if got := buf.String(); got != want {
		t.Errorf("Render(root) =\n%s\nwant\n%s", got, want)
	}
}

func TestUsageLine(t *testing.T) {
	root, leaf := testTree()
	if got, want := UsageLine(leaf), "bal make <path>"; got != want {
		t.Errorf("UsageLine(leaf) = %q, want %q", got, want)
	}
	if got, want := UsageLine(root), "bal <command> [<args>]"; got != want {
		t.Errorf("UsageLine(root) = %q, want %q", got, want)
	}
}
