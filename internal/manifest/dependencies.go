package manifest

import (
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/balcentral/balcentral/internal/version"
)

// This file reads Dependencies.toml, the lock file that `bal build` writes
// next to Ballerina.toml. The writer is in dependencies_write.go.
//
// # Format versions
//
// A version-2 file, the only kind current toolchains write, starts with
//
//	[ballerina]
//	dependencies-toml-version = "2"
//	distribution-version = "2201.9.0"
//
// followed by one [[package]] table per node of the resolved dependency
// graph, the package being built (the root) included, and optionally one
// [[tool]] table per `bal tool` a build used. Its rules are those of the
// reference schema dependencies-toml-schema.json, reproduced here with the
// schema's own messages:
//
//   - the top level accepts only [ballerina], [[package]] and [[tool]]; any
//     other key is "key 'x' not supported in schema 'Dependencies Toml Spec'";
//   - [[package]] requires org, name and version ("'org' under [[package]] is
//     missing") and accepts scope, transitive, repository, dependencies and
//     modules besides; other keys are "key 'x' not supported in schema
//     'package'";
//   - org is alphanumerics and underscores, name also periods, both at most
//     256 characters (counted in UTF-16 code units, as Java counts them);
//     version is a SemVer 2.0.0 version ([version.IsValid]);
//   - scope, when present, must be "testOnly";
//   - dependencies entries are {org, name} and modules entries are
//     {org, packageName, moduleName} (an old optional version is accepted);
//     other keys in them are errors. An entry lacking one of its fields is
//     not an error but is skipped, as the reference reader skips it.
//
// The package (and tool) entries may also be written as an array of inline
// tables, package = [{org = "a", ...}], the same TOML value. The reference
// reader validates that form but then ignores it; here it is read like
// [[package]] tables.
//
// The reference schema revision we have (55784d99) lists neither
// distribution-version under [ballerina] nor [[tool]], although every
// current writer emits both; they are accepted. Other keys under [ballerina]
// are ignored. Diagnostics for [[tool]] entries are not confirmed against
// upstream: the required-field message follows the [[package]] wording and
// the id/org/name/version rules and messages are those of the reference
// BalTools.toml schema (bal-tools-toml-schema.json), which describes the same
// four fields.
//
// Values of the wrong TOML type are reported as "incompatible type for key
// 'package': expected 'ARRAY', found 'OBJECT'". Every diagnostic of the file
// is reported, sorted by position. Syntax and schema problems are errors:
// the reference toolchain fails the build on them (only a missing root
// package makes it discard the file with a warning, see below). On a TOML
// syntax error the model is nil and the one error is returned.
//
// # Old files
//
// A file whose [ballerina] dependencies-toml-version is missing (or is not a
// string) predates version 2. It yields the warning "Detected an old version
// of 'Dependencies.toml' file. This will be updated to v2 format." and is
// read in the old layout: one [[dependency]] table per locked package with
// org, name and version. These become Packages without scope, dependencies
// or modules, so that their versions are still honoured as locked minimums
// until the next build rewrites the file. An old entry with a repository key
// is not locked; it yields the reference warning that tells the user to move
// it to Ballerina.toml. Any other top-level key, including [[package]], is an
// error in an old file. The schema the reference applies to old files is not
// available to us: the required keys of [[dependency]] and the rules for
// their values follow the [[dependency]] section of the Ballerina.toml schema,
// with its messages; other keys in [[dependency]] are accepted.
//
// Older version-2 files carry transitive = true or false on each package and
// a version inside each modules entry; both are accepted. Transitive is kept
// in the model for [DependenciesToml.IsTransitive] but never written.
//
// # Corrupted files
//
// Whether a version-2 file is usable depends on the package being built: the
// reference reader requires the root package among the [[package]] entries,
// since its dependencies list says which packages are direct dependencies.
// [ParseDependenciesTomlFor] applies that check; when the root is missing it
// warns "Detected corrupted 'Dependencies.toml' file. This will be updated to
// latest dependencies." and returns an empty model, so that resolution starts
// afresh and the build rewrites the file. This is a warning, not an error.
// An empty file, or one holding only comments, is an empty model without
// diagnostics.
//
// # Positions
//
// Diagnostics point at the value at fault, at the key of an unsupported
// entry, or at the opening bracket of the table a required key is missing
// from. The two whole-file warnings (old version, corrupted) carry the zero
// Pos. Diagnostic.Field paths index arrays from 0: "package[2].version",
// "package[0].dependencies[1].org", "tool[0].id".

// DependenciesTomlVersion is the dependencies-toml-version that current
// writers record and that [FormatDependenciesToml] writes.
const DependenciesTomlVersion = "2"

// ScopeTestOnly is the only scope a [[package]] entry may record: the package
// is needed only by the root package's tests. The default scope is written as
// no scope key at all and is the empty string in [LockedPackage].
const ScopeTestOnly = "testOnly"

// DependenciesToml is the content of a Dependencies.toml file.
type DependenciesToml struct {
	// TomlVersion is the [ballerina] dependencies-toml-version as read: "2"
	// for current files, "" for old files and for a model built in code.
	// The writer always writes DependenciesTomlVersion.
	TomlVersion string
	// DistributionVersion is the [ballerina] distribution-version: the
	// distribution that last resolved the dependencies, e.g. "2201.9.0". It
	// is "" when the file has none or has a value that is not a semantic
	// version (the reference reader ignores such a value, too).
	DistributionVersion string
	// Packages are the locked packages, root package included, in file
	// order.
	Packages []LockedPackage
	// Tools are the locked `bal tool` versions, in file order.
	Tools []LockedTool
}

// LockedPackage is one [[package]] entry: a package of the resolved
// dependency graph at the version chosen.
type LockedPackage struct {
	Org     string
	Name    string
	Version string
	// Scope is ScopeTestOnly or "" (the default scope). Any other value is
	// an error in a file and is kept as read.
	Scope string
	// Transitive is the transitive flag of older version-2 files, nil when
	// absent. Current files leave it out and it is never written; see
	// [DependenciesToml.IsTransitive].
	Transitive *bool
	// Dependencies are the package's direct dependencies (no versions: each
	// has its own [[package]] entry). The root package's list defines the
	// project's direct dependencies.
	Dependencies []PackageRef
	// Modules lists the modules of the package that the root package may
	// import; only the root package and its direct dependencies have them.
	Modules []LockedModule
	// Pos is where the entry starts in the file (its [[package]] header);
	// zero for entries not read from a file.
	Pos Pos
}

// PackageRef names a package without a version.
type PackageRef struct {
	Org  string
	Name string
}

// LockedModule is one entry of a package's modules list.
type LockedModule struct {
	Org         string
	PackageName string
	ModuleName  string
}

// LockedTool is one [[tool]] entry: the version of a `bal tool` (a build tool
// declared in Ballerina.toml) that the last build used.
type LockedTool struct {
	ID      string
	Org     string
	Name    string
	Version string
	// Pos is where the entry starts in the file (its [[tool]] header); zero
	// for entries not read from a file.
	Pos Pos
}

// Find returns the first package entry named org/name, or nil.
func (d *DependenciesToml) Find(org, name string) *LockedPackage {
	if d == nil {
		return nil
	}
	for i := range d.Packages {
		if p := &d.Packages[i]; p.Org == org && p.Name == name {
			return p
		}
	}
	return nil
}

// Root returns the entry of the root package org/name, the package the file
// belongs to, or nil. The root package is an ordinary [[package]] entry; it
// is found by name only, like any other.
func (d *DependenciesToml) Root(org, name string) *LockedPackage {
	return d.Find(org, name)
}

// IsTransitive reports whether p is a transitive dependency of the root
// package rootOrg/rootName, that is, not one of its direct dependencies.
//
// When the file has the root package's entry, p is transitive exactly when
// the root's dependencies list does not name it. Older files may lack the
// root entry but record transitive = true|false on each package; then that
// flag decides, absent meaning direct (as for the entries of an old-format
// file). The root package itself is never transitive.
func (d *DependenciesToml) IsTransitive(p *LockedPackage, rootOrg, rootName string) bool {
	if p == nil || (p.Org == rootOrg && p.Name == rootName) {
		return false
	}
	if root := d.Root(rootOrg, rootName); root != nil {
		for _, dep := range root.Dependencies {
			if dep.Org == p.Org && dep.Name == p.Name {
				return false
			}
		}
		return true
	}
	return p.Transitive != nil && *p.Transitive
}

// Equal reports whether d and other hold the same content in the same
// order. Positions are ignored; nil and empty slices are equal, and a nil
// *DependenciesToml equals an empty one. Use [DependenciesToml.Sort] first
// to compare regardless of order.
func (d *DependenciesToml) Equal(other *DependenciesToml) bool {
	var zero DependenciesToml
	if d == nil {
		d = &zero
	}
	if other == nil {
		other = &zero
	}
	if d.TomlVersion != other.TomlVersion || d.DistributionVersion != other.DistributionVersion ||
		len(d.Packages) != len(other.Packages) || len(d.Tools) != len(other.Tools) {
		return false
	}
	for i := range d.Packages {
		if !d.Packages[i].equal(&other.Packages[i]) {
			return false
		}
	}
	for i := range d.Tools {
		a, b := d.Tools[i], other.Tools[i]
		a.Pos, b.Pos = Pos{}, Pos{}
		if a != b {
			return false
		}
	}
	return true
}

func (p *LockedPackage) equal(q *LockedPackage) bool {
	if p.Org != q.Org || p.Name != q.Name || p.Version != q.Version || p.Scope != q.Scope {
		return false
	}
	if (p.Transitive == nil) != (q.Transitive == nil) || (p.Transitive != nil && *p.Transitive != *q.Transitive) {
		return false
	}
	if len(p.Dependencies) != len(q.Dependencies) || len(p.Modules) != len(q.Modules) {
		return false
	}
	for i := range p.Dependencies {
		if p.Dependencies[i] != q.Dependencies[i] {
			return false
		}
	}
	for i := range p.Modules {
		if p.Modules[i] != q.Modules[i] {
			return false
		}
	}
	return true
}

// Sort puts d in the order the writer uses: packages by org, then name;
// each package's dependencies by org, then name; modules by module name;
// tools by id. Strings compare as bytes. Ties, which a resolved graph never
// has, are broken on the remaining fields so that the order is total.
func (d *DependenciesToml) Sort() {
	if d == nil {
		return
	}
	for i := range d.Packages {
		p := &d.Packages[i]
		sort.SliceStable(p.Dependencies, func(a, b int) bool {
			return depsRefLess(p.Dependencies[a], p.Dependencies[b])
		})
		sort.SliceStable(p.Modules, func(a, b int) bool {
			return depsModuleLess(p.Modules[a], p.Modules[b])
		})
	}
	sort.SliceStable(d.Packages, func(a, b int) bool {
		return depsPackageLess(&d.Packages[a], &d.Packages[b])
	})
	sort.SliceStable(d.Tools, func(a, b int) bool {
		return depsToolLess(d.Tools[a], d.Tools[b])
	})
}

func depsRefLess(a, b PackageRef) bool {
	if a.Org != b.Org {
		return a.Org < b.Org
	}
	return a.Name < b.Name
}

// depsModuleLess orders modules as the reference writer does, by module name
// alone, with org and package name as tie-breakers.
func depsModuleLess(a, b LockedModule) bool {
	if a.ModuleName != b.ModuleName {
		return a.ModuleName < b.ModuleName
	}
	if a.Org != b.Org {
		return a.Org < b.Org
	}
	return a.PackageName < b.PackageName
}

func depsPackageLess(a, b *LockedPackage) bool {
	if a.Org != b.Org {
		return a.Org < b.Org
	}
	if a.Name != b.Name {
		return a.Name < b.Name
	}
	if a.Version != b.Version {
		return a.Version < b.Version
	}
	if a.Scope != b.Scope {
		return a.Scope < b.Scope
	}
	// Duplicate entries: fall back to the text the writer produces, which
	// covers every written field.
	return string(depsAppendPackage(nil, a)) < string(depsAppendPackage(nil, b))
}

func depsToolLess(a, b LockedTool) bool {
	if a.ID != b.ID {
		return a.ID < b.ID
	}
	if a.Org != b.Org {
		return a.Org < b.Org
	}
	if a.Name != b.Name {
		return a.Name < b.Name
	}
	return a.Version < b.Version
}

// Diagnostic texts of the reference implementation.
const (
	depsSchemaTitle  = "Dependencies Toml Spec"
	depsMsgOld       = "Detected an old version of 'Dependencies.toml' file. This will be updated to v2 format."
	depsMsgCorrupted = "Detected corrupted 'Dependencies.toml' file. This will be updated to latest dependencies."
	depsMsgLocal     = "Detected local dependency declarations in 'Dependencies.toml' file. " +
		"Add them to 'Ballerina.toml' using following syntax:\n" +
		"[[dependency]]\norg = \"%s\"\nname = \"%s\"\nversion = \"%s\"\nrepository = \"%s\"\n"
	depsMsgScope = "invalid 'scope' under [[package]]: 'scope' can only contain value 'testOnly'"
)

// ParseDependenciesToml parses the Dependencies.toml content data. filename
// is used only in diagnostics. Unless data is not valid TOML, the model is
// returned even when there are errors; it then holds the entries that could
// be read (a [[package]] entry needs string org, name and version and a
// valid version). The methods of *DependenciesToml accept a nil receiver.
//
// ParseDependenciesToml does not know which package the file belongs to and
// so cannot detect a corrupted file; see [ParseDependenciesTomlFor].
func ParseDependenciesToml(filename string, data []byte) (*DependenciesToml, Diagnostics) {
	d, diags, _ := parseDependencies(filename, data)
	return d, diags
}

// ParseDependenciesTomlFor parses data like [ParseDependenciesToml] for the
// package rootOrg/rootName. A version-2 file whose [[package]] entries do
// not include that package is corrupted: the result is an empty model and a
// warning (whole-file, zero Pos) ahead of the file's other diagnostics.
func ParseDependenciesTomlFor(filename string, data []byte, rootOrg, rootName string) (*DependenciesToml, Diagnostics) {
	d, diags, info := parseDependencies(filename, data)
	if !info.hasPackageArray {
		return d, diags
	}
	for _, id := range info.packageIDs {
		if id.Org == rootOrg && id.Name == rootName {
			return d, diags
		}
	}
	warn := Diagnostic{File: filename, Severity: SeverityWarning, Message: depsMsgCorrupted}
	return &DependenciesToml{}, append(Diagnostics{warn}, diags...)
}

// depsInfo is what the corrupted-file check needs beyond the model.
type depsInfo struct {
	// hasPackageArray: a version-2 file with a package array.
	hasPackageArray bool
	// packageIDs: org and name of every package entry where both are
	// strings, whether or not the entry made it into the model.
	packageIDs []PackageRef
}

type depsReader struct {
	diagnoser
	model *DependenciesToml
	info  depsInfo
}

func parseDependencies(filename string, data []byte) (*DependenciesToml, Diagnostics, depsInfo) {
	r := &depsReader{diagnoser: diagnoser{file: filename}, model: &DependenciesToml{}}
	root, err := parseTree(data)
	if err != nil {
		var se *syntaxError
		if errors.As(err, &se) {
			r.errorf(se.Pos, "", "%s", se.Msg)
		} else {
			r.errorf(Pos{1, 1}, "", "%s", err.Error())
		}
		return nil, r.diags, r.info
	}
	if len(root.Entries) == 0 {
		return r.model, nil, r.info
	}
	if v, ok := depsTomlVersionOf(root); ok {
		r.model.TomlVersion = v
		r.readV2(root)
	} else {
		r.warnf(Pos{}, "", "%s", depsMsgOld)
		r.readV1(root)
	}
	sort.SliceStable(r.diags, func(i, j int) bool {
		a, b := r.diags[i].Pos, r.diags[j].Pos
		if a.Line != b.Line {
			return a.Line < b.Line
		}
		return a.Col < b.Col
	})
	return r.model, r.diags, r.info
}

// depsTomlVersionOf returns [ballerina] dependencies-toml-version when it is
// a string: the mark of a version-2 file.
func depsTomlVersionOf(root *Table) (string, bool) {
	b := root.Get("ballerina")
	if b == nil || b.Value.Kind != KindTable {
		return "", false
	}
	v := b.Value.Table.Get("dependencies-toml-version")
	if v == nil || v.Value.Kind != KindString {
		return "", false
	}
	return v.Value.Str, true
}

// depsEntryPos is where an entry starts: the header of a table written as
// [a] or [[a]], otherwise its key.
func depsEntryPos(e *Entry) Pos {
	v := e.Value
	if isArrayOfTables(v) || (v.Kind == KindTable && v.Table.explicit) {
		return v.Pos
	}
	return e.KeyPos
}

// unsupported reports every key of t that is not in allowed, in the wording
// of the reference schema validator; schema is the enclosing key, or the
// schema title at the top level.
func (r *depsReader) unsupported(t *Table, field, schema string, allowed ...string) {
	for _, e := range t.Entries {
		if depsContains(allowed, e.Key) {
			continue
		}
		r.errorf(depsEntryPos(e), depsJoin(field, e.Key), "key '%s' not supported in schema '%s'", e.Key, schema)
	}
}

func depsContains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func depsJoin(field, key string) string {
	if field == "" {
		return key
	}
	return field + "." + key
}

// required reports the keys of t that are absent, with the schema's
// "'x' under [[table]] is missing" message.
func (r *depsReader) required(t *Table, field, table string, keys ...string) {
	for _, k := range keys {
		if t.Get(k) == nil {
			r.errorf(t.Pos, depsJoin(field, k), "'%s' under %s is missing", k, table)
		}
	}
}

// str returns the string value of key; a value of another type is
// diagnosed.
func (r *depsReader) str(t *Table, key, field string) (string, Pos, bool) {
	return r.stringAt(t, key, depsJoin(field, key))
}

// items returns the elements of the array at key that are tables, each with
// its index; other elements are diagnosed with the reference validator's
// type message, which names the array's key.
func (r *depsReader) items(t *Table, key, field string) ([]*Table, []int, bool) {
	v, ok := r.lookup(t, key, depsJoin(field, key), KindArray)
	if !ok {
		return nil, nil, false
	}
	var tables []*Table
	var idx []int
	for i, it := range v.Items {
		f := fmt.Sprintf("%s[%d]", depsJoin(field, key), i)
		if it.Kind != KindTable {
			r.errorf(it.Pos, f, "incompatible type for key '%s': expected 'OBJECT', found '%s'", key, it.Kind)
			continue
		}
		tables = append(tables, it.Table)
		idx = append(idx, i)
	}
	return tables, idx, true
}

// checkString applies a schema string rule: pattern (a predicate standing
// in for the schema's regular expression) and maxLength in UTF-16 code
// units, each with its message.
func (r *depsReader) checkString(s string, pos Pos, field string, ok func(string) bool, patternMsg, maxLenMsg string) {
	if !ok(s) {
		r.errorf(pos, field, "%s", patternMsg)
	}
	if maxLenMsg != "" && nmUTF16Len(s) > MaxNameLength {
		r.errorf(pos, field, "%s", maxLenMsg)
	}
}

func (r *depsReader) readV2(root *Table) {
	for _, e := range root.Entries {
		switch e.Key {
		case "ballerina":
			r.readBallerina(e.Value.Table)
		case "package":
			r.readPackages(root)
		case "tool":
			r.readTools(root)
		default:
			r.errorf(depsEntryPos(e), e.Key, "key '%s' not supported in schema '%s'", e.Key, depsSchemaTitle)
		}
	}
}

func (r *depsReader) readBallerina(t *Table) {
	// depsTomlVersionOf has checked that the version is a string.
	v := t.Get("dependencies-toml-version").Value
	if !nmOnly(v.Str, true) {
		r.errorf(v.Pos, "ballerina.dependencies-toml-version", "invalid 'toml-version' under [ballerina]: 'toml-version' should be a string")
	}
	if dv := t.Get("distribution-version"); dv != nil && dv.Value.Kind == KindString && version.IsValid(dv.Value.Str) {
		r.model.DistributionVersion = dv.Value.Str
	}
}

func (r *depsReader) readPackages(root *Table) {
	tables, idx, ok := r.items(root, "package", "")
	if !ok {
		return
	}
	r.info.hasPackageArray = true
	for i, t := range tables {
		r.readPackage(t, fmt.Sprintf("package[%d]", idx[i]))
	}
}

func (r *depsReader) readPackage(t *Table, field string) {
	r.unsupported(t, field, "package", "org", "name", "version", "scope", "transitive", "repository", "dependencies", "modules")
	r.required(t, field, "[[package]]", "org", "name", "version")

	// The reference schema's maxLength message for a [[package]] name says
	// [[dependency]]; the quirk is kept so the text matches.
	org, name, ver, orgOK, nameOK, verOK := r.coordinates(t, field, "[[package]]", "[[dependency]]")
	scope, scopePos, scopeOK := r.str(t, "scope", field)
	if scopeOK && scope != ScopeTestOnly {
		r.errorf(scopePos, field+".scope", "%s", depsMsgScope)
	}
	var transitive *bool
	if b, _, ok := r.boolAt(t, "transitive", field+".transitive"); ok {
		transitive = &b
	}
	r.str(t, "repository", field) // type check only: the file records no repository
	deps := r.readPackageRefs(t, field)
	mods := r.readModules(t, field)

	if orgOK && nameOK {
		r.info.packageIDs = append(r.info.packageIDs, PackageRef{org, name})
	}
	if !orgOK || !nameOK || !verOK {
		return
	}
	r.model.Packages = append(r.model.Packages, LockedPackage{
		Org: org, Name: name, Version: ver, Scope: scope, Transitive: transitive,
		Dependencies: deps, Modules: mods, Pos: t.Pos,
	})
}

func (r *depsReader) readPackageRefs(pkg *Table, field string) []PackageRef {
	tables, idx, _ := r.items(pkg, "dependencies", field)
	var refs []PackageRef
	for i, t := range tables {
		f := fmt.Sprintf("%s.dependencies[%d]", field, idx[i])
		r.unsupported(t, f, "dependencies", "org", "name")
		org, orgOK := r.identifier(t, "org", f, "'dependencies'", false, "")
		name, nameOK := r.identifier(t, "name", f, "'dependencies'", true, "")
		if orgOK && nameOK {
			refs = append(refs, PackageRef{Org: org, Name: name})
		}
	}
	return refs
}

func (r *depsReader) readModules(pkg *Table, field string) []LockedModule {
	tables, idx, _ := r.items(pkg, "modules", field)
	var mods []LockedModule
	for i, t := range tables {
		f := fmt.Sprintf("%s.modules[%d]", field, idx[i])
		r.unsupported(t, f, "modules", "org", "packageName", "version", "moduleName")
		org, orgOK := r.identifier(t, "org", f, "'modules'", false, "")
		// The schema's maxLength text for packageName is garbled upstream; kept verbatim.
		pkgName, pkgOK := r.identifier(t, "packageName", f, "'modules'", true,
			"invalid 'packageName' under 'modules': 'packageName' can only contain maximum length is 256 characters")
		if v, vPos, ok := r.str(t, "version", f); ok && !version.IsValid(v) {
			r.errorf(vPos, f+".version", "invalid 'version' under [[package]]: 'version' should be compatible with semver")
		}
		modName, modOK := r.identifier(t, "moduleName", f, "'modules'", true, "")
		if orgOK && pkgOK && modOK {
			mods = append(mods, LockedModule{Org: org, PackageName: pkgName, ModuleName: modName})
		}
	}
	return mods
}

func (r *depsReader) readTools(root *Table) {
	tables, idx, _ := r.items(root, "tool", "")
	for i, t := range tables {
		field := fmt.Sprintf("tool[%d]", idx[i])
		r.required(t, field, "[[tool]]", "id", "org", "name", "version")
		id, idPos, idOK := r.str(t, "id", field)
		if idOK {
			r.checkToolName(id, idPos, field+".id", "id", false, true,
				"invalid 'id' under [[tool]]: 'id' can only contain alphanumerics and underscores",
				// The BalTools.toml schema says [[package]] here.
				"invalid 'id' under [[package]]: maximum length of 'id' is 256 characters")
		}
		org, orgPos, orgOK := r.str(t, "org", field)
		if orgOK {
			r.checkToolName(org, orgPos, field+".org", "org", false, false,
				"invalid 'org' under [[tool]]: 'org' can only contain alphanumerics and underscores",
				"invalid 'org' under [[tool]]: maximum length of 'org' is 256 characters")
		}
		name, namePos, nameOK := r.str(t, "name", field)
		if nameOK {
			r.checkToolName(name, namePos, field+".name", "name", true, true,
				"invalid 'name' under [[tool]]: 'name' can only contain alphanumerics, underscores and periods",
				"invalid 'name' under [[tool]]: maximum length of 'name' is 256 characters")
		}
		ver, verPos, verOK := r.str(t, "version", field)
		if verOK && !version.IsValid(ver) {
			r.errorf(verPos, field+".version", "invalid 'version' under [[tool]]: 'version' should be compatible with should be compatible with semver rules")
			verOK = false
		}
		if idOK && orgOK && nameOK && verOK {
			r.model.Tools = append(r.model.Tools, LockedTool{ID: id, Org: org, Name: name, Version: ver, Pos: t.Pos})
		}
	}
}

// checkToolName applies the BalTools.toml rules for a tool's id, org or
// name: the character set and length, then no initial or trailing
// underscore, no consecutive underscores (names starting with "lang" are
// exempt for id and name), no initial digit. Each rule is one of the
// schema's regular expressions, matched the Java way: the whole string, with
// '.' not matching line terminators.
func (r *depsReader) checkToolName(s string, pos Pos, field, key string, periods, langExempt bool, patternMsg, maxLenMsg string) {
	r.checkString(s, pos, field, func(s string) bool { return nmOnly(s, periods) }, patternMsg, maxLenMsg)
	lines := !depsHasLineTerminator(s)
	if !(lines && s != "" && s[0] != '_') { // ^(?!_).+
		r.errorf(pos, field, "invalid '%s' under [[tool]]: '%s' cannot have initial underscore characters", key, key)
	}
	if !(lines && !strings.HasSuffix(s, "_")) { // .*(?<!_)$
		r.errorf(pos, field, "invalid '%s' under [[tool]]: '%s' cannot have trailing underscore characters", key, key)
	}
	if !(lines && (!strings.Contains(s, "__") || (langExempt && strings.HasPrefix(s, "lang")))) { // (^(?!.*__).*$|^lang.*)
		r.errorf(pos, field, "invalid '%s' under [[tool]]: '%s' cannot have consecutive underscore characters", key, key)
	}
	if !(lines && s != "" && (s[0] < '0' || s[0] > '9')) { // ^(?![0-9]).+
		r.errorf(pos, field, "invalid '%s' under [[tool]]: '%s' cannot have initial numeric characters", key, key)
	}
}

// readV1 reads a file from before dependencies-toml-version 2.
func (r *depsReader) readV1(root *Table) {
	r.unsupported(root, "", depsSchemaTitle, "dependency")
	tables, idx, _ := r.items(root, "dependency", "")
	for i, t := range tables {
		field := fmt.Sprintf("dependency[%d]", idx[i])
		r.required(t, field, "[[dependency]]", "org", "name", "version")
		org, name, ver, orgOK, nameOK, verOK := r.coordinates(t, field, "[[dependency]]", "[[dependency]]")
		if !orgOK || !nameOK || !verOK {
			continue
		}
		if repo := t.Get("repository"); repo != nil {
			repoName := "null" // what the reference prints for a non-string value
			if repo.Value.Kind == KindString {
				repoName = repo.Value.Str
			}
			r.warnf(t.Pos, field+".repository", depsMsgLocal, org, name, ver, repoName)
			continue
		}
		r.model.Packages = append(r.model.Packages, LockedPackage{Org: org, Name: name, Version: ver, Pos: t.Pos})
	}
}

// identifier reads the string key of table t and checks it against the
// schema's identifier rule: ASCII letters, digits and underscores (and
// periods when periods is set), at most 256 characters. The messages follow
// the schema's template "invalid '<key>' under <under>: ..."; lenMsg, when
// not empty, replaces the maxLength text where the schema deviates from it.
// ok is false when the key is missing or not a string.
func (r *depsReader) identifier(t *Table, key, field, under string, periods bool, lenMsg string) (value string, ok bool) {
	value, pos, ok := r.str(t, key, field)
	if !ok {
		return "", false
	}
	chars := "alphanumerics and underscores"
	if periods {
		chars = "alphanumerics, underscores and periods"
	}
	if lenMsg == "" {
		lenMsg = fmt.Sprintf("invalid '%s' under %s: maximum length of '%s' is 256 characters", key, under, key)
	}
	r.checkString(value, pos, field+"."+key, func(s string) bool { return nmOnly(s, periods) },
		fmt.Sprintf("invalid '%s' under %s: '%s' can only contain %s", key, under, key, chars), lenMsg)
	return value, true
}

// coordinates reads and checks the org, name and version of a package
// entry in table t, the parts every format revision shares. under names the
// table in messages ("[[package]]"); nameLenUnder is the table the name's
// maxLength message names. Each ok result is false when that key is
// missing, of the wrong type or invalid.
func (r *depsReader) coordinates(t *Table, field, under, nameLenUnder string) (org, name, ver string, orgOK, nameOK, verOK bool) {
	org, orgOK = r.identifier(t, "org", field, under, false, "")
	name, nameOK = r.identifier(t, "name", field, under, true,
		"invalid 'name' under "+nameLenUnder+": maximum length of 'name' is 256 characters")
	var verPos Pos
	ver, verPos, verOK = r.str(t, "version", field)
	if verOK && !version.IsValid(ver) {
		r.errorf(verPos, field+".version", "invalid 'version' under %s: 'version' should be compatible with semver", under)
		verOK = false
	}
	return org, name, ver, orgOK, nameOK, verOK
}

// depsHasLineTerminator reports whether s holds a character that Java's
// regular-expression '.' does not match.
func depsHasLineTerminator(s string) bool {
	return strings.ContainsAny(s, "\n\r\u0085\u2028\u2029")
}
