package registry

import (
	"errors"
	"net/http"
	"strings"

	"github.com/balcentral/balcentral/internal/bala"
	"github.com/balcentral/balcentral/internal/store"
)

// This file is the pull protocol (reference central-api.md §7): the 302
// that answers GET /packages/{org}/{name}/{version} with Accept:
// application/octet-stream, and the download it points to.

// redirectToBala answers a pull of pv with a 302 to its download URL and
// the headers the clients read from it:
//
//   - Location, whose second-to-last path segment is the version (the Java
//     client parses it from there);
//   - Content-Disposition "attachment; filename=<file>", unquoted, because
//     the client cuts the file name out by the prefix's length and takes
//     the platform from it;
//   - digest "sha-256=<hex>" in the form the Java client computes (see
//     [javaDigest]);
//   - for a deprecated version, isdeprecated and deprecatemessage (Java)
//     and Is-Deprecated and Deprecate-Message (Go port).
//
// With redirect_downloads, Location may instead be a presigned URL of the
// object store, whose path ends in <version>/<file> all the same (see
// direct_download.go); such a pull is counted here, since its download
// never reaches the registry.
func (s *Server) redirectToBala(w http.ResponseWriter, r *http.Request, pv *store.PackageVersion) {
	h := w.Header()
	if loc := s.directDownloadURL(r, pv); loc != "" {
		h.Set("Location", loc)
		s.pulls.add(pv.Org, pv.Name, pv.Version)
	} else {
		h.Set("Location", s.baseURL(r)+downloadPath(pv))
	}
	h.Set("Content-Disposition", "attachment; filename="+bala.FileName(pv.Org, pv.Name, pv.Platform, pv.Version))
	h.Set("digest", "sha-256="+javaDigest(pv.Digest))
	if pv.Deprecated {
		msg := headerSafe(pv.DeprecationMessage)
		h.Set("isdeprecated", "true")
		h.Set("deprecatemessage", msg)
		h.Set("Is-Deprecated", "true")
		h.Set("Deprecate-Message", msg)
	}
	h.Set("Content-Length", "0")
	w.WriteHeader(http.StatusFound)
}

// javaDigest returns a lower-case hexadecimal SHA-256 the way the Java
// client prints the one it computes, new BigInteger(1, sum).toString(16):
// without leading zeros, and "0" for a sum of zeros. The client compares
// the digest header with that text, so a digest sent with its leading zeros
// would fail its check for one bala in sixteen.
func javaDigest(hex string) string {
	t := strings.TrimLeft(strings.ToLower(hex), "0")
	if t == "" {
		return "0"
	}
	return t
}

// sameDigest reports whether two hexadecimal digests denote the same
// number, so that a client may send one with or without leading zeros.
func sameDigest(a, b string) bool {
	return javaDigest(a) == javaDigest(b)
}

// headerSafe makes s usable as a header value: control characters, which
// would end or corrupt the header, become spaces. Deprecation messages are
// checked when they are set, so this only guards against stored data.
func headerSafe(s string) string {
	return strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f {
			return ' '
		}
		return r
	}, s)
}

// handleDownload answers GET /download/{org}/{name}/{version}/{file}, the
// URL of a pull's 302: the bala with Content-Type application/octet-stream
// and an explicit Content-Length (the Java client refuses a download
// without one). Private versions are checked here too, so a leaked URL
// gives nothing away. Every complete download (a GET without Range) is
// counted in memory; see pullcount.go.
func (s *Server) handleDownload(w http.ResponseWriter, r *http.Request) {
	p, ok := s.authenticate(w, r)
	if !ok {
		return
	}
	ctx := r.Context()
	org, name, ver, file := r.PathValue("org"), r.PathValue("name"), r.PathValue("version"), r.PathValue("file")
	notFound := func() {
		writeErrorf(w, http.StatusNotFound, "package not found: %s/%s:%s (no bala %q)", org, name, ver, file)
	}
	pv, err := s.storage.Meta.Version(ctx, org, name, ver)
	if errors.Is(err, store.ErrNotFound) {
		notFound()
		return
	}
	if err != nil {
		s.internalError(w, r, err)
		return
	}
	visible, err := s.canSee(ctx, p, org, pv.Visibility)
	if err != nil {
		s.internalError(w, r, err)
		return
	}
	if !visible || file != bala.FileName(pv.Org, pv.Name, pv.Platform, pv.Version) {
		notFound()
		return
	}
	content, _, err := s.storage.Blobs.Open(ctx, pv.Digest)
	if err != nil {
		// Metadata is committed only after its blob is stored, so a
		// missing blob is damage, not a client's mistake.
		s.internalError(w, r, err)
		return
	}
	defer content.Close()
	h := w.Header()
	h.Set("Content-Type", "application/octet-stream")
	h.Set("Content-Disposition", "attachment; filename="+file)
	h.Set("digest", "sha-256="+javaDigest(pv.Digest))
	if r.Method == http.MethodGet && r.Header.Get("Range") == "" {
		s.pulls.add(pv.Org, pv.Name, pv.Version)
	}
	// ServeContent sets Content-Length from the blob's size and answers
	// HEAD and Range requests; the fixed Content-Type keeps it from
	// sniffing.
	http.ServeContent(w, r, file, pv.CreatedAt, content)
}
