package centralclient

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/balcentral/balcentral/internal/manifest"
	"github.com/balcentral/balcentral/internal/version"
)

// Operation names, the Op of *Error.
const (
	opVersions    = "versions"
	opPackage     = "package"
	opPull        = "pull"
	opDownload    = "download"
	opPush        = "push"
	opSearch      = "search"
	opDeprecate   = "deprecate"
	opResolveDeps = "resolve-dependencies"
	opResolveMods = "resolve-modules"
)

const (
	// maskedBearer replaces the Authorization value in verbose traces, as
	// the Java client prints it.
	maskedBearer = "Bearer ************************************"
	// Limits on answers read whole: JSON (search answers carry whole
	// READMEs), error bodies, and what is drained of an answer that is
	// retried.
	maxJSONBody     = 64 << 20
	maxErrorBody    = 1 << 20
	maxDrainOnRetry = 64 << 10
)

// Backoff defaults: retry n waits about backoffBase·2^(n-1), at most
// backoffMax, plus up to half of that again at random.
const (
	backoffBase = 200 * time.Millisecond
	backoffMax  = 10 * time.Second
)

// DefaultBackoff is the wait before retry n (1-based) when Options.Backoff
// is nil: 200 ms doubled for every further retry, capped at 10 s, plus a
// random jitter of up to half as much again.
func DefaultBackoff(n int) time.Duration {
	if n < 1 {
		n = 1
	}
	d := backoffBase
	for i := 1; i < n && d < backoffMax; i++ {
		d *= 2
	}
	d = min(d, backoffMax)
	return d + rand.N(d/2+1)
}

// New returns a Client for opts. BaseURL must be an absolute http or https
// URL (a trailing slash is dropped). A negative MaxRetries means 1 (as
// Settings.toml's maxRetries); zero means no retries. Empty Distribution
// means version.DistributionShort.
func New(opts Options) (*Client, error) {
	base := strings.TrimRight(opts.BaseURL, "/")
	u, err := url.Parse(base)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.Opaque != "" {
		return nil, fmt.Errorf("invalid registry URL %q: must be an absolute http or https URL", opts.BaseURL)
	}
	opts.BaseURL = base
	if opts.Distribution == "" {
		opts.Distribution = version.DistributionShort
	}
	if len(opts.Platforms) == 0 {
		opts.Platforms = DefaultPlatforms
	}
	opts.Platforms = append([]string(nil), opts.Platforms...)
	if opts.MaxRetries < 0 {
		opts.MaxRetries = manifest.DefaultMaxRetries
	}
	for _, d := range []*time.Duration{&opts.ConnectTimeout, &opts.ReadTimeout, &opts.WriteTimeout} {
		if *d <= 0 {
			*d = manifest.DefaultTimeout
		}
	}
	if opts.CallTimeout < 0 {
		opts.CallTimeout = 0
	}
	if opts.Backoff == nil {
		opts.Backoff = DefaultBackoff
	}
	c := &Client{opts: opts, base: u}
	if opts.HTTPClient != nil {
		hc := *opts.HTTPClient
		c.hc = &hc
	} else {
		c.hc = &http.Client{Transport: newTransport(opts), Timeout: opts.CallTimeout}
	}
	c.hc.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	return c, nil
}

// OptionsFromSettings returns the Options of Settings.toml: the registry
// URL, the token, the timeouts, maxRetries and the [proxy] (with its
// credentials, which net/http sends as Proxy-Authorization: Basic), with
// distribution as User-Agent. Callers add Verbose, Retrying or Platforms
// before calling New.
func OptionsFromSettings(s *manifest.Settings, distribution string) Options {
	if s == nil {
		s = manifest.DefaultSettings()
	}
	o := Options{
		BaseURL:        s.Central.URL,
		Token:          s.Central.AccessToken,
		Distribution:   distribution,
		ConnectTimeout: s.Central.ConnectTimeout,
		ReadTimeout:    s.Central.ReadTimeout,
		WriteTimeout:   s.Central.WriteTimeout,
		CallTimeout:    s.Central.CallTimeout,
		MaxRetries:     s.Central.MaxRetries,
	}
	if o.BaseURL == "" {
		o.BaseURL = manifest.DefaultCentralURL
	}
	if p := s.Proxy.URL(); p != nil {
		o.ProxyURL = http.ProxyURL(p)
	}
	return o
}

// FromSettings returns a Client for the registry, token, timeouts, retries
// and proxy of Settings.toml (as loaded by manifest.LoadSettings, which
// applies BALLERINA_CENTRAL_ACCESS_TOKEN and BALLERINA_CENTRAL_URL), sending
// distribution as User-Agent. See [OptionsFromSettings].
func FromSettings(s *manifest.Settings, distribution string) (*Client, error) {
	return New(OptionsFromSettings(s, distribution))
}

// Host returns the host of the base URL, e.g. "api.central.ballerina.io"
// or "127.0.0.1:9090": the cache directory of a non-default registry is
// named after it (repository.Layout.CentralCacheDir).
func (c *Client) Host() string { return c.base.Host }

// newTransport builds the transport of a Client without an HTTPClient:
// the connect timeout bounds dialing and the TLS handshake; the read and
// write timeouts are idle timeouts on the connection (see idleConn), so a
// long download or upload is never cut while bytes flow; the proxy is
// opts.ProxyURL, else the environment's (HTTPS_PROXY and friends).
func newTransport(opts Options) *http.Transport {
	dialer := &net.Dialer{Timeout: opts.ConnectTimeout, KeepAlive: 30 * time.Second}
	proxy := opts.ProxyURL
	if proxy == nil {
		proxy = http.ProxyFromEnvironment
	}
	read, write := opts.ReadTimeout, opts.WriteTimeout
	return &http.Transport{
		Proxy: proxy,
		DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
			conn, err := dialer.DialContext(ctx, network, addr)
			if err != nil {
				return nil, err
			}
			return &idleConn{Conn: conn, read: read, write: write}, nil
		},
		TLSHandshakeTimeout:   opts.ConnectTimeout,
		ResponseHeaderTimeout: read,
		ExpectContinueTimeout: time.Second,
		IdleConnTimeout:       90 * time.Second,
		MaxIdleConns:          100,
		MaxIdleConnsPerHost:   32, // parallel downloads
	}
}

// idleConn applies the read and write timeouts as idle timeouts: each Read
// must make progress within read of the last activity, each Write within
// write. A Write also pushes the read deadline back, since a server is not
// expected to answer while the request is still being sent.
type idleConn struct {
	net.Conn
	read, write time.Duration
}

func (c *idleConn) Read(p []byte) (int, error) {
	if err := c.Conn.SetReadDeadline(time.Now().Add(c.read)); err != nil {
		return 0, err
	}
	return c.Conn.Read(p)
}

func (c *idleConn) Write(p []byte) (int, error) {
	now := time.Now()
	if err := c.Conn.SetWriteDeadline(now.Add(c.write)); err != nil {
		return 0, err
	}
	if err := c.Conn.SetReadDeadline(now.Add(max(c.read, c.write))); err != nil {
		return 0, err
	}
	return c.Conn.Write(p)
}

// request is one API call, sent by Client.send.
type request struct {
	op, method, url string
	// platforms is the Ballerina-Platform value.
	platforms string
	accept    string
	// identity sends Accept-Encoding: identity.
	identity    bool
	contentType string
	header      http.Header // more headers
	// noAuth leaves Authorization out.
	noAuth bool
	// body, if not nil, opens the request body for each attempt, with its
	// length (-1 if unknown).
	body func() (io.ReadCloser, int64, error)
	// read makes send read the whole answer.
	read bool
	// unsafe marks a request that must not be repeated once its body has
	// been read (push): transport failures are retried only if no byte of
	// the body was read, and only 502, 503 and 504 answers are retried.
	unsafe bool
}

// countingReader counts what the transport read of a request body.
type countingReader struct {
	r io.ReadCloser
	n *atomic.Int64
}

func (c countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n.Add(int64(n))
	return n, err
}

func (c countingReader) Close() error { return c.r.Close() }

// platformsHeader is the comma-joined platform list.
func (c *Client) platformsHeader() string { return strings.Join(c.opts.Platforms, ",") }

// retryStatus reports whether an answer with the status is retried.
func retryStatus(status int, unsafe bool) bool {
	switch status {
	case http.StatusBadGateway, http.StatusServiceUnavailable, http.StatusGatewayTimeout:
		return true
	case http.StatusInternalServerError:
		return !unsafe
	}
	return false
}

// send performs r, retrying 5xx answers and transport failures up to
// MaxRetries times with backoff. It returns the last answer, whatever its
// status, or an *Error wrapping ErrConnection when there was none, or an
// error wrapping ctx.Err(). When r.read is set, the body is read (and a
// failure to read it retried like a transport failure), closed and
// returned; otherwise the caller reads and closes resp.Body.
func (c *Client) send(ctx context.Context, r *request) (*http.Response, []byte, error) {
	for attempt := 0; ; attempt++ {
		req, sent, err := c.newRequest(ctx, r)
		if err != nil {
			return nil, nil, err
		}
		c.traceRequest(req)
		resp, err := c.hc.Do(req)
		status := 0
		var body []byte
		if err == nil {
			c.traceResponse(resp)
			status = resp.StatusCode
			if retryStatus(status, r.unsafe) && attempt < c.opts.MaxRetries {
				io.Copy(io.Discard, io.LimitReader(resp.Body, maxDrainOnRetry))
				resp.Body.Close()
				if err := c.retry(ctx, r.url, status, attempt+1, nil); err != nil {
					return nil, nil, err
				}
				continue
			}
			if !r.read {
				return resp, nil, nil
			}
			limit := int64(maxJSONBody)
			if status >= 300 {
				limit = maxErrorBody
			}
			body, err = readBody(resp, limit)
			if err == nil {
				c.traceBody(resp, body)
				return resp, body, nil
			}
			if !isTransportError(err) {
				// Too large: not worth a retry.
				return nil, nil, &Error{Op: r.op, Method: r.method, URL: r.url, Status: status,
					Message: "invalid answer from the registry", Cause: err}
			}
		}
		if ctx.Err() != nil {
			return nil, nil, fmt.Errorf("%s %s: %w", r.method, r.url, ctx.Err())
		}
		canRetry := retryableError(err) && (!r.unsafe || sent.Load() == 0)
		if canRetry && attempt < c.opts.MaxRetries {
			if err := c.retry(ctx, r.url, 0, attempt+1, err); err != nil {
				return nil, nil, err
			}
			continue
		}
		c.tracef("* %v\n", err)
		return nil, nil, connError(r.op, r.method, r.url, status, unwrapURLError(err))
	}
}

// retry reports retry n to Options.Retrying (with the cause of a
// transport failure, without net/http's "Get <url>:" prefix) and waits for
// its backoff.
func (c *Client) retry(ctx context.Context, url string, status, n int, cause error) error {
	if c.opts.Retrying != nil {
		c.opts.Retrying(url, status, n, unwrapURLError(cause))
	}
	d := c.opts.Backoff(n)
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return fmt.Errorf("%s: %w", url, ctx.Err())
	}
}

// newRequest builds the http.Request of one attempt, with the headers of
// the Java client.
func (c *Client) newRequest(ctx context.Context, r *request) (*http.Request, *atomic.Int64, error) {
	var (
		body   io.ReadCloser
		length int64
		sent   = new(atomic.Int64)
	)
	if r.body != nil {
		rc, n, err := r.body()
		if err != nil {
			return nil, nil, err
		}
		body, length = countingReader{r: rc, n: sent}, n
	}
	req, err := http.NewRequestWithContext(ctx, r.method, r.url, body)
	if err != nil {
		if body != nil {
			body.Close()
		}
		return nil, nil, fmt.Errorf("%s %s: %w", r.method, r.url, err)
	}
	if body != nil {
		req.ContentLength = length
	}
	h := req.Header
	platforms := r.platforms
	if platforms == "" {
		platforms = c.platformsHeader()
	}
	h.Set("Ballerina-Platform", platforms)
	h.Set("User-Agent", c.opts.Distribution)
	if c.opts.Token != "" && !r.noAuth {
		h.Set("Authorization", "Bearer "+c.opts.Token)
	}
	if r.accept != "" {
		h.Set("Accept", r.accept)
	}
	if r.identity {
		h.Set("Accept-Encoding", "identity")
	}
	if r.contentType != "" {
		h.Set("Content-Type", r.contentType)
	}
	for k, vs := range r.header {
		h[k] = vs
	}
	return req, sent, nil
}

// unwrapURLError drops the *url.Error layer ("Get "<url>": …"), since
// *Error names the request already.
func unwrapURLError(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) && ue.Err != nil {
		return ue.Err
	}
	return err
}

// errTooLarge is readBody's error for a body beyond its limit.
var errTooLarge = errors.New("response body too large")

// isTransportError reports whether a body read failed in the transport
// rather than on readBody's limit.
func isTransportError(err error) bool { return !errors.Is(err, errTooLarge) }

// readBody reads at most limit bytes of a response body and closes it.
func readBody(resp *http.Response, limit int64) ([]byte, error) {
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, limit+1))
	if err != nil {
		return data, err
	}
	if int64(len(data)) > limit {
		return data[:limit], fmt.Errorf("%w: more than %d bytes", errTooLarge, limit)
	}
	return data, nil
}

// Verbose traces, in the Java client's format (central-api.md §13).

var traceMu sync.Mutex

func (c *Client) tracef(format string, args ...any) {
	if c.opts.Verbose == nil {
		return
	}
	traceMu.Lock()
	defer traceMu.Unlock()
	fmt.Fprintf(c.opts.Verbose, format, args...)
}

func (c *Client) traceRequest(req *http.Request) {
	if c.opts.Verbose == nil {
		return
	}
	var b bytes.Buffer
	fmt.Fprintf(&b, "* Trying %s\n", req.URL)
	fmt.Fprintf(&b, "* Connected to %s\n", c.opts.BaseURL)
	fmt.Fprintf(&b, "> %s %s HTTP\n", req.Method, req.URL.RequestURI())
	fmt.Fprintf(&b, "> Host: %s\n", req.URL.Host)
	for _, k := range sortedKeys(req.Header) {
		for _, v := range req.Header[k] {
			if k == "Authorization" {
				v = maskedBearer
			}
			fmt.Fprintf(&b, "> %s: %s\n", k, v)
		}
	}
	b.WriteString(">\n")
	c.tracef("%s", b.Bytes())
}

func (c *Client) traceResponse(resp *http.Response) {
	if c.opts.Verbose == nil {
		return
	}
	var b bytes.Buffer
	fmt.Fprintf(&b, "< HTTP %d %s\n", resp.StatusCode, http.StatusText(resp.StatusCode))
	for _, k := range sortedKeys(resp.Header) {
		for _, v := range resp.Header[k] {
			fmt.Fprintf(&b, "< %s: %s\n", k, v)
		}
	}
	b.WriteString("<\n")
	c.tracef("%s", b.Bytes())
}

// traceBody prints a JSON body read from an answer, then the closing line.
func (c *Client) traceBody(resp *http.Response, body []byte) {
	if c.opts.Verbose == nil {
		return
	}
	var b bytes.Buffer
	if len(body) > 0 && isJSON(resp.Header.Get("Content-Type")) {
		b.Write(body)
		b.WriteByte('\n')
	}
	fmt.Fprintf(&b, "* Connection to host %s left intact\n\n", c.opts.BaseURL)
	c.tracef("%s", b.Bytes())
}

func sortedKeys(h http.Header) []string {
	keys := make([]string, 0, len(h))
	for k := range h {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// pathSegment escapes one path segment; "*" (latest, all versions) is
// sent as is, as the Java client sends it.
func pathSegment(s string) string {
	if s == "*" {
		return s
	}
	return url.PathEscape(s)
}

// versionSegment is the version path segment: "*" for "" (the latest).
func versionSegment(v string) string {
	if v == "" {
		return "*"
	}
	return pathSegment(v)
}

// packagesURL returns {base}/packages/<seg>/<seg>…; the segments are
// escaped with pathSegment except versions already made by versionSegment.
func (c *Client) packagesURL(org, name string, ver ...string) string {
	u := c.opts.BaseURL + "/packages/" + pathSegment(org) + "/" + pathSegment(name)
	for _, v := range ver {
		u += "/" + v
	}
	return u
}

// bytesBody is a request body of fixed bytes.
func bytesBody(b []byte) func() (io.ReadCloser, int64, error) {
	return func() (io.ReadCloser, int64, error) {
		return io.NopCloser(bytes.NewReader(b)), int64(len(b)), nil
	}
}

// nullable is nil for "" (sent as JSON null), else &s.
func nullable(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

// decode checks that an answer read by send is a 200 and decodes its JSON
// body into out; any other status is a statusError.
func (c *Client) decode(r *request, resp *http.Response, body []byte, out any) error {
	if resp.StatusCode != http.StatusOK {
		return statusError(r.op, r.method, r.url, resp, body)
	}
	if err := json.Unmarshal(body, out); err != nil {
		return &Error{Op: r.op, Method: r.method, URL: r.url, Status: resp.StatusCode,
			Message: "invalid JSON answer from the registry", Cause: err}
	}
	return nil
}

// postJSON posts in as JSON to {base}<path> with the resolution headers
// (central-api.md §8) and decodes the 200 answer into out.
func (c *Client) postJSON(ctx context.Context, op, path string, in, out any) error {
	payload, err := json.Marshal(in)
	if err != nil {
		return err
	}
	r := &request{op: op, method: http.MethodPost, url: c.opts.BaseURL + path,
		accept: "application/json", identity: true, contentType: "application/json; charset=utf-8",
		body: bytesBody(payload), read: true}
	resp, body, err := c.send(ctx, r)
	if err != nil {
		return err
	}
	return c.decode(r, resp, body, out)
}
