package registry

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"strings"
	"unicode"

	"github.com/balcentral/balcentral/internal/store"
)

// This file is deprecation (reference central-api.md §11): PUT
// /packages/deprecate/{org}/{name}/{version|*} with a message and PUT
// /packages/undeprecate/... to undo it.

// maxDeprecationMessage bounds a deprecation message, in bytes: it is sent
// in a header of every pull.
const maxDeprecationMessage = 1024

// maxDeprecationBody bounds the body of a deprecation request.
const maxDeprecationBody = 16 << 10

// deprecationMessageRE is the rule the bal client applies to a message
// before it sends it. The server applies it too, and refuses every other
// control character as well, since the message ends up in pull headers.
var deprecationMessageRE = regexp.MustCompile(`^[^\f\n\r\t\v\\]*$`)

// handleDeprecate answers PUT /packages/deprecate/{org}/{name}/{version}.
func (s *Server) handleDeprecate(w http.ResponseWriter, r *http.Request) {
	s.setDeprecated(w, r, true)
}

// handleUndeprecate answers PUT /packages/undeprecate/{org}/{name}/{version}.
func (s *Server) handleUndeprecate(w http.ResponseWriter, r *http.Request) {
	s.setDeprecated(w, r, false)
}

// setDeprecated deprecates (or undeprecates) one version, or every version
// for "*", and answers 200 with the Package object of that version (for
// "*", of the latest one, as GET .../* shows it).
//
// Who may: a token with the deprecate scope of an owner or publisher of
// the org (else 403), except that a private package that the caller may not
// see is 404, like everywhere else.
func (s *Server) setDeprecated(w http.ResponseWriter, r *http.Request, deprecated bool) {
	p, ok := s.requireUser(w, r, ScopeDeprecate)
	if !ok {
		return
	}
	ctx := r.Context()
	org, name, ver := r.PathValue("org"), r.PathValue("name"), r.PathValue("version")
	if ver != latestVersion {
		if msg, ok := checkVersionSegment(ver); !ok {
			writeError(w, http.StatusBadRequest, msg)
			return
		}
	}
	vs, err := s.visibleVersions(ctx, p, org, name)
	if err != nil {
		s.internalError(w, r, err)
		return
	}
	if ver != latestVersion {
		found := false
		for _, v := range vs {
			found = found || v.Version == ver
		}
		if !found {
			vs = nil
		}
	}
	if len(vs) == 0 {
		writeErrorf(w, http.StatusNotFound, "package not found for: %s/%s:%s", org, name, ver)
		return
	}
	if ok, err := s.canPublish(ctx, p, org, ScopeDeprecate); err != nil {
		s.internalError(w, r, err)
		return
	} else if !ok {
		writeErrorf(w, http.StatusForbidden,
			"you may not change the deprecation of packages of organization '%s': only its owners and publishers may", org)
		return
	}

	message := ""
	if deprecated {
		body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxDeprecationBody))
		if err != nil {
			if isMaxBytes(err) {
				writeErrorf(w, http.StatusRequestEntityTooLarge, "request body too large: at most %d bytes", maxDeprecationBody)
			} else {
				writeErrorf(w, http.StatusBadRequest, "cannot read the request body: %v", err)
			}
			return
		}
		var ok bool
		if message, ok = deprecationMessage(body); !ok {
			writeError(w, http.StatusBadRequest, `invalid request body: want {"message": "<deprecation message>"}`)
			return
		}
		if !deprecationMessageRE.MatchString(message) || strings.ContainsFunc(message, unicode.IsControl) {
			writeError(w, http.StatusBadRequest, "invalid deprecation message. The message cannot contain non-space whitespace or back slash characters.")
			return
		}
		if len(message) > maxDeprecationMessage {
			writeErrorf(w, http.StatusBadRequest, "deprecation message too long: %d bytes, at most %d", len(message), maxDeprecationMessage)
			return
		}
	}

	ref := org + "/" + name + ":" + ver
	err = s.storage.Meta.SetDeprecated(ctx, org, name, ver, deprecated, message)
	if errors.Is(err, store.ErrNotFound) {
		// Deleted since it was listed.
		writeErrorf(w, http.StatusNotFound, "package not found for: %s", ref)
		return
	}
	if err != nil {
		s.internalError(w, r, err)
		return
	}
	action := "undeprecate"
	if deprecated {
		action = "deprecate"
	}
	var detail any
	if deprecated {
		detail = map[string]string{"message": message}
	}
	s.audit(ctx, p, action, ref, detail)

	if ver == latestVersion {
		// The deprecation flags changed: choose again, as GET .../* would.
		if vs, err = s.visibleVersions(ctx, p, org, name); err != nil {
			s.internalError(w, r, err)
			return
		}
		filter := clientFilterOf(r)
		usable := make([]store.VersionInfo, 0, len(vs))
		for _, v := range vs {
			if filter.allows(v.Platform, v.BallerinaVersion) {
				usable = append(usable, v)
			}
		}
		if len(usable) == 0 {
			usable = vs // the client's toolchain cannot use any; show one all the same
		}
		latest, ok := latestOf(usable)
		if !ok {
			writeErrorf(w, http.StatusNotFound, "package not found for: %s", ref)
			return
		}
		ver = latest.Version
	}
	pv, err := s.storage.Meta.Version(ctx, org, name, ver)
	if err != nil {
		s.internalError(w, r, fmt.Errorf("reading %s/%s:%s after changing its deprecation: %w", org, name, ver, err))
		return
	}
	writeJSON(w, http.StatusOK, packageObjectOf(pv, s.baseURL(r)))
}

// deprecationMessage reads the body of a deprecation request. The Java
// client builds it by concatenation, `{"message": "` + msg + `"}`, so
// quotes in the message arrive unescaped and a missing message arrives as
// the string "null". A body that is valid JSON is read as JSON; otherwise
// the message is whatever lies between the first quote after the "message"
// key's colon and the last quote before the closing brace. An empty body,
// {}, null and "null" mean no message. ok is false for anything else.
func deprecationMessage(body []byte) (msg string, ok bool) {
	text := strings.TrimSpace(string(body))
	if text == "" {
		return "", true
	}
	var v struct {
		Message *string `json:"message"`
	}
	if err := json.Unmarshal([]byte(text), &v); err == nil {
		if v.Message == nil || *v.Message == "null" {
			return "", true
		}
		return *v.Message, true
	}
	// Lenient form: {"message": "<anything>"}
	rest, found := strings.CutPrefix(text, "{")
	if !found {
		return "", false
	}
	rest, found = strings.CutSuffix(rest, "}")
	if !found {
		return "", false
	}
	rest, found = strings.CutPrefix(strings.TrimSpace(rest), `"message"`)
	if !found {
		return "", false
	}
	rest, found = strings.CutPrefix(strings.TrimSpace(rest), ":")
	if !found {
		return "", false
	}
	rest = strings.TrimSpace(rest)
	if len(rest) < 2 || rest[0] != '"' || rest[len(rest)-1] != '"' {
		return "", false
	}
	msg = rest[1 : len(rest)-1]
	if msg == "null" {
		msg = ""
	}
	return msg, true
}
