package project

// Loading a package (bal build, bal graph).
//
// [Load] finds the package root (the directory given or its nearest
// ancestor with a Ballerina.toml), parses Ballerina.toml with defaults from
// the environment (organization from the user name, name from the
// directory, version 0.1.0), parses Dependencies.toml when present for that
// root package, and reads the import section of every source file with
// syntax.LoadPackage in ImportsOnly mode. Errors in any of these stop the
// load with a *FileErrors that lists each positioned diagnostic; warnings
// (a defaulted key, an old or corrupted Dependencies.toml, which is then
// ignored and rewritten) are returned in Project.Warnings for the command to
// print. The target directory is --target-dir, else [build-options]
// targetDir (relative to the package), else target/.

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/balcentral/balcentral/internal/manifest"
	"github.com/balcentral/balcentral/internal/syntax"
)

// Names of the files and directories of a package that Load reads.
const (
	// DependenciesFile is the lock file next to Ballerina.toml.
	DependenciesFile = "Dependencies.toml"
	// TargetDirName is the default build output directory.
	TargetDirName = "target"
)

// LoadOptions says how to load a package.
type LoadOptions struct {
	// UserName is the name of the user running bal; the default
	// organization for a Ballerina.toml without one is derived from it
	// (GuessOrgName).
	UserName string
	// TargetDir is the --target-dir value made absolute, "" when the flag
	// was not given.
	TargetDir string
}

// Project is a loaded package.
type Project struct {
	// Dir is the package root: the directory holding Ballerina.toml,
	// absolute and clean.
	Dir string
	// Manifest is the parsed Ballerina.toml.
	Manifest *manifest.BallerinaToml
	// Lock is the parsed Dependencies.toml; nil when the package has none,
	// or when the file is corrupted and will be rewritten (a warning says
	// so).
	Lock *manifest.DependenciesToml
	// LockData is the Dependencies.toml file's content, nil when there is
	// no such file. The build rewrites the file only when the content it
	// would write differs.
	LockData []byte
	// Sources are the package's modules with their imports (the import
	// section of each file only).
	Sources *syntax.Package
	// TargetDir is the build output directory, absolute: the --target-dir
	// value, else [build-options] targetDir (relative to Dir), else
	// Dir/target.
	TargetDir string
	// TargetDirSource says where TargetDir came from.
	TargetDirSource TargetDirSource
	// Warnings are the problems found in Ballerina.toml, Dependencies.toml
	// and the sources that do not stop a build, in that order.
	Warnings []Diagnostic
}

// TargetDirSource says which setting chose a Project's TargetDir.
type TargetDirSource uint8

// Sources of the target directory.
const (
	TargetDefault  TargetDirSource = iota // <package>/target
	TargetManifest                        // [build-options] targetDir in Ballerina.toml
	TargetFlag                            // --target-dir
)

// Org, Name and Version return the package's identity from Ballerina.toml.
func (p *Project) Org() string { return p.Manifest.Package.Org }

// Name returns the package name.
func (p *Project) Name() string { return p.Manifest.Package.Name }

// Version returns the package version.
func (p *Project) Version() string { return p.Manifest.Package.Version }

// ID returns "org/name:version".
func (p *Project) ID() string { return p.Org() + "/" + p.Name() + ":" + p.Version() }

// BuildFilePath returns the path of the target/build file.
func (p *Project) BuildFilePath() string { return filepath.Join(p.TargetDir, BuildFileName) }

// InvalidPackagePathError reports a path that is not inside a package.
type InvalidPackagePathError struct {
	// Path is the absolute path given.
	Path string
}

func (e *InvalidPackagePathError) Error() string {
	return fmt.Sprintf("invalid package path: %s. Please provide a valid Ballerina package or a workspace.", e.Path)
}

// FileErrors reports files whose errors stop a command: Ballerina.toml or
// Dependencies.toml diagnostics, syntax errors in the import sections of
// the sources. Commands print Diagnostics, one per line, and then fail
// with Summary.
type FileErrors struct {
	// Summary is one line, e.g. "Ballerina.toml contains errors".
	Summary     string
	Diagnostics []Diagnostic
}

func (e *FileErrors) Error() string {
	var b strings.Builder
	b.WriteString(e.Summary)
	for _, d := range e.Diagnostics {
		b.WriteString("\n")
		b.WriteString(d.String())
	}
	return b.String()
}

// FindRoot returns the package root for dir: dir itself or the nearest
// ancestor holding a Ballerina.toml file. dir must be absolute.
func FindRoot(dir string) (string, error) {
	dir = filepath.Clean(dir)
	fi, err := os.Stat(dir)
	if err != nil || !fi.IsDir() {
		return "", &InvalidPackagePathError{Path: dir}
	}
	for d := dir; ; {
		if fi, err := os.Stat(filepath.Join(d, manifestFile)); err == nil && fi.Mode().IsRegular() {
			return d, nil
		}
		parent := filepath.Dir(d)
		if parent == d {
			return "", &InvalidPackagePathError{Path: dir}
		}
		d = parent
	}
}

// Load reads the package that dir (absolute) is, or lies in. It fails
// with an *InvalidPackagePathError when there is no package, and with a
// *FileErrors when Ballerina.toml, Dependencies.toml or the import
// sections of the sources have errors; warnings are in Project.Warnings.
func Load(dir string, opts LoadOptions) (*Project, error) {
	if !filepath.IsAbs(dir) {
		return nil, fmt.Errorf("project: package path %q is not absolute", dir)
	}
	if strings.HasSuffix(dir, ".bal") {
		if fi, err := os.Stat(dir); err == nil && fi.Mode().IsRegular() {
			return nil, fmt.Errorf("cannot use the single file %s: only packages are supported; give the package directory, or create a package with 'bal new'", dir)
		}
	}
	root, err := FindRoot(dir)
	if err != nil {
		return nil, err
	}
	p := &Project{Dir: root}

	data, err := os.ReadFile(filepath.Join(root, manifestFile))
	if err != nil {
		return nil, err
	}
	defaults := manifest.PackageDefaults{
		Org:     GuessOrgName(opts.UserName),
		Name:    GuessPackageName(filepath.Base(root), TemplateDefault),
		Version: InitialVersion,
	}
	m, diags := manifest.ParseBallerinaToml(manifestFile, data, defaults)
	if err := fileErrors(manifestFile, diags); err != nil {
		return nil, err
	}
	p.Manifest = m
	p.Warnings = append(p.Warnings, fromManifest(diags.Warnings())...)

	if err := p.loadLock(); err != nil {
		return nil, err
	}
	if err := p.setTargetDir(opts.TargetDir); err != nil {
		return nil, err
	}

	src, err := syntax.LoadPackage(root, p.Name(), syntax.ImportsOnly)
	if err != nil {
		return nil, err
	}
	p.Sources = src
	var srcErrs []Diagnostic
	for _, d := range src.Diagnostics {
		pd := Diagnostic{Sites: []string{d.File + ":" + d.Pos.String()}, Message: d.Message}
		if d.Severity == syntax.SeverityWarning {
			pd.Severity = SeverityWarning
			p.Warnings = append(p.Warnings, pd)
			continue
		}
		srcErrs = append(srcErrs, pd)
	}
	if len(srcErrs) > 0 {
		return nil, &FileErrors{Summary: "the package's import declarations contain errors", Diagnostics: srcErrs}
	}
	return p, nil
}

// loadLock reads Dependencies.toml, if any.
func (p *Project) loadLock() error {
	data, err := os.ReadFile(filepath.Join(p.Dir, DependenciesFile))
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return nil
	case err != nil:
		return err
	}
	p.LockData = data
	lock, diags := manifest.ParseDependenciesTomlFor(DependenciesFile, data, p.Org(), p.Name())
	if err := fileErrors(DependenciesFile, diags); err != nil {
		return err
	}
	p.Warnings = append(p.Warnings, fromManifest(diags.Warnings())...)
	// A corrupted file parses as an empty model with a warning, and an
	// empty file as an empty model: either way nothing is locked.
	if lock != nil && (lock.TomlVersion != "" || len(lock.Packages) > 0) {
		p.Lock = lock
	}
	return nil
}

// setTargetDir chooses the target directory.
func (p *Project) setTargetDir(flag string) error {
	switch {
	case flag != "":
		if !filepath.IsAbs(flag) {
			return fmt.Errorf("project: target directory %q is not absolute", flag)
		}
		p.TargetDir, p.TargetDirSource = filepath.Clean(flag), TargetFlag
	case p.Manifest.BuildOptions.TargetDir != "":
		dir := p.Manifest.BuildOptions.TargetDir
		if !filepath.IsAbs(dir) {
			dir = filepath.Join(p.Dir, dir)
		}
		p.TargetDir, p.TargetDirSource = filepath.Clean(dir), TargetManifest
	default:
		p.TargetDir, p.TargetDirSource = filepath.Join(p.Dir, TargetDirName), TargetDefault
	}
	return nil
}

// fileErrors returns a *FileErrors for the errors among diags, nil when
// there are none.
func fileErrors(file string, diags manifest.Diagnostics) error {
	errs := diags.Errors()
	if len(errs) == 0 {
		return nil
	}
	return &FileErrors{Summary: file + " contains errors", Diagnostics: fromManifest(errs)}
}

// fromManifest converts manifest diagnostics.
func fromManifest(ds manifest.Diagnostics) []Diagnostic {
	out := make([]Diagnostic, 0, len(ds))
	for _, d := range ds {
		pd := Diagnostic{Message: d.Message, Sites: []string{d.File}}
		if d.Pos.IsValid() {
			pd.Sites[0] += ":" + d.Pos.String()
		}
		if d.Severity == manifest.SeverityWarning {
			pd.Severity = SeverityWarning
		}
		out = append(out, pd)
	}
	return out
}
