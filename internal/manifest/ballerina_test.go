package manifest

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"

	"github.com/balcentral/balcentral/internal/handout"
)

var testDefaults = PackageDefaults{Org: "me", Name: "dirpkg", Version: "0.1.0"}

// pkgTOML returns a [package] table with the given org, name and version
// on lines 2, 3 and 4 (values at columns 7, 8 and 11), followed by extra.
func pkgTOML(org, name, ver, extra string) string {
	return fmt.Sprintf("[package]\norg = %q\nname = %q\nversion = %q\n", org, name, ver) + extra
}

// validPkg is a valid [package] table of 4 lines; extra starts on line 5.
func validPkg(extra string) string { return pkgTOML("foo", "winery", "0.1.0", extra) }

// fmtDiag renders a diagnostic as "line:col SEVERITY field: message".
func fmtDiag(d Diagnostic) string {
	return fmt.Sprintf("%d:%d %s %s: %s", d.Pos.Line, d.Pos.Col, d.Severity, d.Field, d.Message)
}

func fmtDiags(ds Diagnostics) []string {
	out := []string{}
	for _, d := range ds {
		out = append(out, fmtDiag(d))
	}
	return out
}

var long257 = strings.Repeat("a", 257)

const missingPkgWarning = "0:0 WARNING package: missing table '[package]' in 'Ballerina.toml'. Defaulting to:\n" +
	"[package]\norg = \"me\"\nname = \"dirpkg\"\nversion = \"0.1.0\""

// ballerinaCases lists small Ballerina.toml files with every diagnostic
// they must produce, in order. TestSchemaMessagesCovered checks that the
// rows reach every message of the schema.
var ballerinaCases = []struct {
	name string
	src  string
	want []string
}{
	{"valid", validPkg(""), nil},
	{"valid full", validPkg(`license = ["Apache-2.0"]
authors = ["jo", "pramodya"]
keywords = ["toml", "ballerina"]
repository = "https://github.com/ballerina-platform/ballerina-lang"
distribution = "2201.13.0"
visibility = "private"
icon = "docs/icon.png"
readme = "README.md"
template = true
include = ["res/*.txt"]
description = "A winery"
[[package.modules]]
name = "winery.util"
export = true
readme = "modules/util/README.md"
description = "utilities"
[[dependency]]
org = "wso2"
name = "twitter"
version = "2.3.4"
repository = "local"
skipWorkspace = true
[[platform.java21.dependency]]
path = "libs/toml4j.jar"
artifactId = "toml4j"
version = "0.7.2"
groupId = "com.moandjiezana.toml"
scope = "testOnly"
graalvmCompatible = true
[[platform.java21.repository]]
id = "r"
url = "https://repo.example.com"
username = "u"
password = "p"
[platform.java21]
graalvmCompatible = false
[build-options]
observabilityIncluded = true
offline = true
skipTests = false
testReport = true
codeCoverage = false
taintCheck = true
cloud = "k8s"
sticky = true
targetDir = "out"
[format]
configPath = "fmt.toml"
[deps]
id = "my-id"
[[testingProperty]]
name = "test1"
`), nil},

	// [package] name: every rule of the schema.
	{"name empty", pkgTOML("foo", "", "0.1.0", ""),
		[]string{"3:8 ERROR package.name: invalid 'name' under [package]: 'name' cannot be empty"}},
	{"name chars", pkgTOML("foo", "winery-project", "0.1.0", ""),
		[]string{"3:8 ERROR package.name: invalid 'name' under [package]: 'name' can only contain alphanumerics, underscores and periods"}},
	{"name too long", pkgTOML("foo", long257, "0.1.0", ""),
		[]string{"3:8 ERROR package.name: invalid 'name' under [package]: maximum length of 'name' is 256 characters"}},
	{"name initial underscore", pkgTOML("foo", "_winery", "0.1.0", ""),
		[]string{"3:8 ERROR package.name: invalid 'name' under [package]: 'name' cannot have initial underscore characters"}},
	{"name trailing underscore", pkgTOML("foo", "winery_", "0.1.0", ""),
		[]string{"3:8 ERROR package.name: invalid 'name' under [package]: 'name' cannot have trailing underscore characters"}},
	{"name consecutive underscores", pkgTOML("foo", "win__ery", "0.1.0", ""),
		[]string{"3:8 ERROR package.name: invalid 'name' under [package]: 'name' cannot have consecutive underscore characters"}},
	{"name lang exemption", pkgTOML("ballerina", "lang.__internal", "0.1.0", ""), nil},
	{"name initial digit", pkgTOML("foo", "1winery", "0.1.0", ""),
		[]string{"3:8 ERROR package.name: invalid 'name' under [package]: 'name' cannot have initial numeric characters"}},
	{"name several", pkgTOML("foo", "_w-__", "0.1.0", ""), []string{
		"3:8 ERROR package.name: invalid 'name' under [package]: 'name' can only contain alphanumerics, underscores and periods",
		"3:8 ERROR package.name: invalid 'name' under [package]: 'name' cannot have initial underscore characters",
		"3:8 ERROR package.name: invalid 'name' under [package]: 'name' cannot have trailing underscore characters",
		"3:8 ERROR package.name: invalid 'name' under [package]: 'name' cannot have consecutive underscore characters",
	}},
	// Java's "." does not match a line break, so every allOf rule fails.
	{"name line break", pkgTOML("foo", "a\nb", "0.1.0", ""), []string{
		"3:8 ERROR package.name: invalid 'name' under [package]: 'name' can only contain alphanumerics, underscores and periods",
		"3:8 ERROR package.name: invalid 'name' under [package]: 'name' cannot have initial underscore characters",
		"3:8 ERROR package.name: invalid 'name' under [package]: 'name' cannot have trailing underscore characters",
		"3:8 ERROR package.name: invalid 'name' under [package]: 'name' cannot have consecutive underscore characters",
		"3:8 ERROR package.name: invalid 'name' under [package]: 'name' cannot have initial numeric characters",
	}},
	{"name only periods", pkgTOML("foo", "...", "0.1.0", ""), nil}, // defaulted silently, as upstream

	// [package] org.
	{"org empty", pkgTOML("", "winery", "0.1.0", ""),
		[]string{"2:7 ERROR package.org: invalid 'org' under [package]: 'org' cannot be empty"}},
	{"org chars", pkgTOML("foo.one", "winery", "0.1.0", ""),
		[]string{"2:7 ERROR package.org: invalid 'org' under [package]: 'org' can only contain alphanumerics and underscores"}},
	{"org too long", pkgTOML(long257, "winery", "0.1.0", ""),
		[]string{"2:7 ERROR package.org: invalid 'org' under [package]: maximum length of 'org' is 256 characters"}},
	{"org initial underscore", pkgTOML("_foo", "winery", "0.1.0", ""),
		[]string{"2:7 ERROR package.org: invalid 'org' under [package]: 'org' cannot have initial underscore characters"}},
	{"org trailing underscore", pkgTOML("foo_", "winery", "0.1.0", ""),
		[]string{"2:7 ERROR package.org: invalid 'org' under [package]: 'org' cannot have trailing underscore characters"}},
	{"org consecutive underscores", pkgTOML("f__oo", "winery", "0.1.0", ""),
		[]string{"2:7 ERROR package.org: invalid 'org' under [package]: 'org' cannot have consecutive underscore characters"}},
	{"org lang not exempt", pkgTOML("lang__x", "winery", "0.1.0", ""),
		[]string{"2:7 ERROR package.org: invalid 'org' under [package]: 'org' cannot have consecutive underscore characters"}},
	{"org initial digit", pkgTOML("1foo", "winery", "0.1.0", ""),
		[]string{"2:7 ERROR package.org: invalid 'org' under [package]: 'org' cannot have initial numeric characters"}},

	// [package] version.
	{"version not semver", pkgTOML("foo", "winery", "100", ""),
		[]string{"4:11 ERROR package.version: invalid 'version' under [package]: 'version' should be compatible with semver"}},
	{"version leading zero", pkgTOML("foo", "winery", "1.02.3", ""),
		[]string{"4:11 ERROR package.version: invalid 'version' under [package]: 'version' should be compatible with semver"}},
	{"version pre-release and build", pkgTOML("foo", "winery", "1.2.3-alpha.1+build.5", ""), nil},

	// The manifest builder's defaults.
	{"missing package table", "[build-options]\noffline = true\n", []string{missingPkgWarning}},
	{"empty file", "", []string{missingPkgWarning}},
	{"package not a table", "package = \"winery\"\n", []string{
		missingPkgWarning,
		"1:11 ERROR package: incompatible type for key 'package': expected 'OBJECT', found 'STRING'",
	}},
	{"package as table array", "[[package]]\norg = \"foo\"\n", []string{
		missingPkgWarning,
		"1:1 ERROR package: incompatible type for key 'package': expected 'OBJECT', found 'ARRAY'",
	}},
	{"missing org", "[package]\nname = \"winery\"\nversion = \"0.1.0\"\n",
		[]string{"1:1 WARNING package.org: missing key 'org' in table '[package]' in 'Ballerina.toml'. Defaulting to 'org = \"me\"'"}},
	{"missing all keys", "# comment\n\n[package]\nlicense = [\"MIT\"]\n", []string{
		"3:1 WARNING package.org: missing key 'org' in table '[package]' in 'Ballerina.toml'. Defaulting to 'org = \"me\"'",
		"3:1 WARNING package.name: missing key 'name' in table '[package]' in 'Ballerina.toml'. Defaulting to 'name = \"dirpkg\"'",
		"3:1 WARNING package.version: missing key 'version' in table '[package]' in 'Ballerina.toml'. Defaulting to 'version = \"0.1.0\"'",
	}},

	// Types.
	{"org integer", "[package]\norg = 1\nname = \"winery\"\nversion = \"0.1.0\"\n",
		[]string{"2:7 ERROR package.org: incompatible type for key 'org': expected 'STRING', found 'INTEGER'"}},
	{"license not array", validPkg("license = \"MIT\"\n"),
		[]string{"5:11 ERROR package.license: incompatible type for key 'license': expected 'ARRAY', found 'STRING'"}},
	{"license item not string", validPkg("license = [\"MIT\", true]\n"),
		[]string{"5:19 ERROR package.license: incompatible type for key 'license': expected 'STRING', found 'BOOLEAN'"}},
	{"template not bool", validPkg("template = \"yes\"\n"),
		[]string{"5:12 ERROR package.template: incompatible type for key 'template': expected 'BOOLEAN', found 'STRING'"}},
	{"description not string", validPkg("description = 1\n"),
		[]string{"5:15 WARNING package.description: incompatible type for key 'description': expected 'STRING', found 'INTEGER'"}},

	// Other [package] keys.
	{"visibility", validPkg("visibility = \"public\"\n"),
		[]string{"5:14 ERROR package.visibility: invalid 'visibility' under [package]: 'visibility' can only have value 'private'"}},
	{"icon", validPkg("icon = \"icon.jpg\"\n"),
		[]string{"5:8 ERROR package.icon: invalid 'icon' under [package]: 'icon' can only have 'png' images"}},
	{"icon just png", validPkg("icon = \"png\"\n"),
		[]string{"5:8 ERROR package.icon: invalid 'icon' under [package]: 'icon' can only have 'png' images"}},
	{"readme", validPkg("readme = \"README.txt\"\n"), []string{
		"5:1 ERROR package.readme: invalid 'readme' under [package]: 'readme' can only have '.md' files",
		"5:10 ERROR package.readme: invalid 'readme' under [package]: 'readme' can only have a '.md' file",
	}},
	{"readme without dot", validPkg("readme = \"READMEmd\"\n"),
		[]string{"5:1 ERROR package.readme: invalid 'readme' under [package]: 'readme' can only have '.md' files"}},
	{"export deprecated", validPkg("export = [\"winery\"]\n"),
		[]string{"5:1 WARNING package.export: 'export' under [package] is deprecated. Add the exports using the 'export' field under '[[package.modules]]'"}},

	// [[package.modules]].
	{"module without name", validPkg("[[package.modules]]\nreadme = \"notes.txt\"\n"), []string{
		"5:1 ERROR package.modules[0].name: 'name' under [[package.modules]] is missing",
		"6:10 ERROR package.modules[0].readme: invalid 'readme' under [[package.modules]]: 'readme' can only have a '.md' file",
	}},
	{"module is the package", validPkg("[[package.modules]]\nname = \"winery\"\n"),
		[]string{"6:1 ERROR package.modules[0].name: module 'winery' is not allowed"}},
	{"module of another package", validPkg("[[package.modules]]\nname = \"cellar.util\"\n"),
		[]string{"6:1 ERROR package.modules[0].name: module 'cellar.util' not found"}},
	{"module export not bool", validPkg("[[package.modules]]\nname = \"winery.util\"\nexport = 1\n"),
		[]string{"7:10 ERROR package.modules[0].export: incompatible type for key 'export': expected 'BOOLEAN', found 'INTEGER'"}},

	// [[dependency]].
	{"dependency missing keys", validPkg("[[dependency]]\nrepository = \"local\"\n"), []string{
		"5:1 ERROR dependency[0].org: 'org' under [[dependency]] is missing",
		"5:1 ERROR dependency[0].name: 'name' under [[dependency]] is missing",
		"5:1 ERROR dependency[0].version: 'version' under [[dependency]] is missing",
	}},
	{"dependency values", validPkg("[[dependency]]\norg = \"ws-o2\"\nname = \"my-pkg\"\nversion = \"1.0\"\n"), []string{
		"6:7 ERROR dependency[0].org: invalid 'org' under [[dependency]]: 'org' can only contain alphanumerics and underscores",
		"7:8 ERROR dependency[0].name: invalid 'name' under [[dependency]]: 'name' can only contain alphanumerics, underscores and periods",
		"8:11 ERROR dependency[0].version: invalid 'version' under [[dependency]]: 'version' should be compatible with semver",
	}},
	{"dependency too long", validPkg("[[dependency]]\norg = \"" + long257 + "\"\nname = \"" + long257 + "\"\nversion = \"1.0.0\"\n"), []string{
		"6:7 ERROR dependency[0].org: invalid 'org' under [[dependency]]: maximum length of 'org' is 256 characters",
		"7:8 ERROR dependency[0].name: invalid 'name' under [[dependency]]: maximum length of 'name' is 256 characters",
	}},
	{"dependency underscores allowed", validPkg("[[dependency]]\norg = \"_a\"\nname = \"b_\"\nversion = \"1.0.0\"\n"), nil},
	{"dependency unknown key", validPkg("[[dependency]]\norg = \"a\"\nname = \"b\"\nversion = \"1.0.0\"\nscope = \"x\"\n"),
		[]string{"9:1 ERROR dependency[0].scope: key 'scope' not supported in schema 'dependency'"}},
	{"dependency second entry", validPkg("[[dependency]]\norg = \"a\"\nname = \"b\"\nversion = \"1.0.0\"\n\n  [[dependency]]\norg = \"a\"\nname = \"c\"\n"),
		[]string{"10:3 ERROR dependency[1].version: 'version' under [[dependency]] is missing"}},
	{"dependency inline", "dependency = [{org = \"a\", name = \"b\"}, 3]\n" + validPkg(""), []string{
		"1:15 ERROR dependency[0].version: 'version' under [[dependency]] is missing",
		"1:40 ERROR dependency[1]: incompatible type for key 'dependency': expected 'OBJECT', found 'INTEGER'",
	}},
	{"dependency not array", validPkg("[dependency]\norg = \"a\"\n"),
		[]string{"5:1 ERROR dependency: incompatible type for key 'dependency': expected 'ARRAY', found 'OBJECT'"}},

	// [platform].
	{"platform unknown java", validPkg("[platform.java8]\ngraalvmCompatible = true\n"),
		[]string{"5:11 ERROR platform.java8: key 'java8' not supported in schema 'platform'"}},
	{"platform unknown key", validPkg("[platform.java17]\nlibs = []\n"),
		[]string{"6:1 ERROR platform.java17.libs: key 'libs' not supported in schema 'java17'"}},
	{"platform table array", validPkg("[[platform.java21]]\n"),
		[]string{"5:1 ERROR platform.java21: incompatible type for key 'java21': expected 'OBJECT', found 'ARRAY'"}},
	{"platform provided scope", validPkg("[[platform.java21.dependency]]\nscope = \"provided\"\nartifactId = \"a\"\ngroupId = \"g\"\n"),
		[]string{"5:1 ERROR platform.java21.dependency[0]: artifactId, groupId and version must be provided for platform dependencies with provided scope"}},
	{"platform dependency path type", validPkg("[[platform.java11.dependency]]\npath = 1\n"),
		[]string{"6:8 ERROR platform.java11.dependency[0].path: incompatible type for key 'path': expected 'STRING', found 'INTEGER'"}},
	{"platform dependency extra key", validPkg("[[platform.java11.dependency]]\npath = \"a.jar\"\nsha = \"x\"\n"), nil},

	// [build-options] and [format].
	{"build option type", validPkg("[build-options]\noffline = \"yes\"\ncloud = 1\n"), []string{
		"6:11 ERROR build-options.offline: incompatible type for key 'offline': expected 'BOOLEAN', found 'STRING'",
		"7:9 ERROR build-options.cloud: incompatible type for key 'cloud': expected 'STRING', found 'INTEGER'",
	}},
	{"build option outside schema", validPkg("[build-options]\nsticky = \"yes\"\nunknownOption = 1\n"),
		[]string{"6:10 WARNING build-options.sticky: incompatible type for key 'sticky': expected 'BOOLEAN', found 'STRING'"}},
	{"format type", validPkg("[format]\nconfigPath = [\"a\"]\n"),
		[]string{"6:15 ERROR format.configPath: incompatible type for key 'configPath': expected 'STRING', found 'ARRAY'"}},

	// [[tool.<id>]].
	{"tool entries", validPkg("[[tool.openapi]]\nid = \"generate-delivery-client\"\nfilePath = \"\"\ntargetModule = 20\noptions.mode = \"client\"\n"), []string{
		"7:12 ERROR tool.openapi[0].filePath: empty string found for key '[filePath]' in table '[tool.openapi]'.",
		"8:16 ERROR tool.openapi[0].targetModule: incompatible type found for key '[targetModule]': expected 'STRING'",
	}},
	{"tool missing keys", validPkg("[[tool.openapi]]\ntargetModule = \"client\"\n"), []string{
		"5:1 ERROR tool.openapi[0].id: missing key '[id]' in table '[tool.openapi]'.",
		"5:1 ERROR tool.openapi[0].filePath: missing key '[filePath]' in table '[tool.openapi]'.",
	}},
	{"tool recurring", validPkg("[[tool.openapi]]\nid = \"a\"\nfilePath = \"a.yaml\"\n[[tool.grpc]]\nid = \"a\"\nfilePath = \"b.proto\"\n"), []string{
		"8:1 ERROR tool.grpc[0].id: recurring tool id 'a' found in Ballerina.toml. Tool id must be unique for each tool",
		"8:1 ERROR tool.grpc[0].targetModule: recurring target module found in Ballerina.toml. Target module must be unique for each tool",
	}},

	// TOML syntax.
	{"syntax error", "[package\nname = \"x\"\n", []string{"1:9 ERROR : invalid TOML: expected ']' to close table name"}},
	{"duplicate key", "[package]\norg = \"a\"\norg = \"b\"\n", []string{"3:1 ERROR : duplicate key 'org': already defined at 2:1"}},
}

func TestParseBallerinaTomlCases(t *testing.T) {
	for _, tc := range ballerinaCases {
		t.Run(tc.name, func(t *testing.T) {
			m, diags := ParseBallerinaToml("Ballerina.toml", []byte(tc.src), testDefaults)
			got := fmtDiags(diags)
			want := tc.want
			if want == nil {
				want = []string{}
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("diagnostics:\n got  %q\n want %q", got, want)
			}
			for _, d := range diags {
				if d.File != "Ballerina.toml" {
					t.Errorf("diagnostic %q has File %q", d.Message, d.File)
				}
			}
			if m == nil && !strings.HasPrefix(tc.name, "syntax") && tc.name != "duplicate key" {
				t.Errorf("model is nil")
			}
		})
	}
}

func TestParseBallerinaTomlModel(t *testing.T) {
	src := ballerinaCases[1].src
	m, diags := ParseBallerinaToml("Ballerina.toml", []byte(src), testDefaults)
	if len(diags) != 0 {
		t.Fatalf("diagnostics: %q", fmtDiags(diags))
	}
	tr, fa := true, false
	want := &BallerinaToml{
		HasPackageTable: true,
		Package: PackageDescriptor{
			Org: "foo", Name: "winery", Version: "0.1.0",
			OrgPos: Pos{2, 7}, NamePos: Pos{3, 8}, VersionPos: Pos{4, 11},
			License:      []string{"Apache-2.0"},
			Authors:      []string{"jo", "pramodya"},
			Keywords:     []string{"toml", "ballerina"},
			Repository:   "https://github.com/ballerina-platform/ballerina-lang",
			Distribution: "2201.13.0",
			Visibility:   "private",
			Icon:         "docs/icon.png", IconPos: Pos{11, 8},
			Readme: "README.md", ReadmePos: Pos{12, 10},
			Template:    true,
			Include:     []string{"res/*.txt"},
			Description: "A winery",
			Modules: []ModuleDescriptor{{
				Name: "winery.util", Export: true, Readme: "modules/util/README.md", Description: "utilities", Pos: Pos{17, 8},
			}},
			Pos: Pos{1, 1},
		},
		Dependencies: []Dependency{{Org: "wso2", Name: "twitter", Version: "2.3.4", Repository: "local", SkipWorkspace: true, Pos: Pos{21, 1}}},
		Platforms: map[string]*Platform{"java21": {
			GraalvmCompatible: &fa,
			Dependencies: []PlatformDependency{{
				Path: "libs/toml4j.jar", ArtifactID: "toml4j", Version: "0.7.2", GroupID: "com.moandjiezana.toml",
				Scope: "testOnly", GraalvmCompatible: &tr, Pos: Pos{27, 1},
			}},
			Repositories: []PlatformRepository{{ID: "r", URL: "https://repo.example.com", Username: "u", Password: "p", Pos: Pos{34, 1}}},
			Pos:          Pos{39, 1},
		}},
		BuildOptions: BuildOptions{
			ObservabilityIncluded: &tr, Offline: &tr, SkipTests: &fa, TestReport: &tr, CodeCoverage: &fa, TaintCheck: &tr,
			Cloud: "k8s", Sticky: &tr, TargetDir: "out",
		},
		Format: Format{ConfigPath: "fmt.toml"},
	}
	if !reflect.DeepEqual(m, want) {
		gotJSON, _ := json.MarshalIndent(m, "", " ")
		wantJSON, _ := json.MarshalIndent(want, "", " ")
		t.Errorf("model:\n%s\nwant:\n%s", gotJSON, wantJSON)
	}
	if org, name, ver := m.PackageID(); org != "foo" || name != "winery" || ver != "0.1.0" {
		t.Errorf("PackageID() = %s, %s, %s", org, name, ver)
	}
	if got, want := m.ExportedModules(), []string{"winery", "winery.util"}; !reflect.DeepEqual(got, want) {
		t.Errorf("ExportedModules() = %q, want %q", got, want)
	}
}

func TestParseBallerinaTomlDefaults(t *testing.T) {
	tests := []struct {
		name, src         string
		org, pkg, ver     string
		orgD, nameD, verD bool
		hasTable          bool
		defaults          PackageDefaults
	}{
		{"valid", validPkg(""), "foo", "winery", "0.1.0", false, false, false, true, testDefaults},
		{"no table", "", "me", "dirpkg", "0.1.0", true, true, true, false, testDefaults},
		{"missing keys", "[package]\n", "me", "dirpkg", "0.1.0", true, true, true, true, testDefaults},
		{"invalid values", pkgTOML("foo.one", "winery-project", "100", ""), "me", "dirpkg", "0.1.0", true, true, true, true, testDefaults},
		{"wrong types", "[package]\norg = 1\nname = []\nversion = 1.0\n", "me", "dirpkg", "0.1.0", true, true, true, true, testDefaults},
		{"only periods", pkgTOML("foo", "..", "1.0.0", ""), "foo", "dirpkg", "1.0.0", false, true, false, true, testDefaults},
		{"langlib", pkgTOML("ballerina", "lang.__internal", "1.0.0", ""), "ballerina", "lang.__internal", "1.0.0", false, false, false, true, testDefaults},
		{"empty defaults", "", "my_org", "my_package", DefaultVersion, true, true, true, false, PackageDefaults{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, _ := ParseBallerinaToml("Ballerina.toml", []byte(tt.src), tt.defaults)
			p := m.Package
			if p.Org != tt.org || p.Name != tt.pkg || p.Version != tt.ver {
				t.Errorf("package = %s/%s:%s, want %s/%s:%s", p.Org, p.Name, p.Version, tt.org, tt.pkg, tt.ver)
			}
			if p.OrgDefaulted != tt.orgD || p.NameDefaulted != tt.nameD || p.VersionDefaulted != tt.verD {
				t.Errorf("defaulted = %v %v %v, want %v %v %v", p.OrgDefaulted, p.NameDefaulted, p.VersionDefaulted, tt.orgD, tt.nameD, tt.verD)
			}
			if m.HasPackageTable != tt.hasTable {
				t.Errorf("HasPackageTable = %v", m.HasPackageTable)
			}
		})
	}
}

func TestParseBallerinaTomlMissingPackageMessage(t *testing.T) {
	_, diags := ParseBallerinaToml("Ballerina.toml", []byte("[build-options]\n"), PackageDefaults{Org: "jo", Name: "hello_world", Version: "0.1.0"})
	want := `missing table '[package]' in 'Ballerina.toml'. Defaulting to:
[package]
org = "jo"
name = "hello_world"
version = "0.1.0"`
	if len(diags) != 1 || diags[0].Message != want || diags[0].Severity != SeverityWarning || diags[0].Pos.IsValid() {
		t.Fatalf("diagnostics = %q", fmtDiags(diags))
	}
	if got := diags[0].Error(); got != "Ballerina.toml: warning: "+want {
		t.Errorf("Error() = %q", got)
	}
	if diags.HasErrors() || diags.Err() != nil {
		t.Errorf("a warning made Err non-nil")
	}
}

func TestParseBallerinaTomlInvalidDependencyDropped(t *testing.T) {
	src := validPkg("[[dependency]]\norg = \"a\"\nname = \"b\"\nversion = \"x\"\n[[dependency]]\norg = \"a\"\nname = \"c\"\nversion = \"1.0.0\"\n")
	m, diags := ParseBallerinaToml("Ballerina.toml", []byte(src), testDefaults)
	if len(diags.Errors()) != 1 {
		t.Errorf("errors = %q", fmtDiags(diags))
	}
	if len(m.Dependencies) != 1 || m.Dependencies[0].Name != "c" || m.Dependencies[0].Pos != (Pos{9, 1}) {
		t.Errorf("Dependencies = %+v", m.Dependencies)
	}
}

func TestParseBallerinaTomlTools(t *testing.T) {
	src := validPkg(`[[tool.openapi]]
id = "client1"
filePath = "delivery.yml"
targetModule = "delivery"
options.mode = "client"
options.tags = ["a", 1]

[[tool.openapi]]
id = "client2"
filePath = "stock.yml"

[tool.grpc]
[[tool.grpc.client]]
id = "g1"
filePath = "x.proto"
targetModule = "grpc"
`)
	m, diags := ParseBallerinaToml("Ballerina.toml", []byte(src), testDefaults)
	if len(diags) != 0 {
		t.Fatalf("diagnostics: %q", fmtDiags(diags))
	}
	want := []Tool{
		{Type: "openapi", ID: "client1", FilePath: "delivery.yml", TargetModule: "delivery",
			Options: map[string]any{"mode": "client", "tags": []any{"a", int64(1)}}, Pos: Pos{5, 1}},
		{Type: "openapi", ID: "client2", FilePath: "stock.yml", Pos: Pos{12, 1}},
		{Type: "grpc.client", ID: "g1", FilePath: "x.proto", TargetModule: "grpc", Pos: Pos{17, 1}},
	}
	if !reflect.DeepEqual(m.Tools, want) {
		t.Errorf("Tools = %+v\nwant %+v", m.Tools, want)
	}
}

// TestParseBallerinaTomlPositions checks one position per kind of
// diagnostic in a file where the offending values are not at line starts.
func TestParseBallerinaTomlPositions(t *testing.T) {
	src := `# header comment
[package]
  org   =   "foo"
  name  =   "_bad"      # initial underscore
  version = "1.0"
  icon = "x.gif"

  [[dependency]]
  org = "a"

[platform]
  java1 = {}

  [[tool.x]]
  filePath = 7
`
	_, diags := ParseBallerinaToml("Ballerina.toml", []byte(src), testDefaults)
	want := []string{
		"4:13 ERROR package.name: invalid 'name' under [package]: 'name' cannot have initial underscore characters",
		"5:13 ERROR package.version: invalid 'version' under [package]: 'version' should be compatible with semver",
		"6:10 ERROR package.icon: invalid 'icon' under [package]: 'icon' can only have 'png' images",
		"8:3 ERROR dependency[0].name: 'name' under [[dependency]] is missing",
		"8:3 ERROR dependency[0].version: 'version' under [[dependency]] is missing",
		"12:3 ERROR platform.java1: key 'java1' not supported in schema 'platform'",
		"14:3 ERROR tool.x[0].id: missing key '[id]' in table '[tool.x]'.",
		"15:14 ERROR tool.x[0].filePath: incompatible type found for key '[filePath]': expected 'STRING'",
	}
	if got := fmtDiags(diags); !reflect.DeepEqual(got, want) {
		t.Errorf("got  %q\nwant %q", got, want)
	}
	if got := diags[0].Error(); got != "Ballerina.toml:4:13: invalid 'name' under [package]: 'name' cannot have initial underscore characters" {
		t.Errorf("Error() = %q", got)
	}
}

func TestParseBallerinaTomlSyntaxError(t *testing.T) {
	m, diags := ParseBallerinaToml("x/Ballerina.toml", []byte("[package]\norg = \"a\nname = \"b\"\n"), testDefaults)
	if m != nil {
		t.Errorf("model = %+v, want nil", m)
	}
	if len(diags) != 1 || diags[0].Severity != SeverityError || diags[0].Pos.Line != 2 || diags[0].File != "x/Ballerina.toml" {
		t.Errorf("diagnostics = %q", fmtDiags(diags))
	}
	if diags.Err() == nil {
		t.Errorf("Err() = nil")
	}
}

// TestBallerinaTestdata parses the files under testdata/ballerina: each
// NAME.toml with NAME.diags listing the expected diagnostics, one per line,
// as fmtDiag prints them (multi-line messages with "\n" escaped).
func TestBallerinaTestdata(t *testing.T) {
	runDiagsGolden(t, "ballerina", func(data []byte) Diagnostics {
		_, diags := ParseBallerinaToml("Ballerina.toml", data, testDefaults)
		return diags
	})
}

// runDiagsGolden parses every testdata/<dir>/NAME.toml with parse and
// compares the diagnostics, as fmtDiag prints them, with NAME.diags: one per
// line, a multi-line message with its newlines written as "\n".
func runDiagsGolden(t *testing.T, dir string, parse func([]byte) Diagnostics) {
	files, err := filepath.Glob(filepath.Join("testdata", dir, "*.toml"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no testdata in testdata/%s: %v", dir, err)
	}
	for _, file := range files {
		t.Run(filepath.Base(file), func(t *testing.T) {
			data, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			wantData, err := os.ReadFile(strings.TrimSuffix(file, ".toml") + ".diags")
			if err != nil {
				t.Fatal(err)
			}
			want := []string{}
			for _, line := range strings.Split(strings.TrimSpace(string(wantData)), "\n") {
				if line != "" {
					want = append(want, strings.ReplaceAll(line, `\n`, "\n"))
				}
			}
			if got := fmtDiags(parse(data)); !reflect.DeepEqual(got, want) {
				t.Errorf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
			}
		})
	}
}

// sharedSchema reads and decodes a schema of ../shared/schemas.
func sharedSchema(t *testing.T, name string) map[string]any {
	t.Helper()
	data := handout.ReadFile(t, "schemas", name)
	var schema map[string]any
	if err := json.Unmarshal(data, &schema); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return schema
}

// schemaMessages returns every "message" text of a JSON schema, with
// "${property}" replaced by each name of the sibling "required" list. A
// required message whose list is empty or absent can never be produced
// (the platform tables' messages); those are returned in unreachable.
func schemaMessages(node any) (msgs, unreachable []string) {
	switch n := node.(type) {
	case map[string]any:
		if m, ok := n["message"].(map[string]any); ok {
			keys := make([]string, 0, len(m))
			for k := range m {
				keys = append(keys, k)
			}
			sort.Strings(keys)
			for _, k := range keys {
				text := m[k].(string)
				if !strings.Contains(text, "${property}") {
					msgs = append(msgs, text)
					continue
				}
				req, _ := n["required"].([]any)
				if k != "required" || len(req) == 0 {
					unreachable = append(unreachable, text)
					continue
				}
				for _, r := range req {
					msgs = append(msgs, strings.ReplaceAll(text, "${property}", r.(string)))
				}
			}
		}
		for k, v := range n {
			if k == "message" {
				continue
			}
			a, b := schemaMessages(v)
			msgs, unreachable = append(msgs, a...), append(unreachable, b...)
		}
	case []any:
		for _, v := range n {
			a, b := schemaMessages(v)
			msgs, unreachable = append(msgs, a...), append(unreachable, b...)
		}
	}
	return msgs, unreachable
}

// TestSchemaMessagesCovered proves the message catalogue complete: every
// message of ballerina-toml-schema.json is produced by at least one row of
// ballerinaCases.
func TestSchemaMessagesCovered(t *testing.T) {
	produced := map[string]bool{}
	for _, tc := range ballerinaCases {
		_, diags := ParseBallerinaToml("Ballerina.toml", []byte(tc.src), testDefaults)
		for _, d := range diags {
			produced[d.Message] = true
		}
	}
	msgs, unreachable := schemaMessages(sharedSchema(t, "ballerina-toml-schema.json"))
	if len(msgs) < 25 {
		t.Fatalf("only %d messages found in the schema", len(msgs))
	}
	for _, m := range msgs {
		if !produced[m] {
			t.Errorf("schema message never produced: %q", m)
		}
	}
	for _, m := range unreachable {
		t.Logf("unreachable (empty required list): %q", m)
	}
}

// schemaTypeRows generates, for every property of a JSON schema, a TOML
// document giving it a value of the wrong type, with the message the
// validator must produce; and for every object with additionalProperties
// false, a document with an unknown key. Values are written as nested
// inline tables and arrays so one generator covers every depth.
type schemaRow struct {
	src, want string
}

func schemaTypeRows(schema map[string]any) []schemaRow {
	var rows []schemaRow
	var walk func(node map[string]any, path []string, parentKey string)
	// doc writes path (keys, "[]" for an array element) with the value v.
	doc := func(path []string, v string) string {
		var expr func(i int) string
		expr = func(i int) string {
			switch {
			case i == len(path):
				return v
			case path[i] == "[]":
				return "[" + expr(i+1) + "]"
			default:
				return "{" + path[i] + " = " + expr(i+1) + "}"
			}
		}
		return path[0] + " = " + expr(1) + "\n"
	}
	typeName := map[string]string{"string": "STRING", "boolean": "BOOLEAN", "integer": "INTEGER", "array": "ARRAY", "object": "OBJECT"}
	walk = func(node map[string]any, path []string, key string) {
		typ, _ := node["type"].(string)
		if len(path) > 0 {
			wrong, found := "\"s\"", "STRING"
			if typ == "string" {
				wrong, found = "true", "BOOLEAN"
			}
			rows = append(rows, schemaRow{doc(path, wrong),
				fmt.Sprintf("incompatible type for key '%s': expected '%s', found '%s'", key, typeName[typ], found)})
		}
		switch typ {
		case "object":
			if ap, ok := node["additionalProperties"].(bool); ok && !ap && len(path) > 0 {
				rows = append(rows, schemaRow{doc(append(append([]string{}, path...), "zzz"), "1"),
					fmt.Sprintf("key 'zzz' not supported in schema '%s'", key)})
			}
			props, _ := node["properties"].(map[string]any)
			for k, sub := range props {
				walk(sub.(map[string]any), append(append([]string{}, path...), k), k)
			}
		case "array":
			if items, ok := node["items"].(map[string]any); ok {
				walk(items, append(append([]string{}, path...), "[]"), key)
			}
		}
	}
	walk(schema, nil, "")
	return rows
}

// TestSchemaTypesEnforced checks that every typed key of the Ballerina.toml
// schema rejects a value of another type, and every closed object rejects
// an unknown key, with the validator's message.
func TestSchemaTypesEnforced(t *testing.T) {
	rows := schemaTypeRows(sharedSchema(t, "ballerina-toml-schema.json"))
	if len(rows) < 50 {
		t.Fatalf("only %d rows generated", len(rows))
	}
	checkSchemaTypeRows(t, rows, func(src []byte) Diagnostics {
		_, diags := ParseBallerinaToml("Ballerina.toml", src, testDefaults)
		return diags
	})
}

// checkSchemaTypeRows parses each generated row and requires its expected
// message among the diagnostics, as a positioned error.
func checkSchemaTypeRows(t *testing.T, rows []schemaRow, parse func([]byte) Diagnostics) {
	t.Helper()
	for _, r := range rows {
		diags := parse([]byte(r.src))
		found := false
		for _, d := range diags {
			if d.Message == r.want && d.Severity == SeverityError && d.Pos.IsValid() {
				found = true
			}
		}
		if !found {
			t.Errorf("%s: want %q, got %q", strings.TrimSpace(r.src), r.want, fmtDiags(diags))
		}
	}
}
