package repository

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/balcentral/balcentral/internal/bala"
	"github.com/balcentral/balcentral/internal/version"
)

// balaFixture describes an extracted bala to write under a repository root.
type balaFixture struct {
	org, name, ver string
	dirVersion     string // the version directory's name; ver when ""
	platform       string // the platform directory; "any" when ""
	balVersion     string // package.json ballerina_version; "2201.13.0" when "", "-" for none
	pkgJSON        string // raw package.json replacing the generated one
	modules        []string
	graph          *bala.DependencyGraph // dependency-graph.json; none when nil
	rawGraph       string                // raw dependency-graph.json, when graph is nil
	deprecated     *string               // deprecated.txt content; none when nil
	moduleDirs     []string              // directories to create under modules/
}

// writeBala writes f under root/bala and returns the bala directory.
func writeBala(t *testing.T, root string, f balaFixture) string {
	t.Helper()
	dirVer, platform := f.dirVersion, f.platform
	if dirVer == "" {
		dirVer = f.ver
	}
	if platform == "" {
		platform = bala.AnyPlatform
	}
	dir := filepath.Join(root, BalaDirName, f.org, f.name, dirVer, platform)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	pkg := []byte(f.pkgJSON)
	if f.pkgJSON == "" {
		pj := &bala.PackageJSON{Organization: f.org, Name: f.name, Version: f.ver, Platform: platform,
			BallerinaVersion: f.balVersion, ImplementationVendor: "WSO2", LanguageSpecVersion: "2024R1"}
		switch f.balVersion {
		case "":
			pj.BallerinaVersion = "2201.13.0"
		case "-":
			pj.BallerinaVersion = ""
		}
		for _, m := range f.modules {
			pj.Modules = append(pj.Modules, bala.ModuleJSON{Name: m, Export: true})
		}
		var err error
		if pkg, err = bala.MarshalPackageJSON(pj); err != nil {
			t.Fatal(err)
		}
	}
	write := func(name string, data []byte) {
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write(bala.PackageJSONFile, pkg)
	write(bala.BalaJSONFile, []byte(`{"bala_version": "3.0.0", "built_by": "WSO2"}`))
	switch {
	case f.graph != nil:
		data, err := bala.MarshalDependencyGraphJSON(f.graph)
		if err != nil {
			t.Fatal(err)
		}
		write(bala.DependencyGraphJSONFile, data)
	case f.rawGraph != "":
		write(bala.DependencyGraphJSONFile, []byte(f.rawGraph))
	}
	if f.deprecated != nil {
		write(DeprecatedFileName, []byte(*f.deprecated))
	}
	for _, m := range f.moduleDirs {
		if err := os.MkdirAll(filepath.Join(dir, "modules", m), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// warnings collects the messages of a FileSystem's warning hook.
type warnings struct {
	mu   sync.Mutex
	msgs []string
}

func (w *warnings) hook(msg string) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.msgs = append(w.msgs, msg)
}

func (w *warnings) take() []string {
	w.mu.Lock()
	defer w.mu.Unlock()
	m := w.msgs
	w.msgs = nil
	return m
}

func versionStrings(vs []version.Version) []string {
	out := make([]string, len(vs))
	for i, v := range vs {
		out[i] = v.String()
	}
	return out
}

// repoKind builds each of the three kinds of file-system repository over a
// fresh home, returning it with the root to write fixtures under.
type repoKind struct {
	name string
	make func(t *testing.T, w *warnings) (Repository, string)
}

var repoKinds = []repoKind{
	{"local", func(t *testing.T, w *warnings) (Repository, string) {
		l := Layout{Home: t.TempDir()}
		return NewLocal(l, WithWarn(w.hook)), l.LocalDir()
	}},
	{"central", func(t *testing.T, w *warnings) (Repository, string) {
		l := Layout{Home: t.TempDir()}
		r, err := NewCentralCache(l, "", "2201.13.0", WithWarn(w.hook))
		if err != nil {
			t.Fatal(err)
		}
		dir, _ := l.CentralCacheDir("")
		return r, dir
	}},
	{"distribution", func(t *testing.T, w *warnings) (Repository, string) {
		dl := DistributionLayout{BallerinaHome: t.TempDir()}
		return NewDistribution(dl, WithWarn(w.hook)), dl.RepoDir()
	}},
}

func TestFileSystemNamesAndKinds(t *testing.T) {
	want := map[string][2]string{
		"local": {"local", "local"}, "central": {"central.ballerina.io", "central"},
		"distribution": {"distribution", "distribution"},
	}
	for _, k := range repoKinds {
		r, _ := k.make(t, &warnings{})
		if got := [2]string{r.Name(), r.Kind().String()}; got != want[k.name] {
			t.Errorf("%s: Name, Kind = %v, want %v", k.name, got, want[k.name])
		}
	}
}

func TestFileSystemVersions(t *testing.T) {
	ctx := context.Background()
	for _, k := range repoKinds {
		t.Run(k.name, func(t *testing.T) {
			w := &warnings{}
			r, root := k.make(t, w)
			writeBala(t, root, balaFixture{org: "samjs", name: "foo", ver: "1.0.0"})
			writeBala(t, root, balaFixture{org: "samjs", name: "foo", ver: "1.2.0", platform: "java21"})
			writeBala(t, root, balaFixture{org: "samjs", name: "foo", ver: "1.10.0-beta.1", platform: "java11"})
			// Skipped with a warning.
			writeBala(t, root, balaFixture{org: "samjs", name: "foo", ver: "2.0.0", pkgJSON: `{"organization": "samjs",`})
			writeBala(t, root, balaFixture{org: "samjs", name: "foo", ver: "2.1.0", pkgJSON: `{"organization": "other", "name": "foo", "version": "2.1.0"}`})
			writeBala(t, root, balaFixture{org: "samjs", name: "foo", ver: "2.2.0", platform: "linux"})
			writeBala(t, root, balaFixture{org: "samjs", name: "foo", ver: "2.3.0", dirVersion: "v2.3.0"})
			// Skipped silently: an extraction in progress and the reference client's temp directory.
			writeBala(t, root, balaFixture{org: "samjs", name: "foo", ver: "3.0.0", dirVersion: ".3.0.0.tmp-8123"})
			writeBala(t, root, balaFixture{org: "samjs", name: "foo", ver: "3.1.0", dirVersion: "3.1.0_temp"})
			if err := os.WriteFile(filepath.Join(root, BalaDirName, "samjs", "foo", "README"), nil, 0o644); err != nil {
				t.Fatal(err)
			}

			vs, err := r.Versions(ctx, "samjs", "foo")
			if err != nil {
				t.Fatal(err)
			}
			if got, want := versionStrings(vs), []string{"1.0.0", "1.2.0", "1.10.0-beta.1"}; !reflect.DeepEqual(got, want) {
				t.Errorf("Versions = %v, want %v", got, want)
			}
			msgs := w.take()
			for _, want := range []string{"samjs/foo:2.0.0", "samjs/foo:2.1.0", "samjs/foo:2.2.0", "v2.3.0"} {
				found := false
				for _, m := range msgs {
					found = found || strings.Contains(m, want)
				}
				if !found {
					t.Errorf("no warning mentions %s; warnings: %q", want, msgs)
				}
			}
			if len(msgs) != 4 {
				t.Errorf("%d warnings, want 4: %q", len(msgs), msgs)
			}

			if vs, err := r.Versions(ctx, "samjs", "absent"); err != nil || len(vs) != 0 {
				t.Errorf("Versions of an absent package = %v, %v; want none, nil", vs, err)
			}
		})
	}
}

func TestFileSystemPlatformPreference(t *testing.T) {
	ctx := context.Background()
	home := t.TempDir()
	l := Layout{Home: home}
	r := NewLocal(l)
	root := l.LocalDir()
	for _, f := range []balaFixture{
		{org: "a", name: "p", ver: "1.0.0", platform: "java21"},
		{org: "a", name: "p", ver: "1.0.0", platform: "any"},
		{org: "a", name: "p", ver: "1.1.0", platform: "java11"},
		{org: "a", name: "p", ver: "1.1.0", platform: "java21"},
		{org: "a", name: "p", ver: "1.2.0", platform: "java17"},
		{org: "a", name: "p", ver: "1.3.0", platform: "java25"},
		{org: "a", name: "p", ver: "1.3.0", platform: "java21"},
	} {
		writeBala(t, root, f)
	}
	for ver, want := range map[string]string{"1.0.0": "any", "1.1.0": "java21", "1.2.0": "java17", "1.3.0": "java25"} {
		p, err := r.Package(ctx, "a", "p", version.MustParse(ver))
		if err != nil {
			t.Fatal(err)
		}
		if p.Platform != want {
			t.Errorf("Package(a/p:%s).Platform = %q, want %q", ver, p.Platform, want)
		}
	}
}

func TestCentralCacheCompatibility(t *testing.T) {
	ctx := context.Background()
	l := Layout{Home: t.TempDir()}
	dir, _ := l.CentralCacheDir("")
	w := &warnings{}
	for ver, balVersion := range map[string]string{
		"1.0.0": "2201.10.0", // older Update: used
		"1.1.0": "2201.13.0", // same: used
		"1.2.0": "2201.13.1", // newer patch of the same Update: used
		"1.3.0": "2201.14.0", // newer Update: ignored
		"1.4.0": "2301.0.0",  // another major: ignored
		"1.5.0": "Ballerina 2.0.0",
		"1.6.0": "slbeta6",
		"1.7.0": "-", // no ballerina_version
		"1.8.0": "2201.13.0-20250101-120000-abcdef12",
	} {
		writeBala(t, dir, balaFixture{org: "a", name: "p", ver: ver, balVersion: balVersion})
	}
	central, err := NewCentralCache(l, "", "2201.13.0", WithWarn(w.hook))
	if err != nil {
		t.Fatal(err)
	}
	vs, err := central.Versions(ctx, "a", "p")
	if err != nil {
		t.Fatal(err)
	}
	if got, want := versionStrings(vs), []string{"1.0.0", "1.1.0", "1.2.0", "1.8.0"}; !reflect.DeepEqual(got, want) {
		t.Errorf("central Versions = %v, want %v", got, want)
	}
	if msgs := w.take(); len(msgs) != 0 {
		t.Errorf("incompatible versions warned about: %q", msgs)
	}
	if _, err := central.Package(ctx, "a", "p", version.MustParse("1.3.0")); !errors.Is(err, ErrNotFound) {
		t.Errorf("Package of an incompatible version: err = %v, want ErrNotFound", err)
	}
	if p, err := central.Package(ctx, "a", "p", version.MustParse("1.0.0")); err != nil || p.BallerinaVersion != "2201.10.0" {
		t.Errorf("Package(a/p:1.0.0) = %+v, %v", p, err)
	}

	// The same directory read as a plain file-system repository: no filter.
	plain := NewFileSystem("plain", KindCustom, dir)
	if vs, _ := plain.Versions(ctx, "a", "p"); len(vs) != 9 {
		t.Errorf("unfiltered Versions = %v, want all 9", versionStrings(vs))
	}
	if _, err := NewCentralCache(l, "", "not-a-version"); err == nil {
		t.Error("NewCentralCache with an invalid distribution version: no error")
	}
}

func TestCompatibleDistribution(t *testing.T) {
	dist := version.MustParse("2201.13.0")
	for pkg, want := range map[string]bool{
		"2201.13.0": true, "2201.12.0": true, "2201.0.0": true, "2201.13.5": true, "2201.13.0-rc1": true,
		"2201.14.0": false, "2201.14.0-alpha": false, "2301.0.0": false, "2200.99.0": false,
		"Ballerina 2.0.0": false, "slbeta6": false, "": false, "2201.13": false,
	} {
		if got := compatibleDistribution(pkg, dist); got != want {
			t.Errorf("compatibleDistribution(%q, 2201.13.0) = %v, want %v", pkg, got, want)
		}
	}
}

func TestFileSystemPackage(t *testing.T) {
	ctx := context.Background()
	for _, k := range repoKinds {
		t.Run(k.name, func(t *testing.T) {
			w := &warnings{}
			r, root := k.make(t, w)
			msg := "  Use 2.0.0: 1.x has a security issue.\n"
			empty := ""
			v := func(s string) version.Version { return version.MustParse(s) }
			v0 := v(BuiltInVersion)

			// No dependency-graph.json, modules from the modules/ directory.
			writeBala(t, root, balaFixture{org: "samjs", name: "foo", ver: "1.0.0", deprecated: &msg,
				moduleDirs: []string{"foo", "foo.api", "bar", ".hidden"}})
			// A graph with an unreachable node, a built-in at a recorded version and modules in package.json.
			writeBala(t, root, balaFixture{org: "samjs", name: "foo", ver: "1.1.0", deprecated: &empty,
				modules: []string{"foo", "foo.util"},
				graph: &bala.DependencyGraph{Packages: []bala.GraphPackage{
					{Org: "samjs", Name: "bar", Version: "2.0.0", Dependencies: []bala.PackageRef{{Org: "ballerina", Name: "lang.string", Version: "0.0.0"}}},
					{Org: "samjs", Name: "foo", Version: "1.1.0", Dependencies: []bala.PackageRef{
						{Org: "samjs", Name: "bar", Version: "2.0.0"}, {Org: "ballerinai", Name: "transaction", Version: "1.0.1"},
					}},
					{Org: "ballerina", Name: "lang.string", Version: "0.0.0", Dependencies: []bala.PackageRef{{Org: "ballerina", Name: "jballerina.java", Version: "0.0.0"}}},
					{Org: "ballerina", Name: "jballerina.java", Version: "0.0.0"},
					{Org: "ballerinai", Name: "transaction", Version: "1.0.1"},
					{Org: "unrelated", Name: "pkg", Version: "9.9.9"},
				}}})
			// Modules from the graph's modules section only.
			writeBala(t, root, balaFixture{org: "samjs", name: "foo", ver: "1.2.0",
				graph: &bala.DependencyGraph{
					Packages: []bala.GraphPackage{{Org: "samjs", Name: "foo", Version: "1.2.0"}},
					Modules: []bala.GraphModule{
						{Org: "samjs", PackageName: "foo", Version: "1.2.0", ModuleName: "foo"},
						{Org: "samjs", PackageName: "foo", Version: "1.2.0", ModuleName: "foo.x"},
						{Org: "other", PackageName: "y", Version: "1.0.0", ModuleName: "y"},
					}}})

			tests := []struct {
				ver  string
				want *Package
			}{
				{"1.0.0", &Package{Org: "samjs", Name: "foo", Version: v("1.0.0"), Platform: "any", BallerinaVersion: "2201.13.0",
					Modules:    []string{"foo", "foo.api"},
					Graph:      []GraphNode{{Org: "samjs", Name: "foo", Version: v("1.0.0")}},
					Deprecated: true, DeprecationMessage: "Use 2.0.0: 1.x has a security issue."}},
				{"1.1.0", &Package{Org: "samjs", Name: "foo", Version: v("1.1.0"), Platform: "any", BallerinaVersion: "2201.13.0",
					Modules: []string{"foo", "foo.util"},
					Graph: []GraphNode{
						{Org: "samjs", Name: "foo", Version: v("1.1.0"), Dependencies: []NodeRef{
							{Org: "samjs", Name: "bar", Version: v("2.0.0")}, {Org: "ballerinai", Name: "transaction", Version: v0},
						}},
						{Org: "samjs", Name: "bar", Version: v("2.0.0"), Dependencies: []NodeRef{{Org: "ballerina", Name: "lang.string", Version: v0}}},
						{Org: "ballerina", Name: "lang.string", Version: v0, Dependencies: []NodeRef{{Org: "ballerina", Name: "jballerina.java", Version: v0}}},
						{Org: "ballerina", Name: "jballerina.java", Version: v0},
						{Org: "ballerinai", Name: "transaction", Version: v0},
					},
					Deprecated: true}},
				{"1.2.0", &Package{Org: "samjs", Name: "foo", Version: v("1.2.0"), Platform: "any", BallerinaVersion: "2201.13.0",
					Modules: []string{"foo", "foo.x"},
					Graph:   []GraphNode{{Org: "samjs", Name: "foo", Version: v("1.2.0")}}}},
			}
			for _, tt := range tests {
				got, err := r.Package(ctx, "samjs", "foo", v(tt.ver))
				if err != nil {
					t.Errorf("Package(samjs/foo:%s): %v", tt.ver, err)
					continue
				}
				if !reflect.DeepEqual(got, tt.want) {
					t.Errorf("Package(samjs/foo:%s) =\n%+v\nwant\n%+v", tt.ver, got, tt.want)
				}
			}
			for _, ver := range []string{"1.3.0", "1.0.0-beta.1", "1.0.0+build"} {
				if _, err := r.Package(ctx, "samjs", "foo", v(ver)); !errors.Is(err, ErrNotFound) {
					t.Errorf("Package(samjs/foo:%s): err = %v, want ErrNotFound", ver, err)
				}
			}
			if _, err := r.Package(ctx, "samjs", "absent", v("1.0.0")); !errors.Is(err, ErrNotFound) {
				t.Errorf("Package of an absent package: err = %v, want ErrNotFound", err)
			}
			if msgs := w.take(); len(msgs) != 0 {
				t.Errorf("unexpected warnings: %q", msgs)
			}
		})
	}
}

func TestFileSystemPackageErrors(t *testing.T) {
	ctx := context.Background()
	l := Layout{Home: t.TempDir()}
	root := l.LocalDir()
	r := NewLocal(l)
	tests := []struct {
		f       balaFixture
		wantErr []string // substrings
	}{
		{balaFixture{org: "a", name: "p", ver: "1.0.0", pkgJSON: `{"organization":"a","name":"q","version":"1.0.0"}`},
			[]string{"package.json", `name "q" does not match the directory "p"`}},
		{balaFixture{org: "a", name: "p", ver: "1.1.0", pkgJSON: `{"organization":"b","name":"p","version":"1.1.0"}`},
			[]string{"package.json", `organization "b" does not match the directory "a"`}},
		{balaFixture{org: "a", name: "p", ver: "1.2.0", pkgJSON: `{"organization":"a","name":"p","version":"1.2.1"}`},
			[]string{"package.json", `version "1.2.1" does not match the directory "1.2.0"`}},
		{balaFixture{org: "a", name: "p", ver: "1.3.0", pkgJSON: `{"organization":"a","name":"p"`},
			[]string{"package.json: invalid JSON"}},
		{balaFixture{org: "a", name: "p", ver: "1.4.0", rawGraph: `{"packages": [{"org": "a"}]}`},
			[]string{"dependency-graph.json: packages[0].name: required field missing"}},
		{balaFixture{org: "a", name: "p", ver: "1.5.0", graph: &bala.DependencyGraph{Packages: []bala.GraphPackage{{Org: "a", Name: "p", Version: "9.0.0"}}}},
			[]string{"dependency-graph.json: lists a/p at 9.0.0, but the package is 1.5.0"}},
		{balaFixture{org: "a", name: "p", ver: "1.6.0", graph: &bala.DependencyGraph{Packages: []bala.GraphPackage{
			{Org: "a", Name: "p", Version: "1.6.0"}, {Org: "b", Name: "q", Version: "1.0.0"}, {Org: "b", Name: "q", Version: "2.0.0"}}}},
			[]string{"dependency-graph.json: lists b/q at both 1.0.0 and 2.0.0"}},
	}
	for _, tt := range tests {
		writeBala(t, root, tt.f)
		_, err := r.Package(ctx, tt.f.org, tt.f.name, version.MustParse(tt.f.ver))
		if err == nil {
			t.Errorf("Package(%s): no error, want %q", tt.f.ver, tt.wantErr)
			continue
		}
		if errors.Is(err, ErrNotFound) {
			t.Errorf("Package(%s): err = %v wraps ErrNotFound", tt.f.ver, err)
		}
		for _, s := range tt.wantErr {
			if !strings.Contains(err.Error(), s) {
				t.Errorf("Package(%s): err = %q, want it to contain %q", tt.f.ver, err, s)
			}
		}
	}
}

func TestFileSystemRejectsTraversal(t *testing.T) {
	ctx := context.Background()
	l := Layout{Home: t.TempDir()}
	r := NewLocal(l)
	// A valid bala next to the repository that a traversal would reach.
	writeBala(t, filepath.Join(l.RepositoriesDir(), "x"), balaFixture{org: "a", name: "p", ver: "1.0.0"})
	for _, c := range [][2]string{
		{"..", "x"}, {"a", "../x"}, {"a", ".."}, {"a", "."}, {"a/b", "p"}, {"a", "p/../p"},
		{"a", ".hidden"}, {"", "p"}, {"a", ""}, {`a\b`, "p"}, {"a", "p\x00"},
	} {
		if _, err := r.Versions(ctx, c[0], c[1]); !errors.Is(err, ErrInvalidName) {
			t.Errorf("Versions(%q, %q): err = %v, want ErrInvalidName", c[0], c[1], err)
		}
		if _, err := r.Package(ctx, c[0], c[1], version.MustParse("1.0.0")); !errors.Is(err, ErrInvalidName) {
			t.Errorf("Package(%q, %q): err = %v, want ErrInvalidName", c[0], c[1], err)
		}
	}
}

func TestFileSystemCanceled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	r := NewLocal(Layout{Home: t.TempDir()})
	if _, err := r.Versions(ctx, "a", "p"); !errors.Is(err, context.Canceled) {
		t.Errorf("Versions with a canceled context: err = %v", err)
	}
	if _, err := r.Package(ctx, "a", "p", version.MustParse("1.0.0")); !errors.Is(err, context.Canceled) {
		t.Errorf("Package with a canceled context: err = %v", err)
	}
}

func TestDistributionBuiltInFallback(t *testing.T) {
	ctx := context.Background()
	v0 := version.MustParse(BuiltInVersion)

	// No distribution installed: the built-in table only.
	none := NewDistribution(DistributionLayout{})
	if vs, err := none.Versions(ctx, "ballerina", "lang.string"); err != nil || !reflect.DeepEqual(versionStrings(vs), []string{"0.0.0"}) {
		t.Errorf("Versions(lang.string) without a distribution = %v, %v", vs, err)
	}
	if vs, _ := none.Versions(ctx, "ballerina", "io"); len(vs) != 0 {
		t.Errorf("Versions(ballerina/io) without a distribution = %v, want none", vs)
	}
	p, err := none.Package(ctx, "ballerina", "lang.string", v0)
	if err != nil {
		t.Fatal(err)
	}
	if p.Graph[0].Name != "lang.string" || len(p.Graph) != 3 {
		t.Errorf("lang.string graph = %+v, want lang.string, jballerina.java, lang.regexp", p.Graph)
	}
	if _, err := none.Package(ctx, "ballerina", "io", version.MustParse("1.8.0")); !errors.Is(err, ErrNotFound) {
		t.Errorf("Package(ballerina/io) without a distribution: err = %v, want ErrNotFound", err)
	}

	// A distribution on disk: its packages win, missing built-ins come from the table.
	dl := DistributionLayout{BallerinaHome: t.TempDir()}
	writeBala(t, dl.RepoDir(), balaFixture{org: "ballerina", name: "io", ver: "1.8.0", platform: "java21",
		graph: &bala.DependencyGraph{Packages: []bala.GraphPackage{
			{Org: "ballerina", Name: "io", Version: "1.8.0", Dependencies: []bala.PackageRef{{Org: "ballerina", Name: "lang.value", Version: "0.0.0"}}},
			{Org: "ballerina", Name: "lang.value", Version: "0.0.0"},
		}}})
	writeBala(t, dl.RepoDir(), balaFixture{org: "ballerina", name: "lang.value", ver: "0.0.0", platform: "java21"})
	writeBala(t, dl.RepoDir(), balaFixture{org: "ballerina", name: "lang.int", ver: "0.0.0", platform: "java21", pkgJSON: "{"})
	w := &warnings{}
	dist := NewDistribution(dl, WithWarn(w.hook))
	if vs, _ := dist.Versions(ctx, "ballerina", "lang.int"); !reflect.DeepEqual(versionStrings(vs), []string{"0.0.0"}) {
		t.Errorf("Versions(lang.int) with a corrupt bala = %v, want the table's [0.0.0]", versionStrings(vs))
	}
	if p, err := dist.Package(ctx, "ballerina", "lang.int", v0); err != nil || p.Platform != "" {
		t.Errorf("Package(lang.int) with a corrupt bala = %+v, %v; want the table's", p, err)
	}
	if msgs := w.take(); len(msgs) != 2 {
		t.Errorf("corrupt built-in: %d warnings, want 2 (Versions, Package): %q", len(msgs), msgs)
	}
	if vs, _ := dist.Versions(ctx, "ballerina", "lang.value"); !reflect.DeepEqual(versionStrings(vs), []string{"0.0.0"}) {
		t.Errorf("Versions(lang.value) = %v, want [0.0.0] once", versionStrings(vs))
	}
	if p, err := dist.Package(ctx, "ballerina", "lang.value", v0); err != nil || p.Platform != "java21" || len(p.Graph) != 1 {
		t.Errorf("Package(lang.value) = %+v, %v; want the on-disk one (java21, no dependencies)", p, err)
	}
	if p, err := dist.Package(ctx, "ballerina", "lang.array", v0); err != nil || p.Platform != "" || len(p.Graph) != 4 {
		t.Errorf("Package(lang.array) = %+v, %v; want the table's", p, err)
	}
	if p, err := dist.Package(ctx, "ballerina", "io", version.MustParse("1.8.0")); err != nil || len(p.Graph) != 2 {
		t.Errorf("Package(ballerina/io:1.8.0) = %+v, %v", p, err)
	}
}

func TestFileSystemConcurrent(t *testing.T) {
	ctx := context.Background()
	l := Layout{Home: t.TempDir()}
	writeBala(t, l.LocalDir(), balaFixture{org: "a", name: "p", ver: "1.0.0"})
	r := NewLocal(l)
	var wg sync.WaitGroup
	for i := 0; i < 8; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if vs, err := r.Versions(ctx, "a", "p"); err != nil || len(vs) != 1 {
				t.Errorf("Versions = %v, %v", vs, err)
			}
			if _, err := r.Package(ctx, "a", "p", version.MustParse("1.0.0")); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
}

// The file-system repositories satisfy the contract.
var (
	_ Repository = (*FileSystem)(nil)
	_ Repository = (*Memory)(nil)
)

// A FileSystem reads a version's files once while its platform directory
// stays the same; a version removed, replaced or whose directory changed
// is read again, and callers cannot change what it remembers.
func TestFileSystemRemembers(t *testing.T) {
	ctx := context.Background()
	l := Layout{Home: t.TempDir()}
	v := version.MustParse("1.0.0")
	fixture := balaFixture{org: "a", name: "p", ver: "1.0.0", modules: []string{"p", "p.x"},
		graph: &bala.DependencyGraph{Packages: []bala.GraphPackage{{Org: "a", Name: "p", Version: "1.0.0"}}}}
	dir := writeBala(t, l.LocalDir(), fixture)
	// An old modification time, so that any change to the directory shows
	// whatever the clock's granularity.
	old := time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)
	age := func() {
		t.Helper()
		if err := os.Chtimes(dir, old, old); err != nil {
			t.Fatal(err)
		}
	}
	age()
	r := NewLocal(l)
	reads := func(wantPkg, wantGraph int64) {
		t.Helper()
		if pj, g := r.pkgReads.Load(), r.graphReads.Load(); pj != wantPkg || g != wantGraph {
			t.Errorf("read package.json %d times and dependency-graph.json %d times, want %d and %d", pj, g, wantPkg, wantGraph)
		}
	}

	for range 3 {
		if !r.Has(ctx, "a", "p", v) {
			t.Fatal("Has = false")
		}
		if vs, err := r.Versions(ctx, "a", "p"); err != nil || len(vs) != 1 {
			t.Fatalf("Versions = %v, %v", vs, err)
		}
		p, err := r.Package(ctx, "a", "p", v)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(p.Modules, []string{"p", "p.x"}) || p.Deprecated {
			t.Fatalf("Package = %+v", p)
		}
		p.Modules[0], p.Graph[0].Name, p.Deprecated = "changed", "changed", true // the caller's copy
	}
	reads(1, 1)
	if r.Has(ctx, "a", "q", v) || r.Has(ctx, "a", "p", version.MustParse("2.0.0")) || r.Has(ctx, "../a", "p", v) {
		t.Error("Has reports a version that is not there")
	}

	// deprecated.txt written by a rename: the directory changed.
	tmp := filepath.Join(dir, ".deprecated.tmp")
	if err := os.WriteFile(tmp, []byte("use q"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(tmp, filepath.Join(dir, DeprecatedFileName)); err != nil {
		t.Fatal(err)
	}
	if p, err := r.Package(ctx, "a", "p", v); err != nil || !p.Deprecated || p.DeprecationMessage != "use q" {
		t.Errorf("after deprecated.txt appeared: %+v, %v", p, err)
	}
	reads(2, 2)

	// What the owner changed behind the directory's back is forgotten.
	r.forget("a", "p", v)
	if _, err := r.Package(ctx, "a", "p", v); err != nil {
		t.Fatal(err)
	}
	reads(3, 3)

	// Removed, then replaced by another bala of the same version.
	if err := os.RemoveAll(filepath.Dir(dir)); err != nil {
		t.Fatal(err)
	}
	if _, err := r.Package(ctx, "a", "p", v); !errors.Is(err, ErrNotFound) || r.Has(ctx, "a", "p", v) {
		t.Errorf("removed version: Package error %v, Has %v", err, r.Has(ctx, "a", "p", v))
	}
	fixture.modules = []string{"p", "p.y"}
	writeBala(t, l.LocalDir(), fixture) // a new directory, modified now
	if p, err := r.Package(ctx, "a", "p", v); err != nil || !reflect.DeepEqual(p.Modules, []string{"p", "p.y"}) || p.Deprecated {
		t.Errorf("replaced version: %+v, %v", p, err)
	}
	reads(4, 4)
}
