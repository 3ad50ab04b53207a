package registry

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
)

// The Central API's prefix: clients are configured with
// <server>/2.0/registry as their base URL, as for central.ballerina.io.
const centralPrefix = "/2.0/registry"

// A routeClass groups routes for rate limiting and metrics: publishing,
// deprecating and creating tokens are limited by default, reads only when
// read_rate_limit is set, and the operational routes never.
type routeClass int

const (
	routeRead        routeClass = iota // package reads, search, resolution, management reads
	routePublish                       // pushing a package
	routeDeprecate                     // deprecating or undeprecating
	routeTokenCreate                   // creating a token or a session
	routeWrite                         // other management writes (users, orgs, members)
	routeOther                         // /healthz, /metrics: never limited
)

// String names the class in metrics and logs.
func (c routeClass) String() string {
	return [...]string{"read", "publish", "deprecate", "token_create", "write", "other"}[c]
}

// writeJSON sends v as a JSON body with the given status.
func writeJSON(w http.ResponseWriter, status int, v any) {
	body, err := json.Marshal(v)
	if err != nil {
		// Only a programming error gets here: every value sent is made of
		// plain types.
		panic(fmt.Sprintf("registry: encoding a response: %v", err))
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Length", fmt.Sprint(len(body)+1))
	w.WriteHeader(status)
	w.Write(append(body, '\n'))
}

// apiError is the body of every error response, the shape the real bal
// client parses: {"message": "..."}.
type apiError struct {
	Message string `json:"message"`
}

// writeError sends {"message": msg} with the given status. Central's
// clients read the body only when Content-Type starts with
// application/json, so every error is JSON.
func writeError(w http.ResponseWriter, status int, msg string) {
	writeJSON(w, status, apiError{Message: msg})
}

// writeErrorf is writeError with a format.
func writeErrorf(w http.ResponseWriter, status int, format string, args ...any) {
	writeError(w, status, fmt.Sprintf(format, args...))
}

// internalError logs err with the request's ID and answers 500 with a
// message that names the ID but not the cause: internal errors may hold
// paths and SQL that are none of the client's business.
func (s *Server) internalError(w http.ResponseWriter, r *http.Request, err error) {
	id := requestIDFrom(r.Context())
	if errors.Is(err, context.Canceled) && r.Context().Err() != nil {
		// The client went away; nobody reads the answer.
		s.log.Debug("request cancelled", "request_id", id, "path", r.URL.Path)
		return
	}
	s.log.Error("internal error", "request_id", id, "method", r.Method, "path", r.URL.Path, "err", err)
	msg := "internal server error"
	if id != "" {
		msg += "; the server log has the details under request ID " + id
	}
	writeError(w, http.StatusInternalServerError, msg)
}

// maxJSONBody bounds the JSON request bodies the API reads (every one is a
// few hundred bytes; resolution requests list a build's direct
// dependencies).
const maxJSONBody = 1 << 20

// decodeJSON reads a JSON object from r's body into v, refusing unknown
// fields only when strict is set. On failure it answers 400 and returns
// false.
func decodeJSON(w http.ResponseWriter, r *http.Request, v any, strict bool) bool {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxJSONBody))
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			writeErrorf(w, http.StatusRequestEntityTooLarge, "request body too large: at most %d bytes", maxJSONBody)
			return false
		}
		writeErrorf(w, http.StatusBadRequest, "cannot read the request body: %v", err)
		return false
	}
	dec := json.NewDecoder(strings.NewReader(string(body)))
	if strict {
		dec.DisallowUnknownFields()
	}
	if err := dec.Decode(v); err != nil {
		writeErrorf(w, http.StatusBadRequest, "invalid JSON body: %v", jsonErrorText(err))
		return false
	}
	if dec.More() {
		writeError(w, http.StatusBadRequest, "invalid JSON body: more than one value")
		return false
	}
	return true
}

// jsonErrorText makes encoding/json's errors readable for API clients.
func jsonErrorText(err error) string {
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) && te.Field != "" {
		return fmt.Sprintf("field %q must be %s, not %s", te.Field, jsonTypeName(te.Type.Kind().String()), te.Value)
	}
	if errors.Is(err, io.EOF) {
		return "empty body; send a JSON object"
	}
	return strings.TrimPrefix(err.Error(), "json: ")
}

func jsonTypeName(kind string) string {
	switch kind {
	case "string":
		return "a string"
	case "slice":
		return "an array"
	case "struct", "map":
		return "an object"
	case "bool":
		return "a boolean"
	default:
		return "a number"
	}
}

// requestIDKey is the context key of the request ID.
type requestIDKey struct{}

// withRequestID returns ctx carrying the request ID id.
func withRequestID(ctx context.Context, id string) context.Context {
	return context.WithValue(ctx, requestIDKey{}, id)
}

// requestIDFrom returns the request ID the middleware gave the request, or
// "" outside of it.
func requestIDFrom(ctx context.Context) string {
	id, _ := ctx.Value(requestIDKey{}).(string)
	return id
}
