// Command seed prepares the data of the registry benchmark (bench/registry,
// driven by run.sh): the .bala archives pushed to central and served by
// nginx, the npm tarballs of the same sizes published to Verdaccio, and the
// push itself. It is a separate program so that run.sh stays a sequence of
// steps, and so that the archives come from internal/bala's real writer.
//
// Usage:
//
//	seed gen  -dir D [-org bench -packages 50 -versions 3 -npm-packages 1]
//	seed push -dir D -url http://127.0.0.1:PORT -token T [-org bench]
//	seed freeport
//
// gen writes D/www/<org>/<name>/<version>/<org>-<name>-any-<version>.bala
// (the tree nginx serves), D/npm/<org>-<name>-<version>.tgz for the first
// -npm-packages packages (each within 1% of its bala's size, padded with
// incompressible bytes) and D/manifest.tsv (one line per bala: org, name,
// version, path relative to D/www, size). push creates the org through the
// management API (an existing org is fine) and pushes every bala of the
// manifest as multipart "bala-file", in order, expecting 204. freeport prints
// a TCP port of 127.0.0.1 that was free a moment ago.
package main

import (
	"archive/tar"
	"bufio"
	"bytes"
	"compress/gzip"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"mime/multipart"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	syntaxbench "github.com/balcentral/balcentral/bench/syntax"
	"github.com/balcentral/balcentral/internal/bala"
)

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: seed gen|push|freeport [flags]")
		os.Exit(2)
	}
	var err error
	switch cmd, args := os.Args[1], os.Args[2:]; cmd {
	case "gen":
		err = gen(args)
	case "push":
		err = push(args)
	case "freeport":
		err = freePort()
	default:
		err = fmt.Errorf("unknown command %q: want gen, push or freeport", cmd)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "seed:", err)
		os.Exit(1)
	}
}

// manifestFile lists the generated balas, in push order.
const manifestFile = "manifest.tsv"

// sourceFiles sources of 6-12 KB each (about 3.5:1 under Deflate, as real
// Ballerina sources) make balas of about 100 KB.
const sourceFiles = 40

func gen(args []string) error {
	fs := flag.NewFlagSet("gen", flag.ContinueOnError)
	dir := fs.String("dir", "", "output directory (required)")
	org := fs.String("org", "bench", "organization of every package")
	packages := fs.Int("packages", 50, "number of packages, named pkg1, pkg2, ...")
	versions := fs.Int("versions", 3, "versions per package: 1.0.0, 1.1.0, ...")
	npmPackages := fs.Int("npm-packages", 1, "how many of the first packages also get npm tarballs")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *dir == "" {
		return errors.New("gen: -dir is required")
	}
	var manifest bytes.Buffer
	total := 0
	for p := 1; p <= *packages; p++ {
		name := "pkg" + strconv.Itoa(p)
		for v := 0; v < *versions; v++ {
			version := fmt.Sprintf("1.%d.0", v)
			data, err := balaFor(*org, name, version, uint64(p*100+v))
			if err != nil {
				return fmt.Errorf("%s/%s:%s: %w", *org, name, version, err)
			}
			rel := filepath.Join(*org, name, version, bala.FileName(*org, name, "any", version))
			if err := writeFile(filepath.Join(*dir, "www", rel), data); err != nil {
				return err
			}
			fmt.Fprintf(&manifest, "%s\t%s\t%s\t%s\t%d\n", *org, name, version, rel, len(data))
			total += len(data)
			if p <= *npmPackages {
				tgz, err := npmTarball(*org+"-"+name, version, readme(*org, name), len(data), uint64(p*100+v))
				if err != nil {
					return err
				}
				if err := writeFile(filepath.Join(*dir, "npm", fmt.Sprintf("%s-%s-%s.tgz", *org, name, version)), tgz); err != nil {
					return err
				}
			}
		}
	}
	if err := writeFile(filepath.Join(*dir, manifestFile), manifest.Bytes()); err != nil {
		return err
	}
	n := *packages * *versions
	fmt.Printf("generated %d balas, %d KB on average\n", n, total/n/1024)
	return nil
}

// readme is a package README of a few KB, as published packages have; it is
// part of the package JSON central returns, as npm's is of Verdaccio's
// package document.
func readme(org, name string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "# %s/%s\n\nA generated package for the registry benchmark.\n\n", org, name)
	for i := 1; i <= 12; i++ {
		fmt.Fprintf(&b, "## Section %d\n\nThe `%s` module provides function number %d, which takes a request, validates it, "+
			"and returns either a result record or an error describing what went wrong and how to fix it.\n\n", i, name, i)
	}
	return b.String()
}

// balaFor returns a bala of about 100 KB: the three metadata files, a README
// and one module of generated sources. Every package after pkg1 depends on
// the previous one, so that dependency graphs are not all trivial.
func balaFor(org, name, version string, seed uint64) ([]byte, error) {
	pj := &bala.PackageJSON{
		Organization: org, Name: name, Version: version,
		Licenses: []string{"Apache-2.0"}, Authors: []string{"bench"}, Keywords: []string{"bench", "generated"},
		SourceRepository: "https://example.com/" + org + "/" + name,
		BallerinaVersion: "2201.10.0", ImplementationVendor: "WSO2", LanguageSpecVersion: "2024R1",
		Platform: "any", Readme: "docs/README.md", Description: "A generated package for the registry benchmark.",
		Modules: []bala.ModuleJSON{{Name: name, Export: true, Description: "The " + name + " module."}},
	}
	graph := &bala.DependencyGraph{
		Packages: []bala.GraphPackage{{Org: org, Name: name, Version: version}},
		Modules:  []bala.GraphModule{{Org: org, PackageName: name, Version: version, ModuleName: name}},
	}
	if n, _ := strconv.Atoi(strings.TrimPrefix(name, "pkg")); n > 1 {
		dep := bala.PackageRef{Org: org, Name: "pkg" + strconv.Itoa(n-1), Version: "1.0.0"}
		graph.Packages[0].Dependencies = []bala.PackageRef{dep}
		graph.Packages = append(graph.Packages, bala.GraphPackage{Org: dep.Org, Name: dep.Name, Version: dep.Version})
	}
	pjBytes, err := bala.MarshalPackageJSON(pj)
	if err != nil {
		return nil, err
	}
	bj, err := bala.MarshalBalaJSON(bala.NewBalaJSON())
	if err != nil {
		return nil, err
	}
	gj, err := bala.MarshalDependencyGraphJSON(graph)
	if err != nil {
		return nil, err
	}
	entries := []bala.Entry{
		{Name: bala.PackageJSONFile, Data: pjBytes},
		{Name: bala.BalaJSONFile, Data: bj},
		{Name: bala.DependencyGraphJSONFile, Data: gj},
		{Name: "docs/README.md", Data: []byte(readme(org, name))},
	}
	rng := rand.New(rand.NewPCG(seed, 1))
	for f := range sourceFiles {
		entries = append(entries, bala.Entry{
			Name: fmt.Sprintf("modules/%s/file%02d.bal", name, f),
			Data: syntaxbench.Generate(int64(seed)*sourceFiles+int64(f), 6<<10+rng.IntN(6<<10)),
		})
	}
	var buf bytes.Buffer
	if err := bala.Write(&buf, entries); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// npmTarball returns an npm package tarball (package/package.json,
// package/README.md, package/index.js and package/payload.bin) whose size is
// within 1% of size: the payload is random bytes, which gzip cannot shrink,
// resized until the archive fits.
func npmTarball(name, version, readme string, size int, seed uint64) ([]byte, error) {
	pkg, err := json.MarshalIndent(map[string]any{
		"name": name, "version": version, "description": "A generated package for the registry benchmark.",
		"main": "index.js", "license": "Apache-2.0", "author": "bench", "keywords": []string{"bench", "generated"},
		"repository": map[string]string{"type": "git", "url": "https://example.com/" + name},
	}, "", "  ")
	if err != nil {
		return nil, err
	}
	payload := make([]byte, size)
	rng := rand.New(rand.NewPCG(seed, 2))
	for i := range payload {
		payload[i] = byte(rng.Uint32())
	}
	n := size - 4096
	for range 8 {
		tgz, err := tarGz([]tarEntry{
			{"package/package.json", pkg},
			{"package/README.md", []byte(readme)},
			{"package/index.js", []byte("module.exports = () => 'hello';\n")},
			{"package/payload.bin", payload[:n]},
		})
		if err != nil {
			return nil, err
		}
		diff := size - len(tgz)
		if diff >= 0 && diff < size/100 {
			return tgz, nil
		}
		n += diff
		if n < 0 || n > len(payload) {
			break
		}
	}
	return nil, fmt.Errorf("npm tarball for %s@%s: cannot reach %d bytes", name, version, size)
}

type tarEntry struct {
	name string
	data []byte
}

func tarGz(entries []tarEntry) ([]byte, error) {
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	tw := tar.NewWriter(zw)
	for _, e := range entries {
		hdr := &tar.Header{Name: e.name, Mode: 0o644, Size: int64(len(e.data)), ModTime: time.Unix(499162500, 0), Typeflag: tar.TypeReg}
		if err := tw.WriteHeader(hdr); err != nil {
			return nil, err
		}
		if _, err := tw.Write(e.data); err != nil {
			return nil, err
		}
	}
	if err := tw.Close(); err != nil {
		return nil, err
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

func writeFile(path string, data []byte) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	return os.WriteFile(path, data, 0o644)
}

func push(args []string) error {
	fs := flag.NewFlagSet("push", flag.ContinueOnError)
	dir := fs.String("dir", "", "directory written by gen (required)")
	base := fs.String("url", "", "central's base URL, e.g. http://127.0.0.1:9090 (required)")
	token := fs.String("token", "", "token of a user who may create the org and publish (required)")
	org := fs.String("org", "bench", "organization to create")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *dir == "" || *base == "" || *token == "" {
		return errors.New("push: -dir, -url and -token are required")
	}
	client := &http.Client{
		Timeout:       2 * time.Minute,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
	auth := "Bearer " + *token

	body, _ := json.Marshal(map[string]string{"name": *org})
	status, msg, err := send(client, "POST", *base+"/api/v1/orgs", "application/json", auth, bytes.NewReader(body))
	if err != nil {
		return err
	}
	if status != http.StatusCreated && status != http.StatusConflict {
		return fmt.Errorf("POST /api/v1/orgs %s: %d %s", *org, status, msg)
	}

	f, err := os.Open(filepath.Join(*dir, manifestFile))
	if err != nil {
		return err
	}
	defer f.Close()
	start := time.Now()
	count := 0
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fields := strings.Split(sc.Text(), "\t")
		if len(fields) != 5 {
			return fmt.Errorf("%s: bad line %q", manifestFile, sc.Text())
		}
		data, err := os.ReadFile(filepath.Join(*dir, "www", fields[3]))
		if err != nil {
			return err
		}
		var form bytes.Buffer
		mw := multipart.NewWriter(&form)
		part, err := mw.CreateFormFile("bala-file", filepath.Base(fields[3]))
		if err != nil {
			return err
		}
		part.Write(data)
		if err := mw.Close(); err != nil {
			return err
		}
		status, msg, err := send(client, "POST", *base+"/2.0/registry/packages", mw.FormDataContentType(), auth, &form)
		if err != nil {
			return err
		}
		if status != http.StatusNoContent {
			return fmt.Errorf("push %s/%s:%s: %d %s", fields[0], fields[1], fields[2], status, msg)
		}
		count++
	}
	if err := sc.Err(); err != nil {
		return err
	}
	elapsed := time.Since(start)
	fmt.Printf("pushed %d balas in %.1f s (%.1f ms each)\n", count, elapsed.Seconds(), float64(elapsed.Milliseconds())/float64(max(count, 1)))
	return nil
}

// send makes one request and returns its status and, for an error, its
// body (the server's {"message": ...}).
func send(client *http.Client, method, url, contentType, auth string, body io.Reader) (int, string, error) {
	req, err := http.NewRequest(method, url, body)
	if err != nil {
		return 0, "", err
	}
	req.Header.Set("Content-Type", contentType)
	req.Header.Set("Authorization", auth)
	req.Header.Set("Ballerina-Platform", "java21,java17,java11")
	req.Header.Set("User-Agent", "2201.10.0")
	resp, err := client.Do(req)
	if err != nil {
		return 0, "", err
	}
	defer resp.Body.Close()
	msg, _ := io.ReadAll(io.LimitReader(resp.Body, 4096))
	return resp.StatusCode, strings.TrimSpace(string(msg)), nil
}

func freePort() error {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	defer l.Close()
	fmt.Println(l.Addr().(*net.TCPAddr).Port)
	return nil
}
