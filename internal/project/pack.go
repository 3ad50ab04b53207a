package project

// Packing a package into a .bala archive (bal pack).
//
// [Pack] does what the reference `bal pack` does apart from compiling:
//
//  1. It looks for the package's README ([package] readme, else README.md,
//     else the legacy Package.md) and produces the reference warnings when
//     it is missing or empty (PackResult.Notices).
//  2. It refuses a Ballerina.toml without a [package] table or without
//     org, name or version, with the reference messages, and checks what
//     the reference manifest builder checks on disk: that the icon exists
//     and is a PNG image, and that every platform library path exists.
//  3. It validates Settings.toml in the Ballerina home.
//  4. It parses every source file of the package with syntax.LoadPackage
//     in full mode, which reads the module-level declarations (function
//     bodies are skipped, left to the compiler), and fails on a syntax
//     error in a file that goes into the archive (tests are not packed)
//     and on an import of a module of the package that does not exist.
//  5. It resolves the dependencies with Build, with the same options as
//     bal build: Dependencies.toml and target/build are updated exactly as
//     bal build updates them (the reference bal pack resolves, and so
//     locks, like bal build).
//  6. It assembles the archive (see pack_entries.go) and writes it
//     atomically to <target>/bala/<org>-<name>-<platform>-<version>.bala,
//     removing older balas of the same package from that directory so
//     that bal push finds the one just written. The archive depends only
//     on the package's files and the resolved graph: packing twice gives
//     byte-identical files.
//
// Nothing is written when a check fails; a failed resolution writes
// nothing either (see Build).

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/balcentral/balcentral/internal/bala"
	"github.com/balcentral/balcentral/internal/manifest"
	"github.com/balcentral/balcentral/internal/syntax"
)

// BalaDirName is the directory of the target directory that bal pack
// writes the archive to.
const BalaDirName = "bala"

// README file names the reference toolchain looks for.
const (
	ReadmeFile       = "README.md"
	LegacyReadmeFile = "Package.md"
)

// The warnings of the reference bal pack about the README. They are
// printed after "ballerina: ", as the reference CLI prints them.
const (
	readmeMissingNotice = "warning: The specified readme file '%s' is missing. It is required when pushing to Ballerina Central."
	noReadmeNotice      = "warning: Neither README.md nor Package.md is present in the package. At least one is required when pushing to Ballerina Central."
	emptyReadmeNotice   = "WARNING: README.md file is empty in the package. Add meaningful documentation before pushing."
)

// Errors of Pack about the [package] table, with the reference messages.
var (
	// ErrNoPackageTable: Ballerina.toml has no [package] table.
	ErrNoPackageTable = errors.New("'package' information not found in Ballerina.toml")
)

// PackOptions are the settings of one Pack: those of the dependency
// resolution, as for bal build. BuildOptions.DryRun is ignored: a pack
// records its resolution like a build.
type PackOptions struct {
	BuildOptions
}

// PackResult is the outcome of Pack. Pack returns it, as far as it got,
// with most errors, so that the command can print the warnings found
// before the failure.
type PackResult struct {
	// Notices are messages of the reference bal pack that it prints after
	// "ballerina: " on stderr: the README warnings.
	Notices []string
	// Diagnostics are the other warnings: Settings.toml, module READMEs.
	Diagnostics []Diagnostic
	// Build is the outcome of the dependency resolution; nil when Pack
	// failed before resolving.
	Build *BuildResult

	// Path is the archive written, absolute.
	Path string
	// Platform is the archive's platform, "any" or "java21".
	Platform string
	// Package and Graph are the archive's package.json and
	// dependency-graph.json.
	Package *bala.PackageJSON
	Graph   *bala.DependencyGraph
	// Entries are the names of the archive's files, sorted.
	Entries []string
}

// Pack checks the package p, resolves its dependencies and writes its
// bala (see the description at the top of this file). Errors are
// ErrNoPackageTable, a *PackageFieldsError, a *FileErrors (Ballerina.toml,
// Settings.toml or the sources; its diagnostics say what is wrong),
// ErrResolution (the diagnostics are in PackResult.Build), an
// *IncludeError, or a failure to read or write files.
func Pack(ctx context.Context, p *Project, opts PackOptions) (*PackResult, error) {
	res := &PackResult{}
	readme, notice := findReadme(p)
	if notice != "" {
		res.Notices = append(res.Notices, notice)
	}
	if err := checkPackageTable(p.Manifest); err != nil {
		return res, err
	}
	for _, name := range []string{"CompilerPlugin.toml", "BalTool.toml"} {
		if fileExists(filepath.Join(p.Dir, name)) {
			return res, fmt.Errorf("the package has a %s: packing compiler plugins and tools is not supported yet", name)
		}
	}
	if err := checkManifestFiles(p); err != nil {
		return res, err
	}
	_, settingsWarnings, err := ReadSettings(opts.HomeDir)
	res.Diagnostics = append(res.Diagnostics, settingsWarnings...)
	if err != nil {
		return res, err
	}
	src, err := loadSources(p)
	if err != nil {
		return res, err
	}

	buildOpts := opts.BuildOptions
	buildOpts.DryRun = false
	br, err := Build(ctx, p, buildOpts)
	res.Build = br
	if err != nil {
		return res, err
	}

	a := &assembly{p: p, src: src, graph: br.Graph, distribution: opts.Distribution, readme: readme}
	if err := a.assemble(); err != nil {
		return res, err
	}
	res.Diagnostics = append(res.Diagnostics, a.warnings...)
	res.Platform, res.Package, res.Graph = a.platform, a.pkg, a.depGraph
	for _, e := range a.entries {
		res.Entries = append(res.Entries, e.Name)
	}

	dir := filepath.Join(p.TargetDir, BalaDirName)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return res, err
	}
	name := bala.FileName(p.Org(), p.Name(), a.platform, p.Version())
	res.Path = filepath.Join(dir, name)
	if err := bala.WriteFile(res.Path, a.entries); err != nil {
		return res, fmt.Errorf("writing %s: %w", res.Path, err)
	}
	if err := removeStaleBalas(dir, p.Org(), p.Name(), name); err != nil {
		return res, err
	}
	return res, nil
}

// PackageFieldsError reports [package] keys bal pack needs and
// Ballerina.toml lacks, with the reference messages.
type PackageFieldsError struct {
	// Missing are "'org'", "'name'" and "'version'", in that order.
	Missing []string
}

func (e *PackageFieldsError) Error() string {
	switch len(e.Missing) {
	case 1:
		return "to build a package " + e.Missing[0] + " field of the package is required in Ballerina.toml"
	case 2:
		return "to build a package " + e.Missing[0] + " and " + e.Missing[1] + " fields of the package are required in Ballerina.toml"
	}
	return "to build a package " + strings.Join(e.Missing[:len(e.Missing)-1], ", ") + " and " +
		e.Missing[len(e.Missing)-1] + " fields of the package are required in Ballerina.toml"
}

// checkPackageTable checks that Ballerina.toml has a [package] table with
// org, name and version. Load has already refused invalid values, so a
// defaulted one is a missing key.
func checkPackageTable(m *manifest.BallerinaToml) error {
	if !m.HasPackageTable {
		return ErrNoPackageTable
	}
	var missing []string
	pd := m.Package
	for _, k := range []struct {
		key       string
		defaulted bool
	}{{"org", pd.OrgDefaulted}, {"name", pd.NameDefaulted}, {"version", pd.VersionDefaulted}} {
		if k.defaulted {
			missing = append(missing, "'"+k.key+"'")
		}
	}
	if len(missing) > 0 {
		return &PackageFieldsError{Missing: missing}
	}
	return nil
}

// pngSignature starts every PNG file.
var pngSignature = []byte("\x89PNG\r\n\x1a\n")

// checkManifestFiles checks the files Ballerina.toml names, as the
// reference manifest builder does: the icon must exist and be a PNG
// image, and every platform library path must exist. Paths are relative
// to the package root.
func checkManifestFiles(p *Project) error {
	var diags []Diagnostic
	site := func(pos manifest.Pos) []string {
		s := manifestFile
		if pos.IsValid() {
			s += ":" + pos.String()
		}
		return []string{s}
	}
	pd := p.Manifest.Package
	if pd.Icon != "" {
		data, err := os.ReadFile(p.path(pd.Icon))
		switch {
		case err != nil:
			diags = append(diags, Diagnostic{Sites: site(pd.IconPos), Message: fmt.Sprintf("could not locate icon path '%s'", pd.Icon)})
		case !bytes.HasPrefix(data, pngSignature):
			diags = append(diags, Diagnostic{Sites: site(pd.IconPos), Message: "invalid 'icon' under [package]: 'icon' can only have 'png' images"})
		}
	}
	for _, key := range sortedPlatformKeys(p.Manifest) {
		for _, dep := range p.Manifest.Platforms[key].Dependencies {
			if dep.Path != "" && !fileExists(p.path(dep.Path)) {
				diags = append(diags, Diagnostic{Sites: site(dep.Pos), Message: fmt.Sprintf("could not locate dependency path '%s'", dep.Path)})
			}
		}
	}
	if len(diags) > 0 {
		return &FileErrors{Summary: manifestFile + " contains errors", Diagnostics: diags}
	}
	return nil
}

// ReadSettings reads and validates Settings.toml in the Ballerina home
// directory home ("" means none: the defaults). Environment variables are
// not applied. Errors in the file are returned as a *FileErrors with the
// summary "Settings.toml contains errors"; the warnings are returned
// with the settings.
func ReadSettings(home string) (*manifest.Settings, []Diagnostic, error) {
	if home == "" {
		return manifest.DefaultSettings(), nil, nil
	}
	s, diags, err := manifest.LoadSettings(home, func(string) (string, bool) { return "", false })
	if err != nil {
		return nil, nil, err
	}
	warnings := fromManifest(diags.Warnings())
	if errs := diags.Errors(); len(errs) > 0 {
		return nil, warnings, &FileErrors{Summary: manifest.SettingsFileName + " contains errors", Diagnostics: fromManifest(errs)}
	}
	return s, warnings, nil
}

// loadSources parses every file of the package in full and returns the
// package, or a *FileErrors for syntax errors in the files that are
// packed and for imports of modules of the package that do not exist.
func loadSources(p *Project) (*syntax.Package, error) {
	src, err := syntax.LoadPackage(p.Dir, p.Name(), 0)
	if err != nil {
		return nil, err
	}
	packed := map[string]bool{}
	modules := map[string]bool{}
	for _, m := range src.Modules {
		modules[m.Name] = true
		for _, f := range m.Files {
			packed[f.Path] = true
		}
	}
	var diags []Diagnostic
	for _, d := range src.Diagnostics {
		if d.Severity == syntax.SeverityError && packed[d.File] {
			diags = append(diags, Diagnostic{Sites: []string{d.File + ":" + d.Pos.String()}, Message: d.Message})
		}
	}
	for _, m := range src.Modules {
		for _, imp := range m.Imports {
			if imp.Scope != syntax.ScopeDefault || !ownModule(p, imp) || modules[imp.Module] {
				continue
			}
			var sites []string
			for _, s := range imp.Sites {
				if packed[s.File] {
					sites = append(sites, s.File+":"+s.Import.Pos.String())
				}
			}
			diags = append(diags, Diagnostic{Sites: sites,
				Message: fmt.Sprintf("cannot resolve module '%s/%s'", p.Org(), imp.Module),
				Details: []string{fmt.Sprintf("hint: the package %s has no module %s", p.ID(), imp.Module)}})
		}
	}
	if len(diags) > 0 {
		return nil, &FileErrors{Summary: "the package's sources contain errors", Diagnostics: diags}
	}
	return src, nil
}

// ownModule reports whether imp names a module of p's own package.
func ownModule(p *Project, imp syntax.ModuleImport) bool {
	return (imp.Org == "" || imp.Org == p.Org()) &&
		(imp.Module == p.Name() || strings.HasPrefix(imp.Module, p.Name()+"."))
}

// findReadme returns the package's README, absolute ("" when there is
// none), and the reference warning about it ("" when there is none): the
// [package] readme file, else README.md, else Package.md; missing, or
// empty once blanks are trimmed.
func findReadme(p *Project) (path, notice string) {
	switch custom := p.Manifest.Package.Readme; {
	case custom != "":
		if !fileExists(p.path(custom)) {
			return "", fmt.Sprintf(readmeMissingNotice, custom)
		}
		path = p.path(custom)
	case fileExists(filepath.Join(p.Dir, ReadmeFile)):
		path = filepath.Join(p.Dir, ReadmeFile)
	case fileExists(filepath.Join(p.Dir, LegacyReadmeFile)):
		path = filepath.Join(p.Dir, LegacyReadmeFile)
	default:
		return "", noReadmeNotice
	}
	if data, err := os.ReadFile(path); err == nil && len(bytes.TrimSpace(data)) == 0 {
		notice = emptyReadmeNotice
	}
	return path, notice
}

// path returns a path of Ballerina.toml (relative to the package root, or
// absolute) as an absolute path.
func (p *Project) path(rel string) string {
	if filepath.IsAbs(rel) {
		return filepath.Clean(rel)
	}
	return filepath.Join(p.Dir, filepath.FromSlash(rel))
}

// fileExists reports whether path is a regular file (after following
// symbolic links).
func fileExists(path string) bool {
	fi, err := os.Stat(path)
	return err == nil && fi.Mode().IsRegular()
}

// removeStaleBalas removes the balas of org/name other than keep from dir:
// those of older versions or of another platform, which bal push could
// otherwise pick.
func removeStaleBalas(dir, org, name, keep string) error {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return err
	}
	// Organizations and package names cannot contain '-', so the prefix
	// is that of this package's balas only.
	prefix := org + "-" + name + "-"
	for _, e := range entries {
		n := e.Name()
		if n == keep || !strings.HasPrefix(n, prefix) || !strings.HasSuffix(n, ".bala") || !e.Type().IsRegular() {
			continue
		}
		if err := os.Remove(filepath.Join(dir, n)); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return err
		}
	}
	return nil
}
