package bala

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"strconv"
	"strings"

	"github.com/balcentral/balcentral/internal/manifest"
	"github.com/balcentral/balcentral/internal/version"
)

// File names of the metadata files at the root of an archive.
const (
	BalaJSONFile            = "bala.json"
	PackageJSONFile         = "package.json"
	DependencyGraphJSONFile = "dependency-graph.json"
)

// MaxMetadataFile is the largest metadata file the Read functions accept, in
// bytes. Real files are a few kilobytes; a large dependency graph stays well
// below a megabyte.
const MaxMetadataFile = 8 << 20

// The values current writers put in bala.json.
const (
	CurrentBalaVersion = "3.0.0"
	BuiltByWSO2        = "WSO2"
)

// AnyPlatform is the platform of a package that needs no particular backend.
const AnyPlatform = "any"

// ErrMissingField is wrapped by a *[MetadataError] for a required key that is
// absent, null or the empty string.
var ErrMissingField = errors.New("required field missing")

// ErrTooLarge is wrapped by a *[MetadataError] for a file larger than
// [MaxMetadataFile].
var ErrTooLarge = errors.New("file too large")

// A MetadataError reports a problem with one metadata file.
type MetadataError struct {
	File  string // the file name given to the Read or Marshal function
	Field string // the JSON path of the offending value, e.g. "modules[1].name"; "" for the file as a whole
	Err   error
}

// Error returns "file: field: message", or "file: message" without a field.
func (e *MetadataError) Error() string {
	if e.Field == "" {
		return e.File + ": " + e.Err.Error()
	}
	return e.File + ": " + e.Field + ": " + e.Err.Error()
}

// Unwrap returns e.Err.
func (e *MetadataError) Unwrap() error { return e.Err }

// ---------------------------------------------------------------------------
// bala.json

// BalaJSON is the content of bala.json: the archive format's version and its
// producer.
type BalaJSON struct {
	BalaVersion string `json:"bala_version"` // read from "balo_version" in the oldest archives
	BuiltBy     string `json:"built_by"`
}

// NewBalaJSON returns the bala.json current writers produce.
func NewBalaJSON() *BalaJSON {
	return &BalaJSON{BalaVersion: CurrentBalaVersion, BuiltBy: BuiltByWSO2}
}

// ReadBalaJSON parses bala.json. The version is required (from "bala_version"
// or, failing that, the old "balo_version"); "built_by" is optional.
func ReadBalaJSON(file string, data []byte) (*BalaJSON, error) {
	o, err := decodeObject(file, data)
	if err != nil {
		return nil, err
	}
	b := &BalaJSON{}
	if b.BalaVersion, err = o.str("bala_version"); err != nil {
		return nil, err
	}
	if b.BalaVersion == "" {
		if b.BalaVersion, err = o.str("balo_version"); err != nil {
			return nil, err
		}
	}
	if b.BuiltBy, err = o.str("built_by"); err != nil {
		return nil, err
	}
	if b.BalaVersion == "" {
		return nil, &MetadataError{File: file, Field: "bala_version", Err: ErrMissingField}
	}
	return b, nil
}

// MarshalBalaJSON returns bala.json in the reference format.
func MarshalBalaJSON(b *BalaJSON) ([]byte, error) {
	if b.BalaVersion == "" {
		return nil, &MetadataError{File: BalaJSONFile, Field: "bala_version", Err: ErrMissingField}
	}
	return marshal(b)
}

// ---------------------------------------------------------------------------
// package.json

// PackageJSON is the content of package.json. The JSON keys are those of the
// reference model (io.ballerina.projects.internal.bala.PackageJson), in its
// field order.
type PackageJSON struct {
	Organization string `json:"organization,omitempty"`
	Name         string `json:"name,omitempty"`
	Version      string `json:"version,omitempty"`

	Licenses         []string `json:"licenses,omitempty"`
	Authors          []string `json:"authors,omitempty"`
	SourceRepository string   `json:"source_repository,omitempty"`
	Keywords         []string `json:"keywords,omitempty"`
	// Export lists the exported modules. Deprecated upstream since 2.11 in
	// favour of Modules[].Export, and still written.
	Export     []string `json:"export,omitempty"`
	Include    []string `json:"include,omitempty"`
	Visibility string   `json:"visibility,omitempty"` // "private" when set
	Icon       string   `json:"icon,omitempty"`       // "docs/<file>.png"

	// BallerinaVersion is the short version of the distribution that built
	// the package, e.g. "2201.10.0"; old archives have "Ballerina 2.0.0" or
	// "slbeta6". It is not validated.
	BallerinaVersion     string `json:"ballerina_version,omitempty"`
	ImplementationVendor string `json:"implementation_vendor,omitempty"`
	LanguageSpecVersion  string `json:"language_spec_version,omitempty"`

	// Dependencies is a list of the reference model that current writers
	// leave empty; it is kept when present.
	Dependencies         []PackageRef         `json:"dependencies,omitempty"`
	Platform             string               `json:"platform,omitempty"` // "any", "java21", ...
	PlatformDependencies []PlatformDependency `json:"platformDependencies,omitempty"`
	// GraalVMCompatible is nil when the key is absent.
	GraalVMCompatible *bool `json:"graalvmCompatible,omitempty"`

	Template        bool   `json:"template"`
	TemplateVersion string `json:"template_version,omitempty"`

	Readme      string       `json:"readme,omitempty"` // "docs/README.md"
	Description string       `json:"description,omitempty"`
	Modules     []ModuleJSON `json:"modules,omitempty"`
}

// PackageRef names a package version in package.json "dependencies".
type PackageRef struct {
	Org     string `json:"org,omitempty"`
	Name    string `json:"name,omitempty"`
	Version string `json:"version,omitempty"`
}

// PlatformDependency is an entry of package.json "platformDependencies": a
// platform library copied into the archive (Path, and the Maven coordinates
// when known) or one of provided scope (coordinates and Scope "provided", no
// Path). Keys other than these five are dropped on reading.
type PlatformDependency struct {
	Path       string `json:"path,omitempty"` // "platform/java21/x.jar"
	ArtifactID string `json:"artifactId,omitempty"`
	GroupID    string `json:"groupId,omitempty"`
	Version    string `json:"version,omitempty"`
	Scope      string `json:"scope,omitempty"`
}

// ModuleJSON is an entry of package.json "modules".
type ModuleJSON struct {
	Name        string `json:"name,omitempty"` // the full module name, "pkg" or "pkg.sub"
	Export      bool   `json:"export"`
	Description string `json:"description,omitempty"`
	Readme      string `json:"readme,omitempty"` // "docs/modules/<name>/<file>"
}

// ReadPackageJSON parses and validates package.json.
func ReadPackageJSON(file string, data []byte) (*PackageJSON, error) {
	o, err := decodeObject(file, data)
	if err != nil {
		return nil, err
	}
	p := &PackageJSON{}
	strs := []struct {
		key string
		dst *string
	}{
		{"organization", &p.Organization}, {"name", &p.Name}, {"version", &p.Version},
		{"source_repository", &p.SourceRepository}, {"visibility", &p.Visibility}, {"icon", &p.Icon},
		{"ballerina_version", &p.BallerinaVersion}, {"implementation_vendor", &p.ImplementationVendor},
		{"language_spec_version", &p.LanguageSpecVersion}, {"platform", &p.Platform},
		{"template_version", &p.TemplateVersion}, {"readme", &p.Readme}, {"description", &p.Description},
	}
	for _, s := range strs {
		if *s.dst, err = o.str(s.key); err != nil {
			return nil, err
		}
	}
	lists := []struct {
		key string
		dst *[]string
	}{
		{"licenses", &p.Licenses}, {"authors", &p.Authors}, {"keywords", &p.Keywords},
		{"export", &p.Export}, {"include", &p.Include},
	}
	for _, l := range lists {
		if *l.dst, err = o.strs(l.key); err != nil {
			return nil, err
		}
	}
	if p.Template, _, err = o.boolean("template"); err != nil {
		return nil, err
	}
	if b, ok, err := o.boolean("graalvmCompatible"); err != nil {
		return nil, err
	} else if ok {
		p.GraalVMCompatible = &b
	}

	deps, err := o.objs("dependencies")
	if err != nil {
		return nil, err
	}
	for _, d := range deps {
		var r PackageRef
		if r.Org, err = d.str("org"); err != nil {
			return nil, err
		}
		if r.Name, err = d.str("name"); err != nil {
			return nil, err
		}
		if r.Version, err = d.str("version"); err != nil {
			return nil, err
		}
		p.Dependencies = append(p.Dependencies, r)
	}
	pds, err := o.objs("platformDependencies")
	if err != nil {
		return nil, err
	}
	for _, d := range pds {
		var pd PlatformDependency
		for _, s := range []struct {
			key string
			dst *string
		}{{"path", &pd.Path}, {"artifactId", &pd.ArtifactID}, {"groupId", &pd.GroupID}, {"version", &pd.Version}, {"scope", &pd.Scope}} {
			if *s.dst, err = d.str(s.key); err != nil {
				return nil, err
			}
		}
		p.PlatformDependencies = append(p.PlatformDependencies, pd)
	}
	mods, err := o.objs("modules")
	if err != nil {
		return nil, err
	}
	for _, m := range mods {
		var mj ModuleJSON
		if mj.Name, err = m.str("name"); err != nil {
			return nil, err
		}
		if mj.Export, _, err = m.boolean("export"); err != nil {
			return nil, err
		}
		if mj.Description, err = m.str("description"); err != nil {
			return nil, err
		}
		if mj.Readme, err = m.str("readme"); err != nil {
			return nil, err
		}
		p.Modules = append(p.Modules, mj)
	}
	if err := p.check(file); err != nil {
		return nil, err
	}
	return p, nil
}

// MarshalPackageJSON validates p and returns package.json in the reference
// format.
func MarshalPackageJSON(p *PackageJSON) ([]byte, error) {
	if err := p.check(PackageJSONFile); err != nil {
		return nil, err
	}
	return marshal(p)
}

// check validates the identity, the platform and the module names.
func (p *PackageJSON) check(file string) error {
	if err := checkIdentity(file, "", "organization", "name", "version", p.Organization, p.Name, p.Version); err != nil {
		return err
	}
	if p.Platform != "" && !IsValidPlatform(p.Platform) {
		return &MetadataError{File: file, Field: "platform", Err: fmt.Errorf("invalid platform %q", p.Platform)}
	}
	for i, m := range p.Modules {
		field := "modules[" + strconv.Itoa(i) + "].name"
		if m.Name == "" {
			return &MetadataError{File: file, Field: field, Err: ErrMissingField}
		}
		if err := checkModuleName(p.Name, m.Name); err != nil {
			return &MetadataError{File: file, Field: field, Err: err}
		}
	}
	return nil
}

// IsValidPlatform reports whether s can be a platform: "any" or a backend
// target such as "java21", that is one or more ASCII lower-case letters and
// digits starting with a letter. The rule keeps platform names safe as
// directory names.
func IsValidPlatform(s string) bool {
	if s == "" || s[0] < 'a' || s[0] > 'z' || len(s) > 32 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; !('a' <= c && c <= 'z' || '0' <= c && c <= '9') {
			return false
		}
	}
	return true
}

// checkModuleName reports whether module is a module name of package pkg:
// the package name itself or "pkg.sub" with a non-empty suffix of letters,
// digits, underscores and periods, neither starting nor ending with a period.
func checkModuleName(pkg, module string) error {
	if module == pkg {
		return nil
	}
	sub, ok := strings.CutPrefix(module, pkg+".")
	if !ok {
		return fmt.Errorf("module %q is not in package %q", module, pkg)
	}
	if sub == "" || strings.HasPrefix(sub, ".") || strings.HasSuffix(sub, ".") || strings.Contains(sub, "..") {
		return fmt.Errorf("invalid module name %q", module)
	}
	for i := 0; i < len(sub); i++ {
		c := sub[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '_' || c == '.') {
			return fmt.Errorf("invalid module name %q", module)
		}
	}
	return nil
}

// ---------------------------------------------------------------------------
// dependency-graph.json

// DependencyGraph is the content of dependency-graph.json.
type DependencyGraph struct {
	// Packages are the non-test packages of the resolved graph, the
	// package itself included, each with its direct dependencies.
	Packages []GraphPackage
	// Modules are the modules of the package, each with the modules it
	// imports (test-only imports excluded).
	Modules []GraphModule
}

// GraphPackage is an entry of "packages".
type GraphPackage struct {
	Org, Name, Version string
	Dependencies       []PackageRef
}

// GraphModule is an entry of "modules".
type GraphModule struct {
	Org, PackageName, Version, ModuleName string
	Dependencies                          []ModuleRef
}

// ModuleRef names a module of a package version.
type ModuleRef struct {
	Org, PackageName, Version, ModuleName string
}

// ReadDependencyGraphJSON parses and validates dependency-graph.json. Both
// lists are optional.
func ReadDependencyGraphJSON(file string, data []byte) (*DependencyGraph, error) {
	o, err := decodeObject(file, data)
	if err != nil {
		return nil, err
	}
	g := &DependencyGraph{}
	pkgs, err := o.objs("packages")
	if err != nil {
		return nil, err
	}
	for _, po := range pkgs {
		var gp GraphPackage
		if gp.Org, gp.Name, gp.Version, err = po.packageRef(); err != nil {
			return nil, err
		}
		deps, err := po.objs("dependencies")
		if err != nil {
			return nil, err
		}
		for _, do := range deps {
			var r PackageRef
			if r.Org, r.Name, r.Version, err = do.packageRef(); err != nil {
				return nil, err
			}
			gp.Dependencies = append(gp.Dependencies, r)
		}
		g.Packages = append(g.Packages, gp)
	}
	mods, err := o.objs("modules")
	if err != nil {
		return nil, err
	}
	for _, mo := range mods {
		var gm GraphModule
		if gm.Org, gm.PackageName, gm.Version, gm.ModuleName, err = mo.moduleRef(); err != nil {
			return nil, err
		}
		deps, err := mo.objs("dependencies")
		if err != nil {
			return nil, err
		}
		for _, do := range deps {
			var r ModuleRef
			if r.Org, r.PackageName, r.Version, r.ModuleName, err = do.moduleRef(); err != nil {
				return nil, err
			}
			gm.Dependencies = append(gm.Dependencies, r)
		}
		g.Modules = append(g.Modules, gm)
	}
	if err := g.check(file); err != nil {
		return nil, err
	}
	return g, nil
}

// MarshalDependencyGraphJSON validates g and returns dependency-graph.json in
// the reference format (see the package documentation for the keys every
// entry carries).
func MarshalDependencyGraphJSON(g *DependencyGraph) ([]byte, error) {
	if err := g.check(DependencyGraphJSONFile); err != nil {
		return nil, err
	}
	w := wireGraph{Packages: []wirePackage{}, Modules: []wireModule{}}
	for _, p := range g.Packages {
		wp := newWirePackage(p.Org, p.Name, p.Version)
		for _, d := range p.Dependencies {
			wp.Dependencies = append(wp.Dependencies, newWirePackage(d.Org, d.Name, d.Version))
		}
		w.Packages = append(w.Packages, wp)
	}
	for _, m := range g.Modules {
		wm := wireModule{Org: m.Org, PackageName: m.PackageName, Version: m.Version, ModuleName: m.ModuleName, Dependencies: []wireModule{}}
		for _, d := range m.Dependencies {
			wm.Dependencies = append(wm.Dependencies, wireModule{
				Org: d.Org, PackageName: d.PackageName, Version: d.Version, ModuleName: d.ModuleName, Dependencies: []wireModule{},
			})
		}
		w.Modules = append(w.Modules, wm)
	}
	return marshal(w)
}

// check validates every package and module named in g.
func (g *DependencyGraph) check(file string) error {
	for i, p := range g.Packages {
		prefix := "packages[" + strconv.Itoa(i) + "]."
		if err := checkIdentity(file, prefix, "org", "name", "version", p.Org, p.Name, p.Version); err != nil {
			return err
		}
		for j, d := range p.Dependencies {
			dprefix := prefix + "dependencies[" + strconv.Itoa(j) + "]."
			if err := checkIdentity(file, dprefix, "org", "name", "version", d.Org, d.Name, d.Version); err != nil {
				return err
			}
		}
	}
	checkModule := func(prefix string, r ModuleRef) error {
		if err := checkIdentity(file, prefix, "org", "package_name", "version", r.Org, r.PackageName, r.Version); err != nil {
			return err
		}
		if r.ModuleName == "" {
			return &MetadataError{File: file, Field: prefix + "module_name", Err: ErrMissingField}
		}
		if err := checkModuleName(r.PackageName, r.ModuleName); err != nil {
			return &MetadataError{File: file, Field: prefix + "module_name", Err: err}
		}
		return nil
	}
	for i, m := range g.Modules {
		prefix := "modules[" + strconv.Itoa(i) + "]."
		if err := checkModule(prefix, ModuleRef{m.Org, m.PackageName, m.Version, m.ModuleName}); err != nil {
			return err
		}
		for j, d := range m.Dependencies {
			if err := checkModule(prefix+"dependencies["+strconv.Itoa(j)+"].", d); err != nil {
				return err
			}
		}
	}
	return nil
}

// The wire form of dependency-graph.json, in the reference classes' field
// order. Every slice is non-nil so that it is written as [] when empty.
type wireGraph struct {
	Packages []wirePackage `json:"packages"`
	Modules  []wireModule  `json:"modules"`
}

type wirePackage struct {
	Org          string        `json:"org"`
	Name         string        `json:"name"`
	Version      string        `json:"version"`
	Transitive   bool          `json:"transitive"`
	Dependencies []wirePackage `json:"dependencies"`
	Modules      []struct{}    `json:"modules"`
}

func newWirePackage(org, name, ver string) wirePackage {
	return wirePackage{Org: org, Name: name, Version: ver, Dependencies: []wirePackage{}, Modules: []struct{}{}}
}

type wireModule struct {
	Org          string       `json:"org"`
	PackageName  string       `json:"package_name"`
	Version      string       `json:"version"`
	ModuleName   string       `json:"module_name"`
	Dependencies []wireModule `json:"dependencies"`
}

// ---------------------------------------------------------------------------
// Shared validation and encoding

// checkIdentity validates an organization, a package name and a version,
// reporting the first problem under the given keys.
func checkIdentity(file, prefix, orgKey, nameKey, verKey, org, name, ver string) error {
	switch {
	case org == "":
		return &MetadataError{File: file, Field: prefix + orgKey, Err: ErrMissingField}
	case name == "":
		return &MetadataError{File: file, Field: prefix + nameKey, Err: ErrMissingField}
	case ver == "":
		return &MetadataError{File: file, Field: prefix + verKey, Err: ErrMissingField}
	}
	if err := manifest.CheckPackage(org, name); err != nil {
		key := nameKey
		var ne *manifest.NameError
		if errors.As(err, &ne) && ne.Kind == manifest.OrgName {
			key = orgKey
		}
		return &MetadataError{File: file, Field: prefix + key, Err: err}
	}
	if _, err := version.Parse(ver); err != nil {
		return &MetadataError{File: file, Field: prefix + verKey, Err: err}
	}
	return nil
}

// marshal encodes v as Gson's pretty printer does: two-space indentation and
// HTML-safe escaping. encoding/json already escapes <, > and & (and U+2028,
// U+2029) the same way; Gson also escapes = and '. Outside strings the
// output holds only structural characters, literals and numbers, so every =
// and ' in it belongs to a string.
func marshal(v any) ([]byte, error) {
	data, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return nil, err
	}
	if bytes.IndexAny(data, "='") < 0 {
		return data, nil
	}
	out := make([]byte, 0, len(data)+32)
	for _, c := range data {
		switch c {
		case '=':
			out = append(out, `\u003d`...)
		case '\'':
			out = append(out, `\u0027`...)
		default:
			out = append(out, c)
		}
	}
	return out, nil
}

// object is a decoded JSON object with the file name and path used in
// errors. Its accessors treat an absent key and null alike.
type object struct {
	file, path string
	m          map[string]any
}

// decodeObject parses data as one JSON object.
func decodeObject(file string, data []byte) (object, error) {
	if len(data) > MaxMetadataFile {
		return object{}, &MetadataError{File: file, Err: fmt.Errorf("%w: %d bytes, limit %d", ErrTooLarge, len(data), MaxMetadataFile)}
	}
	var v any
	if err := json.Unmarshal(data, &v); err != nil {
		return object{}, &MetadataError{File: file, Err: fmt.Errorf("invalid JSON: %v", err)}
	}
	m, ok := v.(map[string]any)
	if !ok {
		return object{}, &MetadataError{File: file, Err: fmt.Errorf("expected a JSON object, found %s", jsonKind(v))}
	}
	return object{file: file, m: m}, nil
}

func (o object) field(key string) string {
	if o.path == "" {
		return key
	}
	return o.path + "." + key
}

func (o object) typeError(key, want string, got any) error {
	return &MetadataError{File: o.file, Field: o.field(key), Err: fmt.Errorf("expected %s, found %s", want, jsonKind(got))}
}

// str returns the string under key, "" when absent or null.
func (o object) str(key string) (string, error) {
	v, ok := o.m[key]
	if !ok || v == nil {
		return "", nil
	}
	s, ok := v.(string)
	if !ok {
		return "", o.typeError(key, "a string", v)
	}
	return s, nil
}

// boolean returns the boolean under key and whether it is present.
func (o object) boolean(key string) (value, present bool, err error) {
	v, ok := o.m[key]
	if !ok || v == nil {
		return false, false, nil
	}
	b, ok := v.(bool)
	if !ok {
		return false, false, o.typeError(key, "a boolean", v)
	}
	return b, true, nil
}

// list returns the array under key, nil when absent, null or empty.
func (o object) list(key string) ([]any, error) {
	v, ok := o.m[key]
	if !ok || v == nil {
		return nil, nil
	}
	a, ok := v.([]any)
	if !ok {
		return nil, o.typeError(key, "an array", v)
	}
	return a, nil
}

// strs returns the array of strings under key. A null element reads as ""
// (Gson writes an empty string inside an array as null).
func (o object) strs(key string) ([]string, error) {
	a, err := o.list(key)
	if err != nil || len(a) == 0 {
		return nil, err
	}
	out := make([]string, len(a))
	for i, v := range a {
		if v == nil {
			continue
		}
		s, ok := v.(string)
		if !ok {
			return nil, o.typeError(key+"["+strconv.Itoa(i)+"]", "a string", v)
		}
		out[i] = s
	}
	return out, nil
}

// objs returns the array of objects under key.
func (o object) objs(key string) ([]object, error) {
	a, err := o.list(key)
	if err != nil || len(a) == 0 {
		return nil, err
	}
	out := make([]object, len(a))
	for i, v := range a {
		elem := key + "[" + strconv.Itoa(i) + "]"
		m, ok := v.(map[string]any)
		if !ok {
			return nil, o.typeError(elem, "an object", v)
		}
		out[i] = object{file: o.file, path: o.field(elem), m: m}
	}
	return out, nil
}

// packageRef reads the "org", "name" and "version" keys.
func (o object) packageRef() (org, name, ver string, err error) {
	if org, err = o.str("org"); err != nil {
		return
	}
	if name, err = o.str("name"); err != nil {
		return
	}
	ver, err = o.str("version")
	return
}

// moduleRef reads the "org", "package_name", "version" and "module_name"
// keys.
func (o object) moduleRef() (org, pkg, ver, module string, err error) {
	if org, err = o.str("org"); err != nil {
		return
	}
	if pkg, err = o.str("package_name"); err != nil {
		return
	}
	if ver, err = o.str("version"); err != nil {
		return
	}
	module, err = o.str("module_name")
	return
}

// jsonKind names the JSON type of a decoded value.
func jsonKind(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case string:
		return "a string"
	case bool:
		return "a boolean"
	case float64:
		return "a number"
	case []any:
		return "an array"
	case map[string]any:
		return "an object"
	}
	return reflect.TypeOf(v).String()
}
