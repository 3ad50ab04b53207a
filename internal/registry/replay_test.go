package registry

// The replay suite: testdata/replay/*.txtar replay the HTTP exchanges of the
// real Java bal client (reference central-api.md) against a fresh registry,
// with the exact requests the client sends, and check the answers.
//
// # File format
//
// A replay file is a txtar archive. Its comment (the text before the first
// section) says which client flow is replayed and where the reference
// describes it. The sections are
//
//	-- setup --             optional, first: one command per line
//	-- request [label] --   one HTTP request; the label is free text
//	-- response --          the checks of the preceding request's answer
//
// and every request section is followed by exactly one response section.
// In setup and response sections, blank lines and lines starting with "#"
// are ignored.
//
// # Substitution
//
// ${NAME} in any line of any section is replaced before the line is read:
// URL is the server's root (http://127.0.0.1:<port>), BASE the Central API
// base (URL + "/2.0/registry"), and the setup commands and "save" checks
// define more. An undefined name fails the test.
//
// # Setup commands
//
// Words are separated by spaces; a word, or the value of a key=value word,
// may be a double-quoted Go string ("a b", "line\n").
//
//	user NAME [admin]
//	org ORG OWNER [USER=ROLE ...]        ROLE: owner, publisher or member
//	token VAR USER [scopes=a,b] [expired] [revoked]
//	    defines ${TOKEN_VAR}; the default scopes are DefaultTokenScopes
//	bala VAR ORG/NAME:VERSION [KEY=VALUE ...]
//	    builds a bala with testBala, without publishing it. Keys: platform,
//	    ballerina (the distribution that built it), visibility, readme
//	    ("-" for none), description, keywords=a,b, modules=sub1,sub2 and
//	    deps=org/name:1.0.0,org/other:2.0.0; digest=leading-zero varies the
//	    description until the bala's SHA-256 starts with a zero digit, to
//	    check the digest header's form. Defines ${FILE_VAR} (its
//	    conventional file name), ${SHA256_VAR} (hex), ${DIGEST_VAR} (hex as
//	    the Java client prints it: no leading zeros) and ${SIZE_VAR}.
//	push TOKENVAR BALAVAR
//	    publishes the bala through the API as bal push does; must give 204
//	deprecate ORG/NAME:VERSION [MESSAGE]
//	    deprecates a version, or every version for "*", in the store; the
//	    message is the rest of the line
//	set VAR VALUE
//	    defines ${VAR} as the rest of the line
//
// # Requests
//
// The first line is "METHOD URL", the URL as it goes on the wire (the Java
// client's HTTP library percent-encodes spaces and the like); header lines "Name: value" follow (a
// repeated name adds a value) up to a blank line or the end of the
// section; what follows the blank line is the body:
//
//   - nothing: no body;
//   - "@multipart FIELD FILENAME BALAVAR": a multipart/form-data body with
//     one part holding the bala, written as the Java client's HTTP library
//     writes it (part headers Content-Disposition, Content-Type
//     application/octet-stream and Content-Length); the request's
//     Content-Type is set to multipart/form-data with its boundary unless
//     the request names one;
//   - "@bala BALAVAR": the bala's bytes;
//   - anything else: that text, verbatim but for the final newline of the
//     section.
//
// Requests are sent as they are: redirects are not followed, and no header
// is added but those Go's HTTP client always sends (Host, Content-Length,
// and User-Agent and Accept-Encoding when the request does not set them).
//
// # Response checks
//
// One check per line; VALUE, TEXT and JSON are the rest of the line.
//
//	status CODE                   required
//	header NAME == VALUE          the header has exactly one value, VALUE
//	header NAME ~ REGEXP          it has one value, matching REGEXP
//	header NAME absent
//	segment NAME INDEX == VALUE   the header (a URL) split at "/", element
//	                              INDEX counted from the end when negative
//	body == TEXT                  the whole body
//	body contains TEXT
//	body empty
//	body bala BALAVAR             the body is the bala's bytes
//	json PATH == JSON             the value at PATH, decoded, equals JSON
//	json PATH contains TEXT       the string at PATH contains TEXT
//	json PATH length N            the array (or object) at PATH has N members
//	json PATH absent
//	save VAR header NAME          defines ${VAR} for the following sections
//	save VAR json PATH            (a string value)
//
// A PATH is "." for the whole body, else keys and array indices separated
// by dots: "message", "modules.0.name". json checks require a Content-Type
// starting with application/json, as the client does.

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"io"
	"math/big"
	"net/http"
	"path/filepath"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/rogpeppe/go-internal/txtar"

	"github.com/balcentral/balcentral/internal/bala"
	"github.com/balcentral/balcentral/internal/store"
)

func TestReplay(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("testdata", "replay", "*.txtar"))
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Fatal("no replay files in testdata/replay")
	}
	for _, file := range files {
		t.Run(strings.TrimSuffix(filepath.Base(file), ".txtar"), func(t *testing.T) {
			t.Parallel()
			a, err := txtar.ParseFile(file)
			if err != nil {
				t.Fatal(err)
			}
			newReplay(t, file).run(a)
		})
	}
}

// replay runs one replay file.
type replay struct {
	t     *testing.T
	file  string
	env   *testEnv
	vars  map[string]string
	users map[string]*store.User
	balas map[string][]byte
	where string // "file:section:line" of the line being run, for messages
}

func newReplay(t *testing.T, file string) *replay {
	e := newTestEnv(t, func(c *Config) { c.RateLimit = Rate{} })
	return &replay{
		t: t, file: file, env: e,
		vars:  map[string]string{"URL": e.url, "BASE": e.url + centralPrefix},
		users: map[string]*store.User{},
		balas: map[string][]byte{},
	}
}

func (rp *replay) fatalf(format string, args ...any) {
	rp.t.Helper()
	rp.t.Fatalf("%s: %s", rp.where, fmt.Sprintf(format, args...))
}

func (rp *replay) errorf(format string, args ...any) {
	rp.t.Helper()
	rp.t.Errorf("%s: %s", rp.where, fmt.Sprintf(format, args...))
}

func (rp *replay) run(a *txtar.Archive) {
	files := a.Files
	if len(files) > 0 && files[0].Name == "setup" {
		rp.setup(files[0])
		files = files[1:]
	}
	if len(files) == 0 {
		rp.t.Fatalf("%s: no requests", rp.file)
	}
	for i := 0; i < len(files); i += 2 {
		req := files[i]
		if req.Name != "request" && !strings.HasPrefix(req.Name, "request ") {
			rp.t.Fatalf("%s: section %q where a request section belongs", rp.file, req.Name)
		}
		if i+1 >= len(files) || files[i+1].Name != "response" {
			rp.t.Fatalf("%s: section %q is not followed by a response section", rp.file, req.Name)
		}
		resp, body := rp.send(req)
		rp.check(req.Name, files[i+1], resp, body)
		if rp.t.Failed() {
			return // later exchanges depend on this one
		}
	}
}

// lines returns the lines of a section with their numbers; skipComments
// drops blank and "#" lines. Variables are substituted line by line as the
// lines are used, so that a line sees what the lines before it defined.
func (rp *replay) lines(f txtar.File, skipComments bool) []numberedLine {
	var out []numberedLine
	for i, line := range strings.Split(strings.TrimSuffix(string(f.Data), "\n"), "\n") {
		trimmed := strings.TrimSpace(line)
		if skipComments && (trimmed == "" || strings.HasPrefix(trimmed, "#")) {
			continue
		}
		out = append(out, numberedLine{i + 1, line})
	}
	return out
}

type numberedLine struct {
	n    int
	text string
}

var varRef = regexp.MustCompile(`\$\{([A-Za-z0-9_]+)\}`)

// expand substitutes ${NAME} references.
func (rp *replay) expand(s string) string {
	rp.t.Helper()
	return varRef.ReplaceAllStringFunc(s, func(ref string) string {
		name := ref[2 : len(ref)-1]
		v, ok := rp.vars[name]
		if !ok {
			rp.fatalf("undefined variable ${%s}", name)
		}
		return v
	})
}

func (rp *replay) at(section string, n int) {
	rp.where = fmt.Sprintf("%s: %s: line %d", filepath.Base(rp.file), section, n)
}

// ---------------------------------------------------------------------------
// Setup

func (rp *replay) setup(f txtar.File) {
	rp.t.Helper()
	e := rp.env
	for _, l := range rp.lines(f, true) {
		rp.at(f.Name, l.n)
		cmd, rest := cutWord(rp.expand(l.text))
		switch cmd {
		case "set":
			name, value := cutWord(rest)
			rp.vars[name] = value
			continue
		case "deprecate":
			ref, msg := cutWord(rest)
			org, name, ver := rp.splitRef(ref)
			if err := e.meta.SetDeprecated(context.Background(), org, name, ver, true, msg); err != nil {
				rp.fatalf("deprecate: %v", err)
			}
			continue
		}
		words := rp.splitWords(rest)
		switch cmd {
		case "user":
			if len(words) < 1 || len(words) > 2 || len(words) == 2 && words[1] != "admin" {
				rp.fatalf("want: user NAME [admin]")
			}
			rp.users[words[0]] = e.user(words[0], len(words) == 2)
		case "org":
			if len(words) < 2 {
				rp.fatalf("want: org ORG OWNER [USER=ROLE ...]")
			}
			members := map[*store.User]store.Role{}
			for _, w := range words[2:] {
				u, role, _ := strings.Cut(w, "=")
				if !store.Role(role).Valid() {
					rp.fatalf("invalid role in %q", w)
				}
				members[rp.user(u)] = store.Role(role)
			}
			e.org(words[0], rp.user(words[1]), members)
		case "token":
			if len(words) < 2 {
				rp.fatalf("want: token VAR USER [scopes=a,b] [expired] [revoked]")
			}
			var o tokenOpts
			for _, w := range words[2:] {
				switch k, v, _ := strings.Cut(w, "="); k {
				case "scopes":
					o.scopes = strings.Split(v, ",")
				case "expired":
					o.expires = time.Now().Add(-time.Hour)
				case "revoked":
					o.revoked = true
				default:
					rp.fatalf("unknown token option %q", w)
				}
			}
			rp.vars["TOKEN_"+words[0]] = e.tokenWith(rp.user(words[1]), o)
		case "bala":
			if len(words) < 2 {
				rp.fatalf("want: bala VAR ORG/NAME:VERSION [KEY=VALUE ...]")
			}
			rp.makeBala(words[0], words[1], words[2:])
		case "push":
			if len(words) != 2 {
				rp.fatalf("want: push TOKENVAR BALAVAR")
			}
			b := rp.bala(words[1])
			resp := e.push(rp.vars["TOKEN_"+words[0]], b, rp.vars["FILE_"+words[1]])
			if body := readBody(rp.t, resp); resp.StatusCode != http.StatusNoContent {
				rp.fatalf("push %s: status %d, body %s", words[1], resp.StatusCode, body)
			}
		default:
			rp.fatalf("unknown setup command %q", cmd)
		}
	}
}

func (rp *replay) user(name string) *store.User {
	rp.t.Helper()
	u, ok := rp.users[name]
	if !ok {
		rp.fatalf("unknown user %q (create it with: user %s)", name, name)
	}
	return u
}

func (rp *replay) bala(name string) []byte {
	rp.t.Helper()
	b, ok := rp.balas[name]
	if !ok {
		rp.fatalf("unknown bala %q (build it with: bala %s ORG/NAME:VERSION)", name, name)
	}
	return b
}

// splitRef splits org/name:version.
func (rp *replay) splitRef(ref string) (org, name, ver string) {
	rp.t.Helper()
	org, rest, ok1 := strings.Cut(ref, "/")
	name, ver, ok2 := strings.Cut(rest, ":")
	if !ok1 || !ok2 {
		rp.fatalf("%q is not ORG/NAME:VERSION", ref)
	}
	return org, name, ver
}

func (rp *replay) makeBala(v, ref string, opts []string) {
	rp.t.Helper()
	org, name, ver := rp.splitRef(ref)
	spec := balaSpec{Org: org, Name: name, Version: ver}
	leadingZero := false
	for _, o := range opts {
		k, val, ok := strings.Cut(o, "=")
		if !ok {
			rp.fatalf("bala option %q is not KEY=VALUE", o)
		}
		switch k {
		case "platform":
			spec.Platform = val
		case "ballerina":
			spec.BallerinaVersion = val
		case "visibility":
			spec.Visibility = val
		case "readme":
			spec.Readme = val
		case "description":
			spec.Description = val
		case "keywords":
			spec.Keywords = strings.Split(val, ",")
		case "modules":
			spec.Modules = strings.Split(val, ",")
		case "digest":
			if val != "leading-zero" {
				rp.fatalf("the only digest option is digest=leading-zero")
			}
			leadingZero = true
		case "deps":
			for d := range strings.SplitSeq(val, ",") {
				o, n, dv := rp.splitRef(d)
				spec.Deps = append(spec.Deps, [3]string{o, n, dv})
			}
		default:
			rp.fatalf("unknown bala option %q", k)
		}
	}
	description := spec.Description
	b := testBala(rp.t, spec)
	for i := 0; leadingZero && sha256.Sum256(b)[0]>>4 != 0; i++ {
		spec.Description = fmt.Sprintf("%s (variant %d)", description, i)
		b = testBala(rp.t, spec)
	}
	rp.balas[v] = b
	platform := spec.Platform
	if platform == "" {
		platform = bala.AnyPlatform
	}
	rp.vars["FILE_"+v] = bala.FileName(org, name, platform, ver)
	rp.vars["SHA256_"+v] = sha256Hex(b)
	// Computed as the Java client does, new BigInteger(1, sum).toString(16),
	// independently of the server's javaDigest.
	sum := sha256.Sum256(b)
	rp.vars["DIGEST_"+v] = new(big.Int).SetBytes(sum[:]).Text(16)
	rp.vars["SIZE_"+v] = strconv.Itoa(len(b))
}

// cutWord splits off the first space-separated word of s.
func cutWord(s string) (word, rest string) {
	s = strings.TrimLeft(s, " \t")
	i := strings.IndexAny(s, " \t")
	if i < 0 {
		return s, ""
	}
	return s[:i], strings.TrimLeft(s[i:], " \t")
}

// splitWords splits s at spaces; a double-quoted Go string, alone or after
// "key=", is one word (unquoted).
func (rp *replay) splitWords(s string) []string {
	rp.t.Helper()
	var words []string
	for s = strings.TrimSpace(s); s != ""; s = strings.TrimLeft(s, " \t") {
		var w strings.Builder
		for s != "" && s[0] != ' ' && s[0] != '\t' {
			if s[0] != '"' {
				w.WriteByte(s[0])
				s = s[1:]
				continue
			}
			q, err := strconv.QuotedPrefix(s)
			if err != nil {
				rp.fatalf("bad quoted string in %q: %v", s, err)
			}
			u, _ := strconv.Unquote(q)
			w.WriteString(u)
			s = s[len(q):]
		}
		words = append(words, w.String())
	}
	return words
}

// ---------------------------------------------------------------------------
// Requests

// multipartBoundary is the boundary of @multipart bodies; the Java client's
// HTTP library uses a random UUID.
const multipartBoundary = "d6b2c2a7-3b47-4a8b-9c0f-6a2d8e9f1b3c"

func (rp *replay) send(f txtar.File) (*http.Response, []byte) {
	rp.t.Helper()
	lines := rp.lines(f, false)
	for len(lines) > 0 && strings.TrimSpace(lines[0].text) == "" {
		lines = lines[1:]
	}
	if len(lines) == 0 {
		rp.fatalf("empty request")
	}
	rp.at(f.Name, lines[0].n)
	method, url := cutWord(rp.expand(lines[0].text))
	if url == "" {
		rp.fatalf("want: METHOD URL")
	}
	header := http.Header{}
	i := 1
	for ; i < len(lines) && strings.TrimSpace(lines[i].text) != ""; i++ {
		rp.at(f.Name, lines[i].n)
		name, value, ok := strings.Cut(rp.expand(lines[i].text), ":")
		if !ok {
			rp.fatalf("header line %q has no colon", lines[i].text)
		}
		header.Add(strings.TrimSpace(name), strings.TrimSpace(value))
	}
	var body []byte
	if i < len(lines) {
		var texts []string
		for _, l := range lines[i+1:] {
			rp.at(f.Name, l.n)
			texts = append(texts, rp.expand(l.text))
		}
		text := strings.Join(texts, "\n")
		rp.at(f.Name, lines[i].n+1)
		switch directive, rest := cutWord(text); directive {
		case "@multipart":
			w := rp.splitWords(rest)
			if len(w) != 3 {
				rp.fatalf("want: @multipart FIELD FILENAME BALAVAR")
			}
			var ct string
			body, ct = multipartBody(rp.t, w[0], w[1], rp.bala(w[2]))
			if header.Get("Content-Type") == "" {
				header.Set("Content-Type", ct)
			}
		case "@bala":
			body = rp.bala(strings.TrimSpace(rest))
		default:
			if text != "" {
				body = []byte(text)
			}
		}
	}
	var r io.Reader
	if body != nil {
		r = bytes.NewReader(body)
	}
	req, err := http.NewRequest(method, url, r)
	if err != nil {
		rp.fatalf("%v", err)
	}
	req.Header = header
	resp, err := rp.env.client.Do(req)
	if err != nil {
		rp.fatalf("%s %s: %v", method, url, err)
	}
	respBody, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		rp.fatalf("reading the answer to %s %s: %v", method, url, err)
	}
	return resp, respBody
}

// ---------------------------------------------------------------------------
// Response checks

func (rp *replay) check(reqName string, f txtar.File, resp *http.Response, body []byte) {
	rp.t.Helper()
	sawStatus := false
	var decoded any
	decodedOK := false
	jsonBody := func() any {
		rp.t.Helper()
		if decodedOK {
			return decoded
		}
		if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
			rp.fatalf("json check on a %q body: %s", ct, body)
		}
		if err := json.Unmarshal(body, &decoded); err != nil {
			rp.fatalf("body is not JSON: %v: %s", err, body)
		}
		decodedOK = true
		return decoded
	}
	for _, l := range rp.lines(f, true) {
		rp.at(f.Name+" to "+reqName, l.n)
		verb, rest := cutWord(rp.expand(l.text))
		switch verb {
		case "status":
			sawStatus = true
			if want, err := strconv.Atoi(rest); err != nil {
				rp.fatalf("want: status CODE")
			} else if resp.StatusCode != want {
				rp.fatalf("status %d, want %d; body %s", resp.StatusCode, want, body)
			}
		case "header":
			name, rest := cutWord(rest)
			op, value := cutWord(rest)
			vals := resp.Header.Values(name)
			switch op {
			case "absent":
				if len(vals) != 0 {
					rp.errorf("header %s: %q, want none", name, vals)
				}
			case "==":
				if len(vals) != 1 || vals[0] != value {
					rp.errorf("header %s: %q, want exactly %q", name, vals, value)
				}
			case "~":
				re, err := regexp.Compile(value)
				if err != nil {
					rp.fatalf("%v", err)
				}
				if len(vals) != 1 || !re.MatchString(vals[0]) {
					rp.errorf("header %s: %q, want one value matching %s", name, vals, value)
				}
			default:
				rp.fatalf("want: header NAME (== VALUE | ~ REGEXP | absent)")
			}
		case "segment":
			name, rest := cutWord(rest)
			idx, rest := cutWord(rest)
			op, value := cutWord(rest)
			n, err := strconv.Atoi(idx)
			if err != nil || op != "==" {
				rp.fatalf("want: segment NAME INDEX == VALUE")
			}
			segs := strings.Split(resp.Header.Get(name), "/")
			if n < 0 {
				n += len(segs)
			}
			if n < 0 || n >= len(segs) || segs[n] != value {
				rp.errorf("header %s %q: segment %s is not %q", name, resp.Header.Get(name), idx, value)
			}
		case "body":
			op, value := cutWord(rest)
			switch op {
			case "==":
				if string(body) != value {
					rp.errorf("body %q, want %q", body, value)
				}
			case "contains":
				if !strings.Contains(string(body), value) {
					rp.errorf("body %s does not contain %q", body, value)
				}
			case "empty":
				if len(body) != 0 {
					rp.errorf("body %q, want none", body)
				}
			case "bala":
				if b := rp.bala(value); !bytes.Equal(body, b) {
					rp.errorf("body: %d bytes (sha256 %s), want bala %s (%d bytes, sha256 %s)",
						len(body), sha256Hex(body), value, len(b), sha256Hex(b))
				}
			default:
				rp.fatalf("want: body (== TEXT | contains TEXT | empty | bala BALAVAR)")
			}
		case "json":
			path, rest := cutWord(rest)
			op, value := cutWord(rest)
			got, found := jsonPath(jsonBody(), path)
			switch op {
			case "absent":
				if found {
					rp.errorf("json %s: %v, want absent", path, got)
				}
				continue
			case "==", "contains", "length":
			default:
				rp.fatalf("want: json PATH (== JSON | contains TEXT | length N | absent)")
			}
			if !found {
				rp.errorf("json %s: absent in %s", path, body)
				continue
			}
			switch op {
			case "==":
				var want any
				if err := json.Unmarshal([]byte(value), &want); err != nil {
					rp.fatalf("expected value %s is not JSON: %v", value, err)
				}
				if !reflect.DeepEqual(got, want) {
					g, _ := json.Marshal(got)
					rp.errorf("json %s: %s, want %s", path, g, value)
				}
			case "contains":
				if s, ok := got.(string); !ok || !strings.Contains(s, value) {
					rp.errorf("json %s: %#v does not contain %q", path, got, value)
				}
			case "length":
				n := -1
				switch v := got.(type) {
				case []any:
					n = len(v)
				case map[string]any:
					n = len(v)
				}
				if strconv.Itoa(n) != value {
					rp.errorf("json %s: length %d, want %s", path, n, value)
				}
			}
		case "save":
			name, rest := cutWord(rest)
			kind, arg := cutWord(rest)
			switch kind {
			case "header":
				rp.vars[name] = resp.Header.Get(arg)
			case "json":
				v, _ := jsonPath(jsonBody(), arg)
				s, ok := v.(string)
				if !ok {
					rp.fatalf("json %s: %#v is not a string", arg, v)
				}
				rp.vars[name] = s
			default:
				rp.fatalf("want: save VAR (header NAME | json PATH)")
			}
		default:
			rp.fatalf("unknown check %q", verb)
		}
	}
	if !sawStatus {
		rp.t.Fatalf("%s: response to %q: no status check", filepath.Base(rp.file), reqName)
	}
}

// jsonPath returns the value at a dot-separated path of keys and indices.
func jsonPath(v any, path string) (any, bool) {
	if path == "." {
		return v, true
	}
	for key := range strings.SplitSeq(path, ".") {
		switch c := v.(type) {
		case map[string]any:
			var ok bool
			if v, ok = c[key]; !ok {
				return nil, false
			}
		case []any:
			i, err := strconv.Atoi(key)
			if err != nil || i < 0 || i >= len(c) {
				return nil, false
			}
			v = c[i]
		default:
			return nil, false
		}
	}
	return v, true
}
