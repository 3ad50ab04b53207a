package project

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/rogpeppe/go-internal/txtar"
)

// t0 is the time of the first build in the build tests.
var t0 = time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)

// fixture is a package and a Ballerina home directory in a temporary
// directory.
type fixture struct {
	t    *testing.T
	dir  string // the package
	home string // the Ballerina home: local repository and Central cache
	now  time.Time
}

// newFixture writes the files of archive (txtar) into a package directory.
func newFixture(t *testing.T, archive string) *fixture {
	t.Helper()
	root := t.TempDir()
	f := &fixture{t: t, dir: filepath.Join(root, "app"), home: filepath.Join(root, "home"), now: t0}
	writeArchive(t, f.dir, archive)
	return f
}

func writeArchive(t *testing.T, dir, archive string) {
	t.Helper()
	for _, file := range txtar.Parse([]byte(archive)).Files {
		write(t, filepath.Join(dir, file.Name), string(file.Data))
	}
}

// central adds a package version to the Central cache: id is
// "org/name:version", deps its direct dependencies as "org/name:version".
func (f *fixture) central(id string, deps ...string) string {
	return f.bala(filepath.Join(f.home, "repositories", "central.ballerina.io"), id, "2201.13.0", deps...)
}

// local adds a package version to the local repository.
func (f *fixture) local(id string, deps ...string) string {
	return f.bala(filepath.Join(f.home, "repositories", "local"), id, "2201.13.0", deps...)
}

// bala writes an extracted bala and returns its directory.
func (f *fixture) bala(repo, id, built string, deps ...string) string {
	f.t.Helper()
	org, rest, _ := strings.Cut(id, "/")
	name, ver, _ := strings.Cut(rest, ":")
	dir := filepath.Join(repo, "bala", org, name, ver, "any")
	write(f.t, filepath.Join(dir, "package.json"), fmt.Sprintf(
		`{"organization": %q, "name": %q, "version": %q, "ballerina_version": %q, "platform": "any"}`, org, name, ver, built))
	var refs []string
	for _, d := range deps {
		o, r, _ := strings.Cut(d, "/")
		n, v, _ := strings.Cut(r, ":")
		refs = append(refs, fmt.Sprintf(`{"org": %q, "name": %q, "version": %q}`, o, n, v))
	}
	write(f.t, filepath.Join(dir, "dependency-graph.json"), fmt.Sprintf(
		`{"packages": [{"org": %q, "name": %q, "version": %q, "dependencies": [%s]}], "modules": []}`,
		org, name, ver, strings.Join(refs, ", ")))
	return dir
}

// deprecate marks a Central cache version deprecated.
func (f *fixture) deprecate(id, msg string) {
	f.t.Helper()
	org, rest, _ := strings.Cut(id, "/")
	name, ver, _ := strings.Cut(rest, ":")
	write(f.t, filepath.Join(f.home, "repositories", "central.ballerina.io", "bala", org, name, ver, "any", "deprecated.txt"), msg)
}

func (f *fixture) load() *Project {
	f.t.Helper()
	p, err := Load(f.dir, LoadOptions{UserName: "tester"})
	if err != nil {
		f.t.Fatalf("Load: %v", err)
	}
	return p
}

func (f *fixture) options() BuildOptions {
	return BuildOptions{Distribution: "2201.13.0", Now: f.now, HomeDir: f.home}
}

// build loads the package and builds it with the fixture's options
// changed by edit.
func (f *fixture) build(edit func(*BuildOptions)) (*BuildResult, error) {
	f.t.Helper()
	opts := f.options()
	if edit != nil {
		edit(&opts)
	}
	return Build(context.Background(), f.load(), opts)
}

// mustBuild builds and fails the test on an error.
func (f *fixture) mustBuild(edit func(*BuildOptions)) *BuildResult {
	f.t.Helper()
	res, err := f.build(edit)
	if err != nil {
		var msgs []string
		if res != nil {
			for _, d := range res.Diagnostics {
				msgs = append(msgs, d.String())
			}
		}
		f.t.Fatalf("Build: %v\n%s", err, strings.Join(msgs, "\n"))
	}
	return res
}

func (f *fixture) read(rel string) string {
	f.t.Helper()
	return readFile(f.t, filepath.Join(f.dir, rel))
}

func (f *fixture) exists(rel string) bool {
	_, err := os.Stat(filepath.Join(f.dir, rel))
	return err == nil
}

// versions returns "org/name:version" for every node of the result's
// graph, root included, in graph order.
func versions(res *BuildResult) string {
	var ids []string
	for _, n := range res.Graph.Nodes {
		ids = append(ids, n.ID())
	}
	return strings.Join(ids, " ")
}

func diagStrings(ds []Diagnostic) string {
	var out []string
	for _, d := range ds {
		out = append(out, d.String())
	}
	return strings.Join(out, "\n")
}

func ptr[T any](v T) *T { return &v }
