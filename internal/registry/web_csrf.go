package registry

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"net/http"
	"net/url"
	"strings"
)

// Cross-site request forgery protection for the web UI's forms.
//
// Every form posts a hidden csrfField whose value csrfToken computes, and
// checkCSRF refuses a POST unless the value is right and the request comes
// from this site (Sec-Fetch-Site, Origin, Referer).
//
// The token is an HMAC keyed by a secret only the browser holds: the
// session token (the session cookie's value) once someone is signed in,
// else a random value in formCookie that the sign-in and sign-up pages set.
// Both cookies are HttpOnly, so another site can neither read them nor
// compute the token, and the server keeps no key: tokens stay valid across
// restarts and on every replica behind a load balancer, and a session's
// token dies with the session. Which cookie keys the token depends only on
// which cookies the request carries (the session cookie wins, valid or
// not), so that the page that renders a form and the POST that checks it
// always agree.

// Cookie names.
const (
	// sessionCookie holds the secret of the signed-in user's session
	// token.
	sessionCookie = "central_session"
	// formCookie keys the CSRF tokens of the forms posted before a
	// session exists (sign-in, sign-up).
	formCookie = "central_form"
)

// csrfField is the name of every form's hidden CSRF token input.
const csrfField = "csrf_token"

// maxFormBody bounds the body of the web UI's form posts; every form is a
// few fields.
const maxFormBody = 64 << 10

// csrfToken returns the CSRF token for the forms of the page answering r,
// or "" when r has neither a session nor a form cookie (a visitor's page
// without forms).
func (s *Server) csrfToken(r *http.Request) string {
	if c, err := r.Cookie(sessionCookie); err == nil && c.Value != "" {
		return csrfMAC(c.Value, "session")
	}
	if c, err := r.Cookie(formCookie); err == nil && c.Value != "" {
		return csrfMAC(c.Value, "form")
	}
	return ""
}

// csrfMAC derives a CSRF token from a cookie's secret value; purpose keeps
// the two kinds of cookie apart.
func csrfMAC(secret, purpose string) string {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write([]byte("central web csrf v1\x00" + purpose))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

// errCrossSite and errBadCSRF are why checkCSRF refuses a request.
var (
	errCrossSite = errors.New("this form was sent from another site; open the page on this site and send it again")
	errBadCSRF   = errors.New("this form has expired or did not come from this site; reload the page and send it again")
)

// verifyCSRF checks that the POST r comes from this site and carries the
// CSRF token of its cookies. It parses the form (at most maxFormBody).
func (s *Server) verifyCSRF(w http.ResponseWriter, r *http.Request) error {
	if !s.sameOrigin(r) {
		return errCrossSite
	}
	r.Body = http.MaxBytesReader(w, r.Body, maxFormBody)
	if err := r.ParseForm(); err != nil {
		return errBadCSRF
	}
	want := s.csrfToken(r)
	got := r.PostForm.Get(csrfField)
	if want == "" || !hmac.Equal([]byte(got), []byte(want)) {
		return errBadCSRF
	}
	return nil
}

// checkCSRF is verifyCSRF that answers 403 with a page saying what to do,
// and returns false, when the request is refused.
func (s *Server) checkCSRF(w http.ResponseWriter, r *http.Request) bool {
	if err := s.verifyCSRF(w, r); err != nil {
		s.log.Info("refused a form post", "path", r.URL.Path, "reason", err, "request_id", requestIDFrom(r.Context()))
		s.renderAccountError(w, r, http.StatusForbidden, "Request refused", err.Error())
		return false
	}
	return true
}

// sameOrigin reports whether a state-changing request comes from this
// site, as far as the browser says: Sec-Fetch-Site when sent (every
// current browser does), else Origin, else Referer. A request with none of
// them is no browser's cross-site request, and the CSRF token still has to
// be right.
func (s *Server) sameOrigin(r *http.Request) bool {
	switch r.Header.Get("Sec-Fetch-Site") {
	case "same-origin", "none":
		return true
	case "":
	default: // same-site, cross-site
		return false
	}
	if o := r.Header.Get("Origin"); o != "" {
		return s.isOwnOrigin(r, o)
	}
	if ref := r.Header.Get("Referer"); ref != "" {
		u, err := url.Parse(ref)
		return err == nil && s.isOwnOrigin(r, u.Scheme+"://"+u.Host)
	}
	return true
}

// isOwnOrigin reports whether origin (scheme://host[:port]) is this
// server's: the one r was sent to, or the public URL's (a reverse proxy
// may pass another Host on).
func (s *Server) isOwnOrigin(r *http.Request, origin string) bool {
	if strings.EqualFold(origin, requestOrigin(r)) {
		return true
	}
	u, err := url.Parse(s.cfg.PublicURL)
	return s.cfg.PublicURL != "" && err == nil && strings.EqualFold(origin, u.Scheme+"://"+u.Host)
}

// requestOrigin is the origin a browser sent r to.
func requestOrigin(r *http.Request) string {
	scheme := "http"
	if r.TLS != nil || strings.EqualFold(r.Header.Get("X-Forwarded-Proto"), "https") {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}

// secureCookies reports whether the cookies set in answer to r get the
// Secure attribute: when the request came over TLS (directly or through a
// proxy that says so) or the public URL is https, so that a session never
// travels in clear once the site is served over https.
func (s *Server) secureCookies(r *http.Request) bool {
	return r.TLS != nil || strings.EqualFold(r.Header.Get("X-Forwarded-Proto"), "https") ||
		strings.HasPrefix(s.cfg.PublicURL, "https:")
}

// ensureFormCookie gives a visitor without a session cookie a form cookie,
// so that the page being rendered for r can carry a CSRF token: it sets
// the cookie on w and adds it to r, where csrfToken finds it.
func (s *Server) ensureFormCookie(w http.ResponseWriter, r *http.Request) {
	if s.csrfToken(r) != "" {
		return
	}
	c := &http.Cookie{
		Name: formCookie, Value: rand.Text(), Path: "/",
		HttpOnly: true, Secure: s.secureCookies(r), SameSite: http.SameSiteLaxMode,
	}
	http.SetCookie(w, c)
	r.AddCookie(c)
}
