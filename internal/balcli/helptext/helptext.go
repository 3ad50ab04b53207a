// Package helptext renders the help of bal commands.
//
// Help follows one layout for every command, in the manner of a manual page:
// NAME, SYNOPSIS, DESCRIPTION, OPTIONS, COMMANDS (for commands that have
// subcommands) and EXAMPLES, each section body indented by four spaces.
// Synopses use the notation of the reference CLI: <placeholder> for a value
// to fill in, [optional] for something that may be left out, and
// {a | b} for a required choice.
package helptext

import (
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// placeholderKey is the flag annotation holding the name of a flag's value.
const placeholderKey = "balcli_placeholder"

// SetPlaceholder names the value of flag name as help shows it, e.g.
// "template-name" for "--template <template-name>". Without it the flag's
// own name is used.
func SetPlaceholder(fs *pflag.FlagSet, name, placeholder string) {
	if err := fs.SetAnnotation(name, placeholderKey, []string{placeholder}); err != nil {
		panic(err) // a typo in a flag name, caught by every help test
	}
}

// UsageLine returns the synopsis of cmd: the path of its parent followed by
// its Use, e.g. "bal new <project-path>".
func UsageLine(cmd *cobra.Command) string {
	if cmd.HasParent() {
		return cmd.Parent().CommandPath() + " " + cmd.Use
	}
	return cmd.Use
}

// Render writes the help of cmd to w.
func Render(w io.Writer, cmd *cobra.Command) {
	var b strings.Builder
	section := func(title, body string) {
		if body = strings.Trim(body, "\n"); body == "" {
			return
		}
		if b.Len() > 0 {
			b.WriteString("\n")
		}
		b.WriteString(title + "\n")
		b.WriteString(indent(body, "    ") + "\n")
	}

	section("NAME", cmd.CommandPath()+" - "+cmd.Short)
	synopsis := UsageLine(cmd)
	if hasOptions(cmd) && !strings.Contains(synopsis, "[OPTIONS]") {
		synopsis += " [OPTIONS]"
	}
	section("SYNOPSIS", synopsis)
	long := cmd.Long
	if long == "" {
		long = cmd.Short
	}
	section("DESCRIPTION", long)
	section("OPTIONS", options(cmd))
	section("COMMANDS", commands(cmd))
	section("EXAMPLES", cmd.Example)
	io.WriteString(w, b.String())
}

// hasOptions reports whether cmd takes a flag other than --help.
func hasOptions(cmd *cobra.Command) bool {
	found := false
	visit := func(f *pflag.Flag) {
		if !f.Hidden && f.Name != "help" {
			found = true
		}
	}
	cmd.LocalFlags().VisitAll(visit)
	cmd.InheritedFlags().VisitAll(visit)
	return found
}

func options(cmd *cobra.Command) string {
	var b strings.Builder
	visit := func(f *pflag.Flag) {
		if f.Hidden {
			return
		}
		b.WriteString(flagSyntax(f) + "\n")
		b.WriteString(indent(f.Usage, "    ") + "\n")
	}
	cmd.LocalFlags().VisitAll(visit)
	cmd.InheritedFlags().VisitAll(visit)
	return b.String()
}

// flagSyntax returns how a flag is written, e.g. "-t, --template <name>".
func flagSyntax(f *pflag.Flag) string {
	s := "--" + f.Name
	if f.Shorthand != "" {
		s = "-" + f.Shorthand + ", " + s
	}
	if f.Value.Type() == "bool" {
		return s
	}
	name := f.Name
	if v := f.Annotations[placeholderKey]; len(v) > 0 {
		name = v[0]
	}
	return s + " <" + name + ">"
}

func commands(cmd *cobra.Command) string {
	var subs []*cobra.Command
	width := 0
	for _, c := range cmd.Commands() {
		if c.IsAvailableCommand() || (c.Name() == "help" && !c.Hidden) {
			subs = append(subs, c)
			width = max(width, len(c.Name()))
		}
	}
	var b strings.Builder
	for _, c := range subs {
		fmt.Fprintf(&b, "%-*s    %s\n", width, c.Name(), c.Short)
	}
	return b.String()
}

// indent prefixes every non-empty line of s.
func indent(s, prefix string) string {
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		if strings.TrimSpace(l) != "" {
			lines[i] = prefix + l
		} else {
			lines[i] = ""
		}
	}
	return strings.Join(lines, "\n")
}
