package registry

import (
	"context"
	"errors"
	"fmt"
	"mime"
	"net/http"
	"slices"
	"strings"

	"github.com/balcentral/balcentral/internal/store"
	"github.com/balcentral/balcentral/internal/version"
)

// This file holds the read side of the Central API's package routes (the
// version list and the Package object) and what the other package routes
// share: choosing the versions a caller may see, the "*" rule and the "not
// found" answers the bal client recognises. Pull and download are in
// central_pull.go, push in central_push.go, deprecation in
// central_deprecate.go.

// latestVersion is the version path segment that stands for the latest
// version of a package.
const latestVersion = "*"

// registerPackageRoutes adds versions, metadata, pull, download, push and
// deprecation.
func (s *Server) registerPackageRoutes() {
	s.pulls = newPullCounter(s.storage.Meta, s.log, pullFlushInterval)
	s.handle("GET "+centralPrefix+"/packages/{org}/{name}", routeRead, s.handleVersions)
	s.handle("GET "+centralPrefix+"/packages/{org}/{name}/{version}", routeRead, s.handlePackage)
	s.handle("GET "+centralPrefix+"/download/{org}/{name}/{version}/{file}", routeRead, s.handleDownload)
	s.handle("POST "+centralPrefix+"/packages", routePublish, s.handlePush)
	s.handle("PUT "+centralPrefix+"/packages/deprecate/{org}/{name}/{version}", routeDeprecate, s.handleDeprecate)
	s.handle("PUT "+centralPrefix+"/packages/undeprecate/{org}/{name}/{version}", routeDeprecate, s.handleUndeprecate)
}

// handleVersions answers GET /packages/{org}/{name}: the versions the
// caller may see and use, newest first, as a JSON array of strings. The
// client treats a 404 whose message contains "package not found" as an
// empty list.
func (s *Server) handleVersions(w http.ResponseWriter, r *http.Request) {
	p, ok := s.authenticate(w, r)
	if !ok {
		return
	}
	org, name := r.PathValue("org"), r.PathValue("name")
	vs, err := s.usableVersions(r.Context(), p, org, name, clientFilterOf(r))
	if err != nil {
		s.internalError(w, r, err)
		return
	}
	if len(vs) == 0 {
		writeErrorf(w, http.StatusNotFound, "package not found: %s/%s:*_%s", org, name, platformLabel(r))
		return
	}
	list := make([]string, len(vs))
	for i, v := range vs {
		list[len(vs)-1-i] = v.Version
	}
	writeJSON(w, http.StatusOK, list)
}

// handlePackage answers GET /packages/{org}/{name}/{version}: the Package
// object, or, when the client asks for application/octet-stream, the 302
// of a pull (central_pull.go).
func (s *Server) handlePackage(w http.ResponseWriter, r *http.Request) {
	p, ok := s.authenticate(w, r)
	if !ok {
		return
	}
	pv, ok := s.findVersion(w, r, p, r.PathValue("org"), r.PathValue("name"), r.PathValue("version"))
	if !ok {
		return
	}
	if wantsBala(r) {
		s.redirectToBala(w, r, pv)
		return
	}
	writeJSON(w, http.StatusOK, packageObjectOf(pv, s.baseURL(r)))
}

// wantsBala reports whether a package request is a pull: its Accept header
// names application/octet-stream and not application/json. No Accept
// header, */* and application/json ask for the Package object.
func wantsBala(r *http.Request) bool {
	octet, jsonToo := false, false
	for _, h := range r.Header.Values("Accept") {
		for part := range strings.SplitSeq(h, ",") {
			mt, _, err := mime.ParseMediaType(strings.TrimSpace(part))
			if err != nil {
				continue
			}
			switch mt {
			case "application/octet-stream":
				octet = true
			case "application/json":
				jsonToo = true
			}
		}
	}
	return octet && !jsonToo
}

// findVersion finds the version a metadata or pull request names: an exact
// version, or "*" for the latest (see [latestOf]). The version must be
// visible to p and usable by the client (see [clientFilter]); otherwise,
// and when it does not exist, it answers 404 with the "package not found
// for:" message that `bal push` takes as "go ahead", so a private package
// is indistinguishable from a missing one. An invalid version gets 400.
func (s *Server) findVersion(w http.ResponseWriter, r *http.Request, p *principal, org, name, ver string) (*store.PackageVersion, bool) {
	ctx := r.Context()
	filter := clientFilterOf(r)
	notFound := func() {
		writeErrorf(w, http.StatusNotFound, "package not found for: %s/%s:%s_%s", org, name, ver, platformLabel(r))
	}
	if ver == latestVersion {
		vs, err := s.usableVersions(ctx, p, org, name, filter)
		if err != nil {
			s.internalError(w, r, err)
			return nil, false
		}
		latest, ok := latestOf(vs)
		if !ok {
			notFound()
			return nil, false
		}
		ver = latest.Version
	} else if msg, ok := checkVersionSegment(ver); !ok {
		writeError(w, http.StatusBadRequest, msg)
		return nil, false
	}
	pv, err := s.storage.Meta.Version(ctx, org, name, ver)
	if errors.Is(err, store.ErrNotFound) {
		notFound()
		return nil, false
	}
	if err != nil {
		s.internalError(w, r, err)
		return nil, false
	}
	visible, err := s.canSee(ctx, p, org, pv.Visibility)
	if err != nil {
		s.internalError(w, r, err)
		return nil, false
	}
	if !visible || !filter.allows(pv.Platform, pv.BallerinaVersion) {
		notFound()
		return nil, false
	}
	return pv, true
}

// checkVersionSegment checks a version given in a request path and returns
// the message of a 400 when it is not a semantic version.
func checkVersionSegment(v string) (string, bool) {
	if _, err := version.Parse(v); err != nil {
		return fmt.Sprintf("invalid version %q in the request: %v; give a semantic version such as 1.2.3, or * for the latest version", v, err), false
	}
	return "", true
}

// visibleVersions returns the published versions of org/name that p may
// see, in ascending order of precedence; an unknown package has none.
func (s *Server) visibleVersions(ctx context.Context, p *principal, org, name string) ([]store.VersionInfo, error) {
	vs, err := s.storage.Meta.Versions(ctx, org, name)
	if errors.Is(err, store.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var visible []store.VersionInfo
	for _, v := range vs {
		ok, err := s.canSee(ctx, p, org, v.Visibility)
		if err != nil {
			return nil, err
		}
		if ok {
			visible = append(visible, v)
		}
	}
	store.SortVersions(visible)
	return visible, nil
}

// usableVersions returns the versions of org/name that p may see and that
// filter allows, in ascending order of precedence.
func (s *Server) usableVersions(ctx context.Context, p *principal, org, name string, filter clientFilter) ([]store.VersionInfo, error) {
	vs, err := s.visibleVersions(ctx, p, org, name)
	if err != nil {
		return nil, err
	}
	return slices.DeleteFunc(vs, func(v store.VersionInfo) bool {
		return !filter.allows(v.Platform, v.BallerinaVersion)
	}), nil
}

// latestOf picks what "*" means among vs, which must be in ascending order
// of precedence: the latest non-deprecated version by the "latest" rule of
// internal/version (a release beats every pre-release, then the higher
// precedence wins, then the later build metadata), else, when every
// version is deprecated, the latest version.
func latestOf(vs []store.VersionInfo) (store.VersionInfo, bool) {
	if v, ok := latestWhere(vs, func(v store.VersionInfo) bool { return !v.Deprecated }); ok {
		return v, true
	}
	return latestWhere(vs, func(store.VersionInfo) bool { return true })
}

// latestWhere is the latest version of vs (ascending) that keep accepts.
func latestWhere(vs []store.VersionInfo, keep func(store.VersionInfo) bool) (store.VersionInfo, bool) {
	var pre *store.VersionInfo
	for i := len(vs) - 1; i >= 0; i-- {
		v := &vs[i]
		if !keep(*v) {
			continue
		}
		if !isPreRelease(v.Version) {
			return *v, true
		}
		if pre == nil {
			pre = v
		}
	}
	if pre != nil {
		return *pre, true
	}
	return store.VersionInfo{}, false
}

// isPreRelease reports whether a stored (hence valid) version has a
// pre-release part.
func isPreRelease(v string) bool {
	pv, err := version.Parse(v)
	return err == nil && pv.IsPreRelease()
}
