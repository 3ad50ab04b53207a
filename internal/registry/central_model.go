package registry

import (
	"math"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/balcentral/balcentral/internal/bala"
	"github.com/balcentral/balcentral/internal/store"
	"github.com/balcentral/balcentral/internal/version"
)

// packageObject is the Package object of the Central API (reference
// central-api.md §5): the body of a metadata request, the entries of a
// search and the answer to a deprecation. isDeprecated and summary are
// always sent: `bal deprecate --undo` fails without the first and `bal
// search` without either summary or a multi-line readme.
type packageObject struct {
	Organization                 string         `json:"organization"`
	Name                         string         `json:"name"`
	Version                      string         `json:"version"`
	Platform                     string         `json:"platform"`
	LanguageSpecificationVersion string         `json:"languageSpecificationVersion"`
	IsDeprecated                 bool           `json:"isDeprecated"`
	DeprecateMessage             string         `json:"deprecateMessage"`
	URL                          string         `json:"URL"`
	BalaVersion                  string         `json:"balaVersion"`
	BalaURL                      string         `json:"balaURL"`
	Digest                       string         `json:"digest,omitempty"`
	Readme                       string         `json:"readme"`
	Template                     bool           `json:"template"`
	Licenses                     []string       `json:"licenses"`
	Authors                      []string       `json:"authors"`
	SourceCodeLocation           string         `json:"sourceCodeLocation"`
	Keywords                     []string       `json:"keywords"`
	BallerinaVersion             string         `json:"ballerinaVersion"`
	CreatedDate                  int64          `json:"createdDate"`
	Modules                      []moduleObject `json:"modules"`
	Summary                      string         `json:"summary"`
	Icon                         string         `json:"icon"`
	Visibility                   string         `json:"visibility"`
	PullCount                    int64          `json:"pullCount"`
}

// moduleObject is a module of a Package object.
type moduleObject struct {
	Name       string `json:"name"`
	Summary    string `json:"summary"`
	Readme     string `json:"readme"`
	APIDocURL  string `json:"apiDocURL"`
	Executable bool   `json:"executable"`
	PackageURL string `json:"packageUrl"`
}

// balaFormatVersion is the balaVersion reported for packages: the bala
// format this server reads and the Java client expects.
const balaFormatVersion = bala.CurrentBalaVersion

// packageObjectOf builds the Package object of a published version. base
// is the server's absolute base URL (see [Server.baseURL]).
func packageObjectOf(pv *store.PackageVersion, base string) packageObject {
	var pj bala.PackageJSON
	if p, err := bala.ReadPackageJSON(bala.PackageJSONFile, pv.PackageJSON); err == nil {
		pj = *p
	}
	path := "/" + pv.Org + "/" + pv.Name + "/" + pv.Version
	o := packageObject{
		Organization:                 pv.Org,
		Name:                         pv.Name,
		Version:                      pv.Version,
		Platform:                     pv.Platform,
		LanguageSpecificationVersion: pj.LanguageSpecVersion,
		IsDeprecated:                 pv.Deprecated,
		DeprecateMessage:             pv.DeprecationMessage,
		URL:                          path,
		BalaVersion:                  balaFormatVersion,
		BalaURL:                      base + downloadPath(pv),
		Digest:                       "sha-256=" + pv.Digest,
		Readme:                       pv.Readme,
		Template:                     pj.Template,
		Licenses:                     nonNil(pv.Licenses),
		Authors:                      nonNil(pv.Authors),
		SourceCodeLocation:           pv.SourceRepository,
		Keywords:                     nonNil(pv.Keywords),
		BallerinaVersion:             pv.BallerinaVersion,
		CreatedDate:                  pv.CreatedAt.UnixMilli(),
		Summary:                      pv.Summary,
		Icon:                         pv.Icon,
		Visibility:                   string(visibilityOr(pv.Visibility)),
		PullCount:                    pv.PullCount,
		Modules:                      make([]moduleObject, 0, len(pv.Modules)),
	}
	for _, m := range pv.Modules {
		o.Modules = append(o.Modules, moduleObject{
			Name:       m.Name,
			Summary:    m.Summary,
			APIDocURL:  base + "/docs/" + pv.Org + "/" + pv.Name + "/" + pv.Version + "/" + m.Name,
			PackageURL: path,
		})
	}
	return o
}

// packageObjectOfSummary builds the Package object of a search result,
// which carries fewer fields than a full version.
func packageObjectOfSummary(ps *store.PackageSummary, base string) packageObject {
	path := "/" + ps.Org + "/" + ps.Name + "/" + ps.Version
	return packageObject{
		Organization:     ps.Org,
		Name:             ps.Name,
		Version:          ps.Version,
		Platform:         ps.Platform,
		URL:              path,
		BalaVersion:      balaFormatVersion,
		BalaURL:          base + downloadPath(&store.PackageVersion{Org: ps.Org, Name: ps.Name, Version: ps.Version, Platform: ps.Platform}),
		Licenses:         nonNil(ps.Licenses),
		Authors:          nonNil(ps.Authors),
		Keywords:         nonNil(ps.Keywords),
		BallerinaVersion: ps.BallerinaVersion,
		CreatedDate:      ps.CreatedAt.UnixMilli(),
		Summary:          ps.Summary,
		Icon:             ps.Icon,
		Visibility:       string(visibilityOr(ps.Visibility)),
		PullCount:        ps.PullCount,
		Modules:          []moduleObject{},
	}
}

// downloadPath is the path a pull's 302 points to. Its second-to-last
// segment is the version, which the Java client parses, and its last the
// file name the client stores.
func downloadPath(pv *store.PackageVersion) string {
	return centralPrefix + "/download/" + pv.Org + "/" + pv.Name + "/" + pv.Version + "/" +
		bala.FileName(pv.Org, pv.Name, pv.Platform, pv.Version)
}

func nonNil(l []string) []string {
	if l == nil {
		return []string{}
	}
	return l
}

func visibilityOr(v store.Visibility) store.Visibility {
	if v == "" {
		return store.Public
	}
	return v
}

// baseURL is the absolute URL of the server as the client reaches it: the
// configured public URL, else the scheme and host of the request (honouring
// X-Forwarded-Proto only for the scheme; a proxy that rewrites hosts should
// set --public-url).
func (s *Server) baseURL(r *http.Request) string {
	if s.cfg.PublicURL != "" {
		return s.cfg.PublicURL
	}
	scheme := "http"
	if r.TLS != nil || strings.EqualFold(r.Header.Get("X-Forwarded-Proto"), "https") {
		scheme = "https"
	}
	u := url.URL{Scheme: scheme, Host: r.Host}
	return u.String()
}

// clientFilter is what the requesting client can use: the JVM platforms of
// its Ballerina-Platform header and the distribution of its User-Agent.
type clientFilter struct {
	platforms    []string         // nil: any platform
	distribution *version.Version // nil: any distribution
}

// clientFilterOf reads the filter from a Central API request. A missing or
// "any" platform header, or a User-Agent that is not a Ballerina version
// (curl, a browser), filters nothing.
func clientFilterOf(r *http.Request) clientFilter {
	var f clientFilter
	if h := r.Header.Get("Ballerina-Platform"); h != "" {
		for _, p := range strings.Split(h, ",") {
			p = strings.TrimSpace(p)
			if p == "any" || p == "" {
				f.platforms = nil
				break
			}
			f.platforms = append(f.platforms, p)
		}
	}
	ua := strings.TrimSpace(r.Header.Get("User-Agent"))
	ua, _, _ = strings.Cut(ua, "-") // nightly builds: 2201.13.0-SNAPSHOT
	if v, err := version.Parse(ua); err == nil && atoi(v.Major()) >= 2201 {
		f.distribution = &v
	}
	return f
}

// allows reports whether a version built for platform by the distribution
// ballerinaVersion suits the client: platform "any" or one of the client's
// platforms, and not built by a newer Update of the client's distribution
// (Central hides those from older toolchains). Old distribution strings
// ("Ballerina 2.0.0", "slbeta6") and other majors are not filtered.
func (f clientFilter) allows(platform, ballerinaVersion string) bool {
	if f.platforms != nil && platform != bala.AnyPlatform && platform != "" {
		ok := false
		for _, p := range f.platforms {
			if p == platform {
				ok = true
				break
			}
		}
		if !ok {
			return false
		}
	}
	if f.distribution != nil {
		if pv, err := version.Parse(ballerinaVersion); err == nil && pv.Major() == f.distribution.Major() && atoi(pv.Minor()) > atoi(f.distribution.Minor()) {
			return false
		}
	}
	return true
}

// atoi reads a version number; numbers too large for an int (which no
// distribution has) read as the largest int.
func atoi(s string) int {
	n, err := strconv.Atoi(s)
	if err != nil {
		return math.MaxInt
	}
	return n
}

// platformLabel is how a request's platforms are named in "not found"
// messages, as Central does: "any", or the header's list joined by ",".
func platformLabel(r *http.Request) string {
	h := strings.TrimSpace(r.Header.Get("Ballerina-Platform"))
	if h == "" {
		return "any"
	}
	return strings.ReplaceAll(h, " ", "")
}
