package pushcmd

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"

	"github.com/balcentral/balcentral/internal/bala"
	"github.com/balcentral/balcentral/internal/balcli/cmdenv"
	"github.com/balcentral/balcentral/internal/manifest"
	"github.com/balcentral/balcentral/internal/repository/centralclient"
)

// Web addresses of Ballerina Central, for messages.
const (
	centralWeb        = "https://central.ballerina.io"
	stagingCentralWeb = "https://staging-central.ballerina.io"
	devCentralWeb     = "https://dev-central.ballerina.io"
	// tokenPage is where Central hands out access tokens for the CLI.
	tokenPage = "/cli-token"
)

// pushClient is what a remote push needs of the registry client.
type pushClient interface {
	Package(ctx context.Context, org, name, version string) (*centralclient.Package, error)
	Push(ctx context.Context, balaPath string, progress centralclient.Progress) error
	BaseURL() string
}

// NewRemote returns the RemoteFunc of `bal push` without --repository
// local: it publishes the bala to the registry of Settings.toml (Central,
// or [central] url / BALLERINA_CENTRAL_URL), as the reference CLI does:
//
//  1. the access token must be configured (BALLERINA_CENTRAL_ACCESS_TOKEN
//     or [central] accesstoken), else the upstream "access token is
//     missing" error says where to get one and where to put it;
//  2. the registry must not have the version yet (GET of the package):
//     "package '<org>/<name>:<ver>' already exists in remote repository
//     :<web url>. build and push after updating the version in the
//     Ballerina.toml.";
//  3. the bala is uploaded, with a progress bar on stderr when it is a
//     terminal, and "<org>/<name>:<ver> pushed to central successfully"
//     is printed on stdout (upstream says "central" for every registry).
//
// Organization, name and version come from the bala's package.json, as
// the registry takes them. A refused token gives upstream's unauthorized
// text followed by where the token came from; a 400 (such as "package
// already exists") is printed as the registry words it; a 5xx as
// "failed to push the package: '<o>/<n>:<v>' reason:<message>".
func NewRemote(env *cmdenv.Env) RemoteFunc {
	return newRemote(env, func(s *manifest.Settings) (pushClient, error) {
		return env.CentralClient(s)
	})
}

// newRemote is NewRemote with the client made by newClient.
func newRemote(env *cmdenv.Env, newClient func(*manifest.Settings) (pushClient, error)) RemoteFunc {
	return func(ctx context.Context, opts *Options, req RemoteRequest) error {
		if req.Repository != "" {
			return fmt.Errorf("pushing to the repository '%s' of Settings.toml is not supported yet; use --repository %s",
				req.Repository, LocalRepository)
		}
		// The settings again, now with the environment applied (the token
		// and URL variables); their diagnostics were printed already.
		settings, _, err := env.CentralSettings()
		if err != nil {
			return err
		}
		org, name, ver, err := balaCoordinates(req)
		if err != nil {
			return err
		}
		if settings.Central.AccessToken == "" {
			return missingToken(env, settings)
		}
		client, err := newClient(settings)
		if err != nil {
			return err
		}
		sig := org + "/" + name + ":" + ver

		_, err = client.Package(ctx, org, name, ver)
		switch {
		case err == nil:
			return fmt.Errorf("package '%s' already exists in remote repository :%s. build and push after updating the version in the Ballerina.toml.",
				sig, packageWebURL(settings.Central.URL, org, name))
		case errors.Is(err, centralclient.ErrNotFound):
		default:
			return precheckError(env, client, org, sig, err)
		}

		progress, done := cmdenv.Progress(opts.IO, fmt.Sprintf("%s [%s -> %s]", sig, req.Display, registryName(settings.Central.URL)))
		err = client.Push(ctx, req.BalaPath, progress)
		done()
		if err != nil {
			return pushError(env, client, org, sig, err)
		}
		fmt.Fprintf(opts.IO.Out, "%s pushed to central successfully\n", sig)
		return nil
	}
}

// balaCoordinates returns the organization, name and version of the
// bala's package.json.
func balaCoordinates(req RemoteRequest) (org, name, ver string, err error) {
	a, f, err := bala.OpenFile(req.BalaPath, bala.DefaultLimits)
	if err != nil {
		return "", "", "", fmt.Errorf("invalid bala file '%s': %w", req.Display, err)
	}
	defer f.Close()
	p := a.Package
	return p.Organization, p.Name, p.Version, nil
}

// missingToken is upstream's error for a push without an access token,
// pointing at the registry's own site for one that is not Central.
func missingToken(env *cmdenv.Env, s *manifest.Settings) error {
	path, err := env.SettingsPath()
	if err != nil {
		path = manifest.SettingsFileName
	}
	page := webURL(s.Central.URL)
	if isCentral(s.Central.URL) {
		page += tokenPage
	}
	return fmt.Errorf("Ballerina Central access token is missing in %s\n"+
		"Visit %s to get an access token and add it to the '%s' file as follows,\n\n"+
		"\t[central]\n\taccesstoken=\"<access-token>\"\n\n"+
		"Alternatively, set the '%s' environment variable.",
		path, page, manifest.SettingsFileName, manifest.EnvCentralAccessToken)
}

// precheckError turns a failed GET of the package into upstream's text.
func precheckError(env *cmdenv.Env, client pushClient, org, sig string, err error) error {
	var ce *centralclient.Error
	if !errors.As(err, &ce) {
		return fmt.Errorf("could not connect to remote repository to find package: %s. reason: %v", sig, err)
	}
	switch {
	case errors.Is(err, centralclient.ErrUnauthorized) || ce.Status == 401:
		return env.UnauthorizedError(org, ce)
	case ce.Status == 404 && ce.Message != "":
		return fmt.Errorf("could not connect to remote repository to find package: %s. reason: %s", sig, ce.Message)
	case ce.Message != "" && ce.Status != 0:
		return errors.New(ce.Message)
	case ce.Status == 0 && ce.Err != nil:
		return fmt.Errorf("could not connect to remote repository to find package: %s. reason: %v", sig, connectionReason(ce))
	}
	return fmt.Errorf("could not connect to remote repository to find package: %s", sig)
}

// pushError turns a failed upload into upstream's text.
func pushError(env *cmdenv.Env, client pushClient, org, sig string, err error) error {
	var ce *centralclient.Error
	if !errors.As(err, &ce) {
		return fmt.Errorf("failed to push the package: '%s' to the remote repository '%s'. reason: %v", sig, client.BaseURL(), err)
	}
	switch {
	case errors.Is(err, centralclient.ErrUnauthorized) || ce.Status == 401:
		return env.UnauthorizedError(org, ce)
	case ce.Status >= 500 && ce.Message != "":
		return fmt.Errorf("failed to push the package: '%s' reason:%s", sig, ce.Message)
	case ce.Status >= 400 && ce.Message != "":
		// 400 is upstream's (already exists, invalid bala); 403 and 413
		// are this registry's, worded for the user.
		if strings.Contains(ce.Message, "subject claims missing") {
			return fmt.Errorf("invalid access token in the '%s'\n%s", manifest.SettingsFileName, env.TokenHint())
		}
		return errors.New(ce.Message)
	case ce.Status == 0:
		return fmt.Errorf("failed to push the package: '%s' to the remote repository '%s'. reason: %v", sig, client.BaseURL(), connectionReason(ce))
	}
	return fmt.Errorf("failed to push the package: '%s' to the remote repository '%s'.", sig, client.BaseURL())
}

// connectionReason is the cause of a connection failure.
func connectionReason(ce *centralclient.Error) string {
	if ce.Cause != nil {
		return ce.Cause.Error()
	}
	if ce.Message != "" {
		return ce.Message
	}
	if ce.Err != nil {
		return ce.Err.Error()
	}
	return "connection failed"
}

// isCentral reports whether base is one of Ballerina Central's API URLs.
func isCentral(base string) bool {
	switch base {
	case "", manifest.DefaultCentralURL, manifest.StagingCentralURL, manifest.DevCentralURL:
		return true
	}
	return false
}

// webURL returns the web site of the registry whose API is at base:
// Central's (production, staging or dev) for Central's API URLs, else the
// scheme and host of base.
func webURL(base string) string {
	switch base {
	case "", manifest.DefaultCentralURL:
		return centralWeb
	case manifest.StagingCentralURL:
		return stagingCentralWeb
	case manifest.DevCentralURL:
		return devCentralWeb
	}
	u, err := url.Parse(base)
	if err != nil || u.Host == "" {
		return base
	}
	return u.Scheme + "://" + u.Host
}

// packageWebURL returns the web page of org/name on the registry at base.
func packageWebURL(base, org, name string) string {
	return webURL(base) + "/" + org + "/" + name
}

// registryName is the name of the registry in progress bars:
// central.ballerina.io for Central, else the host of base.
func registryName(base string) string {
	w := webURL(base)
	if i := strings.Index(w, "://"); i >= 0 {
		return w[i+3:]
	}
	return w
}
