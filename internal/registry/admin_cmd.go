package registry

// The admin commands, `central user|org|token …`, manage accounts on a
// server without the web UI. They open the data directory's database
// directly, which is safe while the server runs (SQLite in WAL mode with a
// busy timeout; the server reads every token and membership from the
// database, so a change applies to its next request). They apply the same
// policy as the management API (manage.go) with the powers of a site
// administrator, and record their actions in the audit log with the actor
// "cli".

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/balcentral/balcentral/internal/registry/credential"
	"github.com/balcentral/balcentral/internal/store"
)

// cliActor is the audit log actor of the admin commands.
const cliActor = "cli"

// argAnnotation is the flag annotation that names a flag's value in the
// help ("--owner <user>").
const argAnnotation = "arg"

// adminFlags are the flags every admin command has: where the data is.
func adminFlags(fs *pflag.FlagSet) {
	fs.SortFlags = false
	fs.String(configFlag, "", `TOML configuration file of the server, read for its data key.`)
	setFlagArg(fs, configFlag, "file")
	fs.String("data", "", `Data directory of the registry (the one the server uses). It must hold a database: these commands do not create one.`)
	setFlagArg(fs, "data", "dir")
}

func setFlagArg(fs *pflag.FlagSet, name, arg string) {
	if err := fs.SetAnnotation(name, argAnnotation, []string{arg}); err != nil {
		panic(err) // the flag was just defined
	}
}

// withAccounts runs fn on the accounts of the data directory cmd's flags,
// the environment and the configuration file name.
func (c *Command) withAccounts(ctx context.Context, cmd *cobra.Command, fn func(a *accounts) error) error {
	cfg, err := configFromFlags(cmd.Flags(), c.Getenv, c.ReadFile)
	if err != nil {
		var ue *UsageError
		if errors.As(err, &ue) {
			return err
		}
		return &configError{err}
	}
	meta, err := openMetaForAdmin(ctx, cfg)
	if err != nil {
		return err
	}
	err = fn(newAccounts(meta, time.Now))
	if cerr := meta.Close(); err == nil && cerr != nil {
		err = fmt.Errorf("closing the metadata database: %w", cerr)
	}
	return err
}

// optionNamed returns the option with the given file key.
func optionNamed(name string) *option {
	for i := range options {
		if options[i].name == name {
			return &options[i]
		}
	}
	panic("registry: no option " + name)
}

// positional returns an Args check for commands taking exactly the named
// arguments.
func positional(names ...string) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if len(args) < len(names) {
			return &UsageError{Err: fmt.Errorf("%s: missing %s", cmd.CommandPath(), strings.Join(names[len(args):], " and "))}
		}
		if len(args) > len(names) {
			return &UsageError{Err: fmt.Errorf("%s: unexpected argument %q", cmd.CommandPath(), args[len(names)])}
		}
		return nil
	}
}

// requiredFlag returns the value of a string flag that must be given.
func requiredFlag(cmd *cobra.Command, name, what string) (string, error) {
	v, _ := cmd.Flags().GetString(name)
	if v == "" {
		return "", &UsageError{Err: fmt.Errorf("%s: --%s is required: %s", cmd.CommandPath(), name, what)}
	}
	return v, nil
}

// groupCmd returns a command that only groups others: run without one of
// them, it is a usage error.
func groupCmd(use, short, long, example string, subs ...*cobra.Command) *cobra.Command {
	g := &cobra.Command{
		Use: use, Short: short, Long: long, Example: example,
		Args: cobra.ArbitraryArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			names := make([]string, 0, len(subs))
			for _, s := range subs {
				names = append(names, s.Name())
			}
			if len(args) > 0 {
				return &UsageError{Err: fmt.Errorf("unknown command %q for %s; want %s", args[0], cmd.CommandPath(), strings.Join(names, ", "))}
			}
			return &UsageError{Err: fmt.Errorf("%s needs a command: %s", cmd.CommandPath(), strings.Join(names, ", "))}
		},
	}
	g.AddCommand(subs...)
	return g
}

// readPassword reads a password from the first line of stdin.
func (c *Command) readPassword() (string, error) {
	if c.Stdin == nil {
		return "", errors.New("--password-stdin: no standard input")
	}
	line, err := bufio.NewReaderSize(io.LimitReader(c.Stdin, credential.MaxPasswordLength+2), credential.MaxPasswordLength+2).ReadString('\n')
	if err != nil && err != io.EOF {
		return "", fmt.Errorf("--password-stdin: reading standard input: %w", err)
	}
	pw := strings.TrimSuffix(strings.TrimSuffix(line, "\n"), "\r")
	if pw == "" {
		return "", errors.New("--password-stdin: standard input is empty; pipe the password in, such as: printf '%s\\n' \"$PASSWORD\" | central user …")
	}
	return pw, nil
}

// table writes rows aligned in columns.
func table(w io.Writer, header string, rows [][]string) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, header)
	for _, r := range rows {
		fmt.Fprintln(tw, strings.Join(r, "\t"))
	}
	return tw.Flush()
}

// cliTime formats a time for the admin commands' listings.
func cliTime(t time.Time) string { return t.UTC().Format(time.RFC3339) }

func (c *Command) adminCommands(ctx context.Context) []*cobra.Command {
	return []*cobra.Command{c.userCmd(ctx), c.orgCmd(ctx), c.tokenCmd(ctx)}
}

// --- central user ---

func (c *Command) userCmd(ctx context.Context) *cobra.Command {
	create := &cobra.Command{
		Use:   "create <name> [--admin] [--password-stdin]",
		Short: "Create a user",
		Long: `Create a user account. User names are 1 to 64 lowercase letters, digits, '.',
'_' and '-', starting with a letter or a digit; "anonymous", "system" and
"cli" are reserved. With --password-stdin the password (at least 8
characters) is the first line of standard input; without it the account has
no password and uses tokens only (create one with 'central token create').`,
		Example: `$ central user create alice --admin
created administrator "alice" (no password: it uses tokens only; set one with 'central user passwd alice --password-stdin')

$ printf '%s\n' "$PASSWORD" | central user create bob --password-stdin --data /var/lib/central
created user "bob"`,
		Args: positional("<name>"),
		RunE: func(cmd *cobra.Command, args []string) error {
			admin, _ := cmd.Flags().GetBool("admin")
			fromStdin, _ := cmd.Flags().GetBool("password-stdin")
			var pw *string
			if fromStdin {
				p, err := c.readPassword()
				if err != nil {
					return err
				}
				pw = &p
			}
			return c.withAccounts(ctx, cmd, func(a *accounts) error {
				u, err := a.createUser(ctx, args[0], pw, admin)
				if err != nil {
					return err
				}
				if err := a.appendAudit(ctx, cliActor, "user.create", u.Username, map[string]any{"admin": u.Admin}); err != nil {
					return err
				}
				what := "user"
				if admin {
					what = "administrator"
				}
				fmt.Fprintf(c.Stdout, "created %s %q", what, u.Username)
				if pw == nil {
					fmt.Fprintf(c.Stdout, " (no password: it uses tokens only; set one with 'central user passwd %s --password-stdin')", u.Username)
				}
				fmt.Fprintln(c.Stdout)
				return nil
			})
		},
	}
	create.Flags().Bool("admin", false, `Make the user a site administrator: manages every user, organization and token.`)
	create.Flags().Bool("password-stdin", false, `Read the password from the first line of standard input.`)

	list := &cobra.Command{
		Use:     "list",
		Short:   "List the users",
		Long:    `List every user: name, whether an administrator, whether the account has a password, creation time (UTC).`,
		Example: "$ central user list\nUSER   ADMIN  PASSWORD  CREATED\nadmin  yes    no        2025-01-31T10:00:00Z",
		Args:    positional(),
		RunE: func(cmd *cobra.Command, _ []string) error {
			return c.withAccounts(ctx, cmd, func(a *accounts) error {
				us, err := a.meta.ListUsers(ctx)
				if err != nil {
					return err
				}
				rows := make([][]string, 0, len(us))
				for _, u := range us {
					rows = append(rows, []string{u.Username, yesNo(u.Admin), yesNo(u.PasswordHash != ""), cliTime(u.CreatedAt)})
				}
				return table(c.Stdout, "USER\tADMIN\tPASSWORD\tCREATED", rows)
			})
		},
	}

	passwd := &cobra.Command{
		Use:   "passwd <name> --password-stdin",
		Short: "Set a user's password",
		Long: `Set the password of a user, read from the first line of standard input (at
least 8 characters). The user's tokens stay valid; revoke them with 'central
token revoke' if the password was compromised.`,
		Example: `$ printf '%s\n' "$PASSWORD" | central user passwd admin --password-stdin
changed the password of "admin"`,
		Args: positional("<name>"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if ok, _ := cmd.Flags().GetBool("password-stdin"); !ok {
				return &UsageError{Err: fmt.Errorf("%s: --password-stdin is required: pipe the new password to standard input", cmd.CommandPath())}
			}
			pw, err := c.readPassword()
			if err != nil {
				return err
			}
			return c.withAccounts(ctx, cmd, func(a *accounts) error {
				u, err := a.user(ctx, args[0])
				if err != nil {
					return err
				}
				if err := a.setPassword(ctx, u, pw); err != nil {
					return err
				}
				if err := a.appendAudit(ctx, cliActor, "password.change", u.Username, nil); err != nil {
					return err
				}
				fmt.Fprintf(c.Stdout, "changed the password of %q\n", u.Username)
				return nil
			})
		},
	}
	passwd.Flags().Bool("password-stdin", false, `Read the password from the first line of standard input (required).`)

	for _, sub := range []*cobra.Command{create, list, passwd} {
		adminFlags(sub.Flags())
	}
	return groupCmd("user", "Create and list users, set passwords",
		`Manage the registry's user accounts from the server's machine, without the
web UI or an administrator token. The commands work on the data directory
(--data, CENTRAL_DATA or the configuration file, as for 'central serve'),
also while the server runs, and are recorded in the audit log as "cli".

Exit status: 0 done; 1 refused (the message says why) or failed; 2 wrong
command line.`,
		"$ central user create alice --password-stdin < password.txt\n$ central user list",
		create, list, passwd)
}

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

// --- central org ---

func (c *Command) orgCmd(ctx context.Context) *cobra.Command {
	create := &cobra.Command{
		Use:   "create <name> --owner <user>",
		Short: "Create an organization",
		Long: `Create an organization owned by a user. Names follow the Ballerina rules
(ASCII letters, digits and single underscores, not starting with a digit or
an underscore, at most 256 characters). Names starting with "ballerina" are
reserved for the platform's packages; this command, like an administrator,
may create them (for a mirror of ballerina/ballerinax packages).`,
		Example: `$ central org create acme --owner alice
created organization "acme", owned by "alice"`,
		Args: positional("<name>"),
		RunE: func(cmd *cobra.Command, args []string) error {
			owner, err := requiredFlag(cmd, "owner", "the user who will own the organization")
			if err != nil {
				return err
			}
			return c.withAccounts(ctx, cmd, func(a *accounts) error {
				u, err := a.user(ctx, owner)
				if err != nil {
					return err
				}
				o, err := a.createOrg(ctx, args[0], u, true)
				if err != nil {
					return err
				}
				if err := a.appendAudit(ctx, cliActor, "org.create", o.Name, map[string]any{"owner": u.Username}); err != nil {
					return err
				}
				fmt.Fprintf(c.Stdout, "created organization %q, owned by %q\n", o.Name, u.Username)
				return nil
			})
		},
	}
	create.Flags().String("owner", "", `The user who owns the new organization (required).`)
	setFlagArg(create.Flags(), "owner", "user")

	list := &cobra.Command{
		Use:     "list",
		Short:   "List the organizations",
		Long:    `List every organization with its owners, its number of members and its creation time (UTC).`,
		Example: "$ central org list\nORG   OWNERS  MEMBERS  CREATED\nacme  alice   3        2025-01-31T10:00:00Z",
		Args:    positional(),
		RunE: func(cmd *cobra.Command, _ []string) error {
			return c.withAccounts(ctx, cmd, func(a *accounts) error {
				orgs, err := a.meta.ListOrgs(ctx)
				if err != nil {
					return err
				}
				rows := make([][]string, 0, len(orgs))
				for _, o := range orgs {
					ms, err := a.meta.Members(ctx, o.Name)
					if err != nil {
						return err
					}
					var owners []string
					for _, m := range ms {
						if m.Role == store.RoleOwner {
							owners = append(owners, m.Username)
						}
					}
					rows = append(rows, []string{o.Name, strings.Join(owners, ","), strconv.Itoa(len(ms)), cliTime(o.CreatedAt)})
				}
				return table(c.Stdout, "ORG\tOWNERS\tMEMBERS\tCREATED", rows)
			})
		},
	}

	addMember := &cobra.Command{
		Use:   "add-member <org> <user> [--role <role>]",
		Short: "Add a member or change their role",
		Long: `Add a user to an organization, or change the role of a member. Roles: owner
(manages members, publishes, deprecates), publisher (publishes, deprecates),
member (reads the private packages). An organization always keeps an owner.`,
		Example: `$ central org add-member acme bob --role publisher
"bob" is now a publisher of "acme"`,
		Args: positional("<org>", "<user>"),
		RunE: func(cmd *cobra.Command, args []string) error {
			role, _ := cmd.Flags().GetString("role")
			return c.withAccounts(ctx, cmd, func(a *accounts) error {
				m, err := a.setMember(ctx, args[0], args[1], role)
				if err != nil {
					return err
				}
				if err := a.appendAudit(ctx, cliActor, "member.set", m.Org, map[string]any{"user": m.Username, "role": m.Role}); err != nil {
					return err
				}
				fmt.Fprintf(c.Stdout, "%q is now %s of %q\n", m.Username, article(string(m.Role)), m.Org)
				return nil
			})
		},
	}
	addMember.Flags().String("role", string(store.RoleMember), `The role: owner, publisher or member.`)
	setFlagArg(addMember.Flags(), "role", "role")

	removeMember := &cobra.Command{
		Use:   "remove-member <org> <user>",
		Short: "Remove a member",
		Long:  `Remove a user from an organization. The only owner cannot be removed: make another member an owner first.`,
		Example: `$ central org remove-member acme bob
removed "bob" from "acme"`,
		Args: positional("<org>", "<user>"),
		RunE: func(cmd *cobra.Command, args []string) error {
			return c.withAccounts(ctx, cmd, func(a *accounts) error {
				if err := a.removeMember(ctx, args[0], args[1]); err != nil {
					return err
				}
				if err := a.appendAudit(ctx, cliActor, "member.remove", args[0], map[string]any{"user": args[1]}); err != nil {
					return err
				}
				fmt.Fprintf(c.Stdout, "removed %q from %q\n", args[1], args[0])
				return nil
			})
		},
	}

	for _, sub := range []*cobra.Command{create, list, addMember, removeMember} {
		adminFlags(sub.Flags())
	}
	return groupCmd("org", "Create and list organizations, manage members",
		`Manage the registry's organizations and their members from the server's
machine, without the web UI or an administrator token. The commands work on
the data directory (--data, CENTRAL_DATA or the configuration file, as for
'central serve'), also while the server runs, and are recorded in the audit
log as "cli".

Exit status: 0 done; 1 refused (the message says why) or failed; 2 wrong
command line.`,
		"$ central org create acme --owner alice\n$ central org add-member acme bob --role publisher",
		create, list, addMember, removeMember)
}

// --- central token ---

func (c *Command) tokenCmd(ctx context.Context) *cobra.Command {
	create := &cobra.Command{
		Use:   "create --user <name> [--name <name>] [--scope <scopes>] [--expires-in-days <n>]",
		Short: "Create an access token for a user",
		Long: `Create an access token for a user and print it, once, as the only line on
standard output (the details go to standard error), so that a script can
capture it. The registry keeps only its hash: it cannot be shown again.

Scopes: read (private packages of the user's organizations), publish,
deprecate, and admin (manage the user's account, organizations and tokens;
for an administrator, everything). The default is read,publish,deprecate,
what bal needs.`,
		Example: `$ export BALLERINA_CENTRAL_ACCESS_TOKEN=$(central token create --user alice --name ci)
created token 7 "ci" for "alice": scopes read,publish,deprecate; expires 2026-01-31T10:00:00Z`,
		Args: positional(),
		RunE: func(cmd *cobra.Command, _ []string) error {
			user, err := requiredFlag(cmd, "user", "the user the token acts for")
			if err != nil {
				return err
			}
			name, _ := cmd.Flags().GetString("name")
			req := tokenRequest{Name: name, Allowed: AllScopes}
			if f := cmd.Flags().Lookup("scope"); f.Changed {
				req.Scopes, _ = cmd.Flags().GetStringSlice("scope")
			}
			if f := cmd.Flags().Lookup("expires-in-days"); f.Changed {
				days, _ := cmd.Flags().GetInt("expires-in-days")
				req.ExpiresInDays = &days
			}
			return c.withAccounts(ctx, cmd, func(a *accounts) error {
				if req.User, err = a.user(ctx, user); err != nil {
					return err
				}
				t, secret, err := a.createToken(ctx, req)
				if err != nil {
					return err
				}
				if err := a.appendAudit(ctx, cliActor, "token.create", tokenSubject(t.ID),
					map[string]any{"user": user, "name": t.Name, "scopes": t.Scopes, "expires_at": t.ExpiresAt}); err != nil {
					return err
				}
				fmt.Fprintln(c.Stdout, secret)
				fmt.Fprintf(c.Stderr, "created token %d %q for %q: scopes %s; expires %s\n", t.ID, t.Name, user, strings.Join(t.Scopes, ","), cliTime(t.ExpiresAt))
				return nil
			})
		},
	}
	create.Flags().String("user", "", `The user the token acts for (required).`)
	setFlagArg(create.Flags(), "user", "name")
	create.Flags().String("name", "cli", `A label to recognise the token by in listings.`)
	setFlagArg(create.Flags(), "name", "name")
	create.Flags().StringSlice("scope", nil, `Comma-separated scopes (read, publish, deprecate, admin), or the flag repeated. Default: read,publish,deprecate.`)
	setFlagArg(create.Flags(), "scope", "scopes")
	create.Flags().Int("expires-in-days", DefaultTokenDays, fmt.Sprintf(`Lifetime in days, 1 to %d. Default: %d.`, MaxTokenDays, DefaultTokenDays))
	setFlagArg(create.Flags(), "expires-in-days", "n")

	list := &cobra.Command{
		Use:   "list --user <name>",
		Short: "List a user's tokens",
		Long: `List the tokens of a user, revoked and expired ones included: ID, name, the
recognisable beginning of the secret, scopes, state (active, expired or
revoked), creation and expiry times and the last use (UTC; recorded at most
once a minute).`,
		Example: "$ central token list --user alice\nID  NAME  PREFIX        SCOPES                  STATE   CREATED               EXPIRES               LAST USED\n7   ci    bct_Xk3v9QaB  read,publish,deprecate  active  2025-01-31T10:00:00Z  2026-01-31T10:00:00Z  never",
		Args:    positional(),
		RunE: func(cmd *cobra.Command, _ []string) error {
			user, err := requiredFlag(cmd, "user", "whose tokens to list")
			if err != nil {
				return err
			}
			return c.withAccounts(ctx, cmd, func(a *accounts) error {
				u, err := a.user(ctx, user)
				if err != nil {
					return err
				}
				ts, err := a.meta.ListTokens(ctx, u.ID)
				if err != nil {
					return err
				}
				now := a.now()
				rows := make([][]string, 0, len(ts))
				for i := range ts {
					t := &ts[i]
					expires, used := "never", "never"
					if !t.ExpiresAt.IsZero() {
						expires = cliTime(t.ExpiresAt)
					}
					if t.LastUsedAt != nil {
						used = cliTime(*t.LastUsedAt)
					}
					rows = append(rows, []string{tokenSubject(t.ID), t.Name, t.Prefix, strings.Join(t.Scopes, ","), tokenState(t, now), cliTime(t.CreatedAt), expires, used})
				}
				return table(c.Stdout, "ID\tNAME\tPREFIX\tSCOPES\tSTATE\tCREATED\tEXPIRES\tLAST USED", rows)
			})
		},
	}
	list.Flags().String("user", "", `The user whose tokens to list (required).`)
	setFlagArg(list.Flags(), "user", "name")

	revoke := &cobra.Command{
		Use:   "revoke <id>",
		Short: "Revoke a token",
		Long: `Revoke a token by its ID ('central token list' shows it). The server refuses
the token from its next request on, with "access token revoked".`,
		Example: `$ central token revoke 7
revoked token 7 ("ci" of "alice")`,
		Args: positional("<id>"),
		RunE: func(cmd *cobra.Command, args []string) error {
			id, err := strconv.ParseInt(args[0], 10, 64)
			if err != nil || id <= 0 {
				return &UsageError{Err: fmt.Errorf("%s: invalid token ID %q: want the number 'central token list' shows", cmd.CommandPath(), args[0])}
			}
			return c.withAccounts(ctx, cmd, func(a *accounts) error {
				t, err := a.token(ctx, id, 0)
				if err != nil {
					return err
				}
				owner := strconv.FormatInt(t.UserID, 10)
				if u, err := a.meta.User(ctx, t.UserID); err == nil {
					owner = u.Username
				}
				if t.RevokedAt != nil {
					fmt.Fprintf(c.Stdout, "token %d (%q of %q) was revoked already, at %s\n", t.ID, t.Name, owner, cliTime(*t.RevokedAt))
					return nil
				}
				if err := a.revokeToken(ctx, t); err != nil {
					return err
				}
				if err := a.appendAudit(ctx, cliActor, "token.revoke", tokenSubject(t.ID), map[string]any{"user": owner, "name": t.Name}); err != nil {
					return err
				}
				fmt.Fprintf(c.Stdout, "revoked token %d (%q of %q)\n", t.ID, t.Name, owner)
				return nil
			})
		},
	}

	for _, sub := range []*cobra.Command{create, list, revoke} {
		adminFlags(sub.Flags())
	}
	return groupCmd("token", "Create, list and revoke access tokens",
		`Manage access tokens from the server's machine, without the web UI or an
administrator token: for instance a new administrator token when the first
one expired or was lost. The commands work on the data directory (--data,
CENTRAL_DATA or the configuration file, as for 'central serve'), also while
the server runs, and are recorded in the audit log as "cli".

Exit status: 0 done; 1 refused (the message says why) or failed; 2 wrong
command line.`,
		"$ central token create --user admin --scope read,publish,deprecate,admin\n$ central token list --user admin\n$ central token revoke 7",
		create, list, revoke)
}
