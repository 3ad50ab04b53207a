// Package searchcmd implements `bal search <keyword>`, which lists the
// packages of the registry matching a keyword.
//
// The registry (Ballerina Central, or [central] url / $BALLERINA_CENTRAL_URL)
// matches the keyword case-insensitively against organization and package
// names, leaves out deprecated packages and the private packages the user
// may not see, and returns the latest version of each. The result is
// printed as the reference CLI prints it (formats.md §11):
//
//	<blank>
//	Ballerina Central
//	=================
//	<blank>
//	|NAME       |DESCRIPTION     |DATE           |VERSION |
//	|-----------|----------------|---------------|--------|
//	|foo/winery |Connects to ... |2020-11-04-Wed |1.3.5   |
//	<blank>
//	1 packages found
//
// sized to $BALLERINA_CLI_WIDTH columns (default 80), or "no modules
// found". --json prints the registry's answer instead, indented, for
// scripts.
package searchcmd

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/spf13/cobra"

	"github.com/balcentral/balcentral/internal/balcli/cmdenv"
	"github.com/balcentral/balcentral/internal/iostreams"
	"github.com/balcentral/balcentral/internal/manifest"
	"github.com/balcentral/balcentral/internal/project"
	"github.com/balcentral/balcentral/internal/repository/centralclient"
)

// Usage is the reference CLI's usage line for argument errors.
const Usage = "bal search [<org>|<package>|<text>]"

// Terminal width settings.
const (
	// EnvWidth is the variable giving the width of the table.
	EnvWidth = "BALLERINA_CLI_WIDTH"
	// DefaultWidth is the width when EnvWidth is unset or not a number.
	DefaultWidth = 80
	// MinWidth is the narrowest table drawn: below it the columns would
	// be too narrow to hold "...". Narrower settings are raised to it.
	MinWidth = 50
)

// Client is what bal search needs of the registry client.
type Client interface {
	Search(ctx context.Context, query string) (*centralclient.SearchResult, error)
}

// Options holds the dependencies and arguments of one `bal search`.
type Options struct {
	IO     *iostreams.IOStreams
	Getenv func(string) string
	// Location is the time zone of the DATE column.
	Location *time.Location
	// Settings loads Settings.toml with the environment applied.
	Settings func() (*manifest.Settings, []project.Diagnostic, error)
	// NewClient returns the registry client for the settings.
	NewClient func(*manifest.Settings) (Client, error)
	// Unauthorized words a 401 (cmdenv.Env.UnauthorizedError).
	Unauthorized func(org string, cerr *centralclient.Error) error

	// Query is the keyword.
	Query string
	// JSON is --json.
	JSON bool
}

// NewCmdSearch returns the `bal search` command. When runF is not nil it
// is called with the parsed options instead of searching.
func NewCmdSearch(env *cmdenv.Env, runF func(*Options) error) *cobra.Command {
	opts := &Options{
		IO:           env.IO,
		Getenv:       env.Getenv,
		Location:     time.Local,
		Settings:     env.CentralSettings,
		NewClient:    func(s *manifest.Settings) (Client, error) { return env.CentralClient(s) },
		Unauthorized: env.UnauthorizedError,
	}
	cmd := &cobra.Command{
		Use:   "search <keyword>",
		Short: "Search Ballerina Central for packages",
		Long: `Search Ballerina Central, or the registry named by [central] url in
Settings.toml or by $BALLERINA_CENTRAL_URL, for packages whose
organization or name contains <keyword>, ignoring case.

The latest version of each package found is listed with its
description (the package summary, else the first line of its README),
its author, the date it was published and its version. Deprecated
packages are not listed, nor private packages of organizations the
access token's user is not a member of.

The table is as wide as $BALLERINA_CLI_WIDTH (default 80 columns, at
least 50; the AUTHOR column shows from 132). --json prints the
registry's answer as JSON instead, for scripts.`,
		Example: `# Packages of an organization, or with a name like "http"
$ bal search ballerinax
$ bal search http

# The answer as JSON
$ bal search --json http`,
		Args: func(cmd *cobra.Command, args []string) error {
			switch {
			case len(args) == 0:
				return &cmdenv.UsageError{Err: errors.New("no keyword given"), Usage: Usage}
			case len(args) > 1:
				return &cmdenv.UsageError{Err: errors.New("too many arguments"), Usage: Usage}
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Query = args[0]
			if runF != nil {
				return runF(opts)
			}
			return run(cmd.Context(), opts)
		},
	}
	cmd.Flags().BoolVar(&opts.JSON, "json", false, "Print the registry's answer as JSON: {\"packages\": [...], \"count\": <n>}.")
	return cmd
}

func run(ctx context.Context, opts *Options) error {
	if ctx == nil {
		ctx = context.Background()
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
	res, err := client.Search(ctx, opts.Query)
	if err != nil {
		return searchError(opts, err)
	}
	if opts.JSON {
		if res.Packages == nil {
			res.Packages = []centralclient.Package{}
		}
		data, err := json.MarshalIndent(res, "", "  ")
		if err != nil {
			return err
		}
		opts.IO.Out.Write(append(data, '\n'))
		return nil
	}
	if res.Count <= 0 {
		fmt.Fprintln(opts.IO.Out, "no modules found")
		return nil
	}
	loc := opts.Location
	if loc == nil {
		loc = time.Local
	}
	WriteTable(opts.IO.Out, res.Packages, Width(opts.Getenv), loc)
	return nil
}

// searchError words a failed search as the reference client does.
func searchError(opts *Options, err error) error {
	var ce *centralclient.Error
	if !errors.As(err, &ce) {
		return fmt.Errorf("failed to search packages: '%s'. reason: %v", opts.Query, err)
	}
	switch {
	case errors.Is(err, centralclient.ErrUnauthorized):
		return opts.Unauthorized("", ce)
	case ce.Status >= 500 && ce.Message != "":
		return fmt.Errorf("failed to search packages: '%s' reason:%s", opts.Query, ce.Message)
	case ce.Status >= 400 && ce.Message != "":
		return errors.New(ce.Message)
	case ce.Cause != nil:
		return fmt.Errorf("failed to search packages: '%s'. reason: %v", opts.Query, ce.Cause)
	}
	return fmt.Errorf("failed to search packages: '%s'.", opts.Query)
}

// Width returns the table width $BALLERINA_CLI_WIDTH asks for: its value,
// DefaultWidth when it is unset or not a number, at least MinWidth.
func Width(getenv func(string) string) int {
	w := DefaultWidth
	if getenv != nil {
		if n, err := strconv.Atoi(strings.TrimSpace(getenv(EnvWidth))); err == nil {
			w = n
		}
	}
	return max(w, MinWidth)
}

// Column layout of the reference CLI (PrintUtils.printPackages).
const (
	rightMargin     = 3
	dateColWidth    = 15
	authorsColWidth = 15
	additionalSpace = 7
	minDescColWidth = 60
	nameFactor      = 7.0
	descFactor      = 14.0
	versionFactor   = 4.0
)

// WriteTable writes the search result table of the reference CLI for a
// terminal width columns wide, dates in loc.
func WriteTable(w io.Writer, pkgs []centralclient.Package, width int, loc *time.Location) {
	var b strings.Builder
	remaining := float64(width - rightMargin - (dateColWidth + additionalSpace))
	nameW := colWidth(remaining, nameFactor, descFactor+versionFactor)
	descW := colWidth(remaining, descFactor, nameFactor+versionFactor)
	versionW := colWidth(remaining, versionFactor, nameFactor+descFactor)
	withAuthor := descW >= minDescColWidth

	names := []string{"NAME", "DESCRIPTION", "DATE", "VERSION"}
	widths := []int{nameW, descW, dateColWidth, versionW}
	if withAuthor {
		names = []string{"NAME", "DESCRIPTION", "AUTHOR", "DATE", "VERSION"}
		widths = []int{nameW, descW - authorsColWidth, authorsColWidth, dateColWidth, versionW}
	}

	b.WriteString("\nBallerina Central\n=================\n\n")
	// Heading: the first cell carries the leading '|'.
	cell(&b, "|"+names[0], widths[0])
	for i := 1; i < len(names); i++ {
		cell(&b, names[i], widths[i])
	}
	b.WriteString("\n")
	pad(&b, "|-", widths[0], "-", "-|")
	for i := 1; i < len(widths); i++ {
		pad(&b, "-", widths[i], "-", "-|")
	}
	b.WriteString("\n")

	for _, p := range pkgs {
		// A row prints '|' apart, so its name cell is one narrower.
		b.WriteString("|")
		cell(&b, p.Organization+"/"+p.Name, nameW-1)
		if withAuthor {
			cell(&b, summary(p), descW-authorsColWidth)
			cell(&b, author(p.Authors), authorsColWidth)
		} else {
			cell(&b, summary(p), descW)
		}
		cell(&b, date(p.CreatedDate, loc), dateColWidth)
		cell(&b, p.Version, versionW)
		b.WriteString("\n")
	}
	fmt.Fprintf(&b, "\n%d packages found\n", len(pkgs))
	io.WriteString(w, b.String())
}

// colWidth is round(remaining * f / (f + others)), rounding halves up as
// Java's Math.round does.
func colWidth(remaining, f, others float64) int {
	return int(math.Floor(remaining*(f/(f+others)) + 0.5))
}

// cell writes s in a column n characters wide followed by " |": padded
// with spaces, or, when s has n characters or more, cut to n-3 followed by
// "...".
func cell(b *strings.Builder, s string, n int) {
	if utf8.RuneCountInString(s) >= n {
		r := []rune(s)
		cut := max(n-3, 0)
		b.WriteString(string(r[:cut]) + "... |")
		return
	}
	pad(b, s, n, " ", " |")
}

// pad writes s filled with fill up to n characters, then end.
func pad(b *strings.Builder, s string, n int, fill, end string) {
	b.WriteString(s)
	for i := utf8.RuneCountInString(s); i < n; i++ {
		b.WriteString(fill)
	}
	b.WriteString(end)
}

// summary is the DESCRIPTION of a package: its summary, else the first
// line of its README.
func summary(p centralclient.Package) string {
	if p.Summary != "" {
		return p.Summary
	}
	first, _, _ := strings.Cut(p.Readme, "\n")
	return first
}

// author is the AUTHOR of a package: the last of its authors, as upstream
// prints it.
func author(authors []string) string {
	if len(authors) == 0 {
		return ""
	}
	return authors[len(authors)-1]
}

// date formats epoch milliseconds as yyyy-MM-dd-E (2020-11-04-Wed).
func date(ms int64, loc *time.Location) string {
	return time.UnixMilli(ms).In(loc).Format("2006-01-02-Mon")
}
