package resolvebench

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/balcentral/balcentral/internal/version"
)

// CargoRootName is the crate name of the root project WriteCargoProject
// writes.
const CargoRootName = "bench_app"

// CrateName maps org/name to a valid crate name, org_name.
func CrateName(org, name string) string {
	return strings.ReplaceAll(org+"_"+name, ".", "_")
}

// IndexPath is the path of a crate's file in a Cargo registry index,
// relative to the index root: 1/a, 2/ab, 3/a/abc, ab/cd/abcd… (lower case).
func IndexPath(crate string) string {
	c := strings.ToLower(crate)
	switch len(c) {
	case 1:
		return "1/" + c
	case 2:
		return "2/" + c
	case 3:
		return "3/" + c[:1] + "/" + c
	}
	return c[:2] + "/" + c[2:4] + "/" + c
}

// CaretReq is the Cargo requirement equivalent to a Ballerina SOFT minimum:
// ^x.y.z, which for x ≥ 1 admits the same major (LOCK_MAJOR) and for 0.y.z
// the same minor (LOCK_MINOR, a 0.x minimum). The generator never makes
// 0.0.z versions, where the two would differ.
func CaretReq(v version.Version) string { return "^" + v.String() }

// indexEntry is one line of a registry index file.
type indexEntry struct {
	Name     string              `json:"name"`
	Vers     string              `json:"vers"`
	Deps     []indexDep          `json:"deps"`
	Cksum    string              `json:"cksum"`
	Features map[string][]string `json:"features"`
	Yanked   bool                `json:"yanked"`
}

type indexDep struct {
	Name            string   `json:"name"`
	Req             string   `json:"req"`
	Features        []string `json:"features"`
	Optional        bool     `json:"optional"`
	DefaultFeatures bool     `json:"default_features"`
	Target          *string  `json:"target"`
	Kind            string   `json:"kind"`
}

// WriteCargoRegistry writes the universe to dir as a Cargo local registry
// (source replacement, `local-registry = dir`): an index/ tree with one
// file per crate and one JSON line per version, and a <crate>-<version>.crate
// gzipped tarball per version whose SHA-256 is the index checksum. Each
// dependency edge becomes a normal dependency with the caret requirement of
// its minimum.
func (u *Universe) WriteCargoRegistry(dir string) error {
	w := newCrateWriter()
	var line bytes.Buffer
	for _, p := range u.Packages {
		crate := CrateName(p.Org, p.Name)
		line.Reset()
		for _, v := range p.Versions {
			deps := u.cargoDeps(v)
			data, err := w.crate(crate, v.Version.String(), deps)
			if err != nil {
				return err
			}
			if err := os.WriteFile(filepath.Join(dir, crate+"-"+v.Version.String()+".crate"), data, 0o644); err != nil {
				return err
			}
			sum := sha256.Sum256(data)
			entry := indexEntry{Name: crate, Vers: v.Version.String(), Deps: deps, Cksum: hex.EncodeToString(sum[:]),
				Features: map[string][]string{}}
			js, err := json.Marshal(entry)
			if err != nil {
				return err
			}
			line.Write(js)
			line.WriteByte('\n')
		}
		path := filepath.Join(dir, "index", filepath.FromSlash(IndexPath(crate)))
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(path, line.Bytes(), 0o644); err != nil {
			return err
		}
	}
	return nil
}

// cargoDeps returns the index dependencies of a version: its edges as
// normal dependencies with caret requirements.
func (u *Universe) cargoDeps(v *Version) []indexDep {
	deps := make([]indexDep, 0, len(v.Deps))
	for _, e := range v.Deps {
		q := u.Packages[e.Pkg]
		deps = append(deps, indexDep{Name: CrateName(q.Org, q.Name), Req: CaretReq(q.Versions[e.Min].Version),
			Features: []string{}, DefaultFeatures: true, Kind: "normal"})
	}
	return deps
}

// WriteCargoProject writes a root crate in dir that depends on the same k
// root packages as Roots(k), each with the caret requirement of the first
// version of its line (so Cargo, like Ballerina's LATEST, picks the newest
// stable version), and a .cargo/config.toml that replaces crates.io with
// the local registry at registryDir.
func (u *Universe) WriteCargoProject(dir, registryDir string, k int) error {
	abs, err := filepath.Abs(registryDir)
	if err != nil {
		return err
	}
	var m strings.Builder
	fmt.Fprintf(&m, "[package]\nname = %q\nversion = \"0.1.0\"\nedition = \"2021\"\npublish = false\n\n[dependencies]\n", CargoRootName)
	for _, id := range u.RootPackages(k) {
		p := u.Packages[id]
		fmt.Fprintf(&m, "%s = %q\n", CrateName(p.Org, p.Name), CaretReq(p.Versions[p.Line[0]].Version))
	}
	config := fmt.Sprintf("[source.crates-io]\nreplace-with = \"local\"\n\n[source.local]\nlocal-registry = %q\n", abs)
	files := map[string]string{
		"Cargo.toml":         m.String(),
		"src/lib.rs":         "// Root crate of the synthetic resolution benchmark.\n",
		".cargo/config.toml": config,
	}
	for name, content := range files {
		path := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
			return err
		}
	}
	return nil
}

// crateWriter builds .crate files, reusing one gzip writer.
type crateWriter struct {
	buf bytes.Buffer
	gz  *gzip.Writer
}

func newCrateWriter() *crateWriter {
	w := &crateWriter{}
	w.gz, _ = gzip.NewWriterLevel(&w.buf, gzip.BestSpeed)
	return w
}

// crateTime is the modification time of every tarball entry, so that the
// same universe gives byte-identical crates.
var crateTime = time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)

// crate returns a gzipped tarball holding <crate>-<vers>/Cargo.toml, with
// the dependencies, and <crate>-<vers>/src/lib.rs. The bytes are valid
// until the next call.
func (w *crateWriter) crate(crate, vers string, deps []indexDep) ([]byte, error) {
	var m strings.Builder
	fmt.Fprintf(&m, "[package]\nname = %q\nversion = %q\nedition = \"2021\"\n", crate, vers)
	if len(deps) > 0 {
		m.WriteString("\n[dependencies]\n")
		for _, d := range deps {
			fmt.Fprintf(&m, "%s = %q\n", d.Name, d.Req)
		}
	}
	files := []struct{ name, content string }{
		{"Cargo.toml", m.String()},
		{"src/lib.rs", "// " + crate + " " + vers + "\n"},
	}
	w.buf.Reset()
	w.gz.Reset(&w.buf)
	tw := tar.NewWriter(w.gz)
	for _, f := range files {
		hdr := &tar.Header{Name: crate + "-" + vers + "/" + f.name, Mode: 0o644, Size: int64(len(f.content)),
			ModTime: crateTime, Typeflag: tar.TypeReg, Format: tar.FormatUSTAR}
		if err := tw.WriteHeader(hdr); err != nil {
			return nil, err
		}
		if _, err := tw.Write([]byte(f.content)); err != nil {
			return nil, err
		}
	}
	if err := tw.Close(); err != nil {
		return nil, err
	}
	if err := w.gz.Close(); err != nil {
		return nil, err
	}
	return w.buf.Bytes(), nil
}
