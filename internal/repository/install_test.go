package repository

import (
	"archive/zip"
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/balcentral/balcentral/internal/bala"
)

// newBalaFile writes a bala of org/name:ver for platform, with extra
// entries, and returns its path.
func newBalaFile(t *testing.T, dir, org, name, ver, platform string, extra ...bala.Entry) string {
	t.Helper()
	pj, err := bala.MarshalPackageJSON(&bala.PackageJSON{Organization: org, Name: name, Version: ver, Platform: platform,
		BallerinaVersion: "2201.13.0", Readme: "docs/README.md", Modules: []bala.ModuleJSON{{Name: name, Export: true}}})
	if err != nil {
		t.Fatal(err)
	}
	bj, err := bala.MarshalBalaJSON(bala.NewBalaJSON())
	if err != nil {
		t.Fatal(err)
	}
	entries := append([]bala.Entry{
		{Name: "bala.json", Data: bj},
		{Name: "package.json", Data: pj},
		{Name: "docs/README.md", Data: []byte("# " + name + " " + ver)},
		{Name: "modules/" + name + "/" + name + ".bal", Data: []byte("public function f() {}\n")},
	}, extra...)
	path := filepath.Join(dir, bala.FileName(org, name, platform, ver))
	if err := bala.WriteFile(path, entries); err != nil {
		t.Fatal(err)
	}
	return path
}

// tree lists the files and directories under dir, slash-separated and
// sorted.
func tree(t *testing.T, dir string) []string {
	t.Helper()
	var out []string
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if p != dir {
			rel, _ := filepath.Rel(dir, p)
			out = append(out, filepath.ToSlash(rel))
		}
		return nil
	})
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		t.Fatal(err)
	}
	return out
}

func TestInstallLocal(t *testing.T) {
	layout := Layout{Home: t.TempDir()}
	src := t.TempDir()
	path := newBalaFile(t, src, "myorg", "hello", "0.1.0", "any")

	res, err := InstallLocal(layout, path)
	if err != nil {
		t.Fatal(err)
	}
	wantDir := filepath.Join(layout.LocalBalaDir(), "myorg", "hello", "0.1.0", "any")
	if res.Dir != wantDir || res.Org != "myorg" || res.Name != "hello" || res.Version != "0.1.0" || res.Platform != "any" || res.Replaced || res.ToolID != "" {
		t.Errorf("result = %+v", res)
	}
	want := []string{"myorg", "myorg/hello", "myorg/hello/0.1.0", "myorg/hello/0.1.0/any",
		"myorg/hello/0.1.0/any/bala.json", "myorg/hello/0.1.0/any/docs", "myorg/hello/0.1.0/any/docs/README.md",
		"myorg/hello/0.1.0/any/modules", "myorg/hello/0.1.0/any/modules/hello", "myorg/hello/0.1.0/any/modules/hello/hello.bal",
		"myorg/hello/0.1.0/any/package.json"}
	if got := tree(t, layout.LocalBalaDir()); !slices.Equal(got, want) {
		t.Errorf("local repository:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if fi, err := os.Stat(filepath.Join(layout.LocalBalaDir(), "myorg", "hello", "0.1.0")); err != nil || fi.Mode().Perm() != 0o755 {
		t.Errorf("version directory: %v, %v", fi, err)
	}

	// The local repository serves it.
	repo := NewLocal(layout)
	vs, err := repo.Versions(context.Background(), "myorg", "hello")
	if err != nil || len(vs) != 1 || vs[0].String() != "0.1.0" {
		t.Errorf("Versions = %v, %v", vs, err)
	}
}

// Pushing a version again replaces all of it, and removes its compiled
// caches; other versions and packages are untouched.
func TestInstallLocalReplaces(t *testing.T) {
	layout := Layout{Home: t.TempDir()}
	src := t.TempDir()
	if _, err := InstallLocal(layout, newBalaFile(t, src, "myorg", "hello", "0.1.0", "java21")); err != nil {
		t.Fatal(err)
	}
	if _, err := InstallLocal(layout, newBalaFile(t, src, "myorg", "hello", "0.2.0", "any")); err != nil {
		t.Fatal(err)
	}
	caches := []string{
		"cache-2201.13.0/myorg/hello/0.1.0/bir/hello.bir",
		"cache-2201.12.0/myorg/hello/0.1.0/jar/x.jar",
		"cache-2201.13.0/myorg/hello/0.2.0/bir/hello.bir",
	}
	for _, c := range caches {
		writeFile(t, filepath.Join(layout.LocalDir(), c), "x")
	}

	res, err := InstallLocal(layout, newBalaFile(t, src, "myorg", "hello", "0.1.0", "any"))
	if err != nil {
		t.Fatal(err)
	}
	if !res.Replaced {
		t.Error("Replaced = false")
	}
	versions := tree(t, filepath.Join(layout.LocalBalaDir(), "myorg", "hello"))
	var tops []string
	for _, v := range versions {
		if strings.Count(v, "/") == 1 {
			tops = append(tops, v)
		}
	}
	if want := []string{"0.1.0/any", "0.2.0/any"}; !slices.Equal(tops, want) {
		t.Errorf("platform directories = %q, want %q (all: %q)", tops, want, versions)
	}
	readme, err := os.ReadFile(filepath.Join(res.Dir, "docs", "README.md"))
	if err != nil || string(readme) != "# hello 0.1.0" {
		t.Errorf("README = %q, %v", readme, err)
	}
	for i, c := range caches {
		_, err := os.Stat(filepath.Join(layout.LocalDir(), c))
		if exists := err == nil; exists != (i == 2) {
			t.Errorf("cache %s exists: %v", c, exists)
		}
	}
}

// A failed extraction leaves the previous copy of the version as it was
// and nothing else behind.
func TestInstallLocalFailedExtraction(t *testing.T) {
	layout := Layout{Home: t.TempDir()}
	src := t.TempDir()
	if _, err := InstallLocal(layout, newBalaFile(t, src, "myorg", "hello", "0.1.0", "any")); err != nil {
		t.Fatal(err)
	}
	pkgDir := filepath.Join(layout.LocalBalaDir(), "myorg", "hello")
	before := tree(t, pkgDir)
	cache := filepath.Join(layout.LocalDir(), "cache-2201.13.0", "myorg", "hello", "0.1.0", "bir", "hello.bir")
	writeFile(t, cache, "x")

	boom := errors.New("disk full")
	saved := extract
	t.Cleanup(func() { extract = saved })
	extract = func(a *bala.Archive, dir string) error {
		// Leave a partial extraction behind, as a crash would.
		writeFile(t, filepath.Join(dir, "bala.json"), "{")
		return boom
	}
	_, err := InstallLocal(layout, newBalaFile(t, t.TempDir(), "myorg", "hello", "0.1.0", "java21"))
	if !errors.Is(err, boom) {
		t.Fatalf("err = %v, want %v", err, boom)
	}
	if after := tree(t, pkgDir); !slices.Equal(after, before) {
		t.Errorf("package directory after the failure:\n%s\nwant:\n%s", strings.Join(after, "\n"), strings.Join(before, "\n"))
	}
	if _, err := os.Stat(cache); err != nil {
		t.Errorf("the cache was removed by a failed push: %v", err)
	}

	// A failure of the rename into place puts the previous copy back.
	extract = saved
	savedRename := rename
	t.Cleanup(func() { rename = savedRename })
	rename = func(from, to string) error {
		if strings.Contains(filepath.Base(from), ".push-") && !strings.HasSuffix(from, ".old") {
			return boom
		}
		return os.Rename(from, to)
	}
	if _, err := InstallLocal(layout, newBalaFile(t, t.TempDir(), "myorg", "hello", "0.1.0", "java21")); !errors.Is(err, boom) {
		t.Errorf("err = %v, want %v", err, boom)
	}
	if after := tree(t, pkgDir); !slices.Equal(after, before) {
		t.Errorf("package directory after the failed rename:\n%s\nwant:\n%s", strings.Join(after, "\n"), strings.Join(before, "\n"))
	}
}

// A damaged or hostile bala is refused with the bala package's error
// before anything is written.
func TestInstallLocalRefusesBadBalas(t *testing.T) {
	layout := Layout{Home: t.TempDir()}
	src := t.TempDir()

	evil := filepath.Join(src, "evil.bala")
	f, err := os.Create(evil)
	if err != nil {
		t.Fatal(err)
	}
	zw := zip.NewWriter(f)
	for name, data := range map[string]string{
		"bala.json":     `{"bala_version": "3.0.0"}`,
		"package.json":  `{"organization": "myorg", "name": "hello", "version": "0.1.0"}`,
		"../escape.txt": "x",
	} {
		w, err := zw.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		w.Write([]byte(data))
	}
	zw.Close()
	f.Close()
	_, err = InstallLocal(layout, evil)
	var ce *bala.CheckError
	if !errors.As(err, &ce) || !errors.Is(err, bala.ErrInsecurePath) {
		t.Errorf("err = %v, want an insecure path", err)
	}

	notZip := filepath.Join(src, "x.bala")
	writeFile(t, notZip, "not a zip")
	if _, err := InstallLocal(layout, notZip); !errors.Is(err, bala.ErrFormat) {
		t.Errorf("err = %v, want a format error", err)
	}
	if got := tree(t, layout.Home); len(got) != 0 {
		t.Errorf("the home directory holds %q", got)
	}
}

// A tool bala is recorded in local-tools.json; other entries keep their
// place.
func TestInstallLocalTool(t *testing.T) {
	layout := Layout{Home: t.TempDir()}
	writeFile(t, layout.LocalToolsFile(), `{"openapi": {"org": "ballerina", "name": "openapi"}, "mytool": {"org": "old", "name": "old"}, "z": {"org": "z", "name": "z"}}`)
	path := newBalaFile(t, t.TempDir(), "myorg", "mytool", "1.0.0", "java21",
		bala.Entry{Name: "tool/bal-tool.json", Data: []byte(`{"tool_id": "mytool", "dependency_paths": []}`)})
	res, err := InstallLocal(layout, path)
	if err != nil {
		t.Fatal(err)
	}
	if res.ToolID != "mytool" {
		t.Errorf("ToolID = %q", res.ToolID)
	}
	data, err := os.ReadFile(layout.LocalToolsFile())
	want := `{"openapi":{"org":"ballerina","name":"openapi"},"z":{"org":"z","name":"z"},"mytool":{"org":"myorg","name":"mytool"}}`
	if err != nil || string(data) != want {
		t.Errorf("local-tools.json = %s, %v; want %s", data, err, want)
	}

	// A fresh file; a bala without a tool id is refused.
	os.Remove(layout.LocalToolsFile())
	if _, err := InstallLocal(layout, path); err != nil {
		t.Fatal(err)
	}
	if data, _ := os.ReadFile(layout.LocalToolsFile()); string(data) != `{"mytool":{"org":"myorg","name":"mytool"}}` {
		t.Errorf("local-tools.json = %s", data)
	}
	bad := newBalaFile(t, t.TempDir(), "myorg", "mytool", "1.0.1", "java21",
		bala.Entry{Name: "tool/bal-tool.json", Data: []byte(`{"dependency_paths": []}`)})
	if _, err := InstallLocal(layout, bad); err == nil || err.Error() != "tool/bal-tool.json: tool_id: required field missing" {
		t.Errorf("err = %v", err)
	}
}

func writeFile(t *testing.T, path, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}
