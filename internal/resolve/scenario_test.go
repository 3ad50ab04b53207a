package resolve

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/balcentral/balcentral/internal/manifest"
	"github.com/balcentral/balcentral/internal/repository"
	"github.com/balcentral/balcentral/internal/version"
)

// pv describes one package version of a test repository: "org/name:ver",
// its direct dependencies, and optional metadata.
type pv struct {
	id         string
	deps       []string
	modules    []string // other modules, full names
	deprecated bool
	message    string
	built      string // BallerinaVersion
}

// memRepo builds a Memory repository; each version's graph is the closure
// of the dependencies declared in the same call (as in the DOT cases).
func memRepo(t testing.TB, name string, kind repository.Kind, pkgs ...pv) *repository.Memory {
	t.Helper()
	edges := map[string][]string{}
	for _, p := range pkgs {
		edges[p.id] = p.deps
	}
	m := repository.NewMemory(name, kind)
	for _, p := range pkgs {
		pkg, err := packageFrom(p.id, nil, edges)
		if err != nil {
			t.Fatal(err)
		}
		pkg.Modules = append(pkg.Modules, p.modules...)
		pkg.Deprecated, pkg.DeprecationMessage, pkg.BallerinaVersion = p.deprecated, p.message, p.built
		m.Add(pkg)
	}
	return m
}

func imports(ids ...string) []Import {
	var out []Import
	for _, id := range ids {
		org, mod, _ := strings.Cut(id, "/")
		out = append(out, Import{Org: org, Module: mod})
	}
	return out
}

func lock(root string, direct []string, transitive ...string) *manifest.DependenciesToml {
	d := &manifest.DependenciesToml{TomlVersion: "2"}
	ro, rn, rv, _ := parseID(root)
	rp := manifest.LockedPackage{Org: ro, Name: rn, Version: rv.String()}
	for _, id := range direct {
		o, n, v, _ := parseID(id)
		rp.Dependencies = append(rp.Dependencies, manifest.PackageRef{Org: o, Name: n})
		d.Packages = append(d.Packages, manifest.LockedPackage{Org: o, Name: n, Version: v.String()})
	}
	for _, id := range transitive {
		o, n, v, _ := parseID(id)
		d.Packages = append(d.Packages, manifest.LockedPackage{Org: o, Name: n, Version: v.String()})
	}
	d.Packages = append(d.Packages, rp)
	return d
}

func baseRequest(imps ...string) Request {
	return Request{RootOrg: "myorg", RootName: "app", RootVersion: version.MustParse("0.1.0"), Imports: imports(imps...)}
}

func mustResolve(t *testing.T, req Request) *Result {
	t.Helper()
	res, err := Resolve(context.Background(), req)
	if err != nil {
		t.Fatalf("Resolve: %v", err)
	}
	return res
}

func versionOf(t *testing.T, res *Result, org, name string) string {
	t.Helper()
	n := res.Graph.Node(org, name)
	if n == nil {
		var b strings.Builder
		res.Graph.WriteText(&b)
		t.Fatalf("%s/%s is not in the graph:\n%s", org, name, b.String())
	}
	return n.Version.String()
}

func messages(res *Result) []string {
	var out []string
	for _, d := range res.Diagnostics {
		out = append(out, d.Message)
	}
	return out
}

func hasMessage(res *Result, msg string) bool {
	for _, m := range messages(res) {
		if m == msg {
			return true
		}
	}
	return false
}

func TestDeprecated(t *testing.T) {
	central := memRepo(t, "central", repository.KindCentral,
		pv{id: "samjs/foo:1.2.3", deprecated: true, message: "use 1.2.4"},
		pv{id: "samjs/foo:1.2.4"},
		pv{id: "samjs/bar:1.0.0", deprecated: true},
		pv{id: "samjs/baz:1.0.0"},
		pv{id: "samjs/baz:1.0.1", deprecated: true, message: "broken"},
	)
	root := "myorg/app:0.1.0"
	tests := []struct {
		name      string
		imp       string
		lock      *manifest.DependenciesToml
		mode      LockingMode
		want      string
		wantWarns []string
	}{
		{"new resolution skips the deprecated version", "samjs/foo", nil, Soft, "1.2.4", nil},
		{"locked deprecated version kept under HARD", "samjs/foo", lock(root, []string{"samjs/foo:1.2.3"}), Hard, "1.2.3",
			[]string{"samjs/foo:1.2.3 is deprecated: use 1.2.4"}},
		{"MEDIUM moves to the newer patch", "samjs/foo", lock(root, []string{"samjs/foo:1.2.3"}), Medium, "1.2.4", nil},
		{"only version is used, with a warning without message", "samjs/bar", nil, Soft, "1.0.0",
			[]string{"samjs/bar:1.0.0 is deprecated"}},
		{"newest deprecated, older one chosen", "samjs/baz", nil, Soft, "1.0.0", nil},
		{"locked older kept under MEDIUM when the newer patch is deprecated", "samjs/baz", lock(root, []string{"samjs/baz:1.0.0"}), Medium, "1.0.0", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req := baseRequest(tt.imp)
			req.Lock, req.Mode = tt.lock, tt.mode
			req.Repositories.Central = central
			res := mustResolve(t, req)
			org, name, _ := strings.Cut(tt.imp, "/")
			if got := versionOf(t, res, org, name); got != tt.want {
				t.Errorf("version = %s, want %s", got, tt.want)
			}
			var warns []string
			for _, d := range res.Diagnostics {
				if d.Severity == SeverityWarning {
					warns = append(warns, d.Message)
				}
			}
			if strings.Join(warns, "|") != strings.Join(tt.wantWarns, "|") {
				t.Errorf("warnings = %q, want %q", warns, tt.wantWarns)
			}
		})
	}
}

func TestLocalRepository(t *testing.T) {
	local := memRepo(t, "local", repository.KindLocal, pv{id: "samjs/x:1.0.0"})
	central := memRepo(t, "central", repository.KindCentral, pv{id: "samjs/x:1.0.0"}, pv{id: "samjs/x:1.0.1"})
	dep := []manifest.Dependency{{Org: "samjs", Name: "x", Version: "1.0.0", Repository: "local"}}

	t.Run("new dependency: exact version from the local repository", func(t *testing.T) {
		req := baseRequest("samjs/x")
		req.Dependencies, req.Mode = dep, Soft
		req.Repositories = Repositories{Local: local, Central: central}
		res := mustResolve(t, req)
		n := res.Graph.Node("samjs", "x")
		if n == nil || n.Version.String() != "1.0.0" || n.Repository != "local" {
			t.Fatalf("samjs/x = %+v, want 1.0.0 from local", n)
		}
	})
	t.Run("a newer patch needed elsewhere wins", func(t *testing.T) {
		central := memRepo(t, "central", repository.KindCentral, pv{id: "samjs/x:1.0.0"}, pv{id: "samjs/x:1.0.1"},
			pv{id: "samjs/y:1.0.0", deps: []string{"samjs/x:1.0.1"}})
		req := baseRequest("samjs/x", "samjs/y")
		req.Dependencies, req.Mode = dep, Soft
		req.Lock = lock("myorg/app:0.1.0", []string{"samjs/x:1.0.0"})
		req.Repositories = Repositories{Local: local, Central: central}
		res := mustResolve(t, req)
		n := res.Graph.Node("samjs", "x")
		if n == nil || n.Version.String() != "1.0.1" || n.Repository != "" {
			t.Fatalf("samjs/x = %+v, want 1.0.1 from Central", n)
		}
	})
	t.Run("missing from the local repository", func(t *testing.T) {
		req := baseRequest("samjs/x")
		req.Dependencies = []manifest.Dependency{{Org: "samjs", Name: "x", Version: "2.0.0", Repository: "local"}}
		req.Repositories = Repositories{Local: local, Central: central}
		res := mustResolve(t, req)
		want := "Dependency version (2.0.0) cannot be found in the local repository. org: `samjs` name: x"
		if !hasMessage(res, want) {
			t.Errorf("diagnostics = %q, want %q", messages(res), want)
		}
		if got := versionOf(t, res, "samjs", "x"); got != "1.0.1" {
			t.Errorf("version = %s, want the latest, 1.0.1", got)
		}
	})
	t.Run("incompatible with the lock", func(t *testing.T) {
		l2 := memRepo(t, "local", repository.KindLocal, pv{id: "samjs/x:2.0.0"})
		req := baseRequest("samjs/x")
		req.Dependencies = []manifest.Dependency{{Org: "samjs", Name: "x", Version: "2.0.0", Repository: "local"}}
		req.Lock = lock("myorg/app:0.1.0", []string{"samjs/x:1.0.0"})
		req.Repositories = Repositories{Local: l2, Central: central}
		res := mustResolve(t, req)
		want := "Dependency version (2.0.0) is incompatible with the version locked in Dependencies.toml (1.0.0). org: `samjs` name: x"
		if !hasMessage(res, want) {
			t.Errorf("diagnostics = %q, want %q", messages(res), want)
		}
		if n := res.Graph.Node("samjs", "x"); n == nil || !n.Error || n.Version.String() != "1.0.0" {
			t.Errorf("samjs/x = %+v, want an error node at 1.0.0", n)
		}
	})
}

func conflictRepos(t *testing.T) *repository.Memory {
	return memRepo(t, "central", repository.KindCentral,
		pv{id: "samjs/a:1.2.0", deps: []string{"ballerina/observe:0.9.0"}},
		pv{id: "samjs/b:2.0.0", deps: []string{"ballerina/observe:1.0.0"}},
		pv{id: "ballerina/observe:0.9.0"},
		pv{id: "ballerina/observe:1.0.0"},
		pv{id: "ballerina/observe:2.0.0"},
	)
}

func TestTwoIncompatibleVersions(t *testing.T) {
	req := baseRequest("samjs/a", "samjs/b")
	req.Repositories.Central = conflictRepos(t)
	res := mustResolve(t, req)
	const msg = "Two incompatible versions exist in the dependency graph: ballerina/observe versions: 0.9.0, 1.0.0"
	var d *Diagnostic
	for i := range res.Diagnostics {
		if res.Diagnostics[i].Message == msg {
			d = &res.Diagnostics[i]
		}
	}
	if d == nil || d.Severity != SeverityError {
		t.Fatalf("diagnostics = %q, want the error %q", messages(res), msg)
	}
	want := "ballerina/observe is needed in two incompatible versions:\n" +
		"  0.9.0 via myorg/app:0.1.0 → samjs/a:1.2.0 → ballerina/observe:0.9.0\n" +
		"  1.0.0 via myorg/app:0.1.0 → samjs/b:2.0.0 → ballerina/observe:1.0.0\n" +
		"fix: upgrade samjs/a to a version that depends on ballerina/observe 1.x, or use a version of samjs/b that depends on ballerina/observe 0.9.x."
	if d.Explanation != want {
		t.Errorf("explanation =\n%s\nwant\n%s", d.Explanation, want)
	}
	if n := res.Graph.Node("ballerina", "observe"); n == nil || !n.Error {
		t.Errorf("observe = %+v, want an error node", n)
	}
	if !res.HasErrors() {
		t.Error("HasErrors() = false")
	}
}

func TestPinnedVersionConflict(t *testing.T) {
	req := baseRequest("samjs/b")
	req.Repositories.Central = conflictRepos(t)
	req.Dependencies = []manifest.Dependency{{Org: "ballerina", Name: "observe", Version: "2.0.0"}}
	res := mustResolve(t, req)
	want := "Incompatible versions: ballerina/observe. Version specified in Ballerina.toml: 2.0.0 and the version resolved from other dependencies: 1.0.0"
	var d *Diagnostic
	for i := range res.Diagnostics {
		if res.Diagnostics[i].Message == want {
			d = &res.Diagnostics[i]
		}
	}
	if d == nil {
		t.Fatalf("diagnostics = %q, want %q", messages(res), want)
	}
	wantExpl := "ballerina/observe:\n  2.0.0 written in Ballerina.toml\n  1.0.0 via myorg/app:0.1.0 → samjs/b:2.0.0 → ballerina/observe:1.0.0\n" +
		"fix: upgrade samjs/b to a version that depends on ballerina/observe 2.x, or lower the [[dependency]] version for ballerina/observe in Ballerina.toml to the 1.x line."
	if d.Explanation != wantExpl {
		t.Errorf("explanation =\n%s\nwant\n%s", d.Explanation, wantExpl)
	}
}

func TestExplanationTexts(t *testing.T) {
	v := version.MustParse
	tests := []struct{ got, want string }{
		{explainConflict("x/y", v("1.0.0"), []string{"r/a:1.0.0", "x/y:1.0.0"}, v("2.0.0"), []string{"r/a:1.0.0", "p/q:1.0.0", "x/y:2.0.0"}),
			"x/y is needed in two incompatible versions:\n  1.0.0 via r/a:1.0.0 → x/y:1.0.0\n  2.0.0 via r/a:1.0.0 → p/q:1.0.0 → x/y:2.0.0\n" +
				"fix: the root package uses x/y 1.x directly; raise the [[dependency]] minimum for x/y in Ballerina.toml to 2.0.0 (and update the code for 2.x), or use a version of p/q that depends on x/y 1.x."},
		{explainConflict("x/y", v("0.5.0"), []string{"x/y:0.5.0"}, v("0.4.0"), []string{"x/y:0.4.0"}),
			"x/y is needed in two incompatible versions:\n  0.4.0 via x/y:0.4.0\n  0.5.0 via x/y:0.5.0\nfix: remove the conflicting version of x/y from Dependencies.toml and rebuild."},
		{explainPinConflict(pkgID{"x", "y"}, "Ballerina.toml", v("1.0.0"), v("2.1.0"), []string{"r/a:1.0.0", "p/q:1.0.0", "x/y:2.1.0"}),
			"x/y:\n  1.0.0 written in Ballerina.toml\n  2.1.0 via r/a:1.0.0 → p/q:1.0.0 → x/y:2.1.0\nfix: raise the [[dependency]] minimum for x/y in Ballerina.toml to 2.1.0."},
		{explainPinConflict(pkgID{"x", "y"}, "Dependencies.toml", v("1.0.0"), v("2.1.0"), []string{"r/a:1.0.0", "x/y:2.1.0"}),
			"x/y:\n  1.0.0 written in Dependencies.toml\n  2.1.0 via r/a:1.0.0 → x/y:2.1.0\nfix: remove the x/y entry from Dependencies.toml and rebuild; the graph now needs x/y 2.x."},
	}
	for i, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("case %d:\n%s\nwant\n%s", i, tt.got, tt.want)
		}
	}
}

func TestCentralCacheCompatibility(t *testing.T) {
	central := memRepo(t, "central", repository.KindCentral,
		pv{id: "samjs/x:1.0.0", built: "2201.12.0"},
		pv{id: "samjs/x:1.1.0", built: "2201.14.0"},
		pv{id: "samjs/x:1.2.0", built: "2301.0.0"},
	)
	req := baseRequest("samjs/x")
	req.Repositories.Central = central
	req.DistributionVersion = "2201.13.0"
	if got := versionOf(t, mustResolve(t, req), "samjs", "x"); got != "1.0.0" {
		t.Errorf("with 2201.13.0: version = %s, want 1.0.0 (1.1.0 needs a newer Update, 1.2.0 another major)", got)
	}
	req.DistributionVersion = ""
	if got := versionOf(t, mustResolve(t, req), "samjs", "x"); got != "1.2.0" {
		t.Errorf("without a running distribution: version = %s, want 1.2.0", got)
	}
}

func TestPreRelease(t *testing.T) {
	central := memRepo(t, "central", repository.KindCentral,
		pv{id: "ballerina/io:1.2.0"}, pv{id: "ballerina/io:1.3.0-beta.1"}, pv{id: "ballerina/io:2.0.0-alpha.1"},
		pv{id: "ballerinax/observe:1.0.0-alpha"}, pv{id: "ballerinax/observe:1.0.0-beta.1"},
	)
	req := baseRequest("ballerina/io", "ballerinax/observe")
	req.Repositories.Central = central
	res := mustResolve(t, req)
	if got := versionOf(t, res, "ballerina", "io"); got != "1.2.0" {
		t.Errorf("io = %s, want the latest stable 1.2.0", got)
	}
	if got := versionOf(t, res, "ballerinax", "observe"); got != "1.0.0-beta.1" {
		t.Errorf("observe = %s, want 1.0.0-beta.1 (no stable version)", got)
	}
}

func TestCycle(t *testing.T) {
	central := memRepo(t, "central", repository.KindCentral,
		pv{id: "samjs/a:1.0.0", deps: []string{"samjs/b:1.0.0"}},
		pv{id: "samjs/b:1.0.0", deps: []string{"samjs/a:1.0.0"}},
	)
	req := baseRequest("samjs/a")
	req.Repositories.Central = central
	res := mustResolve(t, req)
	want := "cyclic module imports detected 'samjs/a:1.0.0 -> samjs/b:1.0.0 -> samjs/a:1.0.0'"
	if !hasMessage(res, want) {
		t.Errorf("diagnostics = %q, want %q", messages(res), want)
	}
}

func TestBuiltInsAndModules(t *testing.T) {
	dist := memRepo(t, "dist", repository.KindDistribution,
		pv{id: "ballerina/lang.int:0.0.0", deps: []string{"ballerina/jballerina.java:0.0.0"}},
		pv{id: "ballerina/jballerina.java:0.0.0"},
		pv{id: "ballerinai/transaction:0.0.0"},
		pv{id: "ballerina/protobuf:1.7.0", modules: []string{"protobuf.types.duration"}},
	)
	central := memRepo(t, "central", repository.KindCentral,
		pv{id: "samjs/m:1.0.0", deps: []string{"ballerinai/transaction:1.0.1"}},
		pv{id: "ballerinai/transaction:1.0.1"},
		pv{id: "ballerina/protobuf.types.duration:1.0.0"},
	)
	req := baseRequest("ballerina/lang.int", "samjs/m", "ballerina/protobuf.types.duration", "myorg/app.svc")
	req.RootModules = []string{"app", "app.svc"}
	req.Repositories = Repositories{Distribution: dist, Central: central}
	res := mustResolve(t, req)
	if got := versionOf(t, res, "ballerinai", "transaction"); got != "0.0.0" {
		t.Errorf("transaction = %s, want the distribution's 0.0.0", got)
	}
	// The distribution has no version of Central's package: Central's answer
	// wins (DefaultPackageResolver.resolvePackageNames).
	if got := versionOf(t, res, "ballerina", "protobuf.types.duration"); got != "1.0.0" {
		t.Errorf("protobuf.types.duration = %s, want 1.0.0", got)
	}
	if n := res.Graph.Node("ballerina", "protobuf.types.duration"); strings.Join(n.Modules, ",") != "protobuf.types.duration" {
		t.Errorf("modules = %v", n.Modules)
	}
	if strings.Join(res.Graph.Root.Modules, ",") != "app,app.svc" {
		t.Errorf("root modules = %v", res.Graph.Root.Modules)
	}
	if len(res.UnresolvedImports) != 0 {
		t.Errorf("unresolved = %v", res.UnresolvedImports)
	}
	// With a newer version of it in the distribution, the distribution's
	// answer wins.
	dist.Add(&repository.Package{Org: "ballerina", Name: "protobuf.types.duration", Version: version.MustParse("1.1.0"),
		Modules: []string{"protobuf.types.duration"}, Graph: []repository.GraphNode{{Org: "ballerina", Name: "protobuf.types.duration", Version: version.MustParse("1.1.0")}}})
	req.Imports = imports("ballerina/protobuf.types.duration")
	res = mustResolve(t, req)
	if got := versionOf(t, res, "ballerina", "protobuf"); got != "1.7.0" {
		t.Errorf("protobuf = %s, want the distribution's 1.7.0", got)
	}
	req.Imports = imports("samjs/nope.sub")
	res = mustResolve(t, req)
	if len(res.UnresolvedImports) != 1 || !res.HasErrors() {
		t.Errorf("unresolved = %v, diagnostics %q", res.UnresolvedImports, messages(res))
	}
}

func TestPathsTo(t *testing.T) {
	central := memRepo(t, "central", repository.KindCentral,
		pv{id: "samjs/a:1.0.0", deps: []string{"samjs/c:1.0.0"}},
		pv{id: "samjs/b:1.0.0", deps: []string{"samjs/c:1.0.0"}},
		pv{id: "samjs/c:1.0.0"},
	)
	req := baseRequest("samjs/a", "samjs/b")
	req.Repositories.Central = central
	res := mustResolve(t, req)
	var got []string
	for _, p := range res.Graph.PathsTo("samjs", "c") {
		got = append(got, formatPath(p))
	}
	want := "myorg/app:0.1.0 → samjs/a:1.0.0 → samjs/c:1.0.0|myorg/app:0.1.0 → samjs/b:1.0.0 → samjs/c:1.0.0"
	if strings.Join(got, "|") != want {
		t.Errorf("PathsTo = %q, want %q", got, want)
	}
}

func TestParseLockingMode(t *testing.T) {
	for _, s := range []string{"soft", "MEDIUM", "Hard", "locked"} {
		m, err := ParseLockingMode(s)
		if err != nil || !strings.EqualFold(m.String(), s) {
			t.Errorf("ParseLockingMode(%q) = %v, %v", s, m, err)
		}
	}
	_, err := ParseLockingMode("loose")
	if err == nil || err.Error() != `invalid locking mode "loose": valid values are [soft, medium, hard, locked]` {
		t.Errorf("ParseLockingMode(loose) error = %v", err)
	}
}

func TestSelectMode(t *testing.T) {
	const newer = "Detected an attempt to compile this package using Swan Lake Update 13. However, this package was built using Swan Lake Update 10."
	tests := []struct {
		name  string
		in    ModeInput
		want  LockingMode
		diags []string
	}{
		{"fresh project", ModeInput{RunningDistribution: "2201.13.0"}, Soft, nil},
		{"fresh bala project", ModeInput{Kind: BalaProject}, Medium, nil},
		{"single file ignores everything", ModeInput{Kind: SingleFileProject, Sticky: true, HasLock: true}, Soft, nil},
		{"fresh, sticky", ModeInput{Sticky: true}, Hard, nil},
		{"fresh, user medium", ModeInput{UserMode: Medium, HasUserMode: true}, Medium, nil},
		{"fresh, locked", ModeInput{UserMode: Locked, HasUserMode: true}, Hard,
			[]string{"'LOCKED' locking mode cannot be used without the Dependencies.toml file"}},
		{"existing, same distribution", ModeInput{HasLock: true, LockDistribution: "2201.13.0", RunningDistribution: "2201.13.0"}, Medium, nil},
		{"existing, same Update, other patch", ModeInput{HasLock: true, LockDistribution: "2201.13.1", RunningDistribution: "2201.13.0"}, Medium, nil},
		{"existing, user soft", ModeInput{HasLock: true, LockDistribution: "2201.13.0", RunningDistribution: "2201.13.0", UserMode: Soft, HasUserMode: true}, Soft, nil},
		{"existing, older distribution", ModeInput{HasLock: true, LockDistribution: "2201.10.0", RunningDistribution: "2201.13.0"}, Soft,
			[]string{newer + " To ensure compatibility, the Dependencies.toml file will be updated with the latest versions that are compatible with Update 13."}},
		{"existing, newer distribution in the lock", ModeInput{HasLock: true, LockDistribution: "2201.13.0", RunningDistribution: "2201.8.1"}, Soft,
			[]string{"Detected an attempt to compile this package using Swan Lake Update 8.1. However, this package was built using Swan Lake Update 13. " +
				"To ensure compatibility, the Dependencies.toml file will be updated with the latest versions that are compatible with Update 8.1."}},
		{"existing, distribution change, sticky", ModeInput{Sticky: true, HasLock: true, LockDistribution: "2201.10.0", RunningDistribution: "2201.13.0"}, Hard,
			[]string{newer + "\nHINT: Execute the bal command with --sticky=false"}},
		{"existing, distribution change, user soft: no warning", ModeInput{HasLock: true, LockDistribution: "2201.10.0", RunningDistribution: "2201.13.0",
			UserMode: Soft, HasUserMode: true}, Soft, nil},
		{"existing, no distribution-version", ModeInput{HasLock: true, RunningDistribution: "2201.13.0"}, Soft,
			[]string{"Detected an attempt to compile this package using Swan Lake Update 13. However, this package was built using Swan Lake Update 4 or an older Update. " +
				"To ensure compatibility, the Dependencies.toml file will be updated with the latest versions that are compatible with Update 13."}},
		{"24-hour window turns MEDIUM into HARD", ModeInput{HasLock: true, LockDistribution: "2201.13.0", RunningDistribution: "2201.13.0", InUpdateWindow: true}, Hard, nil},
		{"24-hour window turns SOFT into HARD", ModeInput{InUpdateWindow: true}, Hard, nil},
		{"locked with the same imports", ModeInput{HasLock: true, LockDistribution: "2201.13.0", RunningDistribution: "2201.13.0",
			UserMode: Locked, HasUserMode: true, Imports: []string{"a/b", "ballerinai/observe"}, PreviousImports: []string{"a/b"}}, Locked, nil},
		{"locked with a new import", ModeInput{HasLock: true, LockDistribution: "2201.13.0", RunningDistribution: "2201.13.0",
			UserMode: Locked, HasUserMode: true, Imports: []string{"a/b", "c/d"}, PreviousImports: []string{"a/b"}}, Locked,
			[]string{"cannot add new imports with --locking-mode=locked. Use one of [soft, medium, hard] to build with new imports"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, diags := SelectMode(tt.in)
			var msgs []string
			for _, d := range diags {
				msgs = append(msgs, d.Message)
			}
			if got != tt.want || strings.Join(msgs, "|") != strings.Join(tt.diags, "|") {
				t.Errorf("SelectMode = %v, %q\nwant %v, %q", got, msgs, tt.want, tt.diags)
			}
		})
	}
}

func TestLockedImportsAndFreshHard(t *testing.T) {
	central := memRepo(t, "central", repository.KindCentral,
		pv{id: "samjs/foo:1.0.0", deps: []string{"samjs/c:0.4.5"}},
		pv{id: "samjs/c:0.4.5"}, pv{id: "samjs/c:0.4.6"},
		pv{id: "samjs/d:1.0.0", deps: []string{"samjs/e:1.0.0"}},
		pv{id: "samjs/e:1.0.0"}, pv{id: "samjs/e:1.1.0"},
	)
	// Fresh project + HARD: Ballerina.toml versions exact, the rest latest.
	req := baseRequest("samjs/foo", "samjs/d")
	req.Mode = Hard
	req.Dependencies = []manifest.Dependency{{Org: "samjs", Name: "c", Version: "0.4.5"}}
	req.Repositories.Central = central
	res := mustResolve(t, req)
	if got := versionOf(t, res, "samjs", "c"); got != "0.4.5" {
		t.Errorf("c = %s, want the Ballerina.toml version 0.4.5", got)
	}
	if got := versionOf(t, res, "samjs", "e"); got != "1.1.0" {
		t.Errorf("e = %s, want the latest compatible 1.1.0", got)
	}
	// LOCKED resolves like HARD.
	req.Mode = Locked
	req.Lock = lock("myorg/app:0.1.0", []string{"samjs/foo:1.0.0", "samjs/d:1.0.0"}, "samjs/c:0.4.5", "samjs/e:1.0.0")
	req.Dependencies = nil
	res = mustResolve(t, req)
	if got := versionOf(t, res, "samjs", "e"); got != "1.0.0" {
		t.Errorf("LOCKED: e = %s, want the locked 1.0.0", got)
	}
}

func exampleGraph() *Graph {
	v := version.MustParse
	app := &Node{Org: "samejs", Name: "app", Version: v("0.1.0"), Modules: []string{"app"}}
	http := &Node{Org: "ballerina", Name: "http", Version: v("1.4.0"), Modules: []string{"http"}}
	java := &Node{Org: "ballerina", Name: "jballerina.java", Version: v("0.0.0")}
	foo := &Node{Org: "samjs", Name: "foo", Version: v("1.3.0"), Scope: ScopeTestOnly, Modules: []string{"foo"}}
	io := &Node{Org: "samtest", Name: "io", Version: v("1.5.1"), Repository: "local", Modules: []string{"io"}}
	http.Dependencies = []*Node{java}
	io.Dependencies = []*Node{http}
	app.Dependencies = []*Node{http, foo, io}
	return &Graph{Root: app, Nodes: []*Node{http, java, app, foo, io}}
}

func TestWriteDOT(t *testing.T) {
	// The example of formats.md §13 (plus a language library, which is left out).
	want := "digraph \"samejs/app:0.1.0\" {\n" +
		"\tnode [shape=record]\n" +
		"\t\"samejs/app\" [label=\"<0.1.0> samejs/app:0.1.0\"];\n" +
		"\t\"samtest/io\" [repo=\"local\",label=\"<1.5.1> samtest/io:1.5.1\"];\n" +
		"\t\"samjs/foo\" [scope=\"testOnly\",label=\"<1.3.0> samjs/foo:1.3.0\"];\n" +
		"\t\"ballerina/http\" [label=\"<1.4.0> ballerina/http:1.4.0\"];\n" +
		"\n" +
		"\t// Edges\n" +
		"\t\"samejs/app\":\"0.1.0\" -> \"ballerina/http\":\"1.4.0\";\n" +
		"\t\"samejs/app\":\"0.1.0\" -> \"samjs/foo\":\"1.3.0\";\n" +
		"\t\"samejs/app\":\"0.1.0\" -> \"samtest/io\":\"1.5.1\";\n" +
		"\t\"samtest/io\":\"1.5.1\" -> \"ballerina/http\":\"1.4.0\";\n" +
		"}"
	var b bytes.Buffer
	if err := exampleGraph().WriteDOT(&b); err != nil {
		t.Fatal(err)
	}
	if b.String() != want {
		t.Errorf("WriteDOT =\n%s\nwant\n%s", b.String(), want)
	}
}

func TestLockFile(t *testing.T) {
	g := exampleGraph()
	g.Nodes = append(g.Nodes, &Node{Org: "ballerina", Name: "test", Version: version.MustParse("0.0.0"), Scope: ScopeTestOnly, Modules: []string{"test"}})
	g.Root.Dependencies = append(g.Root.Dependencies, g.Nodes[len(g.Nodes)-1])
	got := string(manifest.FormatDependenciesToml(g.LockFile("2201.13.0")))
	want := `# AUTO-GENERATED FILE. DO NOT MODIFY.

# This file is auto-generated by Ballerina for managing dependency versions.
# It should not be modified by hand.

[ballerina]
dependencies-toml-version = "2"
distribution-version = "2201.13.0"

[[package]]
org = "ballerina"
name = "http"
version = "1.4.0"
dependencies = [
	{org = "ballerina", name = "jballerina.java"}
]
modules = [
	{org = "ballerina", packageName = "http", moduleName = "http"}
]

[[package]]
org = "ballerina"
name = "jballerina.java"
version = "0.0.0"

[[package]]
org = "ballerina"
name = "test"
version = "0.0.0"
scope = "testOnly"
modules = [
	{org = "ballerina", packageName = "test", moduleName = "test"}
]

[[package]]
org = "samejs"
name = "app"
version = "0.1.0"
dependencies = [
	{org = "ballerina", name = "http"},
	{org = "ballerina", name = "test"},
	{org = "samjs", name = "foo"},
	{org = "samtest", name = "io"}
]
modules = [
	{org = "samejs", packageName = "app", moduleName = "app"}
]

[[package]]
org = "samjs"
name = "foo"
version = "1.3.0"
scope = "testOnly"
modules = [
	{org = "samjs", packageName = "foo", moduleName = "foo"}
]

[[package]]
org = "samtest"
name = "io"
version = "1.5.1"
dependencies = [
	{org = "ballerina", name = "http"}
]
modules = [
	{org = "samtest", packageName = "io", moduleName = "io"}
]

`
	if got != want {
		t.Errorf("LockFile =\n%s\nwant\n%s", got, want)
	}
}

func TestWriteTextAndJSON(t *testing.T) {
	var b bytes.Buffer
	if err := exampleGraph().WriteText(&b); err != nil {
		t.Fatal(err)
	}
	wantText := "samejs/app:0.1.0\n" +
		"├── ballerina/http:1.4.0\n" +
		"│   └── ballerina/jballerina.java:0.0.0\n" +
		"├── samjs/foo:1.3.0 [testOnly]\n" +
		"└── samtest/io:1.5.1 [repo=local]\n" +
		"    └── ballerina/http:1.4.0 (*)\n"
	if b.String() != wantText {
		t.Errorf("WriteText =\n%s\nwant\n%s", b.String(), wantText)
	}
	b.Reset()
	if err := exampleGraph().WriteJSON(&b); err != nil {
		t.Fatal(err)
	}
	for _, frag := range []string{`"root": "samejs/app:0.1.0"`, `"repository": "local"`, `"scope": "testOnly"`,
		`"dependencies": [
        "ballerina/http:1.4.0"
      ]`} {
		if !strings.Contains(b.String(), frag) {
			t.Errorf("WriteJSON lacks %q:\n%s", frag, b.String())
		}
	}
}

// TestStaleLockEntryAfterParentUpgrade checks spec §9: when a SOFT build
// upgrades a direct dependency whose new graph needs an incompatible version
// of a package the root does not import, the old lock entry of that package
// is stale and must not cause a conflict. A locked version of a package the
// root imports directly still conflicts.
func TestStaleLockEntryAfterParentUpgrade(t *testing.T) {
	central := func(t *testing.T) *repository.Memory {
		return memRepo(t, "central", repository.KindCentral,
			pv{id: "t/x:1.0.0", deps: []string{"t/y:1.1.0"}},
			pv{id: "t/y:1.1.0", deps: []string{"t/z:0.2.0"}},
			pv{id: "t/z:0.2.0"},
			pv{id: "t/x:1.1.0", deps: []string{"t/w:1.2.0"}},
			pv{id: "t/w:1.2.0", deps: []string{"t/z:0.3.0"}},
			pv{id: "t/z:0.3.0"},
		)
	}
	t.Run("transitive entry is stale", func(t *testing.T) {
		req := baseRequest("t/x")
		req.Repositories.Central = central(t)
		req.Lock = lock("myorg/app:0.1.0", []string{"t/x:1.0.0"}, "t/y:1.1.0", "t/z:0.2.0")
		req.Mode = Soft
		res := mustResolve(t, req)
		if res.HasErrors() {
			t.Fatalf("unexpected errors: %q", messages(res))
		}
		for _, want := range [][3]string{{"t", "x", "1.1.0"}, {"t", "w", "1.2.0"}, {"t", "z", "0.3.0"}} {
			if got := versionOf(t, res, want[0], want[1]); got != want[2] {
				t.Errorf("%s/%s = %s, want %s", want[0], want[1], got, want[2])
			}
		}
		if n := res.Graph.Node("t", "y"); n != nil {
			t.Errorf("t/y:%s is still in the graph after its parent moved on", n.Version)
		}
	})
	t.Run("direct entry still conflicts", func(t *testing.T) {
		req := baseRequest("t/x", "t/z")
		req.Repositories.Central = central(t)
		req.Lock = lock("myorg/app:0.1.0", []string{"t/x:1.0.0", "t/z:0.2.0"}, "t/y:1.1.0")
		req.Mode = Soft
		res := mustResolve(t, req)
		if !res.HasErrors() {
			var b strings.Builder
			res.Graph.WriteText(&b)
			t.Fatalf("no conflict reported for a locked direct dependency; graph:\n%s", b.String())
		}
	})
}
