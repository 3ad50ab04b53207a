package centralclient

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"mime"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"unicode"

	"github.com/balcentral/balcentral/internal/atomicfile"
	"github.com/balcentral/balcentral/internal/bala"
	"github.com/balcentral/balcentral/internal/manifest"
	"github.com/balcentral/balcentral/internal/version"
)

// Names inside a repository directory (the same as package repository's,
// which imports this package).
const (
	balaDirName          = "bala"
	deprecatedFileName   = "deprecated.txt"
	nightlyBuildFileName = "nightly.build"
	dirPerm              = 0o755
	filePerm             = 0o644
)

// Upstream texts of the pull.
const (
	msgLocationMissing = "bala file location is missing."
	msgInvalidResponse = "invalid response from the server, please try again"
	msgAlreadyInHome   = "package already exists in the home repository: "
)

// Pull downloads a package with the 302 protocol (central-api.md §7) and
// installs it into req.RepoDir atomically. When the version directory
// already holds the platform, Pull updates deprecated.txt and returns the
// result with an error wrapping ErrExists.
//
// The steps:
//
//  1. GET {base}/packages/<org>/<name>/<version|*> with Accept:
//     application/octet-stream must answer 302 with Location (whose
//     second-to-last path segment is the version), Content-Disposition
//     "attachment; filename=<file>" (the platform is the part of the file
//     name between "<name>-" and "-<version>"), a "sha-256=<hex>" digest,
//     and optionally isdeprecated/deprecatemessage (or Is-Deprecated/
//     Deprecate-Message). Any other answer is a *Error with Op "pull".
//  2. If <RepoDir>/bala/<org>/<name>/<version>/<platform> already exists
//     and is not empty, its deprecated.txt is written or removed to match
//     the registry, and Pull returns the result with an *Error (Op "pull",
//     Status 302) wrapping ErrExists whose Message is the upstream "package
//     already exists in the home repository: <dir>". Nothing is
//     downloaded.
//  3. A 302 without a sha-256 digest is refused (ErrDigestMismatch): this
//     client never installs what it cannot verify, where the Java client
//     only prints a warning.
//  4. GET Location with the same headers (Authorization only when Location
//     is on the registry's host or uses https, so a token never travels in
//     clear text to another host) must answer 200 with a non-empty body.
//     The body is streamed into a hidden temporary directory beside the
//     target (<RepoDir>/bala/<org>/<name>/.<version>.pull-*, skipped by the
//     repository readers), hashed on the way, checked against
//     Content-Length and the digest (compared as numbers: leading zeros
//     do not matter), opened with internal/bala's checks and default
//     limits (package.json must name the requested package and the
//     version of Location), extracted, given deprecated.txt (and
//     nightly.build for a SNAPSHOT distribution), synced, and renamed to
//     <version>/<platform>. A version directory holding other platforms
//     is kept; only the platform directory is added.
//
// Any failure removes the temporary directory and the directories Pull
// created, so nothing is left in RepoDir. A download cut short (the
// server drops the connection mid-body) is retried from step 1 up to
// MaxRetries times; the error after that wraps ErrConnection, with Op
// "download" and Status 200. A digest mismatch (ErrDigestMismatch) and an
// invalid archive (Cause a *bala.CheckError) are *Error values with Op
// "download". Local failures (permissions, disk full) are plain errors.
//
// Concurrent pulls of one version, in one process or several, are safe:
// each downloads into its own temporary directory and the rename decides;
// the losers clean up and return the result with the ErrExists error, as
// if the package had been there before.
func (c *Client) Pull(ctx context.Context, req PullRequest) (*PullResult, error) {
	if err := manifest.CheckPackage(req.Org, req.Name); err != nil {
		return nil, fmt.Errorf("pull %s/%s: %w", req.Org, req.Name, err)
	}
	if req.Version != "" && req.Version != "*" && !version.IsValid(req.Version) {
		_, err := version.Parse(req.Version)
		return nil, fmt.Errorf("pull %s/%s:%s: %w", req.Org, req.Name, req.Version, err)
	}
	if req.RepoDir == "" {
		return nil, errors.New("pull: no repository directory")
	}
	u := c.packagesURL(req.Org, req.Name, versionSegment(req.Version))
	for attempt := 0; ; attempt++ {
		res, err := c.pullOnce(ctx, req, u)
		var e *Error
		if err == nil || attempt >= c.opts.MaxRetries || !errors.As(err, &e) ||
			!(e.Op == opDownload && e.Status == http.StatusOK && e.Err == ErrConnection) {
			return res, err
		}
		// The body broke mid-way: start again from the 302, whose
		// Location may be short-lived.
		if err := c.retry(ctx, u, 0, attempt+1, e.Cause); err != nil {
			return nil, err
		}
	}
}

// pullOnce makes one attempt of Pull.
func (c *Client) pullOnce(ctx context.Context, req PullRequest, pullURL string) (*PullResult, error) {
	r := &request{op: opPull, method: http.MethodGet, url: pullURL, accept: "application/octet-stream", identity: true, read: true}
	resp, body, err := c.send(ctx, r)
	if err != nil {
		return nil, err
	}
	fail := func(format string, args ...any) *Error {
		return &Error{Op: opPull, Method: r.method, URL: pullURL, Status: resp.StatusCode, Message: fmt.Sprintf(format, args...)}
	}
	switch {
	case resp.StatusCode == http.StatusFound:
	case resp.StatusCode < 300:
		return nil, fail("unexpected answer %d %s: the registry did not redirect to the bala", resp.StatusCode, http.StatusText(resp.StatusCode))
	default:
		return nil, statusError(opPull, r.method, pullURL, resp, body)
	}

	loc, disposition := resp.Header.Get("Location"), resp.Header.Get("Content-Disposition")
	if loc == "" || disposition == "" {
		return nil, fail("%s", msgLocationMissing)
	}
	base, _ := url.Parse(pullURL)
	locURL, err := base.Parse(loc)
	if err != nil || (locURL.Scheme != "http" && locURL.Scheme != "https") {
		return nil, fail("invalid bala file location %q", loc)
	}
	file, ok := dispositionFileName(disposition)
	if !ok {
		return nil, fail("invalid Content-Disposition %q: want attachment; filename=<file>.bala", disposition)
	}
	ver := locationVersion(locURL)
	if !version.IsValid(ver) {
		return nil, fail("cannot find the version in the bala file location %q: its second-to-last path segment %q is not a version", loc, ver)
	}
	platform, ok := fileNamePlatform(file, req.Org, req.Name, ver)
	if !ok {
		return nil, fail("cannot find the platform in the bala file name %q", file)
	}
	pkgDir := filepath.Join(req.RepoDir, balaDirName, req.Org, req.Name)
	target := filepath.Join(pkgDir, ver, platform)
	res := &PullResult{Version: ver, Platform: platform, Dir: target}
	res.Deprecated, res.DeprecationMessage = deprecation(resp.Header)

	if installed(target) {
		if err := updateDeprecated(target, res.Deprecated, res.DeprecationMessage); err != nil {
			return nil, err
		}
		return res, c.existsError(pullURL, target)
	}
	digest, ok := parseDigest(resp.Header.Values("Digest"))
	if !ok {
		e := fail("the registry sent no sha-256 digest for %s, so the download cannot be verified", file)
		e.Err = ErrDigestMismatch
		return nil, e
	}

	d := &request{op: opDownload, method: http.MethodGet, url: locURL.String(), identity: true,
		header: http.Header{"Content-Disposition": {disposition}},
		noAuth: !(locURL.Scheme == "https" || strings.EqualFold(locURL.Host, c.base.Host))}
	dresp, _, err := c.send(ctx, d)
	if err != nil {
		return nil, err
	}
	defer dresp.Body.Close()
	if dresp.StatusCode != http.StatusOK {
		body, _ := readBody(dresp, maxErrorBody)
		c.traceBody(dresp, body)
		return nil, statusError(opDownload, d.method, d.url, dresp, body)
	}
	if dresp.ContentLength == 0 {
		return nil, &Error{Op: opDownload, Method: d.method, URL: d.url, Status: dresp.StatusCode, Message: msgInvalidResponse}
	}
	lost, err := c.install(ctx, req, res, pkgDir, file, digest, dresp, d)
	if err != nil {
		return nil, err
	}
	c.traceBody(dresp, nil)
	if lost {
		return res, c.existsError(pullURL, target)
	}
	return res, nil
}

func (c *Client) existsError(pullURL, target string) *Error {
	return &Error{Op: opPull, Method: http.MethodGet, URL: pullURL, Status: http.StatusFound,
		Message: msgAlreadyInHome + target, Err: ErrExists}
}

// install streams the download into a temporary directory in pkgDir,
// verifies and extracts it, and renames it into place. lost reports that
// another pull installed the same platform first.
func (c *Client) install(ctx context.Context, req PullRequest, res *PullResult, pkgDir, file, digest string,
	dresp *http.Response, d *request) (lost bool, err error) {
	var created []string
	var tmp string
	for range 3 {
		if created, err = mkdirs(pkgDir); err != nil {
			return false, err
		}
		tmp, err = os.MkdirTemp(pkgDir, "."+res.Version+".pull-*")
		if err == nil || !errors.Is(err, fs.ErrNotExist) {
			break // a concurrent failed pull may have removed pkgDir: try again
		}
	}
	if err != nil {
		removeEmpty(created)
		return false, err
	}
	defer func() {
		os.RemoveAll(tmp)
		if err != nil {
			removeEmpty(created)
		}
	}()
	fail := func(e *Error) (bool, error) { return false, e }
	downloadErr := func(format string, args ...any) *Error {
		return &Error{Op: opDownload, Method: d.method, URL: d.url, Status: dresp.StatusCode, Message: fmt.Sprintf(format, args...)}
	}

	// Download and hash: into memory when the registry announces a size of
	// at most maxMemoryDownload, else into a file of the temporary
	// directory. Neither is synced: the download is read back (digest and
	// bala checks) and dropped once extracted; in a file, its data would
	// only add to what the extraction's sync writes.
	balaPath := filepath.Join(tmp, file)
	var (
		f   *os.File
		mem *fixedBuffer
		w   io.Writer
	)
	if n := dresp.ContentLength; n > 0 && n <= maxMemoryDownload {
		mem = &fixedBuffer{b: make([]byte, 0, n)}
		w = mem
	} else {
		if f, err = os.OpenFile(balaPath, os.O_WRONLY|os.O_CREATE|os.O_EXCL, filePerm); err != nil {
			return false, err
		}
		w = f
	}
	h := sha256.New()
	src := &readErrReader{r: dresp.Body}
	w = io.MultiWriter(w, h)
	if req.Progress != nil {
		w = &progressWriter{w: w, total: dresp.ContentLength, fn: req.Progress}
		req.Progress(0, dresp.ContentLength)
	}
	n, err := io.Copy(w, src)
	if err == nil && dresp.ContentLength >= 0 && n != dresp.ContentLength {
		src.err = fmt.Errorf("download cut short: %d of %d bytes: %w", n, dresp.ContentLength, io.ErrUnexpectedEOF)
		err = src.err
	}
	if mem != nil && errors.Is(err, errBufferFull) {
		src.err = fmt.Errorf("download longer than the announced %d bytes", dresp.ContentLength)
		err = src.err
	}
	if f != nil {
		if cerr := f.Close(); err == nil {
			err = cerr
		}
	}
	switch {
	case err == nil:
	case ctx.Err() != nil:
		return false, fmt.Errorf("%s %s: %w", d.method, d.url, ctx.Err())
	case src.err != nil:
		c.tracef("* %v\n", src.err)
		return fail(connError(opDownload, d.method, d.url, dresp.StatusCode, unwrapURLError(src.err)))
	default:
		return false, err
	}
	if sum := hex.EncodeToString(h.Sum(nil)); !sameDigest(sum, digest) {
		e := downloadErr("digest mismatch for %s: the registry announced sha-256=%s, the download has sha-256=%s", file, digest, sum)
		e.Err = ErrDigestMismatch
		return fail(e)
	}

	// Check and extract. OpenToExtract leaves the entries' data to be
	// verified while ExtractTo writes it, so that each is decompressed once.
	var a *bala.Archive
	var bf *os.File
	if mem != nil {
		a, err = bala.OpenToExtract(bytes.NewReader(mem.b), int64(len(mem.b)), bala.DefaultLimits)
	} else {
		a, bf, err = bala.OpenFileToExtract(balaPath, bala.DefaultLimits)
	}
	if err != nil {
		e := downloadErr("the downloaded bala %s is invalid", file)
		e.Cause = err
		return fail(e)
	}
	if bf != nil {
		defer bf.Close()
	}
	if p := a.Package; p.Organization != req.Org || p.Name != req.Name || p.Version != res.Version {
		return fail(downloadErr("the downloaded bala %s holds %s/%s:%s, not %s/%s:%s",
			file, p.Organization, p.Name, p.Version, req.Org, req.Name, res.Version))
	}
	platDir := filepath.Join(tmp, res.Platform)
	if err := a.ExtractTo(platDir); err != nil {
		var ce *bala.CheckError
		if errors.As(err, &ce) {
			e := downloadErr("the downloaded bala %s is invalid", file)
			e.Cause = err
			return fail(e)
		}
		return false, err
	}
	if bf != nil {
		bf.Close()
		if err := os.Remove(balaPath); err != nil {
			return false, err
		}
	}
	// ExtractTo made platDir durable; what is added to it after needs its
	// own sync.
	added := false
	if res.Deprecated {
		if err := writeSynced(filepath.Join(platDir, deprecatedFileName), []byte(res.DeprecationMessage)); err != nil {
			return false, err
		}
		added = true
	}
	if strings.Contains(c.opts.Distribution, "SNAPSHOT") {
		if err := writeSynced(filepath.Join(platDir, nightlyBuildFileName), nil); err != nil {
			return false, err
		}
		added = true
	}
	if added {
		if err := atomicfile.SyncDir(platDir); err != nil {
			return false, err
		}
	}

	// Move into place.
	verDir := filepath.Dir(res.Dir)
	for range 3 {
		madeVer := false
		if err = os.Mkdir(verDir, dirPerm); err == nil {
			madeVer = true
		} else if !errors.Is(err, fs.ErrExist) {
			return false, err
		}
		if err = os.Rename(platDir, res.Dir); err == nil {
			if err = atomicfile.SyncDir(verDir); err == nil {
				err = atomicfile.SyncDir(pkgDir)
			}
			return false, err
		}
		if installed(res.Dir) {
			err = nil
			return true, nil
		}
		if madeVer {
			os.Remove(verDir)
		}
		if !errors.Is(err, fs.ErrNotExist) {
			return false, err
		}
		// verDir was removed by a concurrent failed pull: try again.
	}
	return false, err
}

// maxMemoryDownload is the largest download install keeps in memory
// rather than in a temporary file.
const maxMemoryDownload = 16 << 20

// errBufferFull is the error of a fixedBuffer given more than it holds.
var errBufferFull = errors.New("more data than announced")

// fixedBuffer collects a download of an announced size, and refuses more.
type fixedBuffer struct{ b []byte }

func (w *fixedBuffer) Write(p []byte) (int, error) {
	if len(p) > cap(w.b)-len(w.b) {
		return 0, errBufferFull
	}
	w.b = append(w.b, p...)
	return len(p), nil
}

// readErrReader remembers the error of the reader it wraps, so that a
// broken download is told apart from a failing disk.
type readErrReader struct {
	r   io.Reader
	err error
}

func (r *readErrReader) Read(p []byte) (int, error) {
	n, err := r.r.Read(p)
	if err != nil && err != io.EOF {
		r.err = err
	}
	return n, err
}

// progressWriter reports the bytes written through it.
type progressWriter struct {
	w     io.Writer
	done  int64
	total int64
	fn    Progress
}

func (p *progressWriter) Write(b []byte) (int, error) {
	n, err := p.w.Write(b)
	p.done += int64(n)
	p.fn(p.done, p.total)
	return n, err
}

// dispositionFileName returns the file name of a Content-Disposition
// "attachment; filename=<file>", quoted or not, if it is a plain file name.
func dispositionFileName(cd string) (string, bool) {
	var name string
	if _, params, err := mime.ParseMediaType(cd); err == nil && params["filename"] != "" {
		name = params["filename"]
	} else if rest, ok := strings.CutPrefix(cd, "attachment; filename="); ok {
		name = strings.Trim(strings.TrimSpace(rest), `"`)
	}
	if name == "" || len(name) > 255 || name == "." || name == ".." || strings.HasPrefix(name, ".") ||
		strings.ContainsAny(name, `/\:`) || strings.ContainsFunc(name, unicode.IsControl) || !filepath.IsLocal(name) {
		return "", false
	}
	return name, true
}

// locationVersion returns the second-to-last path segment of a bala URL,
// where the Java client reads the version.
func locationVersion(u *url.URL) string {
	segs := strings.Split(u.Path, "/")
	if len(segs) < 2 {
		return ""
	}
	return segs[len(segs)-2]
}

// fileNamePlatform returns the platform of a bala file name, the part
// between "<name>-" and "-<version>": "foo-sf-any-1.3.5.bala" gives "any".
// An old "sf-2020r2-any-1.3.5.bala" gives "2020r2-any" upstream; here the
// last element, "any", so that the platform is one directory name that the
// repository readers know.
func fileNamePlatform(file, org, name, ver string) (string, bool) {
	base := strings.TrimSuffix(file, ".bala")
	rest, ok := strings.CutPrefix(base, org+"-"+name+"-")
	if !ok {
		i := strings.Index(base, name+"-")
		if i < 0 {
			return "", false
		}
		rest = base[i+len(name)+1:]
	}
	p, ok := strings.CutSuffix(rest, "-"+ver)
	if !ok {
		return "", false
	}
	if bala.IsValidPlatform(p) {
		return p, true
	}
	if i := strings.LastIndexByte(p, '-'); i >= 0 && bala.IsValidPlatform(p[i+1:]) {
		return p[i+1:], true
	}
	return "", false
}

// deprecation reads the deprecation headers of a 302, in the Java
// client's spelling or the Go port's.
func deprecation(h http.Header) (bool, string) {
	flag := h.Get("isdeprecated")
	if flag == "" {
		flag = h.Get("Is-Deprecated")
	}
	if !strings.EqualFold(strings.TrimSpace(flag), "true") {
		return false, ""
	}
	msg := h.Get("deprecatemessage")
	if msg == "" {
		msg = h.Get("Deprecate-Message")
	}
	return true, msg
}

// parseDigest finds "sha-256=<value>" in digest header values (possibly a
// comma-separated list, RFC 3230) and returns the value as lower-case
// hexadecimal. The value is hexadecimal as Central sends it, or base64 as
// RFC 3230 defines it.
func parseDigest(values []string) (string, bool) {
	for _, v := range values {
		for _, part := range strings.Split(v, ",") {
			alg, val, ok := strings.Cut(strings.TrimSpace(part), "=")
			if !ok || !strings.EqualFold(strings.TrimSpace(alg), "sha-256") {
				continue
			}
			val = strings.TrimSpace(val)
			if val != "" && len(val) <= 128 && isHex(val) && len(strings.TrimLeft(val, "0")) <= 2*sha256.Size {
				return strings.ToLower(val), true
			}
			if b, err := base64.StdEncoding.DecodeString(val); err == nil && len(b) == sha256.Size {
				return hex.EncodeToString(b), true
			}
		}
	}
	return "", false
}

func isHex(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F') {
			return false
		}
	}
	return true
}

// sameDigest reports whether two hexadecimal digests are the same number:
// the Java client and the registries it talks to drop leading zeros.
func sameDigest(a, b string) bool {
	norm := func(s string) string {
		s = strings.TrimLeft(strings.ToLower(s), "0")
		if s == "" {
			return "0"
		}
		return s
	}
	return norm(a) == norm(b)
}

// installed reports whether dir exists and is not empty, the Java client's
// test for an installed package.
func installed(dir string) bool {
	f, err := os.Open(dir)
	if err != nil {
		return false
	}
	defer f.Close()
	names, _ := f.Readdirnames(1)
	return len(names) > 0
}

// updateDeprecated makes dir's deprecated.txt match the registry: written
// with the message when deprecated, removed otherwise.
func updateDeprecated(dir string, deprecated bool, msg string) error {
	p := filepath.Join(dir, deprecatedFileName)
	if deprecated {
		if old, err := os.ReadFile(p); err == nil && string(old) == msg {
			return nil
		}
		return atomicfile.WriteFile(p, []byte(msg), filePerm)
	}
	if err := os.Remove(p); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	return nil
}

// writeSynced creates a new file with data and syncs it.
func writeSynced(path string, data []byte) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, filePerm)
	if err != nil {
		return err
	}
	_, err = f.Write(data)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}

// mkdirs creates dir and its missing parents and returns the directories
// it created, outermost first.
func mkdirs(dir string) ([]string, error) {
	dir = filepath.Clean(dir)
	var missing []string
	for d := dir; ; {
		if _, err := os.Stat(d); err == nil {
			break
		} else if !errors.Is(err, fs.ErrNotExist) {
			return nil, err
		}
		missing = append(missing, d)
		parent := filepath.Dir(d)
		if parent == d {
			break
		}
		d = parent
	}
	var created []string
	for i := len(missing) - 1; i >= 0; i-- {
		err := os.Mkdir(missing[i], dirPerm)
		switch {
		case err == nil:
			created = append(created, missing[i])
		case errors.Is(err, fs.ErrExist):
		default:
			removeEmpty(created)
			return nil, err
		}
	}
	return created, nil
}

// removeEmpty removes the directories mkdirs created, innermost first, as
// long as they are empty (another pull may be using them).
func removeEmpty(created []string) {
	for i := len(created) - 1; i >= 0; i-- {
		if os.Remove(created[i]) != nil {
			return
		}
	}
}
