package storetest

import (
	"fmt"
	"strings"
	"testing"

	"github.com/balcentral/balcentral/internal/store"
)

// search runs q and returns the total and the results as
// "org/name:version" strings.
func search(t *testing.T, s store.Store, q store.SearchQuery) (int, []string) {
	t.Helper()
	res, err := s.Search(t.Context(), q)
	must(t, fmt.Sprintf("Search(%+v)", q), err)
	if res.Packages == nil {
		t.Fatalf("Search(%+v).Packages = nil, want a non-nil slice", q)
	}
	out := []string{}
	for _, p := range res.Packages {
		out = append(out, p.Org+"/"+p.Name+":"+p.Version)
	}
	return res.Total, out
}

// wantSearch fails the test unless q finds exactly want (in order), with
// Total equal to len(want).
func wantSearch(t *testing.T, s store.Store, q store.SearchQuery, want ...string) {
	t.Helper()
	if want == nil {
		want = []string{}
	}
	total, got := search(t, s, q)
	equal(t, fmt.Sprintf("Search(%+v)", q), got, want)
	if total != len(want) {
		t.Fatalf("Search(%+v).Total = %d, want %d", q, total, len(want))
	}
}

func summary(text string) func(*store.PackageVersion) {
	return func(pv *store.PackageVersion) { pv.Summary = text }
}

func keywords(kw ...string) func(*store.PackageVersion) {
	return func(pv *store.PackageVersion) { pv.Keywords = kw }
}

func private(pv *store.PackageVersion) { pv.Visibility = store.Private }

var searchChecks = []check{
	{"matches org, name, keywords and summary", func(t *testing.T, s store.Store) {
		alice := newUser(t, s, "alice")
		publish(t, s, alice, "wso2", "winery", "1.0.0", summary("Connects to the Winery API."), keywords("Wine", "rest_api"))
		publish(t, s, alice, "acme", "googleapis.gmail", "2.0.0", summary("Gmail client"), keywords("mail"))
		publish(t, s, alice, "acme", "module_cellar", "0.1.0", summary(""), keywords())

		wantSearch(t, s, store.SearchQuery{Text: "winery"}, "wso2/winery:1.0.0")
		wantSearch(t, s, store.SearchQuery{Text: "wine"}, "wso2/winery:1.0.0")                 // name prefix and keyword
		wantSearch(t, s, store.SearchQuery{Text: "WSO2"}, "wso2/winery:1.0.0")                 // org, any case
		wantSearch(t, s, store.SearchQuery{Text: "api"}, "wso2/winery:1.0.0")                  // summary and keyword word
		wantSearch(t, s, store.SearchQuery{Text: "rest"}, "wso2/winery:1.0.0")                 // keyword word
		wantSearch(t, s, store.SearchQuery{Text: "gmail"}, "acme/googleapis.gmail:2.0.0")      // name after a dot
		wantSearch(t, s, store.SearchQuery{Text: "google"}, "acme/googleapis.gmail:2.0.0")     // name prefix
		wantSearch(t, s, store.SearchQuery{Text: "cellar"}, "acme/module_cellar:0.1.0")        // name after an underscore
		wantSearch(t, s, store.SearchQuery{Text: "module_cellar"}, "acme/module_cellar:0.1.0") // the whole name
		wantSearch(t, s, store.SearchQuery{Text: "acme"}, "acme/googleapis.gmail:2.0.0", "acme/module_cellar:0.1.0")
		wantSearch(t, s, store.SearchQuery{Text: "acme mail"}, "acme/googleapis.gmail:2.0.0")         // every word must match
		wantSearch(t, s, store.SearchQuery{Text: "  Gmail   CLIENT "}, "acme/googleapis.gmail:2.0.0") // spacing and case
		wantSearch(t, s, store.SearchQuery{Text: "acme winery"})
		wantSearch(t, s, store.SearchQuery{Text: "ery"}) // words match by prefix, not infix
		wantSearch(t, s, store.SearchQuery{Text: "wineries"})
	}},
	{"result fields", func(t *testing.T, s store.Store) {
		alice := newUser(t, s, "alice")
		pv := publish(t, s, alice, "wso2", "winery", "1.0.0")
		must(t, "IncrementPullCount", s.IncrementPullCount(t.Context(), "wso2", "winery", "1.0.0", 7))
		res, err := s.Search(t.Context(), store.SearchQuery{Text: "winery"})
		must(t, "Search", err)
		if len(res.Packages) != 1 {
			t.Fatalf("Search(winery) = %+v, want one package", res)
		}
		got := res.Packages[0]
		sameTime(t, "CreatedAt", got.CreatedAt, base)
		equal(t, "PackageSummary", got, store.PackageSummary{
			Org: "wso2", Name: "winery", Version: "1.0.0", Platform: pv.Platform, Summary: pv.Summary,
			Keywords: pv.Keywords, Authors: pv.Authors, Licenses: pv.Licenses, Icon: pv.Icon,
			BallerinaVersion: pv.BallerinaVersion, Visibility: store.Public, CreatedAt: got.CreatedAt, PullCount: 7,
		})
	}},
	{"one entry per package, its latest version", func(t *testing.T, s store.Store) {
		alice := newUser(t, s, "alice")
		publish(t, s, alice, "wso2", "winery", "1.2.0", keywords("legacy"))
		publish(t, s, alice, "wso2", "winery", "1.10.0", keywords("current"))
		publish(t, s, alice, "wso2", "winery", "2.0.0-alpha.1", keywords("preview"))
		publish(t, s, alice, "wso2", "cellar", "1.0.0-alpha.2")
		publish(t, s, alice, "wso2", "cellar", "1.0.0-alpha.10")
		publish(t, s, alice, "wso2", "cellar", "1.0.0-alpha.9")
		publish(t, s, alice, "wso2", "barrel", "1.0.0+build.1")
		publish(t, s, alice, "wso2", "barrel", "1.0.0")

		// A release beats a newer pre-release; among pre-releases precedence wins.
		wantSearch(t, s, store.SearchQuery{Org: "wso2"}, "wso2/barrel:1.0.0+build.1", "wso2/cellar:1.0.0-alpha.10", "wso2/winery:1.10.0")
		// The text is matched against the listed version only.
		wantSearch(t, s, store.SearchQuery{Text: "current"}, "wso2/winery:1.10.0")
		wantSearch(t, s, store.SearchQuery{Text: "legacy"})
		wantSearch(t, s, store.SearchQuery{Text: "preview"})
	}},
	{"deprecated packages excluded", func(t *testing.T, s store.Store) {
		ctx := t.Context()
		alice := newUser(t, s, "alice")
		publish(t, s, alice, "wso2", "winery", "1.0.0")
		publish(t, s, alice, "wso2", "winery", "2.0.0")
		publish(t, s, alice, "wso2", "cellar", "1.0.0")
		must(t, "SetDeprecated(winery:2.0.0)", s.SetDeprecated(ctx, "wso2", "winery", "2.0.0", true, "broken"))
		wantSearch(t, s, store.SearchQuery{Org: "wso2"}, "wso2/cellar:1.0.0", "wso2/winery:1.0.0")
		wantSearch(t, s, store.SearchQuery{Org: "wso2", Orgs: []string{"wso2"}}, "wso2/cellar:1.0.0", "wso2/winery:1.0.0")
		must(t, "SetDeprecated(winery:*)", s.SetDeprecated(ctx, "wso2", "winery", "*", true, "retired"))
		wantSearch(t, s, store.SearchQuery{Org: "wso2"}, "wso2/cellar:1.0.0")
		wantSearch(t, s, store.SearchQuery{Text: "winery"})
		must(t, "undeprecate winery:2.0.0", s.SetDeprecated(ctx, "wso2", "winery", "2.0.0", false, ""))
		wantSearch(t, s, store.SearchQuery{Text: "winery"}, "wso2/winery:2.0.0")
	}},
	{"private packages only for their orgs", func(t *testing.T, s store.Store) {
		alice := newUser(t, s, "alice")
		publish(t, s, alice, "acme", "secret", "1.0.0", private)
		publish(t, s, alice, "acme", "open", "1.0.0")
		publish(t, s, alice, "acme_labs", "secret", "1.0.0", private)
		// Mixed: the newest version is private, an older one public.
		publish(t, s, alice, "acme", "mixed", "1.0.0")
		publish(t, s, alice, "acme", "mixed", "2.0.0", private)

		wantSearch(t, s, store.SearchQuery{}, "acme/mixed:1.0.0", "acme/open:1.0.0")
		wantSearch(t, s, store.SearchQuery{Text: "secret"})
		wantSearch(t, s, store.SearchQuery{Text: "secret", Orgs: []string{"acm", "acme_", "other"}})
		wantSearch(t, s, store.SearchQuery{Text: "secret", Orgs: []string{"acme"}}, "acme/secret:1.0.0")
		wantSearch(t, s, store.SearchQuery{Text: "secret", Orgs: []string{"acme_labs", "acme"}}, "acme/secret:1.0.0", "acme_labs/secret:1.0.0")
		wantSearch(t, s, store.SearchQuery{Orgs: []string{"acme"}}, "acme/mixed:2.0.0", "acme/open:1.0.0", "acme/secret:1.0.0")
		wantSearch(t, s, store.SearchQuery{Orgs: []string{"acme_labs"}}, "acme/mixed:1.0.0", "acme/open:1.0.0", "acme_labs/secret:1.0.0")
		// A deprecated private version is skipped for members too.
		publish(t, s, alice, "acme", "mixed", "3.0.0", private)
		must(t, "SetDeprecated(acme/mixed:3.0.0)", s.SetDeprecated(t.Context(), "acme", "mixed", "3.0.0", true, ""))
		wantSearch(t, s, store.SearchQuery{Text: "mixed", Orgs: []string{"acme"}}, "acme/mixed:2.0.0")
		wantSearch(t, s, store.SearchQuery{Text: "mixed"}, "acme/mixed:1.0.0")
	}},
	{"org filter", func(t *testing.T, s store.Store) {
		alice := newUser(t, s, "alice")
		publish(t, s, alice, "one", "two", "1.0.0")
		publish(t, s, alice, "one_x", "two", "1.0.0")
		publish(t, s, alice, "on", "three", "1.0.0")
		wantSearch(t, s, store.SearchQuery{Org: "one"}, "one/two:1.0.0")
		wantSearch(t, s, store.SearchQuery{Org: "one", Text: "two"}, "one/two:1.0.0")
		wantSearch(t, s, store.SearchQuery{Org: "on", Text: "two"})
		wantSearch(t, s, store.SearchQuery{Org: "nobody"})
	}},
	{"pagination", func(t *testing.T, s store.Store) {
		alice := newUser(t, s, "alice")
		const n = 25
		var all []string
		for i := range n {
			name := fmt.Sprintf("pkg%02d", i)
			publish(t, s, alice, "wso2", name, "1.0.0", summary("paged package"))
			all = append(all, "wso2/"+name+":1.0.0")
		}
		publish(t, s, alice, "wso2", "unrelated", "1.0.0", summary("other"))
		var pages []string
		for off := 0; off < n+10; off += 10 {
			total, got := search(t, s, store.SearchQuery{Text: "paged", Limit: 10, Offset: off})
			if total != n {
				t.Fatalf("Search(paged, offset %d).Total = %d, want %d", off, total, n)
			}
			wantLen := min(10, max(0, n-off))
			if len(got) != wantLen {
				t.Fatalf("Search(paged, offset %d) returned %d packages, want %d", off, len(got), wantLen)
			}
			pages = append(pages, got...)
		}
		equal(t, "the pages together", pages, all)
		wantSearch(t, s, store.SearchQuery{Text: "paged"}, all...) // Limit 0: everything
		for _, q := range []store.SearchQuery{{Limit: -1}, {Offset: -1}} {
			_, err := s.Search(t.Context(), q)
			wantErr(t, fmt.Sprintf("Search(%+v)", q), err, store.ErrInvalid)
		}
	}},
	{"exact name first", func(t *testing.T, s store.Store) {
		alice := newUser(t, s, "alice")
		publish(t, s, alice, "aaa", "http_client", "1.0.0")
		publish(t, s, alice, "aaa", "tools", "1.0.0", keywords("http"))
		publish(t, s, alice, "zzz", "http", "1.0.0")
		wantSearch(t, s, store.SearchQuery{Text: "http"}, "zzz/http:1.0.0", "aaa/http_client:1.0.0", "aaa/tools:1.0.0")
		wantSearch(t, s, store.SearchQuery{Text: "HTTP "}, "zzz/http:1.0.0", "aaa/http_client:1.0.0", "aaa/tools:1.0.0")
	}},
	{"hostile text", func(t *testing.T, s store.Store) {
		alice := newUser(t, s, "alice")
		publish(t, s, alice, "wso2", "winery", "1.0.0", summary("and or not near"))
		for _, text := range []string{
			`"`, `"winery`, `*`, `winery*`, `-winery`, `NEAR(winery)`, `winery OR cellar`, `winery AND`, `NOT winery`,
			`wso2/winery:1.0.0`, `q=winery&limit=1#frag`, `'; DROP TABLE users; --`, `{winery}`, `winery^`, `%`, `_`,
			`w%`, "\x00winery", "\xff\xfe", `日本語`, `ñandú`, strings.Repeat("a", 10000),
		} {
			if _, err := s.Search(t.Context(), store.SearchQuery{Text: text}); err != nil {
				t.Fatalf("Search(%.40q): %v", text, err)
			}
		}
		wantSearch(t, s, store.SearchQuery{Text: `"winery`}, "wso2/winery:1.0.0")
		wantSearch(t, s, store.SearchQuery{Text: `NEAR(winery)`}, "wso2/winery:1.0.0")
		wantSearch(t, s, store.SearchQuery{Text: `winery OR cellar`}) // "or" and "cellar" are words too
		wantSearch(t, s, store.SearchQuery{Text: `winery or`}, "wso2/winery:1.0.0")
		wantSearch(t, s, store.SearchQuery{Text: `wso2/winery:1.0.0`}) // words "1", "0", "0" are absent
		wantSearch(t, s, store.SearchQuery{Text: `%`}, "wso2/winery:1.0.0")
		_, err := s.Search(t.Context(), store.SearchQuery{Text: strings.Repeat("a ", store.MaxSearchWords+1)})
		wantErr(t, "Search with too many words", err, store.ErrInvalid)
		if _, err := s.Search(t.Context(), store.SearchQuery{Text: strings.Repeat("a ", store.MaxSearchWords)}); err != nil {
			t.Fatalf("Search with MaxSearchWords words: %v", err)
		}
		if _, err := s.UserByName(t.Context(), "alice"); err != nil {
			t.Fatalf("users table damaged: %v", err)
		}
	}},
	{"unicode words", func(t *testing.T, s store.Store) {
		alice := newUser(t, s, "alice")
		publish(t, s, alice, "wso2", "intl", "1.0.0", summary("Çà et là: 日本 client"), keywords("Straße"))
		wantSearch(t, s, store.SearchQuery{Text: "çà"}, "wso2/intl:1.0.0")
		wantSearch(t, s, store.SearchQuery{Text: "straße"}, "wso2/intl:1.0.0")
		wantSearch(t, s, store.SearchQuery{Text: "日本"}, "wso2/intl:1.0.0")
	}},
}
