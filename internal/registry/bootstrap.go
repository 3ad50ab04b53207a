package registry

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/balcentral/balcentral/internal/registry/credential"
	"github.com/balcentral/balcentral/internal/store"
)

// BootstrapUsername is the name of the administrator the first start
// creates.
const BootstrapUsername = "admin"

// bootstrapTokenName names the administrator's first token in listings.
const bootstrapTokenName = "bootstrap"

// AdminBootstrapper is the [Bootstrapper] of central: on a data directory
// where no user is an administrator, it creates the administrator "admin"
// and an access token for it with every scope, valid DefaultTokenLifetime,
// and prints the token to stdout with the URL and how to use both. Where
// an administrator exists it does nothing, so every start but the first
// prints nothing.
//
// The account has no password: the token is how the administrator gets
// in, and a password for the web UI is set later (PUT
// /api/v1/users/admin/password, or `central user passwd admin`). A
// generated password would be a second secret to print and to leak.
//
// With CENTRAL_BOOTSTRAP_TOKEN set, the token is that value, which is
// then not printed: whoever set it knows it, and stdout often ends up in a
// log collector.
//
// The account is made an administrator last, after the token is printed,
// so that a start interrupted half-way is completed by the next one: a
// non-administrator "admin" without a password is taken to be such a
// leftover and gets a new token. An "admin" with a password belongs to
// somebody, and the bootstrap stops with an error instead.
type AdminBootstrapper struct{}

// Bootstrap implements [Bootstrapper].
func (AdminBootstrapper) Bootstrap(ctx context.Context, env BootstrapEnv) error {
	meta := env.Storage.Meta
	users, err := meta.ListUsers(ctx)
	if err != nil {
		return err
	}
	for _, u := range users {
		if u.Admin {
			if env.Token != "" {
				env.Log.Info(EnvBootstrapToken + " is set, but an administrator exists already; ignoring it")
			}
			return nil
		}
	}

	u, err := meta.UserByName(ctx, BootstrapUsername)
	switch {
	case errors.Is(err, store.ErrNotFound):
		u = &store.User{Username: BootstrapUsername}
		if err := meta.CreateUser(ctx, u); err != nil {
			return fmt.Errorf("creating the administrator: %w", err)
		}
	case err != nil:
		return err
	case u.PasswordHash != "":
		return fmt.Errorf("no user is an administrator, and the user name %q is taken by an account with a password; "+
			"create an administrator with `central user create <name> --admin`, then start again", BootstrapUsername)
	}

	secret, err := bootstrapSecret(env.Token)
	if err != nil {
		return err
	}
	now := time.Now()
	t := &store.Token{
		UserID: u.ID, Name: bootstrapTokenName, Prefix: secret.Prefix, Hash: secret.Hash,
		Scopes: AllScopes, CreatedAt: now, ExpiresAt: now.Add(DefaultTokenLifetime),
	}
	if err := meta.CreateToken(ctx, t); errors.Is(err, store.ErrExists) {
		// The token of an interrupted bootstrap with the same
		// CENTRAL_BOOTSTRAP_TOKEN is reused; anybody else's is not.
		prev, perr := meta.TokenByHash(ctx, secret.Hash)
		if perr != nil || prev.UserID != u.ID || prev.RevokedAt != nil {
			return fmt.Errorf("the value of %s is already an access token of this registry; choose another value", EnvBootstrapToken)
		}
		t = prev
	} else if err != nil {
		return fmt.Errorf("creating the administrator's token: %w", err)
	}

	shown := secret.Secret
	if env.Token != "" {
		shown = ""
	}
	if err := printBootstrap(env, shown); err != nil {
		return fmt.Errorf("printing the administrator's token: %w", err)
	}
	if err := meta.SetAdmin(ctx, u.ID, true); err != nil {
		return fmt.Errorf("making %q an administrator: %w", BootstrapUsername, err)
	}
	e := &store.AuditEvent{At: now, Actor: "system", Action: "bootstrap", Subject: BootstrapUsername,
		Detail: fmt.Sprintf(`{"token_id":%d,"from_env":%t}`, t.ID, env.Token != "")}
	if err := meta.AppendAudit(ctx, e); err != nil {
		env.Log.Error("cannot append to the audit log", "action", "bootstrap", "err", err)
	}
	env.Log.Info("created the first administrator", "user", BootstrapUsername, "token_id", t.ID, "token_from_env", env.Token != "")
	return nil
}

// bootstrapSecret returns the token CENTRAL_BOOTSTRAP_TOKEN gives, or a
// generated one.
func bootstrapSecret(fromEnv string) (credential.Token, error) {
	if fromEnv != "" {
		return credential.TokenFromSecret(fromEnv), nil
	}
	return credential.NewToken()
}

// printBootstrap prints the lines that tell the operator how to get in:
// secret is the generated token, or "" when it came from
// CENTRAL_BOOTSTRAP_TOKEN.
func printBootstrap(env BootstrapEnv, secret string) error {
	var b strings.Builder
	fmt.Fprintf(&b, "created administrator %q (no password: it signs in with the token below)\n", BootstrapUsername)
	value := secret
	if secret == "" {
		value = "\"$" + EnvBootstrapToken + "\""
		fmt.Fprintf(&b, "admin token: the value of %s\n", EnvBootstrapToken)
	} else {
		fmt.Fprintf(&b, "admin token (shown once): %s\n", secret)
	}
	fmt.Fprintf(&b, "URL: %s\n", env.URL)
	fmt.Fprintf(&b, "to use it with bal:\n  export BALLERINA_CENTRAL_URL=%s%s\n  export BALLERINA_CENTRAL_ACCESS_TOKEN=%s\n", env.URL, centralPrefix, value)
	fmt.Fprintf(&b, "to manage accounts (docs/API.md):\n  curl -H \"Authorization: Bearer $BALLERINA_CENTRAL_ACCESS_TOKEN\" %s%s/user\n", env.URL, apiPrefix)
	_, err := io.WriteString(env.Out, b.String())
	return err
}
