package cmdenv

import (
	"errors"
	"fmt"
	"net/http"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/schollz/progressbar/v3"

	"github.com/balcentral/balcentral/internal/iostreams"
	"github.com/balcentral/balcentral/internal/manifest"
	"github.com/balcentral/balcentral/internal/project"
	"github.com/balcentral/balcentral/internal/repository/centralclient"
)

// EnvCentralVerbose is the variable that, set to "true" (any case), makes
// the registry client print curl-like traces of its requests on stderr, as
// upstream's CENTRAL_VERBOSE_ENABLED does.
const EnvCentralVerbose = "CENTRAL_VERBOSE_ENABLED"

// SettingsPath returns the path of Settings.toml: <home>/Settings.toml.
func (e *Env) SettingsPath() (string, error) {
	home, err := e.HomeDir()
	if err != nil {
		return "", err
	}
	return filepath.Join(home, manifest.SettingsFileName), nil
}

// CentralSettings loads <home>/Settings.toml (defaults when there is no
// such file) with the environment applied through [Env.Lookup]:
// BALLERINA_CENTRAL_ACCESS_TOKEN replaces [central] accesstoken whenever it
// is set, even to "", and BALLERINA_CENTRAL_URL (then
// BALLERINA_STAGE_CENTRAL, BALLERINA_DEV_CENTRAL) replaces the registry URL
// (manifest.LoadSettings).
//
// The warnings of the file are returned as diagnostics, for the caller to
// print (project.WriteDiagnostics). Errors in the file give a
// *project.FileErrors with the summary "Settings.toml contains errors",
// which project.WriteFileErrors prints, as for project.ReadSettings; an
// unreadable file or an invalid BALLERINA_CENTRAL_URL gives a plain error.
// The settings are nil exactly when the error is not.
func (e *Env) CentralSettings() (*manifest.Settings, []project.Diagnostic, error) {
	home, err := e.HomeDir()
	if err != nil {
		return nil, nil, err
	}
	s, diags, err := manifest.LoadSettings(home, e.Lookup)
	if err != nil {
		return nil, nil, err
	}
	warnings := settingsDiagnostics(diags.Warnings())
	if errs := diags.Errors(); len(errs) > 0 || s == nil {
		return nil, warnings, &project.FileErrors{
			Summary:     manifest.SettingsFileName + " contains errors",
			Diagnostics: settingsDiagnostics(errs),
		}
	}
	return s, warnings, nil
}

// settingsDiagnostics converts Settings.toml diagnostics to the form
// commands print, the sites being the full path of the file.
func settingsDiagnostics(ds manifest.Diagnostics) []project.Diagnostic {
	var out []project.Diagnostic
	for _, d := range ds {
		pd := project.Diagnostic{Message: d.Message, Sites: []string{d.File}}
		if d.Pos.IsValid() {
			pd.Sites[0] += ":" + d.Pos.String()
		}
		if d.Severity == manifest.SeverityWarning {
			pd.Severity = project.SeverityWarning
		}
		out = append(out, pd)
	}
	return out
}

// CentralClient returns the registry client for s (as CentralSettings
// returns it): centralclient.New([Env.CentralOptions](s)).
func (e *Env) CentralClient(s *manifest.Settings) (*centralclient.Client, error) {
	return centralclient.New(e.CentralOptions(s))
}

// CentralOptions returns the client options for s, the ones
// centralclient.FromSettings derives (registry URL, token, timeouts,
// maxRetries, [proxy]) with e.Distribution as User-Agent, plus what only
// the command line has:
//
//   - curl-like traces on stderr when CENTRAL_VERBOSE_ENABLED is "true";
//   - a line on stderr for each retry,
//     "* Retrying request to <url> due to <code> response code. Retry attempt: <n>"
//     (upstream's text), or "* Retrying request to <url> due to: <error>. Retry attempt: <n>"
//     for a broken connection.
//
// A command that needs other platforms sets Platforms before
// centralclient.New.
func (e *Env) CentralOptions(s *manifest.Settings) centralclient.Options {
	opts := centralclient.Options{
		BaseURL:        s.Central.URL,
		Token:          s.Central.AccessToken,
		Distribution:   e.Distribution,
		ConnectTimeout: s.Central.ConnectTimeout,
		ReadTimeout:    s.Central.ReadTimeout,
		WriteTimeout:   s.Central.WriteTimeout,
		CallTimeout:    s.Central.CallTimeout,
		MaxRetries:     s.Central.MaxRetries,
	}
	if u := s.Proxy.URL(); u != nil {
		opts.ProxyURL = http.ProxyURL(u)
	}
	return e.withCentralOutput(opts)
}

// withCentralOutput adds the verbose traces and the retry lines of
// [Env.CentralOptions] to opts.
func (e *Env) withCentralOutput(opts centralclient.Options) centralclient.Options {
	if v, _ := e.Lookup(EnvCentralVerbose); strings.EqualFold(v, "true") && e.IO != nil {
		opts.Verbose = e.IO.ErrOut
	}
	if e.IO != nil {
		w := e.IO.ErrOut
		opts.Retrying = func(url string, status, attempt int, err error) {
			if status > 0 {
				fmt.Fprintf(w, "* Retrying request to %s due to %d response code. Retry attempt: %d\n", url, status, attempt)
				return
			}
			reason := "a connection failure"
			if err != nil {
				reason = err.Error()
			}
			fmt.Fprintf(w, "* Retrying request to %s due to: %s. Retry attempt: %d\n", url, reason, attempt)
		}
	}
	return opts
}

// TokenHint returns the line bal prints after a refused or missing access
// token, telling where the token came from and so where to fix it:
// BALLERINA_CENTRAL_ACCESS_TOKEN when that variable is set (it wins over
// Settings.toml even when empty), else [central] accesstoken in
// <home>/Settings.toml.
func (e *Env) TokenHint() string {
	if _, ok := e.Lookup(manifest.EnvCentralAccessToken); ok {
		return fmt.Sprintf("The access token comes from the %s environment variable; set it to a valid token, or unset it to use [central] accesstoken of %s.",
			manifest.EnvCentralAccessToken, e.settingsPathOr())
	}
	return fmt.Sprintf("Replace [central] accesstoken in %s with a valid token, or set the %s environment variable.",
		e.settingsPathOr(), manifest.EnvCentralAccessToken)
}

// settingsPathOr returns the Settings.toml path, or a generic name when
// the home directory is unknown.
func (e *Env) settingsPathOr() string {
	if e.HomeDir == nil {
		return manifest.SettingsFileName
	}
	p, err := e.SettingsPath()
	if err != nil {
		return manifest.SettingsFileName
	}
	return p
}

// UnauthorizedError returns the error for a registry's 401, in upstream's
// words followed by [Env.TokenHint] on a line of its own:
//
//	unauthorized access token for organization: '<org>'. check access token set in 'Settings.toml' file. reason: <message>
//
// org "" gives upstream's text for requests about no organization
// (search, deprecate): "unauthorized access token. check access token ...".
// The " reason: ..." part is left out when the server sent no message.
func (e *Env) UnauthorizedError(org string, cerr *centralclient.Error) error {
	var b strings.Builder
	b.WriteString("unauthorized access token")
	if org != "" {
		fmt.Fprintf(&b, " for organization: '%s'", org)
	}
	b.WriteString(". check access token set in 'Settings.toml' file.")
	if cerr != nil && cerr.Message != "" {
		b.WriteString(" reason: " + cerr.Message)
	}
	b.WriteString("\n" + e.TokenHint())
	return errors.New(b.String())
}

// Progress returns a progress bar on stderr for a transfer described by
// task, and a function to call when the transfer ends. The bar is drawn
// only when stderr is a terminal; otherwise Progress returns a nil
// centralclient.Progress (no bar) and a no-op.
func Progress(ios *iostreams.IOStreams, task string) (centralclient.Progress, func()) {
	if ios == nil || !ios.IsStderrTTY() {
		return nil, func() {}
	}
	var (
		mu  sync.Mutex
		bar *progressbar.ProgressBar
	)
	update := func(done, total int64) {
		mu.Lock()
		defer mu.Unlock()
		if bar == nil {
			bar = progressbar.NewOptions64(total,
				progressbar.OptionSetWriter(ios.ErrOut),
				progressbar.OptionSetDescription(task),
				progressbar.OptionShowBytes(true),
				progressbar.OptionShowCount(),
				progressbar.OptionSetWidth(30),
				progressbar.OptionThrottle(100*time.Millisecond),
				progressbar.OptionClearOnFinish(),
			)
			bar.RenderBlank()
		}
		if total > 0 && bar.GetMax64() != total {
			bar.ChangeMax64(total)
		}
		bar.Set64(done)
	}
	finish := func() {
		mu.Lock()
		defer mu.Unlock()
		if bar != nil {
			bar.Finish()
			bar = nil
		}
	}
	return update, finish
}
