package registry

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/balcentral/balcentral/internal/bala"
	"github.com/balcentral/balcentral/internal/blob"
	"github.com/balcentral/balcentral/internal/store"
)

// This file is push, POST /packages (reference central-api.md §6): the
// upload in either form, the checks, and the order of the writes that
// keeps versions immutable and every listed version downloadable.

// balaFormField is the multipart field the Java client sends the bala in.
const balaFormField = "bala-file"

// multipartOverhead is what a multipart push may carry beyond the bala
// itself: boundaries, part headers and small extra fields.
const multipartOverhead = 64 << 10

// maxReadmeSize bounds the README stored with a version: it is served in
// every Package object and search result. Real READMEs are a few KiB.
const maxReadmeSize = 1 << 20

// maxSummaryLength bounds a summary taken from a README, in bytes.
const maxSummaryLength = 512

// uploadDir is the directory under the data directory where pushes are
// spooled before they are checked.
const uploadDir = "tmp"

// handlePush answers POST /packages: 204 once the version is published.
//
// The token is checked before the body is read. The bala comes either as
// the "bala-file" part of a multipart/form-data body (the Java client) or
// as the whole body with Content-Type application/octet-stream or none (the
// Go port, curl). A "digest: sha-256=<hex>" header, which the Go port
// sends, must match the content; leading zeros may be left out.
// It is spooled to a file under the data directory, bounded by
// max_upload_size, and opened with internal/bala's limits. Org, name,
// version and platform come from its package.json, never from a file name.
//
// Then, in this order: the version number is reserved (so racing pushes of
// one version get exactly one 204 and "package already exists" for the
// rest), the blob is stored, and the metadata is published in one
// transaction. A failure after the reservation marks it failed: the number
// stays used, as every published number does.
func (s *Server) handlePush(w http.ResponseWriter, r *http.Request) {
	p, ok := s.requireUser(w, r, ScopePublish)
	if !ok {
		return
	}
	up, ok := s.receiveBala(w, r)
	if !ok {
		return
	}
	defer up.close()

	a, err := bala.Open(up.file, up.size, bala.DefaultLimits)
	if err != nil {
		writeErrorf(w, http.StatusBadRequest, "invalid bala: %v", err)
		return
	}
	pv, err := versionMetadata(a)
	if err != nil {
		writeError(w, http.StatusBadRequest, err.Error())
		return
	}
	ctx := r.Context()
	if _, err := s.storage.Meta.Org(ctx, pv.Org); errors.Is(err, store.ErrNotFound) {
		writeErrorf(w, http.StatusBadRequest, "organization '%s' does not exist; an administrator or the web UI can create it", pv.Org)
		return
	} else if err != nil {
		s.internalError(w, r, err)
		return
	}
	if ok, err := s.canPublish(ctx, p, pv.Org, ScopePublish); err != nil {
		s.internalError(w, r, err)
		return
	} else if !ok {
		writeErrorf(w, http.StatusForbidden, "you may not publish to organization '%s': only its owners and publishers may; ask an owner to make you a publisher", pv.Org)
		return
	}

	// From here on the upload is complete: a client that hangs up no
	// longer decides the outcome, which would otherwise burn the version
	// number half way.
	ctx = context.WithoutCancel(ctx)
	ref := pv.Org + "/" + pv.Name + ":" + pv.Version
	switch err := s.storage.Meta.ReserveVersion(ctx, pv.Org, pv.Name, pv.Version, p.user.ID); {
	case errors.Is(err, store.ErrExists):
		writeErrorf(w, http.StatusBadRequest, "package already exists: %s", ref)
		return
	case errors.Is(err, store.ErrInvalid):
		writeErrorf(w, http.StatusBadRequest, "cannot publish %s: %v", ref, err)
		return
	case err != nil:
		s.internalError(w, r, err)
		return
	}
	if err := s.storeVersion(ctx, up, pv); err != nil {
		if ferr := s.storage.Meta.FailReservation(ctx, pv.Org, pv.Name, pv.Version); ferr != nil {
			s.log.Error("cannot mark a failed push's reservation as failed", "version", ref, "err", ferr)
		}
		if errors.Is(err, blob.ErrTooLarge) {
			writeErrorf(w, http.StatusRequestEntityTooLarge, "package archive too large for the blob store: %v", err)
			return
		}
		s.internalError(w, r, fmt.Errorf("publishing %s: %w", ref, err))
		return
	}
	s.audit(ctx, p, "publish", ref, map[string]any{
		"digest": pv.Digest, "size": pv.Size, "platform": pv.Platform, "visibility": pv.Visibility,
	})
	s.log.Info("published", "version", ref, "platform", pv.Platform, "size", pv.Size, "user", p.name(),
		"request_id", requestIDFrom(r.Context()))
	w.WriteHeader(http.StatusNoContent)
}

// storeVersion stores the bala, then publishes pv: never the other way
// round, so that every published version has its content.
func (s *Server) storeVersion(ctx context.Context, up *upload, pv *store.PackageVersion) error {
	if _, err := up.file.Seek(0, io.SeekStart); err != nil {
		return err
	}
	info, err := s.storage.Blobs.Put(ctx, up.file, up.size)
	if err != nil {
		return err
	}
	if info.Digest != up.digest {
		return fmt.Errorf("the blob store returned digest %s for an upload hashed as %s", info.Digest, up.digest)
	}
	pv.Digest, pv.Size, pv.BlobKey = info.Digest, info.Size, info.Digest
	return s.storage.Meta.PublishVersion(ctx, pv)
}

// An upload is a pushed bala spooled to an unlinked temporary file.
type upload struct {
	file   *os.File
	name   string // the file's name when it could not be unlinked at once
	size   int64
	digest string // lower-case hex SHA-256
}

func (u *upload) close() {
	u.file.Close()
	if u.name != "" {
		os.Remove(u.name)
	}
}

// receiveBala reads the bala of a push into a temporary file, or answers
// the error and returns false.
func (s *Server) receiveBala(w http.ResponseWriter, r *http.Request) (*upload, bool) {
	limit := s.cfg.MaxUploadSize
	tooLarge := func() {
		writeErrorf(w, http.StatusRequestEntityTooLarge,
			"package archive too large: this registry accepts at most %d bytes (max_upload_size)", limit)
	}
	ct := r.Header.Get("Content-Type")
	mt, params, err := mime.ParseMediaType(ct)
	if ct == "" {
		mt, err = "application/octet-stream", nil
	}
	var src io.Reader
	switch {
	case err != nil:
		writeErrorf(w, http.StatusBadRequest, "invalid Content-Type %q: %v", ct, err)
		return nil, false
	case mt == "multipart/form-data":
		if r.ContentLength > limit+multipartOverhead {
			tooLarge()
			return nil, false
		}
		if params["boundary"] == "" {
			writeError(w, http.StatusBadRequest, "multipart/form-data without a boundary parameter")
			return nil, false
		}
		mr := multipart.NewReader(http.MaxBytesReader(w, r.Body, limit+multipartOverhead), params["boundary"])
		for src == nil {
			part, err := mr.NextPart()
			if err == io.EOF {
				writeErrorf(w, http.StatusBadRequest, "the multipart body has no %q part; send the bala in a form field named %q", balaFormField, balaFormField)
				return nil, false
			}
			if err != nil {
				if isMaxBytes(err) {
					tooLarge()
				} else {
					writeErrorf(w, http.StatusBadRequest, "cannot read the multipart body: %v", err)
				}
				return nil, false
			}
			if part.FormName() == balaFormField {
				src = part
				continue
			}
			if _, err := io.Copy(io.Discard, part); err != nil {
				if isMaxBytes(err) {
					tooLarge()
				} else {
					writeErrorf(w, http.StatusBadRequest, "cannot read the multipart body: %v", err)
				}
				return nil, false
			}
		}
	case mt == "application/octet-stream":
		if r.ContentLength > limit {
			tooLarge()
			return nil, false
		}
		src = http.MaxBytesReader(w, r.Body, limit+1)
	default:
		writeErrorf(w, http.StatusUnsupportedMediaType,
			"unsupported Content-Type %q: send multipart/form-data with a %q part, or the bala itself as application/octet-stream", mt, balaFormField)
		return nil, false
	}

	up, err := s.spool(src, limit)
	switch {
	case errors.Is(err, errUploadTooLarge) || isMaxBytes(err):
		tooLarge()
		return nil, false
	case errors.Is(err, errUploadRead):
		writeErrorf(w, http.StatusBadRequest, "%v", err)
		return nil, false
	case err != nil:
		s.internalError(w, r, err)
		return nil, false
	}
	if up.size == 0 {
		up.close()
		writeError(w, http.StatusBadRequest, "empty upload: send the bala file")
		return nil, false
	}
	if want, ok, msg := digestHeader(r); msg != "" {
		up.close()
		writeError(w, http.StatusBadRequest, msg)
		return nil, false
	} else if ok && !sameDigest(want, up.digest) {
		up.close()
		writeErrorf(w, http.StatusBadRequest,
			"digest mismatch: the digest header says sha-256=%s but the upload hashes to sha-256=%s; the upload was damaged or the header is wrong", want, up.digest)
		return nil, false
	}
	return up, true
}

var (
	errUploadTooLarge = errors.New("upload too large")
	errUploadRead     = errors.New("cannot read the upload")
)

func isMaxBytes(err error) bool {
	var mbe *http.MaxBytesError
	return errors.As(err, &mbe)
}

// spool copies at most limit bytes of src to a new temporary file under
// the data directory and hashes them. The file is unlinked at once where
// the system allows it, so a crash leaves nothing behind.
func (s *Server) spool(src io.Reader, limit int64) (*upload, error) {
	dir := os.TempDir()
	if s.cfg.DataDir != "" {
		dir = filepath.Join(s.cfg.DataDir, uploadDir)
		if err := os.MkdirAll(dir, DataDirMode); err != nil {
			return nil, err
		}
	}
	f, err := os.CreateTemp(dir, "push-*.bala")
	if err != nil {
		return nil, err
	}
	up := &upload{file: f}
	if err := os.Remove(f.Name()); err != nil {
		up.name = f.Name() // Windows: removed on close instead
	}
	h := sha256.New()
	n, err := io.Copy(io.MultiWriter(f, h), io.LimitReader(src, limit+1))
	up.size = n
	if err == nil && n > limit {
		err = errUploadTooLarge
	}
	if err != nil {
		up.close()
		var pe *os.PathError
		if isMaxBytes(err) || errors.Is(err, errUploadTooLarge) || errors.As(err, &pe) {
			return nil, err
		}
		return nil, fmt.Errorf("%w: %v", errUploadRead, err)
	}
	up.digest = hex.EncodeToString(h.Sum(nil))
	return up, nil
}

// digestHeader reads the optional "digest: sha-256=<hex>" header of a raw
// push. It returns the hex digits and whether the header was present, or a
// message for a 400 when it is malformed.
func digestHeader(r *http.Request) (string, bool, string) {
	h := strings.TrimSpace(r.Header.Get("digest"))
	if h == "" {
		return "", false, ""
	}
	algo, d, ok := strings.Cut(h, "=")
	if !ok || !strings.EqualFold(strings.TrimSpace(algo), "sha-256") {
		return "", false, fmt.Sprintf("invalid digest header %q: want sha-256=<hexadecimal SHA-256 of the bala>", h)
	}
	d = strings.TrimSpace(d)
	if d == "" || len(d) > 64 || strings.Trim(strings.ToLower(d), "0123456789abcdef") != "" {
		return "", false, fmt.Sprintf("invalid digest header %q: want sha-256=<hexadecimal SHA-256 of the bala>", h)
	}
	return d, true, ""
}

// versionMetadata builds the version to publish from an opened bala: its
// identity and metadata from package.json, the README (required), the
// module summaries and the verbatim package.json and dependency graph. It
// returns an error whose text is the 400's message for a bala a registry
// cannot take.
func versionMetadata(a *bala.Archive) (*store.PackageVersion, error) {
	pj := a.Package
	ref := pj.Organization + "/" + pj.Name + ":" + pj.Version
	readme, err := packageReadme(a)
	if err != nil {
		return nil, fmt.Errorf("%s: %v", ref, err)
	}
	pjBytes, err := a.ReadFile(bala.PackageJSONFile)
	if err != nil {
		return nil, fmt.Errorf("invalid bala: %v", err)
	}
	var graph []byte
	if a.Graph != nil {
		if graph, err = a.ReadFile(bala.DependencyGraphJSONFile); err != nil {
			return nil, fmt.Errorf("invalid bala: %v", err)
		}
	}
	pv := &store.PackageVersion{
		Org: pj.Organization, Name: pj.Name, Version: pj.Version,
		Platform:         pj.Platform,
		PackageJSON:      pjBytes,
		DependencyGraph:  graph,
		Readme:           readme,
		Summary:          pj.Description,
		Keywords:         pj.Keywords,
		Authors:          pj.Authors,
		Licenses:         pj.Licenses,
		SourceRepository: pj.SourceRepository,
		Icon:             pj.Icon,
		BallerinaVersion: pj.BallerinaVersion,
		Visibility:       store.Public,
		Modules:          moduleList(a),
	}
	if pv.Platform == "" {
		pv.Platform = bala.AnyPlatform
	}
	if pv.Summary == "" {
		pv.Summary = summaryOf(readme)
	}
	if pj.Visibility == string(store.Private) {
		pv.Visibility = store.Private
	}
	return pv, nil
}

// packageReadme returns the package README: the file package.json names,
// else docs/README.md, else the legacy docs/Package.md. A registry requires
// one, non-empty, as Central does.
func packageReadme(a *bala.Archive) (string, error) {
	candidates := []string{"docs/README.md", "docs/Package.md"}
	if a.Package.Readme != "" {
		candidates = []string{a.Package.Readme}
	}
	for _, name := range candidates {
		if !slices.Contains(a.Files, name) {
			continue
		}
		data, err := a.ReadFile(name)
		if err != nil {
			return "", fmt.Errorf("invalid bala: %v", err)
		}
		if len(data) > maxReadmeSize {
			return "", fmt.Errorf("%s is %d bytes, more than the %d this registry accepts; shorten it and run bal pack again", name, len(data), maxReadmeSize)
		}
		if strings.TrimSpace(string(data)) == "" {
			return "", fmt.Errorf("%s cannot be empty; describe the package in it and run bal pack again", name)
		}
		return string(data), nil
	}
	if a.Package.Readme != "" {
		return "", fmt.Errorf("the README %q named in package.json is missing from the bala; run bal pack again", a.Package.Readme)
	}
	return "", errors.New("README.md is missing in the bala; a published package needs a non-empty README.md: add one to the package and run bal pack again")
}

// moduleList returns the modules of a bala with their summaries: those of
// package.json, or, for old balas without that list, the directories under
// modules/. A module's summary is its package.json description, else the
// first line of text of its README.
func moduleList(a *bala.Archive) []store.Module {
	mods := []store.Module{}
	seen := map[string]bool{}
	addModule := func(name, description, readmePath string) {
		if name == "" || seen[name] {
			return
		}
		seen[name] = true
		summary := description
		if summary == "" {
			candidates := []string{"docs/modules/" + name + "/README.md", "docs/modules/" + name + "/Module.md"}
			if readmePath != "" {
				candidates = []string{readmePath}
			}
			for _, c := range candidates {
				if data, err := a.ReadFile(c); err == nil && len(data) <= maxReadmeSize {
					summary = summaryOf(string(data))
					break
				}
			}
		}
		mods = append(mods, store.Module{Name: name, Summary: summary})
	}
	for _, m := range a.Package.Modules {
		addModule(m.Name, m.Description, m.Readme)
	}
	if len(a.Package.Modules) == 0 {
		for _, f := range a.Files {
			if rest, ok := strings.CutPrefix(f, "modules/"); ok {
				if dir, _, ok := strings.Cut(rest, "/"); ok {
					addModule(dir, "", "")
				}
			}
		}
	}
	return mods
}

// summaryOf returns the first line of text of a markdown document, skipping
// headings (ATX and setext), rules, badges, images and comments, cut to at
// most maxSummaryLength bytes.
func summaryOf(md string) string {
	lines := strings.Split(md, "\n")
	for i := 0; i < len(lines); i++ {
		line := strings.TrimSpace(lines[i])
		switch {
		case line == "",
			strings.HasPrefix(line, "#"),
			isUnderline(line),
			strings.HasPrefix(line, "!["), strings.HasPrefix(line, "[!["),
			strings.HasPrefix(line, "<!--"):
			continue
		}
		if i+1 < len(lines) && isUnderline(strings.TrimSpace(lines[i+1])) {
			i++ // a setext heading
			continue
		}
		return truncateUTF8(line, maxSummaryLength)
	}
	return ""
}

// isUnderline reports whether a trimmed line is a setext heading's
// underline or a rule: only "=" or only "-" characters.
func isUnderline(line string) bool {
	return line != "" && (strings.Trim(line, "=") == "" || strings.Trim(line, "-") == "")
}

// truncateUTF8 cuts s to at most n bytes without splitting a character.
func truncateUTF8(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}
