package centralclient

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"mime"
	"net"
	"net/http"
	"strconv"
	"strings"
	"syscall"
)

// Errors wrapped by *Error and the other failures of the client; test with
// errors.Is.
var (
	// ErrNotFound: the registry does not have the package or version (a
	// 404 whose message says so).
	ErrNotFound = errors.New("not found")
	// ErrUnauthorized: the registry refused the token (401).
	ErrUnauthorized = errors.New("unauthorized")
	// ErrExists: Pull found the version already in the repository
	// directory; Push was told the version already exists.
	ErrExists = errors.New("already exists")
	// ErrDigestMismatch: the downloaded bytes do not have the digest the
	// registry announced.
	ErrDigestMismatch = errors.New("digest mismatch")
	// ErrConnection: the registry could not be reached or the connection
	// broke (after the retries). Builds fall back to the cache on it.
	ErrConnection = errors.New("cannot connect to the registry")
)

// Error is a failed API call: the HTTP status and the server's
// {"message": …}, if the body was JSON.
//
// Which Err a failure gets:
//
//   - ErrUnauthorized: a 401, and a 400 whose message is the server text
//     "subject claims missing in the user info repsonse" (sic), which the
//     Java client also reports as an authentication failure.
//   - ErrNotFound: a 404 whose message contains "package not found"
//     (Versions answers an empty list instead).
//   - ErrExists: Push answered 400 with a message containing "already
//     exists"; Pull found the version installed (Status 302, Message
//     "package already exists in the home repository: <dir>").
//   - ErrDigestMismatch: the download's sha-256 differs from the digest
//     header, or the 302 carried no sha-256 digest at all (Message says
//     which).
//   - ErrConnection: no HTTP answer (Status 0) or a body cut short, after
//     the retries: refused or reset connections, EOFs, timeouts, DNS and
//     TLS failures. Cause holds the underlying error.
//   - nil: any other answer, 5xx included (after the retries): the
//     commands print Message.
//
// A cancelled context is not an *Error: the client returns an error
// wrapping ctx.Err().
type Error struct {
	Op      string // "versions", "package", "pull", "push", "search", "deprecate", "resolve-dependencies", "resolve-modules", "download"
	URL     string // the request URL
	Status  int    // HTTP status; 0 for a connection failure
	Message string // the JSON body's message; "" when there was none
	Err     error  // ErrNotFound, ErrUnauthorized, ErrExists, ErrConnection, or nil
	// Method is the HTTP method of the request ("GET", "POST", "PUT").
	Method string
	// Cause is the underlying error of a failure that is not an HTTP
	// answer: the transport error behind ErrConnection, or the problem of a
	// downloaded archive (a *bala.CheckError). It is not returned by
	// Unwrap; use errors.As on it directly.
	Cause error
}

// Error returns one line: the method and URL, then the status when it is
// an error status (3xx and above, except the 302 of a pull), then the
// server's message (else the kind of failure, else the status text), then
// the cause, for example
//
//	GET https://…/packages/foo/bar/1.0.0: 404: package not found for: foo/bar:1.0.0_any
//	POST https://…/packages: cannot connect to the registry: dial tcp 127.0.0.1:1: connect: connection refused
func (e *Error) Error() string {
	var b strings.Builder
	method := e.Method
	if method == "" {
		method = e.Op
	}
	b.WriteString(method)
	b.WriteByte(' ')
	b.WriteString(e.URL)
	showStatus := e.Status >= 300 && !(e.Status == http.StatusFound && e.Err != nil)
	if showStatus {
		b.WriteString(": ")
		b.WriteString(strconv.Itoa(e.Status))
	}
	switch {
	case e.Message != "":
		b.WriteString(": ")
		b.WriteString(e.Message)
	case e.Err != nil:
		b.WriteString(": ")
		b.WriteString(e.Err.Error())
	case showStatus:
		if t := http.StatusText(e.Status); t != "" {
			b.WriteString(" ")
			b.WriteString(t)
		}
	}
	if e.Cause != nil {
		b.WriteString(": ")
		b.WriteString(e.Cause.Error())
	}
	return b.String()
}

// Unwrap returns e.Err.
func (e *Error) Unwrap() error { return e.Err }

// Server messages the client recognises.
const (
	msgPackageNotFound = "package not found"
	msgAlreadyExists   = "already exists"
	msgSubjectClaims   = "subject claims missing in the user info repsonse"
)

// isJSON reports whether a Content-Type is application/json (parameters
// such as a charset allowed), the condition under which the Java client
// parses a body.
func isJSON(contentType string) bool {
	mt, _, err := mime.ParseMediaType(contentType)
	if err != nil {
		return strings.HasPrefix(strings.ToLower(strings.TrimSpace(contentType)), "application/json")
	}
	return mt == "application/json"
}

// jsonMessage returns the "message" of a JSON error body, or "".
func jsonMessage(contentType string, body []byte) string {
	if !isJSON(contentType) {
		return ""
	}
	var v struct {
		Message any `json:"message"`
	}
	if json.Unmarshal(body, &v) != nil {
		return ""
	}
	switch m := v.Message.(type) {
	case string:
		return m
	case nil:
		return ""
	default:
		b, _ := json.Marshal(m)
		return string(b)
	}
}

// statusError maps a non-success answer to an *Error (see Error for the
// kinds).
func statusError(op, method, url string, resp *http.Response, body []byte) *Error {
	e := &Error{Op: op, Method: method, URL: url, Status: resp.StatusCode,
		Message: jsonMessage(resp.Header.Get("Content-Type"), body)}
	switch {
	case resp.StatusCode == http.StatusUnauthorized:
		e.Err = ErrUnauthorized
	case resp.StatusCode == http.StatusBadRequest && strings.Contains(e.Message, msgSubjectClaims):
		e.Err = ErrUnauthorized
	case resp.StatusCode == http.StatusNotFound && strings.Contains(e.Message, msgPackageNotFound):
		e.Err = ErrNotFound
	case resp.StatusCode == http.StatusBadRequest && op == opPush && strings.Contains(e.Message, msgAlreadyExists):
		e.Err = ErrExists
	}
	return e
}

// connError is a transport failure after the retries.
func connError(op, method, url string, status int, cause error) *Error {
	return &Error{Op: op, Method: method, URL: url, Status: status, Err: ErrConnection, Cause: cause}
}

// retryableError reports whether a transport error is worth another try:
// timeouts, refused, reset or aborted connections, broken pipes and EOFs,
// and temporary DNS failures. Certificate problems, unknown hosts, bad
// URLs and cancellations are not.
func retryableError(err error) bool {
	if err == nil || errors.Is(err, context.Canceled) {
		return false
	}
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) ||
		errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.ECONNREFUSED) ||
		errors.Is(err, syscall.ECONNABORTED) || errors.Is(err, syscall.EPIPE) {
		return true
	}
	var dns *net.DNSError
	if errors.As(err, &dns) {
		return dns.IsTimeout || dns.IsTemporary
	}
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		return true
	}
	var op *net.OpError
	if errors.As(err, &op) {
		return op.Op == "dial" || op.Op == "read" || op.Op == "write"
	}
	return strings.Contains(err.Error(), "connection reset")
}
