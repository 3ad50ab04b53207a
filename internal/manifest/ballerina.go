package manifest

import (
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/balcentral/balcentral/internal/version"
)

// DefaultVersion is the version a package gets when Ballerina.toml has no
// valid [package] version.
const DefaultVersion = "0.1.0"

// PackageDefaults are the values used for a missing or invalid [package]
// org, name or version. The caller supplies them because they depend on the
// environment: the reference implementation derives Org from the user name
// and Name from the package directory, and uses DefaultVersion. An empty
// field is replaced by "my_org", "my_package" or DefaultVersion.
type PackageDefaults struct {
	Org, Name, Version string
}

func (d PackageDefaults) withFallbacks() PackageDefaults {
	if d.Org == "" {
		d.Org = "my_org"
	}
	if d.Name == "" {
		d.Name = "my_package"
	}
	if d.Version == "" {
		d.Version = DefaultVersion
	}
	return d
}

// BallerinaToml is a parsed Ballerina.toml.
type BallerinaToml struct {
	// Package is the [package] table. Its Org, Name and Version are always
	// usable: a missing or invalid value is replaced by the default (see
	// PackageDescriptor).
	Package PackageDescriptor
	// HasPackageTable reports whether the file has a [package] table.
	HasPackageTable bool
	// Dependencies are the well-formed [[dependency]] entries, in file order.
	// An entry with an error (a missing or invalid org, name or version, an
	// unknown key) is diagnosed and left out, as the reference
	// implementation leaves out an entry with an invalid version.
	Dependencies []Dependency
	// Platforms maps a platform key of [platform] ("java21", ...) to its
	// table. It is never nil.
	Platforms map[string]*Platform
	// BuildOptions is [build-options].
	BuildOptions BuildOptions
	// Format is [format].
	Format Format
	// Tools are the [[tool.<id>]] entries, in file order.
	Tools []Tool
}

// PackageID returns the package's organization, name and version.
func (b *BallerinaToml) PackageID() (org, name, version string) {
	return b.Package.Org, b.Package.Name, b.Package.Version
}

// ExportedModules returns the names of the modules the package exports, the
// way the reference implementation computes them for a package laid out
// with README.md files: the names listed in [package] export, then the
// default module (the package name), then each [[package.modules]] entry
// with export = true, without repetitions. (For an old-style package with a
// Package.md and no readme key, upstream uses [package] export alone.)
func (b *BallerinaToml) ExportedModules() []string {
	seen := make(map[string]bool)
	var out []string
	add := func(s string) {
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	for _, s := range b.Package.Export {
		add(s)
	}
	add(b.Package.Name)
	for _, m := range b.Package.Modules {
		if m.Export {
			add(m.Name)
		}
	}
	return out
}

// PackageDescriptor is the [package] table.
//
// Org, Name and Version hold the values the package is built with. When a
// key is missing, or its value is of the wrong type or breaks a rule, they
// hold the corresponding PackageDefaults value instead, the matching
// ...Defaulted field is set, and the problem is diagnosed (a missing key with
// a warning, a bad value with an error). This is what the reference
// implementation does. A package name made only of periods is accepted by
// the schema but replaced by the default all the same, without a
// diagnostic, again like the reference implementation.
type PackageDescriptor struct {
	Org, Name, Version                            string
	OrgPos, NamePos, VersionPos                   Pos // where the value is written; zero when the key is missing
	OrgDefaulted, NameDefaulted, VersionDefaulted bool

	License, Authors, Keywords []string
	Repository                 string
	Distribution               string
	Visibility                 string // "" or "private"
	Icon                       string // a path ending in "png"; existence is not checked
	IconPos                    Pos
	Readme                     string // a path ending in ".md"; existence is not checked
	ReadmePos                  Pos
	Description                string
	Template                   bool
	Export                     []string // deprecated upstream in favour of [[package.modules]] export
	Include                    []string
	Modules                    []ModuleDescriptor

	Pos Pos // the [package] header; zero without one
}

// ModuleDescriptor is one [[package.modules]] entry. Entries without a
// (string) name are diagnosed and left out.
type ModuleDescriptor struct {
	Name        string
	Readme      string
	Export      bool
	Description string
	Pos         Pos // the name value
}

// Dependency is one [[dependency]] entry: a package to take from a local
// or custom repository. Version is the minimum version for Central and the
// exact version for a local repository.
type Dependency struct {
	Org, Name, Version string
	Repository         string // "local" or the id of a Settings.toml repository; may be ""
	SkipWorkspace      bool
	Pos                Pos // the entry's [[dependency]] header (or inline table)
}

// Platform is one [platform.<javaNN>] table.
type Platform struct {
	GraalvmCompatible *bool // nil when unset
	Dependencies      []PlatformDependency
	Repositories      []PlatformRepository
	Pos               Pos
}

// PlatformDependency is one [[platform.<javaNN>.dependency]] entry: a jar
// given by Path or by Maven coordinates. Scope is "", "provided" or
// "testOnly". Existence of Path is not checked.
type PlatformDependency struct {
	Path, ArtifactID, GroupID, Version, Scope string
	GraalvmCompatible                         *bool
	Pos                                       Pos
}

// PlatformRepository is one [[platform.<javaNN>.repository]] entry: a Maven
// repository to fetch platform dependencies from.
type PlatformRepository struct {
	ID, URL, Username, Password string
	Pos                         Pos
}

// BuildOptions is [build-options]. Booleans are nil when the key is absent,
// so that a command-line flag can be told apart from an explicit false. The
// keys the schema lists are ObservabilityIncluded, Offline, SkipTests,
// TestReport, CodeCoverage, Cloud and TaintCheck; the others are read by
// the reference build as well. (One upstream revision treats an absent
// sticky as true; callers decide what nil means.)
type BuildOptions struct {
	ObservabilityIncluded *bool // observabilityIncluded
	Offline               *bool // offline
	SkipTests             *bool // skipTests
	TestReport            *bool // testReport
	CodeCoverage          *bool // codeCoverage
	TaintCheck            *bool // taintCheck
	Cloud                 string

	Sticky                        *bool // sticky
	Experimental                  *bool // experimental
	DumpBuildTime                 *bool // dumpBuildTime
	ListConflictedClasses         *bool // listConflictedClasses
	EnableCache                   *bool // enableCache
	Graalvm                       *bool // graalvm
	ExportComponentModel          *bool // exportComponentModel
	RemoteManagement              *bool // remoteManagement
	ShowDependencyDiagnostics     *bool // showDependencyDiagnostics
	OptimizeDependencyCompilation *bool // optimizeDependencyCompilation
	TargetDir                     string
	GraalvmBuildOptions           string // graalvmBuildOptions
}

// Format is [format].
type Format struct {
	ConfigPath string
}

// Tool is one [[tool.<id>]] entry: a build tool run before compilation.
// Type is the dotted key after "tool." ("openapi", or "a.b" for a
// [[tool.a.b]] nested under [[tool.a]] or [tool.a]).
type Tool struct {
	Type         string
	ID           string
	FilePath     string
	TargetModule string         // "" for the default module
	Options      map[string]any // the options table as Go values (string, int64, float64, bool, []any, map[string]any); nil when absent
	Pos          Pos            // the entry's header
}

// The reference implementation's own platform keys. The schema revision
// this package follows lists java11, java17 and java25; java21 is accepted
// as well because the distribution this CLI stands for builds for java21.
var btPlatformKeys = map[string]bool{"java11": true, "java17": true, "java21": true, "java25": true}

// ParseBallerinaToml parses and validates the Ballerina.toml in data. It
// does no I/O: filename is used only in diagnostics, and defaults supplies
// the values used for a missing or invalid org, name and version.
//
// It returns every problem found, errors and warnings, in file order. On a
// TOML syntax error the result is nil and the diagnostics hold that one
// error. Otherwise the result is always usable, even with errors; check
// [Diagnostics.HasErrors] before trusting it.
func ParseBallerinaToml(filename string, data []byte, defaults PackageDefaults) (*BallerinaToml, Diagnostics) {
	d := &diagnoser{file: filename}
	root, err := parseTree(data)
	if err != nil {
		d.mfSyntaxError(err)
		return nil, d.diags
	}
	p := &btParser{d: d, defaults: defaults.withFallbacks(), m: &BallerinaToml{Platforms: map[string]*Platform{}}}
	p.parse(root)
	mfSortDiagnostics(d.diags)
	return p.m, d.diags
}

// mfSyntaxError records a parseTree failure.
func (d *diagnoser) mfSyntaxError(err error) {
	var se *syntaxError
	if errors.As(err, &se) {
		d.errorf(se.Pos, "", "%s", se.Msg)
		return
	}
	d.errorf(Pos{1, 1}, "", "%s", err.Error())
}

// mfSortDiagnostics puts diagnostics in file order; whole-file diagnostics
// (zero Pos) come first. The sort is stable, so diagnostics at one place
// keep the order in which they were found.
func mfSortDiagnostics(ds Diagnostics) {
	sort.SliceStable(ds, func(i, j int) bool {
		a, b := ds[i].Pos, ds[j].Pos
		if a.Line != b.Line {
			return a.Line < b.Line
		}
		return a.Col < b.Col
	})
}

type btParser struct {
	d        *diagnoser
	defaults PackageDefaults
	m        *BallerinaToml

	toolIDs     map[string]bool
	toolTargets map[string]bool
}

func (p *btParser) parse(root *Table) {
	p.pkg(root)
	p.dependencies(root)
	p.platforms(root)
	p.buildOptions(root)
	if t, ok := p.d.tableAt(root, "format", "format"); ok {
		if s, _, ok := p.d.stringAt(t, "configPath", "format.configPath"); ok {
			p.m.Format.ConfigPath = s
		}
	}
	p.tools(root)
}

// Messages of the reference ManifestBuilder.
const (
	btMissingPackageTable = "missing table '[package]' in 'Ballerina.toml'. Defaulting to:\n" +
		"[package]\norg = \"%s\"\nname = \"%s\"\nversion = \"%s\""
	btMissingPackageKey = "missing key '%s' in table '[package]' in 'Ballerina.toml'. Defaulting to '%s = \"%s\"'"
	btExportDeprecated  = "'export' under [package] is deprecated. Add the exports using the 'export' field under '[[package.modules]]'"
	btReadmeExtension   = "invalid 'readme' under [package]: 'readme' can only have '.md' files"
	btModuleNotAllowed  = "module '%s' is not allowed" // upstream ends it with "\n"; dropped here
	btModuleNotFound    = "module '%s' not found"
	btProvidedScope     = "artifactId, groupId and version must be provided for platform dependencies with provided scope"
	btToolMissingKey    = "missing key '[%s]' in table '[tool.%s]'."
	btToolEmptyValue    = "empty string found for key '[%s]' in table '[tool.%s]'."
	btToolNotString     = "incompatible type found for key '[%s]': expected 'STRING'"
	btToolRecurringID   = "recurring tool id '%s' found in Ballerina.toml. Tool id must be unique for each tool"
	btToolRecurringMod  = "recurring target module found in Ballerina.toml. Target module must be unique for each tool"
)

// Messages of the Ballerina.toml schema (ballerina-toml-schema.json).
const (
	btSemverMessage      = "invalid 'version' under %s: 'version' should be compatible with semver"
	btVisibilityMessage  = "invalid 'visibility' under [package]: 'visibility' can only have value 'private'"
	btIconMessage        = "invalid 'icon' under [package]: 'icon' can only have 'png' images"
	btReadmeMessage      = "invalid 'readme' under [package]: 'readme' can only have a '.md' file"
	btModuleReadmeMsg    = "invalid 'readme' under [[package.modules]]: 'readme' can only have a '.md' file"
	btModuleNameRequired = "'%s' under [[package.modules]] is missing"
	btDependencyRequired = "'%s' under [[dependency]] is missing"
	// The generic message of the reference TOML schema validator for a key
	// an object schema with additionalProperties false does not list. The
	// quoted schema name is the key of the table holding the unknown key
	// ("key 'java8' not supported in schema 'platform'").
	btUnsupportedKey = "key '%s' not supported in schema '%s'"
)

func (p *btParser) pkg(root *Table) {
	d, def := p.d, p.defaults
	pd := &p.m.Package
	pd.Org, pd.Name, pd.Version = def.Org, def.Name, def.Version
	pd.OrgDefaulted, pd.NameDefaulted, pd.VersionDefaulted = true, true, true
	t, ok := d.tableAt(root, "package", "package")
	if !ok {
		d.warnf(Pos{}, "package", btMissingPackageTable, def.Org, def.Name, def.Version)
		return
	}
	p.m.HasPackageTable = true
	pd.Pos = t.Pos

	for _, k := range []struct{ key, def string }{{"org", def.Org}, {"name", def.Name}, {"version", def.Version}} {
		if t.Get(k.key) == nil {
			d.warnf(t.Pos, "package."+k.key, btMissingPackageKey, k.key, k.key, k.def)
		}
	}
	if s, pos, ok := d.stringAt(t, "org", "package.org"); ok {
		pd.OrgPos = pos
		ps := nmOrgProblems(s)
		for _, pr := range nmSchemaOrder(ps) {
			d.errorf(pos, "package.org", "%s", nmManifestMessage(OrgName, pr, "[package]"))
		}
		if len(ps) == 0 {
			pd.Org, pd.OrgDefaulted = s, false
		}
	}
	if s, pos, ok := d.stringAt(t, "name", "package.name"); ok {
		pd.NamePos = pos
		ps := nmPackageNameProblems(s, nmLangPrefixExempt)
		for _, pr := range nmSchemaOrder(ps) {
			if pr != NameOnlyPeriods { // accepted by the schema
				d.errorf(pos, "package.name", "%s", nmManifestMessage(PackageName, pr, "[package]"))
			}
		}
		if len(ps) == 0 {
			pd.Name, pd.NameDefaulted = s, false
		}
	}
	if s, pos, ok := d.stringAt(t, "version", "package.version"); ok {
		pd.VersionPos = pos
		if version.IsValid(s) {
			pd.Version, pd.VersionDefaulted = s, false
		} else {
			d.errorf(pos, "package.version", btSemverMessage, "[package]")
		}
	}

	pd.License, _ = d.stringsAt(t, "license", "package.license")
	pd.Authors, _ = d.stringsAt(t, "authors", "package.authors")
	pd.Keywords, _ = d.stringsAt(t, "keywords", "package.keywords")
	pd.Export, _ = d.stringsAt(t, "export", "package.export")
	pd.Include, _ = d.stringsAt(t, "include", "package.include")
	pd.Repository, _, _ = d.stringAt(t, "repository", "package.repository")
	pd.Distribution, _, _ = d.stringAt(t, "distribution", "package.distribution")
	pd.Template, _, _ = d.boolAt(t, "template", "package.template")
	if v, ok := d.mfSoftLookup(t, "description", "package.description", KindString); ok {
		pd.Description = v.Str
	}
	if s, pos, ok := d.stringAt(t, "visibility", "package.visibility"); ok {
		if s == "private" {
			pd.Visibility = s
		} else {
			d.errorf(pos, "package.visibility", btVisibilityMessage)
		}
	}
	if s, pos, ok := d.stringAt(t, "icon", "package.icon"); ok {
		pd.Icon, pd.IconPos = s, pos
		if !btEndsWithJava(s, "png") {
			d.errorf(pos, "package.icon", btIconMessage)
		}
	}
	if s, pos, ok := d.stringAt(t, "readme", "package.readme"); ok {
		pd.Readme, pd.ReadmePos = s, pos
		if !btEndsWithJava(s, "md") {
			d.errorf(pos, "package.readme", btReadmeMessage)
		}
		if btExtension(s) != "md" {
			d.errorf(t.Get("readme").KeyPos, "package.readme", btReadmeExtension)
		}
	}
	if len(pd.Export) > 0 {
		d.warnf(t.Get("export").KeyPos, "package.export", btExportDeprecated)
	}
	p.modules(t)
}

func (p *btParser) modules(pkg *Table) {
	d, pd := p.d, &p.m.Package
	for _, it := range d.mfTableItems(pkg, "modules", "package.modules") {
		t, f := it.t, it.field
		m := ModuleDescriptor{}
		var hasName bool
		if t.Get("name") == nil {
			d.errorf(t.Pos, f+".name", btModuleNameRequired, "name")
		} else if s, pos, ok := d.stringAt(t, "name", f+".name"); ok {
			m.Name, m.Pos, hasName = s, pos, true
			keyPos := t.Get("name").KeyPos
			switch {
			case s == pd.Name:
				d.errorf(keyPos, f+".name", btModuleNotAllowed, s)
			case !strings.HasPrefix(s, pd.Name+".") || len(s) == len(pd.Name)+1:
				d.errorf(keyPos, f+".name", btModuleNotFound, s)
			}
		}
		if s, pos, ok := d.stringAt(t, "readme", f+".readme"); ok {
			m.Readme = s
			if !btEndsWithJava(s, "md") {
				d.errorf(pos, f+".readme", btModuleReadmeMsg)
			}
		}
		m.Export, _, _ = d.boolAt(t, "export", f+".export")
		if v, ok := d.mfSoftLookup(t, "description", f+".description", KindString); ok {
			m.Description = v.Str
		}
		if hasName {
			pd.Modules = append(pd.Modules, m)
		}
	}
}

func (p *btParser) dependencies(root *Table) {
	d := p.d
	allowed := []string{"org", "name", "version", "repository", "skipWorkspace"}
	for _, it := range d.mfTableItems(root, "dependency", "dependency") {
		t, f := it.t, it.field
		before := d.mfErrorCount()
		d.mfUnsupportedKeys(t, allowed, "dependency", f)
		dep := Dependency{Pos: t.Pos}
		if s, pos, ok := d.stringAt(t, "org", f+".org"); ok {
			dep.Org = s
			for _, pr := range nmSchemaOrder(nmOrgProblems(s)) {
				if pr == NameInvalidChars || pr == NameTooLong {
					d.errorf(pos, f+".org", "%s", nmManifestMessage(OrgName, pr, "[[dependency]]"))
				}
			}
		}
		if s, pos, ok := d.stringAt(t, "name", f+".name"); ok {
			dep.Name = s
			for _, pr := range nmSchemaOrder(nmPackageNameProblems(s, nmNoExemption)) {
				if pr == NameInvalidChars || pr == NameTooLong {
					d.errorf(pos, f+".name", "%s", nmManifestMessage(PackageName, pr, "[[dependency]]"))
				}
			}
		}
		if s, pos, ok := d.stringAt(t, "version", f+".version"); ok {
			dep.Version = s
			if !version.IsValid(s) {
				d.errorf(pos, f+".version", btSemverMessage, "[[dependency]]")
			}
		}
		dep.Repository, _, _ = d.stringAt(t, "repository", f+".repository")
		dep.SkipWorkspace, _, _ = d.boolAt(t, "skipWorkspace", f+".skipWorkspace")
		for _, k := range []string{"org", "name", "version"} {
			if t.Get(k) == nil {
				d.errorf(t.Pos, f+"."+k, btDependencyRequired, k)
			}
		}
		if d.mfErrorCount() == before {
			p.m.Dependencies = append(p.m.Dependencies, dep)
		}
	}
}

func (p *btParser) platforms(root *Table) {
	d := p.d
	pt, ok := d.tableAt(root, "platform", "platform")
	if !ok {
		return
	}
	for _, e := range pt.Entries {
		f := "platform." + e.Key
		if !btPlatformKeys[e.Key] {
			d.errorf(e.KeyPos, f, btUnsupportedKey, e.Key, "platform")
			continue
		}
		jt, ok := d.tableAt(pt, e.Key, f)
		if !ok {
			continue
		}
		d.mfUnsupportedKeys(jt, []string{"dependency", "repository", "graalvmCompatible"}, e.Key, f)
		plat := &Platform{Pos: jt.Pos}
		if b, _, ok := d.boolAt(jt, "graalvmCompatible", f+".graalvmCompatible"); ok {
			plat.GraalvmCompatible = &b
		}
		for _, it := range d.mfTableItems(jt, "dependency", f+".dependency") {
			t, df := it.t, it.field
			pd := PlatformDependency{Pos: t.Pos}
			pd.Path, _, _ = d.stringAt(t, "path", df+".path")
			pd.ArtifactID, _, _ = d.stringAt(t, "artifactId", df+".artifactId")
			pd.GroupID, _, _ = d.stringAt(t, "groupId", df+".groupId")
			pd.Version, _, _ = d.stringAt(t, "version", df+".version")
			pd.Scope, _, _ = d.stringAt(t, "scope", df+".scope")
			if b, _, ok := d.boolAt(t, "graalvmCompatible", df+".graalvmCompatible"); ok {
				pd.GraalvmCompatible = &b
			}
			if len(t.Entries) == 0 {
				continue // ignored upstream
			}
			if pd.Scope == "provided" && (pd.ArtifactID == "" || pd.GroupID == "" || pd.Version == "") {
				d.errorf(t.Pos, df, btProvidedScope)
			}
			plat.Dependencies = append(plat.Dependencies, pd)
		}
		for _, it := range d.mfTableItems(jt, "repository", f+".repository") {
			t, rf := it.t, it.field
			r := PlatformRepository{Pos: t.Pos}
			r.ID, _, _ = d.stringAt(t, "id", rf+".id")
			r.URL, _, _ = d.stringAt(t, "url", rf+".url")
			r.Username, _, _ = d.stringAt(t, "username", rf+".username")
			r.Password, _, _ = d.stringAt(t, "password", rf+".password")
			plat.Repositories = append(plat.Repositories, r)
		}
		p.m.Platforms[e.Key] = plat
	}
}

func (p *btParser) buildOptions(root *Table) {
	d := p.d
	t, ok := d.tableAt(root, "build-options", "build-options")
	if !ok {
		return
	}
	bo := &p.m.BuildOptions
	// Keys of the schema: a value of the wrong type is an error.
	for _, o := range []struct {
		key string
		dst **bool
	}{
		{"observabilityIncluded", &bo.ObservabilityIncluded},
		{"offline", &bo.Offline},
		{"skipTests", &bo.SkipTests},
		{"testReport", &bo.TestReport},
		{"codeCoverage", &bo.CodeCoverage},
		{"taintCheck", &bo.TaintCheck},
	} {
		if b, _, ok := d.boolAt(t, o.key, "build-options."+o.key); ok {
			*o.dst = &b
		}
	}
	bo.Cloud, _, _ = d.stringAt(t, "cloud", "build-options.cloud")
	// Keys the build reads that the schema does not list: upstream ignores a
	// value of the wrong type; it is reported here as a warning.
	for _, o := range []struct {
		key string
		dst **bool
	}{
		{"sticky", &bo.Sticky},
		{"experimental", &bo.Experimental},
		{"dumpBuildTime", &bo.DumpBuildTime},
		{"listConflictedClasses", &bo.ListConflictedClasses},
		{"enableCache", &bo.EnableCache},
		{"graalvm", &bo.Graalvm},
		{"exportComponentModel", &bo.ExportComponentModel},
		{"remoteManagement", &bo.RemoteManagement},
		{"showDependencyDiagnostics", &bo.ShowDependencyDiagnostics},
		{"optimizeDependencyCompilation", &bo.OptimizeDependencyCompilation},
	} {
		if v, ok := d.mfSoftLookup(t, o.key, "build-options."+o.key, KindBool); ok {
			b := v.Bool
			*o.dst = &b
		}
	}
	if v, ok := d.mfSoftLookup(t, "targetDir", "build-options.targetDir", KindString); ok {
		bo.TargetDir = v.Str
	}
	if v, ok := d.mfSoftLookup(t, "graalvmBuildOptions", "build-options.graalvmBuildOptions", KindString); ok {
		bo.GraalvmBuildOptions = v.Str
	}
}

// tools reads [[tool.<id>]] entries the way the reference ManifestBuilder
// does: each element of a [[tool.x]] array is a tool of type "x"; keys of a
// tool (or of a [tool.x] table) other than its own fields that hold tables
// or arrays of tables are nested tools of type "x.<key>".
func (p *btParser) tools(root *Table) {
	v, ok := p.d.mfSoftLookup(root, "tool", "tool", KindTable)
	if !ok {
		return
	}
	p.toolIDs, p.toolTargets = map[string]bool{}, map[string]bool{}
	for _, e := range v.Table.Entries {
		p.toolOrSubTools(e.Key, e.Value, "", "tool."+e.Key)
	}
}

var btToolFields = map[string]bool{"options": true, "id": true, "version": true, "targetModule": true, "filePath": true}

func (p *btParser) toolOrSubTools(code string, v *Value, prefix, field string) {
	switch v.Kind {
	case KindTable:
		p.subTools(v.Table, code, prefix, field)
	case KindArray:
		for i, it := range v.Items {
			if it.Kind != KindTable {
				continue
			}
			f := fmt.Sprintf("%s[%d]", field, i)
			p.subTools(it.Table, code, prefix, f)
			p.tool(it.Table, code, prefix, f)
		}
	}
}

func (p *btParser) subTools(t *Table, code, prefix, field string) {
	for _, e := range t.Entries {
		if btToolFields[e.Key] {
			continue
		}
		p.toolOrSubTools(e.Key, e.Value, prefix+code+".", field+"."+e.Key)
	}
}

func (p *btParser) tool(t *Table, code, prefix, field string) {
	d := p.d
	tool := Tool{Type: prefix + code, Pos: t.Pos}
	id, hasID := p.toolField(t, "id", code, field)
	tool.ID = id
	tool.FilePath, _ = p.toolField(t, "filePath", code, field)
	tool.TargetModule, _ = p.toolField(t, "targetModule", code, field)
	if v, ok := d.mfSoftLookup(t, "options", field+".options", KindTable); ok {
		tool.Options = mfTableToMap(v.Table)
	}
	if hasID {
		if p.toolIDs[id] {
			d.errorf(t.Pos, field+".id", btToolRecurringID, id)
		}
		p.toolIDs[id] = true
	}
	// Upstream counts a missing targetModule (the default module) too.
	if p.toolTargets[tool.TargetModule] {
		d.errorf(t.Pos, field+".targetModule", btToolRecurringMod)
	}
	p.toolTargets[tool.TargetModule] = true
	p.m.Tools = append(p.m.Tools, tool)
}

// toolField reads a string field of a tool; ok is false when it is missing,
// empty or not a string. Only targetModule may be missing or empty.
func (p *btParser) toolField(t *Table, key, code, field string) (string, bool) {
	e := t.Get(key)
	optional := key == "targetModule"
	switch {
	case e == nil:
		if !optional {
			p.d.errorf(t.Pos, field+"."+key, btToolMissingKey, key, code)
		}
		return "", false
	case e.Value.Kind != KindString:
		p.d.errorf(e.Value.Pos, field+"."+key, btToolNotString, key)
		return "", false
	case e.Value.Str == "":
		if !optional {
			p.d.errorf(e.Value.Pos, field+"."+key, btToolEmptyValue, key, code)
		}
		return "", false
	}
	return e.Value.Str, true
}

// mfTableToMap converts a table to plain Go values.
func mfTableToMap(t *Table) map[string]any {
	m := make(map[string]any, len(t.Entries))
	for _, e := range t.Entries {
		m[e.Key] = mfValueToGo(e.Value)
	}
	return m
}

func mfValueToGo(v *Value) any {
	switch v.Kind {
	case KindString, KindDateTime:
		return v.Str
	case KindInteger:
		return v.Int
	case KindFloat:
		return v.Float
	case KindBool:
		return v.Bool
	case KindArray:
		out := make([]any, len(v.Items))
		for i, it := range v.Items {
			out[i] = mfValueToGo(it)
		}
		return out
	case KindTable:
		return mfTableToMap(v.Table)
	}
	return nil
}

// btEndsWithJava reports whether s matches the schema pattern ".*.<ext>$"
// as Java's Matcher.matches does: some character, then ext, at the end, and
// no line terminator anywhere (Java's "." does not match one).
func btEndsWithJava(s, ext string) bool {
	return nmJavaDotAll(s) && strings.HasSuffix(s, ext) && len(s) > len(ext)
}

// btExtension returns the extension of a file path the way Apache Commons
// FilenameUtils.getExtension does: the text after the last period, or ""
// when there is none or a path separator comes after it.
func btExtension(path string) string {
	dot := strings.LastIndexByte(path, '.')
	if dot < 0 || strings.LastIndexAny(path, `/\`) > dot {
		return ""
	}
	return path[dot+1:]
}

// Helpers shared by the Ballerina.toml and Settings.toml parsers.

// mfErrorCount returns the number of errors collected so far.
func (d *diagnoser) mfErrorCount() int {
	n := 0
	for _, x := range d.diags {
		if x.Severity == SeverityError {
			n++
		}
	}
	return n
}

// mfSoftLookup is lookup for a key the schema does not list but the reference
// implementation reads: a value of the wrong type is ignored upstream, and
// is reported here with the usual message as a warning.
func (d *diagnoser) mfSoftLookup(t *Table, key, field string, want Kind) (*Value, bool) {
	e := t.Get(key)
	if e == nil {
		return nil, false
	}
	if e.Value.Kind != want {
		d.warnf(e.Value.Pos, field, "incompatible type for key '%s': expected '%s', found '%s'", key, want, e.Value.Kind)
		return nil, false
	}
	return e.Value, true
}

// mfTableItem is one table of an array of tables, with its Field path.
type mfTableItem struct {
	t     *Table
	field string
}

// mfTableItems returns the tables of the array of tables at key ([[key]] or
// key = [{...}]), diagnosing a non-array value and non-table elements as
// tablesAt does. The Field paths carry the element's index in the file.
func (d *diagnoser) mfTableItems(t *Table, key, field string) []mfTableItem {
	v, ok := d.lookup(t, key, field, KindArray)
	if !ok {
		return nil
	}
	var out []mfTableItem
	for i, it := range v.Items {
		f := fmt.Sprintf("%s[%d]", field, i)
		if it.Kind != KindTable {
			d.errorf(it.Pos, f, "incompatible type for key '%s': expected 'OBJECT', found '%s'", key, it.Kind)
			continue
		}
		out = append(out, mfTableItem{it.Table, f})
	}
	return out
}

// mfUnsupportedKeys diagnoses the keys of t that allowed does not list, for a
// schema object with additionalProperties false named schema.
func (d *diagnoser) mfUnsupportedKeys(t *Table, allowed []string, schema, field string) {
	for _, e := range t.Entries {
		known := false
		for _, a := range allowed {
			if e.Key == a {
				known = true
				break
			}
		}
		if !known {
			d.errorf(e.KeyPos, field+"."+e.Key, btUnsupportedKey, e.Key, schema)
		}
	}
}
