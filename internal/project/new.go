// Package project creates and inspects Ballerina package directories.
//
// # Creating a package
//
// [New] implements `bal new`: it turns a directory (new, or existing without
// package files) into a Ballerina package built from a built-in template.
//
//   - The package is named after the last element of the destination path. A
//     name that is not a valid package name is rewritten by [GuessPackageName]
//     and the caller is warned; a name still invalid after that is an error.
//   - The destination must not be a package, lie inside one, or contain one.
//     A missing destination needs an existing parent directory.
//   - Nothing is left half-written: a new destination is assembled in a hidden
//     sibling directory and renamed into place; files added to an existing
//     directory are removed again when a later step fails.
//   - Files are created with mode 0644 and directories with 0755, less the
//     umask.
//
// # Templates
//
// default: Ballerina.toml (with [build-options] observabilityIncluded = true)
// and main.bal, which is left out when the directory already has .bal files.
// main: the same plus tests/main_test.bal. service: an HTTP service.bal and
// tests/service_test.bal. lib: a manifest without [build-options], README.md,
// <package>.bal with a documented public function hello, tests/lib_test.bal
// and an empty resources directory. Every template also writes .gitignore and
// .devcontainer.json, keeping any such file that already has content.
package project

import (
	"bytes"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"syscall"
	"text/template"

	"github.com/balcentral/balcentral/internal/manifest"
)

// Built-in templates of bal new.
const (
	TemplateDefault = "default"
	TemplateMain    = "main"
	TemplateService = "service"
	TemplateLib     = "lib"
)

// Templates lists the built-in templates in the order help texts show them.
var Templates = []string{TemplateDefault, TemplateMain, TemplateService, TemplateLib}

const (
	// InitialVersion is the version a new package starts at.
	InitialVersion = "0.1.0"
	// DefaultOrg is the organization used when the user name is unknown.
	DefaultOrg = "my_org"

	manifestFile = "Ballerina.toml"
)

// NewOptions says what [New] creates and where.
type NewOptions struct {
	// Path is the absolute path of the package directory. Its last element
	// names the package.
	Path string
	// Template is one of [Templates]; "" means [TemplateDefault].
	Template string
	// Org is the organization written to Ballerina.toml, normally
	// GuessOrgName of the user name; "" means [DefaultOrg].
	Org string
	// Distribution is the short distribution version written as
	// [package] distribution, e.g. "2201.13.0".
	Distribution string
}

// NewResult describes the package [New] created.
type NewResult struct {
	// Path is the package directory (NewOptions.Path, cleaned).
	Path string
	// Org and Name are the organization and package name in Ballerina.toml.
	Org, Name string
	// Template is the template used.
	Template string
	// Created lists the files and directories written, as sorted
	// slash-separated paths relative to Path.
	Created []string
	// Warnings are messages for the user, such as the package name having
	// been derived from an invalid directory name.
	Warnings []string
}

// ErrNoPackageName is returned when the destination has no last element to
// name the package after, as for a file system root.
var ErrNoPackageName = errors.New("package name could not be derived")

// DestinationError reports a destination bal new cannot use at all: a path
// that exists but is not a directory, or one whose parent is missing.
// Commands print their usage line with it.
type DestinationError struct {
	// Path is the offending path: the destination or its parent.
	Path string
	// Problem is "already exists", "does not exist" or "is not a directory".
	Problem string
}

func (e *DestinationError) Error() string {
	return fmt.Sprintf("destination '%s' %s.", e.Path, e.Problem)
}

// New creates a package as described by opts.
func New(opts NewOptions) (*NewResult, error) {
	tmpl := opts.Template
	if tmpl == "" {
		tmpl = TemplateDefault
	}
	if err := checkTemplate(tmpl); err != nil {
		return nil, err
	}
	if !filepath.IsAbs(opts.Path) {
		return nil, fmt.Errorf("project: destination %q is not an absolute path", opts.Path)
	}
	if opts.Distribution == "" {
		return nil, errors.New("project: no distribution version given")
	}
	org := opts.Org
	if org == "" {
		org = DefaultOrg
	}

	dest := filepath.Clean(opts.Path)
	parent := filepath.Dir(dest)
	if parent == dest {
		return nil, ErrNoPackageName
	}
	dirName := filepath.Base(dest)

	// Upstream rejects an overlong directory name before anything else,
	// rather than guessing a shorter name.
	var nameErr *manifest.NameError
	if errors.As(manifest.CheckPackageName(dirName), &nameErr) && nameErr.Problem == manifest.NameTooLong {
		return nil, fmt.Errorf("invalid package name : '%s' :\n%s", dirName, nameErr.NewCommandMessage())
	}
	exists, err := checkDestination(dest, tmpl)
	if err != nil {
		return nil, err
	}
	if root, ok := enclosingPackage(parent); ok {
		return nil, fmt.Errorf("directory is already within the Ballerina project '%s'", root)
	}

	res := &NewResult{Path: dest, Org: org, Template: tmpl}
	res.Name = dirName
	if ValidatePackageName(dirName) != nil {
		res.Name = GuessPackageName(dirName, tmpl)
		if err := ValidatePackageName(res.Name); err != nil {
			return nil, fmt.Errorf("invalid package name : '%s' :\n%v", res.Name, err)
		}
		res.Warnings = append(res.Warnings,
			fmt.Sprintf("Package name is derived as '%s'. Edit the Ballerina.toml to change it.", res.Name))
	}

	balFiles := false
	if exists {
		if err := checkTemplateFiles(dest, tmpl); err != nil {
			return nil, err
		}
		if balFiles, err = hasBalFiles(dest); err != nil {
			return nil, err
		}
	}
	entries, err := templateEntries(tmpl, res.Org, res.Name, opts.Distribution, balFiles)
	if err != nil {
		return nil, err
	}
	if exists {
		res.Created, err = writeInPlace(dest, entries)
	} else {
		res.Created, err = writeStaged(dest, entries)
	}
	if err != nil {
		return nil, fmt.Errorf("error occurred while creating project : %w", err)
	}
	slices.Sort(res.Created)
	return res, nil
}

// checkTemplate reports whether name is a template New can apply.
func checkTemplate(name string) error {
	switch {
	case slices.Contains(Templates, name):
		return nil
	case strings.Contains(name, "/"):
		return fmt.Errorf("templates from Ballerina Central ('%s') are not supported yet; use one of the built-in templates: %s",
			name, strings.Join(Templates, ", "))
	case name == "tool":
		return fmt.Errorf("the 'tool' template is not supported yet; use one of the built-in templates: %s",
			strings.Join(Templates, ", "))
	default:
		return fmt.Errorf("template not found: '%s'. The built-in templates are: %s", name, strings.Join(Templates, ", "))
	}
}

// checkDestination checks dest before anything is written and reports
// whether it exists as a directory.
func checkDestination(dest, tmpl string) (exists bool, err error) {
	fi, err := os.Stat(dest)
	if err != nil {
		parent := filepath.Dir(dest)
		pfi, perr := os.Stat(parent)
		switch {
		case errors.Is(perr, fs.ErrNotExist) || errors.Is(perr, syscall.ENOTDIR):
			return false, &DestinationError{Path: parent, Problem: "does not exist"}
		case perr != nil:
			return false, perr
		case !pfi.IsDir():
			return false, &DestinationError{Path: parent, Problem: "is not a directory"}
		case !errors.Is(err, fs.ErrNotExist):
			return false, err
		}
		return false, nil
	}
	if !fi.IsDir() {
		return false, &DestinationError{Path: dest, Problem: "already exists"}
	}

	if isPackageDir(dest) {
		return true, errors.New("directory is already a Ballerina project.")
	}
	found, err := containsManifest(dest)
	if err != nil {
		return true, fmt.Errorf("error occurred while looking for existing package files: %w", err)
	}
	if found {
		return true, errors.New("directory already contains a Ballerina project")
	}
	if tmpl == TemplateDefault {
		// The default template adapts: it keeps existing sources and files.
		return true, nil
	}
	var clash []string
	for _, name := range []string{"Dependencies.toml", "BalTool.toml", "Package.md", "Module.md", "modules", "tests"} {
		if _, err := os.Lstat(filepath.Join(dest, name)); err == nil {
			clash = append(clash, name)
		}
	}
	if len(clash) > 0 {
		return true, existingFilesError(clash)
	}
	bal, err := hasBalFiles(dest)
	if err != nil {
		return true, fmt.Errorf("error occurred while looking for existing package files: %w", err)
	}
	if bal {
		return true, errors.New("existing .bal files found. Please use a different directory or remove existing files.")
	}
	return true, nil
}

// checkTemplateFiles rejects an existing directory that already holds one of
// the top-level directories the template creates.
func checkTemplateFiles(dest, tmpl string) error {
	var dirs []string
	switch tmpl {
	case TemplateMain, TemplateService:
		dirs = []string{"tests"}
	case TemplateLib:
		dirs = []string{"resources", "tests"}
	}
	var clash []string
	for _, name := range dirs {
		if _, err := os.Lstat(filepath.Join(dest, name)); err == nil {
			clash = append(clash, name)
		}
	}
	if len(clash) > 0 {
		return existingFilesError(clash)
	}
	return nil
}

func existingFilesError(names []string) error {
	return fmt.Errorf("existing %s file/directory(s) were found. Please use a different directory or remove existing files.",
		strings.Join(names, ", "))
}

// isPackageDir reports whether dir holds a Ballerina.toml file.
func isPackageDir(dir string) bool {
	fi, err := os.Stat(filepath.Join(dir, manifestFile))
	return err == nil && fi.Mode().IsRegular()
}

// enclosingPackage returns the closest directory at or above dir that is a
// package.
func enclosingPackage(dir string) (string, bool) {
	for {
		if isPackageDir(dir) {
			return dir, true
		}
		up := filepath.Dir(dir)
		if up == dir {
			return "", false
		}
		dir = up
	}
}

// containsManifest reports whether a Ballerina.toml exists anywhere below dir.
func containsManifest(dir string) (bool, error) {
	found := false
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			if p != dir && errors.Is(err, fs.ErrPermission) {
				return fs.SkipDir
			}
			return err
		}
		if !d.IsDir() && d.Name() == manifestFile {
			found = true
			return fs.SkipAll
		}
		return nil
	})
	return found, err
}

// hasBalFiles reports whether dir directly contains a .bal file.
func hasBalFiles(dir string) (bool, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return false, err
	}
	for _, e := range entries {
		if strings.HasSuffix(e.Name(), ".bal") {
			return true, nil
		}
	}
	return false, nil
}

var (
	orgInvalidChars = regexp.MustCompile(`[^a-zA-Z0-9_]`)
	pkgInvalidChars = regexp.MustCompile(`[^a-zA-Z0-9_.]`)
)

// GuessOrgName derives an organization name from a user name: every
// character other than an ASCII letter, digit or underscore becomes "_" and
// the result is lower-cased. An empty user name gives [DefaultOrg].
func GuessOrgName(userName string) string {
	if userName == "" {
		return DefaultOrg
	}
	return strings.ToLower(orgInvalidChars.ReplaceAllString(userName, "_"))
}

// GuessPackageName derives a package name from a directory name, the way the
// reference CLI does: every character other than an ASCII letter, digit,
// underscore or period becomes "_"; a leading digit gets the prefix "lib"
// for the lib template and "app" otherwise; then one leading underscore is
// dropped, each "__" becomes "_", and one trailing underscore is dropped.
// The result can still be invalid (for "__x" it is "_x"); check it with
// [ValidatePackageName].
func GuessPackageName(dirName, template string) string {
	name := pkgInvalidChars.ReplaceAllString(dirName, "_")
	if name != "" && name[0] >= '0' && name[0] <= '9' {
		if template == TemplateLib {
			name = "lib" + name
		} else {
			name = "app" + name
		}
	}
	name = strings.TrimPrefix(name, "_")
	name = strings.ReplaceAll(name, "__", "_")
	name = strings.TrimSuffix(name, "_")
	return name
}

// ValidatePackageName returns an error, worded as bal new words it, when
// name is not a valid package name by the rules Ballerina.toml is checked
// with ([manifest.CheckPackageName]).
func ValidatePackageName(name string) error {
	var nameErr *manifest.NameError
	if errors.As(manifest.CheckPackageName(name), &nameErr) {
		return errors.New(nameErr.NewCommandMessage())
	}
	return nil
}

// entry is one file or directory of a template, relative to the package
// root.
type entry struct {
	rel  string // slash-separated
	dir  bool
	data []byte
	// keep leaves an existing non-empty file alone; an existing empty one is
	// filled in.
	keep bool
}

//go:embed templates
var templateFS embed.FS

// templateData is what the template files may refer to.
type templateData struct {
	Org, Name    string
	Prefix       string // the module prefix of the package in an import
	Distribution string
}

// templateEntries lists what tmpl writes, parents before children.
// skipMain leaves main.bal out of the default template.
func templateEntries(tmpl, org, name, dist string, skipMain bool) ([]entry, error) {
	data := templateData{Org: org, Name: name, Prefix: name[strings.LastIndex(name, ".")+1:], Distribution: dist}
	render := func(file string) ([]byte, error) {
		src, err := templateFS.ReadFile(path.Join("templates", file))
		if err != nil {
			return nil, err
		}
		t, err := template.New(file).Option("missingkey=error").Parse(string(src))
		if err != nil {
			return nil, err
		}
		var buf bytes.Buffer
		if err := t.Execute(&buf, data); err != nil {
			return nil, err
		}
		return buf.Bytes(), nil
	}

	var entries []entry
	var err error
	add := func(rel, file string, keep bool) {
		if err != nil {
			return
		}
		var b []byte
		if b, err = render(file); err == nil {
			entries = append(entries, entry{rel: rel, data: b, keep: keep})
		}
	}
	addDir := func(rel string) { entries = append(entries, entry{rel: rel, dir: true}) }

	entries = append(entries, entry{rel: manifestFile, data: manifestText(tmpl, org, name, dist)})
	switch tmpl {
	case TemplateDefault:
		if !skipMain {
			add("main.bal", "default/main.bal", false)
		}
	case TemplateMain:
		add("main.bal", "default/main.bal", false)
		addDir("tests")
		add("tests/main_test.bal", "main/tests/main_test.bal", false)
	case TemplateService:
		add("service.bal", "service/service.bal", false)
		addDir("tests")
		add("tests/service_test.bal", "service/tests/service_test.bal", false)
	case TemplateLib:
		add(name+".bal", "lib/lib.bal", false)
		add("README.md", "lib/README.md", true)
		addDir("resources")
		addDir("tests")
		add("tests/lib_test.bal", "lib/tests/lib_test.bal", false)
	}
	add(".gitignore", "gitignore", true)
	add(".devcontainer.json", "devcontainer.json", true)
	return entries, err
}

// manifestText returns the Ballerina.toml of a new package. Names are quoted
// as-is: valid package and organization names need no escaping.
func manifestText(tmpl, org, name, dist string) []byte {
	var b strings.Builder
	fmt.Fprintf(&b, "[package]\norg = %q\nname = %q\nversion = %q\ndistribution = %q\n", org, name, InitialVersion, dist)
	if tmpl != TemplateLib {
		b.WriteString("\n[build-options]\nobservabilityIncluded = true\n")
	}
	return []byte(b.String())
}

// writeStaged creates the directory dest holding entries: it fills a hidden
// sibling directory and renames it to dest, so dest either appears complete
// or not at all.
func writeStaged(dest string, entries []entry) (created []string, err error) {
	var stage string
	for range 10 {
		// Short, so that it fits wherever a package name of the maximum
		// length fits.
		stage = filepath.Join(filepath.Dir(dest), fmt.Sprintf(".bal-new-%08x", rand.Uint32()))
		if err = os.Mkdir(stage, 0o755); !errors.Is(err, fs.ErrExist) {
			break
		}
	}
	if err != nil {
		return nil, err
	}
	defer func() {
		if err != nil {
			os.RemoveAll(stage)
		}
	}()
	for _, e := range entries {
		p := filepath.Join(stage, filepath.FromSlash(e.rel))
		if e.dir {
			err = os.Mkdir(p, 0o755)
		} else {
			err = os.WriteFile(p, e.data, 0o644)
		}
		if err != nil {
			return nil, err
		}
		created = append(created, e.rel)
	}
	if err = os.Rename(stage, dest); err != nil {
		return nil, err
	}
	return created, nil
}

// writeInPlace adds entries to the existing directory dest. When a step
// fails, what was already written is undone.
func writeInPlace(dest string, entries []entry) (created []string, err error) {
	var undo []func()
	defer func() {
		if err != nil {
			for i := len(undo) - 1; i >= 0; i-- {
				undo[i]()
			}
		}
	}()
	for _, e := range entries {
		p := filepath.Join(dest, filepath.FromSlash(e.rel))
		if e.dir {
			if err = os.Mkdir(p, 0o755); err != nil {
				return nil, err
			}
			undo = append(undo, func() { os.Remove(p) })
			created = append(created, e.rel)
			continue
		}
		if e.keep {
			if fi, statErr := os.Lstat(p); statErr == nil {
				if !fi.Mode().IsRegular() || fi.Size() > 0 {
					continue
				}
				if err = os.WriteFile(p, e.data, 0o644); err != nil {
					return nil, err
				}
				undo = append(undo, func() { os.Truncate(p, 0) })
				created = append(created, e.rel)
				continue
			}
		}
		if err = createFile(p, e.data); err != nil {
			return nil, err
		}
		undo = append(undo, func() { os.Remove(p) })
		created = append(created, e.rel)
	}
	return created, nil
}

// createFile writes a file that must not exist yet.
func createFile(p string, data []byte) error {
	f, err := os.OpenFile(p, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return err
	}
	_, err = f.Write(data)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(p)
	}
	return err
}
