package manifest

import (
	"encoding/json"
	"fmt"
	"os"
	"sort"
	"strings"
	"testing"

	"github.com/balcentral/balcentral/internal/handout"
)

func depsConformanceFile(tb testing.TB, name string) []byte {
	tb.Helper()
	return handout.ReadFile(tb, "conformance", "dependencies-toml", name)
}

const (
	depsRealFile  = "real-module-ballerina-io.Dependencies.toml"
	depsOlderFile = "dependencies-valid.toml@68c0af39"
)

// depsIsBuiltIn is the built-in package rule of the reference resolver,
// restated here to check the conformance file's claims independently.
func depsIsBuiltIn(org, name string) bool {
	return org == "ballerinai" ||
		org == "ballerina" && (strings.HasPrefix(name, "lang.") || name == "jballerina.java" || name == "test")
}

func TestParseDependenciesTomlRealFile(t *testing.T) {
	data := depsConformanceFile(t, depsRealFile)
	d, diags := ParseDependenciesToml(depsRealFile, data)
	if len(diags) != 0 {
		t.Fatalf("diagnostics:\n%v", diags)
	}
	if d.TomlVersion != "2" || d.DistributionVersion != "2201.9.0-20240403-114600-ceb51559" {
		t.Errorf("TomlVersion, DistributionVersion = %q, %q", d.TomlVersion, d.DistributionVersion)
	}
	if len(d.Packages) != 12 || len(d.Tools) != 0 {
		t.Fatalf("%d packages, %d tools, want 12 and 0", len(d.Packages), len(d.Tools))
	}

	root := d.Root("ballerina", "io")
	if root == nil {
		t.Fatal("root ballerina/io not found")
	}
	if root.Version != "1.6.1" || root.Scope != "" || root.Pos != (Pos{10, 1}) {
		t.Errorf("root = %s:%s scope %q at %v, want 1.6.1, no scope, at 10:1", root.Name, root.Version, root.Scope, root.Pos)
	}
	wantDirect := []string{"jballerina.java", "lang.float", "lang.runtime", "lang.string", "lang.value", "test"}
	var direct []string
	for _, dep := range root.Dependencies {
		if dep.Org != "ballerina" {
			t.Errorf("unexpected direct dependency %v", dep)
		}
		direct = append(direct, dep.Name)
	}
	if fmt.Sprint(direct) != fmt.Sprint(wantDirect) {
		t.Errorf("direct dependencies = %v, want %v", direct, wantDirect)
	}
	if want := []LockedModule{{"ballerina", "io", "io"}}; fmt.Sprint(root.Modules) != fmt.Sprint(want) {
		t.Errorf("root modules = %v, want %v", root.Modules, want)
	}

	wantTestOnly := map[string]bool{
		"lang.__internal": true, "lang.array": true, "lang.error": true, "lang.float": true, "lang.object": true,
		"lang.regexp": true, "lang.runtime": true, "lang.string": true, "test": true,
	}
	isDirect := map[string]bool{}
	for _, n := range wantDirect {
		isDirect[n] = true
	}
	for i := range d.Packages {
		p := &d.Packages[i]
		if p.Transitive != nil {
			t.Errorf("%s: Transitive = %v, want nil (not in the file)", p.Name, *p.Transitive)
		}
		wantTransitive := p.Name != "io" && !isDirect[p.Name]
		if got := d.IsTransitive(p, "ballerina", "io"); got != wantTransitive {
			t.Errorf("IsTransitive(%s) = %v, want %v", p.Name, got, wantTransitive)
		}
		if got := p.Scope == ScopeTestOnly; got != wantTestOnly[p.Name] {
			t.Errorf("%s: scope %q, want test-only %v", p.Name, p.Scope, wantTestOnly[p.Name])
		}
		if depsIsBuiltIn(p.Org, p.Name) != (p.Name != "io") {
			t.Errorf("%s: unexpected built-in classification", p.Name)
		}
		if depsIsBuiltIn(p.Org, p.Name) && p.Version != "0.0.0" {
			t.Errorf("built-in %s at %s, want 0.0.0", p.Name, p.Version)
		}
	}
	// Test-only packages named by the root's modules list keep their scope.
	if p := d.Find("ballerina", "lang.float"); p == nil || p.Scope != ScopeTestOnly || len(p.Modules) != 1 {
		t.Errorf("lang.float = %+v", p)
	}
	if p := d.Find("ballerina", "lang.object"); p == nil || len(p.Dependencies) != 0 || len(p.Modules) != 0 {
		t.Errorf("lang.object = %+v", p)
	}

	// With the package it belongs to, the file is not corrupted.
	d2, diags := ParseDependenciesTomlFor(depsRealFile, data, "ballerina", "io")
	if len(diags) != 0 || !d2.Equal(d) {
		t.Errorf("ParseDependenciesTomlFor(ballerina/io): %v, equal %v", diags, d2.Equal(d))
	}
}

func TestParseDependenciesTomlOlderFile(t *testing.T) {
	data := depsConformanceFile(t, depsOlderFile)
	d, diags := ParseDependenciesToml(depsOlderFile, data)
	if len(diags) != 0 {
		t.Fatalf("diagnostics:\n%v", diags)
	}
	if d.TomlVersion != "2" || d.DistributionVersion != "" || len(d.Packages) != 2 {
		t.Fatalf("got %q %q with %d packages", d.TomlVersion, d.DistributionVersion, len(d.Packages))
	}
	twitter, github := &d.Packages[0], &d.Packages[1]
	if twitter.Name != "twitter" || twitter.Version != "2.3.4" || twitter.Scope != "" ||
		twitter.Transitive == nil || *twitter.Transitive || len(twitter.Dependencies) != 5 {
		t.Errorf("twitter = %+v", twitter)
	}
	if first, last := twitter.Dependencies[0], twitter.Dependencies[4]; first != (PackageRef{"ballerina", "jballerina.java"}) ||
		last != (PackageRef{"ballerina", "time"}) {
		t.Errorf("twitter dependencies = %v", twitter.Dependencies)
	}
	// The module entry's version is accepted and dropped.
	if fmt.Sprint(twitter.Modules) != fmt.Sprint([]LockedModule{{"wso2", "twitter", "twitter"}}) {
		t.Errorf("twitter modules = %v", twitter.Modules)
	}
	if github.Name != "github" || github.Version != "1.2.3" || github.Scope != ScopeTestOnly ||
		github.Transitive == nil || !*github.Transitive || len(github.Dependencies) != 1 || len(github.Modules) != 0 {
		t.Errorf("github = %+v", github)
	}
	// No root entry: the transitive flags decide.
	if d.IsTransitive(twitter, "winery", "foo") || !d.IsTransitive(github, "winery", "foo") {
		t.Error("IsTransitive does not follow the transitive flags of an old file")
	}

	// The current reference reader needs the root package's entry: for the
	// package winery/foo this older file is corrupted.
	d2, diags := ParseDependenciesTomlFor(depsOlderFile, data, "winery", "foo")
	want := Diagnostics{{File: depsOlderFile, Severity: SeverityWarning, Message: depsMsgCorrupted}}
	if fmt.Sprint(diags) != fmt.Sprint(want) {
		t.Errorf("ParseDependenciesTomlFor diagnostics = %v, want %v", diags, want)
	}
	if !d2.Equal(&DependenciesToml{}) {
		t.Errorf("corrupted file gives %+v, want an empty model", d2)
	}
}

// depsWant is one expected diagnostic; Pos "" means the zero Pos.
type depsWant struct {
	pos, field string
	sev        Severity
	msg        string
}

func depsErr(pos, field, msg string) depsWant  { return depsWant{pos, field, SeverityError, msg} }
func depsWarn(pos, field, msg string) depsWant { return depsWant{pos, field, SeverityWarning, msg} }

func (w depsWant) String() string {
	return fmt.Sprintf("%s %s [%s] %s", w.pos, w.sev, w.field, w.msg)
}

func depsGot(d Diagnostic) depsWant {
	pos := ""
	if d.Pos != (Pos{}) {
		pos = d.Pos.String()
	}
	return depsWant{pos, d.Field, d.Severity, d.Message}
}

// depsHead is a valid [ballerina] table; the [[package]] tables of the test
// inputs start on line 4.
const depsHead = "[ballerina]\ndependencies-toml-version = \"2\"\n\n"

var depsLong = strings.Repeat("a", 257)

// depsDiagTests has one row per diagnostic the reader can produce.
var depsDiagTests = []struct {
	name string
	src  string
	root *PackageRef // when set, parse with ParseDependenciesTomlFor
	want []depsWant
}{
	{
		name: "required package keys",
		src:  depsHead + "[[package]]\n",
		want: []depsWant{
			depsErr("4:1", "package[0].org", "'org' under [[package]] is missing"),
			depsErr("4:1", "package[0].name", "'name' under [[package]] is missing"),
			depsErr("4:1", "package[0].version", "'version' under [[package]] is missing"),
		},
	},
	{
		name: "missing org in second package",
		src:  depsHead + "[[package]]\norg = \"a\"\nname = \"b\"\nversion = \"1.0.0\"\n\n[[package]]\nname = \"c\"\nversion = \"1.0.0\"\n",
		want: []depsWant{depsErr("9:1", "package[1].org", "'org' under [[package]] is missing")},
	},
	{
		name: "package org pattern",
		src:  depsHead + "[[package]]\norg = \"foo-1\"\nname = \"b\"\nversion = \"1.0.0\"\n",
		want: []depsWant{depsErr("5:7", "package[0].org", "invalid 'org' under [[package]]: 'org' can only contain alphanumerics and underscores")},
	},
	{
		name: "package org length",
		src:  depsHead + "[[package]]\norg = \"" + depsLong + "\"\nname = \"b\"\nversion = \"1.0.0\"\n",
		want: []depsWant{depsErr("5:7", "package[0].org", "invalid 'org' under [[package]]: maximum length of 'org' is 256 characters")},
	},
	{
		name: "package name pattern",
		src:  depsHead + "[[package]]\norg = \"a\"\nname = \"proj-1\"\nversion = \"1.0.0\"\n",
		want: []depsWant{depsErr("6:8", "package[0].name", "invalid 'name' under [[package]]: 'name' can only contain alphanumerics, underscores and periods")},
	},
	{
		name: "package name length (the reference message says [[dependency]])",
		src:  depsHead + "[[package]]\norg = \"a\"\nname = \"" + depsLong + "\"\nversion = \"1.0.0\"\n",
		want: []depsWant{depsErr("6:8", "package[0].name", "invalid 'name' under [[dependency]]: maximum length of 'name' is 256 characters")},
	},
	{
		name: "package name pattern and length",
		src:  depsHead + "[[package]]\norg = \"a\"\nname = \"-" + strings.Repeat("é", 256) + "\"\nversion = \"1.0.0\"\n",
		want: []depsWant{
			depsErr("6:8", "package[0].name", "invalid 'name' under [[package]]: 'name' can only contain alphanumerics, underscores and periods"),
			depsErr("6:8", "package[0].name", "invalid 'name' under [[dependency]]: maximum length of 'name' is 256 characters"),
		},
	},
	{
		name: "package version",
		src:  depsHead + "[[package]]\norg = \"a\"\nname = \"b\"\nversion = \"221\"\n",
		want: []depsWant{depsErr("7:11", "package[0].version", "invalid 'version' under [[package]]: 'version' should be compatible with semver")},
	},
	{
		name: "package scope",
		src:  depsHead + "[[package]]\norg = \"a\"\nname = \"b\"\nversion = \"1.0.0\"\nscope = \"test\"\n",
		want: []depsWant{depsErr("8:9", "package[0].scope", "invalid 'scope' under [[package]]: 'scope' can only contain value 'testOnly'")},
	},
	{
		name: "package is a table",
		src:  depsHead + "[package]\norg = \"a\"\nname = \"b\"\nversion = \"1.0.0\"\n",
		want: []depsWant{depsErr("4:1", "package", "incompatible type for key 'package': expected 'ARRAY', found 'OBJECT'")},
	},
	{
		name: "package is a string",
		src:  "package = \"io\"\n" + depsHead,
		want: []depsWant{depsErr("1:11", "package", "incompatible type for key 'package': expected 'ARRAY', found 'STRING'")},
	},
	{
		name: "wrong value types in a package",
		src: depsHead + "[[package]]\norg = \"a\"\nname = \"b\"\nversion = 1\ntransitive = \"yes\"\nrepository = 2\n" +
			"dependencies = \"x\"\nmodules = [\"m\"]\n",
		want: []depsWant{
			depsErr("7:11", "package[0].version", "incompatible type for key 'version': expected 'STRING', found 'INTEGER'"),
			depsErr("8:14", "package[0].transitive", "incompatible type for key 'transitive': expected 'BOOLEAN', found 'STRING'"),
			depsErr("9:14", "package[0].repository", "incompatible type for key 'repository': expected 'STRING', found 'INTEGER'"),
			depsErr("10:16", "package[0].dependencies", "incompatible type for key 'dependencies': expected 'ARRAY', found 'STRING'"),
			depsErr("11:12", "package[0].modules[0]", "incompatible type for key 'modules': expected 'OBJECT', found 'STRING'"),
		},
	},
	{
		name: "unsupported top-level keys",
		src:  "checksum = \"x\"\n" + depsHead + "[extra]\nkey = 1\n",
		want: []depsWant{
			depsErr("1:1", "checksum", "key 'checksum' not supported in schema 'Dependencies Toml Spec'"),
			depsErr("5:1", "extra", "key 'extra' not supported in schema 'Dependencies Toml Spec'"),
		},
	},
	{
		name: "unsupported package key",
		src:  depsHead + "[[package]]\norg = \"a\"\nname = \"b\"\nversion = \"1.0.0\"\nchecksum = \"x\"\n",
		want: []depsWant{depsErr("8:1", "package[0].checksum", "key 'checksum' not supported in schema 'package'")},
	},
	{
		name: "toml version pattern",
		src:  "[ballerina]\ndependencies-toml-version = \"2-beta\"\n",
		want: []depsWant{depsErr("2:29", "ballerina.dependencies-toml-version", "invalid 'toml-version' under [ballerina]: 'toml-version' should be a string")},
	},
	{
		name: "dependencies entries",
		src: depsHead + "[[package]]\norg = \"a\"\nname = \"b\"\nversion = \"1.0.0\"\ndependencies = [\n" +
			"\t{org = \"x-y\", name = \"n/m\"},\n" +
			"\t{org = \"" + depsLong + "\", name = \"" + depsLong + "\"},\n" +
			"\t{org = \"a\", name = \"c\", version = \"2.0.0\"}\n]\n",
		want: []depsWant{
			depsErr("9:9", "package[0].dependencies[0].org", "invalid 'org' under 'dependencies': 'org' can only contain alphanumerics and underscores"),
			depsErr("9:23", "package[0].dependencies[0].name", "invalid 'name' under 'dependencies': 'name' can only contain alphanumerics, underscores and periods"),
			depsErr("10:9", "package[0].dependencies[1].org", "invalid 'org' under 'dependencies': maximum length of 'org' is 256 characters"),
			depsErr("10:277", "package[0].dependencies[1].name", "invalid 'name' under 'dependencies': maximum length of 'name' is 256 characters"),
			depsErr("11:26", "package[0].dependencies[2].version", "key 'version' not supported in schema 'dependencies'"),
		},
	},
	{
		name: "modules entries",
		src: depsHead + "[[package]]\norg = \"a\"\nname = \"b\"\nversion = \"1.0.0\"\nmodules = [\n" +
			"\t{org = \"x-y\", packageName = \"p/q\", version = \"1.0\", moduleName = \"m/n\"},\n" +
			"\t{org = \"" + depsLong + "\", packageName = \"" + depsLong + "\", moduleName = \"" + depsLong + "\", repo = \"x\"}\n]\n",
		want: []depsWant{
			depsErr("9:9", "package[0].modules[0].org", "invalid 'org' under 'modules': 'org' can only contain alphanumerics and underscores"),
			depsErr("9:30", "package[0].modules[0].packageName", "invalid 'packageName' under 'modules': 'packageName' can only contain alphanumerics, underscores and periods"),
			depsErr("9:47", "package[0].modules[0].version", "invalid 'version' under [[package]]: 'version' should be compatible with semver"),
			depsErr("9:67", "package[0].modules[0].moduleName", "invalid 'moduleName' under 'modules': 'moduleName' can only contain alphanumerics, underscores and periods"),
			depsErr("10:9", "package[0].modules[1].org", "invalid 'org' under 'modules': maximum length of 'org' is 256 characters"),
			depsErr("10:284", "package[0].modules[1].packageName", "invalid 'packageName' under 'modules': 'packageName' can only contain maximum length is 256 characters"),
			depsErr("10:558", "package[0].modules[1].moduleName", "invalid 'moduleName' under 'modules': maximum length of 'moduleName' is 256 characters"),
			depsErr("10:819", "package[0].modules[1].repo", "key 'repo' not supported in schema 'modules'"),
		},
	},
	{
		name: "old file",
		src:  "[[dependency]]\norg = \"wso2\"\nname = \"twitter\"\nversion = \"2.3.4\"\n",
		want: []depsWant{depsWarn("", "", depsMsgOld)},
	},
	{
		name: "version-2 content without a version is an old file",
		src:  "[[package]]\norg = \"wso2\"\nname = \"twitter\"\nversion = \"2.3.4\"\n",
		want: []depsWant{
			depsWarn("", "", depsMsgOld),
			depsErr("1:1", "package", "key 'package' not supported in schema 'Dependencies Toml Spec'"),
		},
	},
	{
		name: "non-string toml version is an old file",
		src:  "[ballerina]\ndependencies-toml-version = 2\n",
		want: []depsWant{
			depsWarn("", "", depsMsgOld),
			depsErr("1:1", "ballerina", "key 'ballerina' not supported in schema 'Dependencies Toml Spec'"),
		},
	},
	{
		name: "old file with a local package",
		src:  "[[dependency]]\norg = \"wso2\"\nname = \"twitter\"\nversion = \"2.3.4\"\n\n[[dependency]]\norg = \"wso2\"\nname = \"locally\"\nversion = \"1.2.3\"\nrepository = \"local\"\n",
		want: []depsWant{
			depsWarn("", "", depsMsgOld),
			depsWarn("6:1", "dependency[1].repository", "Detected local dependency declarations in 'Dependencies.toml' file. Add them to 'Ballerina.toml' using following syntax:\n[[dependency]]\norg = \"wso2\"\nname = \"locally\"\nversion = \"1.2.3\"\nrepository = \"local\"\n"),
		},
	},
	{
		name: "old file without org",
		src:  "[[dependency]]\nname = \"twitter\"\nversion = \"2.3.4\"\n",
		want: []depsWant{
			depsWarn("", "", depsMsgOld),
			depsErr("1:1", "dependency[0].org", "'org' under [[dependency]] is missing"),
		},
	},
	{
		name: "old file values",
		src: "[[dependency]]\norg = \"a-b\"\nname = \"c d\"\nversion = \"1.0\"\n" +
			"[[dependency]]\norg = \"" + depsLong + "\"\nname = \"" + depsLong + "\"\nversion = \"1.0.0\"\n",
		want: []depsWant{
			depsWarn("", "", depsMsgOld),
			depsErr("2:7", "dependency[0].org", "invalid 'org' under [[dependency]]: 'org' can only contain alphanumerics and underscores"),
			depsErr("3:8", "dependency[0].name", "invalid 'name' under [[dependency]]: 'name' can only contain alphanumerics, underscores and periods"),
			depsErr("4:11", "dependency[0].version", "invalid 'version' under [[dependency]]: 'version' should be compatible with semver"),
			depsErr("6:7", "dependency[1].org", "invalid 'org' under [[dependency]]: maximum length of 'org' is 256 characters"),
			depsErr("7:8", "dependency[1].name", "invalid 'name' under [[dependency]]: maximum length of 'name' is 256 characters"),
		},
	},
	{
		name: "corrupted: no root package",
		src:  depsHead + "[[package]]\norg = \"wso2\"\nname = \"twitter\"\nversion = \"2.3.4\"\n",
		root: &PackageRef{"winery", "foo"},
		want: []depsWant{depsWarn("", "", depsMsgCorrupted)},
	},
	{
		name: "corrupted file keeps its errors",
		src:  depsHead + "[[package]]\norg = \"wso2\"\nname = \"twitter\"\nversion = \"2.3\"\n",
		root: &PackageRef{"winery", "foo"},
		want: []depsWant{
			depsWarn("", "", depsMsgCorrupted),
			depsErr("7:11", "package[0].version", "invalid 'version' under [[package]]: 'version' should be compatible with semver"),
		},
	},
	{
		name: "root found by org and name even with a bad version",
		src:  depsHead + "[[package]]\norg = \"winery\"\nname = \"foo\"\nversion = \"1\"\n",
		root: &PackageRef{"winery", "foo"},
		want: []depsWant{depsErr("7:11", "package[0].version", "invalid 'version' under [[package]]: 'version' should be compatible with semver")},
	},
	{
		name: "no packages is not corrupted",
		src:  depsHead,
		root: &PackageRef{"winery", "foo"},
	},
	{
		name: "syntax error",
		src:  depsHead + "[[package]]\norg =\nname = \"b\"\n",
		want: []depsWant{depsErr("5:6", "", "invalid TOML: unexpected character U+000A at start of value")},
	},
	{
		name: "required tool keys",
		src:  depsHead + "[[tool]]\n",
		want: []depsWant{
			depsErr("4:1", "tool[0].id", "'id' under [[tool]] is missing"),
			depsErr("4:1", "tool[0].org", "'org' under [[tool]] is missing"),
			depsErr("4:1", "tool[0].name", "'name' under [[tool]] is missing"),
			depsErr("4:1", "tool[0].version", "'version' under [[tool]] is missing"),
		},
	},
	{
		name: "tool values",
		src: depsHead + "[[tool]]\nid = \"_e.i\"\norg = \"2o__\"\nname = \"n-\"\nversion = \"22.0\"\n" +
			"[[tool]]\nid = \"lang__x\"\norg = \"" + depsLong + "\"\nname = \"lang__x_\"\nversion = \"1.0.0\"\n" +
			"[[tool]]\nid = \"" + depsLong + "\"\norg = \"\"\nname = \"1" + depsLong + "\"\nversion = \"1.0.0\"\n",
		want: []depsWant{
			depsErr("5:6", "tool[0].id", "invalid 'id' under [[tool]]: 'id' can only contain alphanumerics and underscores"),
			depsErr("5:6", "tool[0].id", "invalid 'id' under [[tool]]: 'id' cannot have initial underscore characters"),
			depsErr("6:7", "tool[0].org", "invalid 'org' under [[tool]]: 'org' cannot have trailing underscore characters"),
			depsErr("6:7", "tool[0].org", "invalid 'org' under [[tool]]: 'org' cannot have consecutive underscore characters"),
			depsErr("6:7", "tool[0].org", "invalid 'org' under [[tool]]: 'org' cannot have initial numeric characters"),
			depsErr("7:8", "tool[0].name", "invalid 'name' under [[tool]]: 'name' can only contain alphanumerics, underscores and periods"),
			depsErr("8:11", "tool[0].version", "invalid 'version' under [[tool]]: 'version' should be compatible with should be compatible with semver rules"),
			depsErr("11:7", "tool[1].org", "invalid 'org' under [[tool]]: maximum length of 'org' is 256 characters"),
			depsErr("12:8", "tool[1].name", "invalid 'name' under [[tool]]: 'name' cannot have trailing underscore characters"),
			depsErr("15:6", "tool[2].id", "invalid 'id' under [[package]]: maximum length of 'id' is 256 characters"),
			depsErr("16:7", "tool[2].org", "invalid 'org' under [[tool]]: 'org' cannot have initial underscore characters"),
			depsErr("16:7", "tool[2].org", "invalid 'org' under [[tool]]: 'org' cannot have initial numeric characters"),
			depsErr("17:8", "tool[2].name", "invalid 'name' under [[tool]]: maximum length of 'name' is 256 characters"),
			depsErr("17:8", "tool[2].name", "invalid 'name' under [[tool]]: 'name' cannot have initial numeric characters"),
		},
	},
}

func TestDependenciesTomlDiagnostics(t *testing.T) {
	for _, tt := range depsDiagTests {
		t.Run(tt.name, func(t *testing.T) {
			var diags Diagnostics
			if tt.root != nil {
				_, diags = ParseDependenciesTomlFor("Dependencies.toml", []byte(tt.src), tt.root.Org, tt.root.Name)
			} else {
				_, diags = ParseDependenciesToml("Dependencies.toml", []byte(tt.src))
			}
			var got []string
			for _, d := range diags {
				if d.File != "Dependencies.toml" {
					t.Errorf("File = %q", d.File)
				}
				got = append(got, depsGot(d).String())
			}
			var want []string
			for _, w := range tt.want {
				want = append(want, w.String())
			}
			if strings.Join(got, "\n") != strings.Join(want, "\n") {
				t.Errorf("diagnostics:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
			}
		})
	}
}

// TestDependenciesTomlSchemaMessagesCovered checks that every message of the
// reference schema is produced by a row of depsDiagTests.
func TestDependenciesTomlSchemaMessagesCovered(t *testing.T) {
	data, err := os.ReadFile(handout.Path(t, "schemas", "dependencies-toml-schema.json"))
	if err != nil {
		t.Fatal(err)
	}
	var schema any
	if err := json.Unmarshal(data, &schema); err != nil {
		t.Fatal(err)
	}
	var messages []string
	var walk func(v any)
	walk = func(v any) {
		switch v := v.(type) {
		case map[string]any:
			if msg, ok := v["message"].(map[string]any); ok {
				for kind, text := range msg {
					s := text.(string)
					if kind != "required" {
						messages = append(messages, s)
						continue
					}
					for _, prop := range v["required"].([]any) {
						messages = append(messages, strings.ReplaceAll(s, "${property}", prop.(string)))
					}
				}
			}
			for _, x := range v {
				walk(x)
			}
		case []any:
			for _, x := range v {
				walk(x)
			}
		}
	}
	walk(schema)
	sort.Strings(messages)
	if len(messages) < 20 {
		t.Fatalf("found only %d messages in the schema", len(messages))
	}

	unreachable := map[string]string{
		"'dependencies-toml-version' under [ballerina] is missing": "a file without dependencies-toml-version is an old file, which the version-2 schema does not check",
	}
	produced := map[string]bool{}
	for _, tt := range depsDiagTests {
		for _, w := range tt.want {
			produced[w.msg] = true
		}
	}
	for _, m := range messages {
		if why, ok := unreachable[m]; ok {
			t.Logf("not produced: %q: %s", m, why)
			continue
		}
		if !produced[m] {
			t.Errorf("no test row produces the schema message %q", m)
		}
	}
}

func TestParseDependenciesTomlSyntaxError(t *testing.T) {
	d, diags := ParseDependenciesTomlFor("Dependencies.toml", []byte(depsHead+"[[package]]\norg = \"a\"\norg = \"b\"\n"), "a", "b")
	want := Diagnostics{{File: "Dependencies.toml", Pos: Pos{6, 1}, Message: "duplicate key 'org': already defined at 5:1"}}
	if d != nil || fmt.Sprint(diags) != fmt.Sprint(want) {
		t.Errorf("got %+v, %v; want a nil model and %v", d, diags, want)
	}
}

func TestParseDependenciesTomlEmpty(t *testing.T) {
	for _, src := range []string{"", "\n\n", "# AUTO-GENERATED FILE. DO NOT MODIFY.\n\n# only comments\n"} {
		d, diags := ParseDependenciesTomlFor("Dependencies.toml", []byte(src), "a", "b")
		if len(diags) != 0 || !d.Equal(&DependenciesToml{}) {
			t.Errorf("%q: %+v, %v; want an empty model and no diagnostics", src, d, diags)
		}
	}
}

func TestParseDependenciesTomlOldModel(t *testing.T) {
	src := "[[dependency]]\norg = \"wso2\"\nname = \"twitter\"\nversion = \"2.3.4\"\n\n" +
		"[[dependency]]\norg = \"wso2\"\nname = \"locally\"\nversion = \"1.2.3\"\nrepository = \"local\"\n\n" +
		"[[dependency]]\norg = \"wso2\"\nname = \"bad\"\nversion = \"1.2\"\n"
	d, diags := ParseDependenciesTomlFor("Dependencies.toml", []byte(src), "winery", "foo")
	if len(diags.Errors()) != 1 || len(diags.Warnings()) != 2 {
		t.Errorf("diagnostics: %v", diags)
	}
	want := &DependenciesToml{Packages: []LockedPackage{{Org: "wso2", Name: "twitter", Version: "2.3.4"}}}
	if !d.Equal(want) {
		t.Fatalf("got %+v, want %+v", d, want)
	}
	if d.Packages[0].Pos != (Pos{1, 1}) {
		t.Errorf("Pos = %v", d.Packages[0].Pos)
	}
	if d.IsTransitive(&d.Packages[0], "winery", "foo") {
		t.Error("old entries are direct dependencies")
	}
}

func TestParseDependenciesTomlInlinePackages(t *testing.T) {
	// package written as an array of inline tables is the same TOML value
	// as [[package]] tables.
	src := "package = [{org = \"a\", name = \"b\", version = \"1.0.0\", scope = \"testOnly\"}]\n" +
		"tool = [{id = \"t\", org = \"a\", name = \"t\", version = \"0.1.0\"}]\n" + depsHead
	d, diags := ParseDependenciesTomlFor("Dependencies.toml", []byte(src), "a", "b")
	if len(diags) != 0 {
		t.Fatal(diags)
	}
	want := &DependenciesToml{TomlVersion: "2",
		Packages: []LockedPackage{{Org: "a", Name: "b", Version: "1.0.0", Scope: ScopeTestOnly}},
		Tools:    []LockedTool{{ID: "t", Org: "a", Name: "t", Version: "0.1.0"}}}
	if !d.Equal(want) {
		t.Errorf("got %+v", d)
	}
}

func TestParseDependenciesTomlDistributionVersion(t *testing.T) {
	for _, tt := range []struct{ value, want string }{
		{`"2201.10.0"`, "2201.10.0"},
		{`"2201.9.0-20240403-114600-ceb51559"`, "2201.9.0-20240403-114600-ceb51559"},
		{`"slbeta6"`, ""}, // not a version: ignored, as upstream does
		{`2201`, ""},
	} {
		src := depsHead[:len(depsHead)-1] + "distribution-version = " + tt.value + "\n"
		d, diags := ParseDependenciesToml("Dependencies.toml", []byte(src))
		if len(diags) != 0 || d.DistributionVersion != tt.want {
			t.Errorf("distribution-version = %s: got %q, %v; want %q", tt.value, d.DistributionVersion, diags, tt.want)
		}
	}
}

func TestDependenciesTomlIsTransitive(t *testing.T) {
	yes, no := true, false
	d := &DependenciesToml{Packages: []LockedPackage{
		{Org: "o", Name: "root", Dependencies: []PackageRef{{"o", "a"}}},
		{Org: "o", Name: "a"},
		{Org: "o", Name: "b", Transitive: &no}, // the flag is ignored when the root entry exists
		{Org: "p", Name: "a"},
	}}
	for _, tt := range []struct {
		org, name string
		want      bool
	}{{"o", "root", false}, {"o", "a", false}, {"o", "b", true}, {"p", "a", true}} {
		if got := d.IsTransitive(d.Find(tt.org, tt.name), "o", "root"); got != tt.want {
			t.Errorf("IsTransitive(%s/%s) = %v, want %v", tt.org, tt.name, got, tt.want)
		}
	}
	old := &DependenciesToml{Packages: []LockedPackage{{Org: "o", Name: "a", Transitive: &yes}, {Org: "o", Name: "b"}}}
	if !old.IsTransitive(&old.Packages[0], "o", "root") || old.IsTransitive(&old.Packages[1], "o", "root") {
		t.Error("without a root entry the transitive flag decides, absent meaning direct")
	}
	if d.IsTransitive(nil, "o", "root") || d.Root("o", "missing") != nil || (*DependenciesToml)(nil).Find("o", "a") != nil {
		t.Error("nil handling")
	}
}

func TestDependenciesTomlEqual(t *testing.T) {
	yes := true
	base := func() *DependenciesToml {
		return &DependenciesToml{TomlVersion: "2", DistributionVersion: "2201.10.0",
			Packages: []LockedPackage{{Org: "o", Name: "n", Version: "1.0.0", Transitive: &yes,
				Dependencies: []PackageRef{{"o", "m"}}, Modules: []LockedModule{{"o", "n", "n"}}, Pos: Pos{3, 1}}},
			Tools: []LockedTool{{ID: "t", Org: "o", Name: "t", Version: "1.0.0", Pos: Pos{9, 1}}}}
	}
	a, b := base(), base()
	b.Packages[0].Pos, b.Tools[0].Pos = Pos{}, Pos{}
	if !a.Equal(b) {
		t.Error("positions must not matter")
	}
	changes := []func(d *DependenciesToml){
		func(d *DependenciesToml) { d.TomlVersion = "" },
		func(d *DependenciesToml) { d.DistributionVersion = "" },
		func(d *DependenciesToml) { d.Packages[0].Scope = ScopeTestOnly },
		func(d *DependenciesToml) { d.Packages[0].Transitive = nil },
		func(d *DependenciesToml) { no := false; d.Packages[0].Transitive = &no },
		func(d *DependenciesToml) { d.Packages[0].Dependencies[0].Name = "x" },
		func(d *DependenciesToml) { d.Packages[0].Modules = nil },
		func(d *DependenciesToml) { d.Tools[0].Version = "2.0.0" },
		func(d *DependenciesToml) { d.Tools = nil },
		func(d *DependenciesToml) { d.Packages = append(d.Packages, LockedPackage{}) },
	}
	for i, change := range changes {
		c := base()
		change(c)
		if a.Equal(c) || c.Equal(a) {
			t.Errorf("change %d not detected", i)
		}
	}
	if !(*DependenciesToml)(nil).Equal(&DependenciesToml{Packages: []LockedPackage{}}) {
		t.Error("nil and empty models must be equal")
	}
}
