package bala

import (
	"archive/zip"
	"bytes"
	"errors"
	"flag"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/balcentral/balcentral/internal/handout"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/metadata")

// sampleEntries returns the metadata files of the conformance sample
// archive, read in place from the zip.
func sampleEntries(t testing.TB) map[string][]byte {
	t.Helper()
	zr, err := zip.OpenReader(handout.Path(t, "conformance", "bala", "sf-any.bala"))
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	out := make(map[string][]byte)
	for _, f := range zr.File {
		switch f.Name {
		case BalaJSONFile, PackageJSONFile, DependencyGraphJSONFile:
			rc, err := f.Open()
			if err != nil {
				t.Fatal(err)
			}
			data, err := io.ReadAll(rc)
			rc.Close()
			if err != nil {
				t.Fatal(err)
			}
			out[f.Name] = data
		}
	}
	if len(out) != 3 {
		t.Fatalf("sample archive holds %d of the 3 metadata files", len(out))
	}
	return out
}

// golden compares got with testdata/metadata/<name>, or rewrites the file
// under -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", "metadata", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the golden file:\n--- got\n%s\n--- want\n%s", name, got, want)
	}
}

func TestSampleBalaJSON(t *testing.T) {
	data := sampleEntries(t)[BalaJSONFile]
	b, err := ReadBalaJSON(BalaJSONFile, data)
	if err != nil {
		t.Fatal(err)
	}
	if want := (BalaJSON{BalaVersion: "2.0.0", BuiltBy: "WSO2"}); *b != want {
		t.Errorf("ReadBalaJSON(sample) = %+v, want %+v (balo_version read as the version)", *b, want)
	}
	out, err := MarshalBalaJSON(b)
	if err != nil {
		t.Fatal(err)
	}
	golden(t, "sample-bala.json", out)
	back, err := ReadBalaJSON(BalaJSONFile, out)
	if err != nil || *back != *b {
		t.Errorf("bala.json round trip = %+v, %v; want %+v", back, err, b)
	}

	cur, err := MarshalBalaJSON(NewBalaJSON())
	if err != nil {
		t.Fatal(err)
	}
	if want := "{\n  \"bala_version\": \"3.0.0\",\n  \"built_by\": \"WSO2\"\n}"; string(cur) != want {
		t.Errorf("MarshalBalaJSON(NewBalaJSON()) = %q, want %q", cur, want)
	}
}

func TestSamplePackageJSON(t *testing.T) {
	data := sampleEntries(t)[PackageJSONFile]
	p, err := ReadPackageJSON(PackageJSONFile, data)
	if err != nil {
		t.Fatal(err)
	}
	want := &PackageJSON{
		Organization: "foo", Name: "winery", Version: "0.1.0",
		BallerinaVersion: "Ballerina 2.0.0", ImplementationVendor: "WSO2", LanguageSpecVersion: "2020r2",
		Platform: "any",
	}
	if !reflect.DeepEqual(p, want) {
		t.Errorf("ReadPackageJSON(sample) = %+v, want %+v", p, want)
	}
	out, err := MarshalPackageJSON(p)
	if err != nil {
		t.Fatal(err)
	}
	golden(t, "sample-package.json", out)
	back, err := ReadPackageJSON(PackageJSONFile, out)
	if err != nil || !reflect.DeepEqual(back, p) {
		t.Errorf("package.json round trip = %+v, %v; want %+v", back, err, p)
	}
}

func TestSampleDependencyGraphJSON(t *testing.T) {
	data := sampleEntries(t)[DependencyGraphJSONFile]
	g, err := ReadDependencyGraphJSON(DependencyGraphJSONFile, data)
	if err != nil {
		t.Fatal(err)
	}
	want := &DependencyGraph{
		Packages: []GraphPackage{
			{Org: "samjs", Name: "package_c", Version: "0.1.0"},
			{Org: "samjs", Name: "package_b", Version: "0.1.0", Dependencies: []PackageRef{{"samjs", "package_c", "0.1.0"}}},
			{Org: "samjs", Name: "package_missing", Version: "1.0.0"},
		},
		Modules: []GraphModule{
			{Org: "samjs", PackageName: "package_b", Version: "0.1.0", ModuleName: "package_b", Dependencies: []ModuleRef{
				{"samjs", "package_b", "0.1.0", "package_b.mod_b2"},
				{"samjs", "package_b", "0.1.0", "package_b.mod_b1"},
			}},
			{Org: "samjs", PackageName: "package_b", Version: "0.1.0", ModuleName: "package_b.mod_b2", Dependencies: []ModuleRef{
				{"samjs", "package_c", "0.1.0", "package_c.mod_c1"},
			}},
			{Org: "samjs", PackageName: "package_b", Version: "0.1.0", ModuleName: "package_b.mod_b1", Dependencies: []ModuleRef{
				{"samjs", "package_b", "0.1.0", "package_b.mod_b2"},
			}},
		},
	}
	if !reflect.DeepEqual(g, want) {
		t.Errorf("ReadDependencyGraphJSON(sample) =\n%+v\nwant\n%+v", g, want)
	}
	out, err := MarshalDependencyGraphJSON(g)
	if err != nil {
		t.Fatal(err)
	}
	golden(t, "sample-dependency-graph.json", out)
	back, err := ReadDependencyGraphJSON(DependencyGraphJSONFile, out)
	if err != nil || !reflect.DeepEqual(back, g) {
		t.Errorf("dependency-graph.json round trip = %+v, %v; want %+v", back, err, g)
	}
}

// fullPackageJSON sets every key of package.json.
func fullPackageJSON() *PackageJSON {
	yes := true
	return &PackageJSON{
		Organization: "samjs", Name: "winery", Version: "1.2.3-beta.1",
		Licenses: []string{"Apache-2.0"}, Authors: []string{"Sam", "Jo"},
		SourceRepository: "https://github.com/samjs/winery", Keywords: []string{"wine", "Cost/Free"},
		Export: []string{"winery", "winery.api"}, Include: []string{"data/**"},
		Visibility: "private", Icon: "docs/icon.png",
		BallerinaVersion: "2201.13.0", ImplementationVendor: "WSO2", LanguageSpecVersion: "2024R1",
		Platform: "java21",
		PlatformDependencies: []PlatformDependency{
			{Path: "platform/java21/driver-1.0.jar", ArtifactID: "driver", GroupID: "com.example", Version: "1.0"},
			{ArtifactID: "api", GroupID: "com.example", Version: "2.0", Scope: "provided"},
		},
		GraalVMCompatible: &yes,
		Template:          true, TemplateVersion: "1.0.0",
		Readme: "docs/README.md", Description: "Wines <&> 'cellars' = fun",
		Modules: []ModuleJSON{
			{Name: "winery", Export: true, Description: "The API", Readme: "docs/modules/winery/README.md"},
			{Name: "winery.internal"},
		},
	}
}

func TestFullPackageJSON(t *testing.T) {
	p := fullPackageJSON()
	out, err := MarshalPackageJSON(p)
	if err != nil {
		t.Fatal(err)
	}
	golden(t, "full-package.json", out)
	if !bytes.Contains(out, []byte(`"Wines \u003c\u0026\u003e \u0027cellars\u0027 \u003d fun"`)) {
		t.Errorf("description not escaped as Gson does:\n%s", out)
	}
	back, err := ReadPackageJSON(PackageJSONFile, out)
	if err != nil || !reflect.DeepEqual(back, p) {
		t.Errorf("package.json round trip = %+v, %v; want %+v", back, err, p)
	}

	// Only the identity: template is still written, nothing else.
	min, err := MarshalPackageJSON(&PackageJSON{Organization: "a", Name: "b", Version: "0.1.0"})
	if err != nil {
		t.Fatal(err)
	}
	want := "{\n  \"organization\": \"a\",\n  \"name\": \"b\",\n  \"version\": \"0.1.0\",\n  \"template\": false\n}"
	if string(min) != want {
		t.Errorf("minimal package.json = %q, want %q", min, want)
	}
}

func TestCurrentDependencyGraphJSON(t *testing.T) {
	g := &DependencyGraph{
		Packages: []GraphPackage{
			{Org: "mockorg", Name: "outerpkg", Version: "0.1.0", Dependencies: []PackageRef{{"mockorg", "innerpkg", "0.1.0"}}},
		},
	}
	out, err := MarshalDependencyGraphJSON(g)
	if err != nil {
		t.Fatal(err)
	}
	// The reference writer's output for this graph: every package entry,
	// nested ones too, has transitive, dependencies and modules, and an
	// empty module list is written as [].
	want := `{
  "packages": [
    {
      "org": "mockorg",
      "name": "outerpkg",
      "version": "0.1.0",
      "transitive": false,
      "dependencies": [
        {
          "org": "mockorg",
          "name": "innerpkg",
          "version": "0.1.0",
          "transitive": false,
          "dependencies": [],
          "modules": []
        }
      ],
      "modules": []
    }
  ],
  "modules": []
}`
	if string(out) != want {
		t.Errorf("MarshalDependencyGraphJSON =\n%s\nwant\n%s", out, want)
	}
	empty, err := MarshalDependencyGraphJSON(&DependencyGraph{})
	if err != nil || string(empty) != "{\n  \"packages\": [],\n  \"modules\": []\n}" {
		t.Errorf("empty graph = %q, %v", empty, err)
	}
}

func TestReadTolerates(t *testing.T) {
	tests := []struct {
		name string
		read func() (any, error)
		want any
	}{
		{
			"bala.json with both keys prefers bala_version",
			func() (any, error) {
				return ReadBalaJSON("bala.json", []byte(`{"balo_version":"2.0.0","bala_version":"3.0.0"}`))
			},
			&BalaJSON{BalaVersion: "3.0.0"},
		},
		{
			"package.json: unknown keys, nulls, wrong-case keys ignored",
			func() (any, error) {
				return ReadPackageJSON("package.json", []byte(`{"organization":"a","name":"b","version":"1.0.0",
					"Name":"evil","licenses":null,"keywords":[],"new_key":{"x":[1,2]},"template":null,
					"modules":[{"name":"b","export":true,"extra":1}],"authors":["x",null]}`))
			},
			&PackageJSON{Organization: "a", Name: "b", Version: "1.0.0", Authors: []string{"x", ""},
				Modules: []ModuleJSON{{Name: "b", Export: true}}},
		},
		{
			"dependency-graph.json: transitive, modules and scope per entry",
			func() (any, error) {
				return ReadDependencyGraphJSON("dependency-graph.json", []byte(`{"packages":[{"org":"a","name":"b",
					"version":"1.0.0","scope":"DEFAULT","transitive":true,"modules":[{"org":"a","packageName":"b"}],
					"dependencies":[{"org":"ballerina","name":"lang.__internal","version":"0.0.0","transitive":false,
					"dependencies":[],"modules":[]}]}]}`))
			},
			&DependencyGraph{Packages: []GraphPackage{{Org: "a", Name: "b", Version: "1.0.0",
				Dependencies: []PackageRef{{"ballerina", "lang.__internal", "0.0.0"}}}}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := tt.read()
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got %+v, want %+v", got, tt.want)
			}
		})
	}
}

func TestReadErrors(t *testing.T) {
	tests := []struct {
		name    string
		read    func([]byte) error
		data    string
		wantErr string
	}{
		{"pkg not JSON", readPkg, `{"organization":`, "package.json: invalid JSON: unexpected end of JSON input"},
		{"pkg not an object", readPkg, `["a"]`, "package.json: expected a JSON object, found an array"},
		{"pkg missing org", readPkg, `{"name":"b","version":"1.0.0"}`, "package.json: organization: required field missing"},
		{"pkg empty name", readPkg, `{"organization":"a","name":"","version":"1.0.0"}`, "package.json: name: required field missing"},
		{"pkg missing version", readPkg, `{"organization":"a","name":"b"}`, "package.json: version: required field missing"},
		{"pkg wrong-case key only", readPkg, `{"Organization":"a","name":"b","version":"1.0.0"}`, "package.json: organization: required field missing"},
		{"pkg invalid org", readPkg, `{"organization":"a-b","name":"b","version":"1.0.0"}`, "package.json: organization: invalid organization name 'a-b': invalid characters"},
		{"pkg traversal name", readPkg, `{"organization":"a","name":"..","version":"1.0.0"}`, "package.json: name: invalid package name '..': only periods"},
		{"pkg invalid version", readPkg, `{"organization":"a","name":"b","version":"1.0"}`, "package.json: version: Invalid version: '1.0'."},
		{"pkg version not a string", readPkg, `{"organization":"a","name":"b","version":1}`, "package.json: version: expected a string, found a number"},
		{"pkg template not a boolean", readPkg, `{"organization":"a","name":"b","version":"1.0.0","template":"yes"}`, "package.json: template: expected a boolean, found a string"},
		{"pkg licenses not an array", readPkg, `{"organization":"a","name":"b","version":"1.0.0","licenses":"MIT"}`, "package.json: licenses: expected an array, found a string"},
		{"pkg keyword not a string", readPkg, `{"organization":"a","name":"b","version":"1.0.0","keywords":["a",2]}`, "package.json: keywords[1]: expected a string, found a number"},
		{"pkg invalid platform", readPkg, `{"organization":"a","name":"b","version":"1.0.0","platform":"../x"}`, `package.json: platform: invalid platform "../x"`},
		{"pkg module of another package", readPkg, `{"organization":"a","name":"b","version":"1.0.0","modules":[{"name":"b"},{"name":"c.d"}]}`, `package.json: modules[1].name: module "c.d" is not in package "b"`},
		{"pkg module without name", readPkg, `{"organization":"a","name":"b","version":"1.0.0","modules":[{"export":true}]}`, "package.json: modules[0].name: required field missing"},
		{"pkg module not an object", readPkg, `{"organization":"a","name":"b","version":"1.0.0","modules":["b"]}`, "package.json: modules[0]: expected an object, found a string"},
		{"pkg too large", readPkg, strings.Repeat(" ", MaxMetadataFile+1), "package.json: file too large"},
		{"graph dep without version", readGraph, `{"packages":[{"org":"a","name":"b","version":"1.0.0","dependencies":[{"org":"c","name":"d"}]}]}`, "dependency-graph.json: packages[0].dependencies[0].version: required field missing"},
		{"graph package invalid version", readGraph, `{"packages":[{"org":"a","name":"b","version":"01.0.0"}]}`, "dependency-graph.json: packages[0].version: Invalid version: '01.0.0'."},
		{"graph dependencies not an array", readGraph, `{"packages":[{"org":"a","name":"b","version":"1.0.0","dependencies":{}}]}`, "dependency-graph.json: packages[0].dependencies: expected an array, found an object"},
		{"graph module without module_name", readGraph, `{"modules":[{"org":"a","package_name":"b","version":"1.0.0"}]}`, "dependency-graph.json: modules[0].module_name: required field missing"},
		{"graph module dep bad name", readGraph, `{"modules":[{"org":"a","package_name":"b","version":"1.0.0","module_name":"b","dependencies":[{"org":"a","package_name":"b","version":"1.0.0","module_name":"b./x"}]}]}`, `dependency-graph.json: modules[0].dependencies[0].module_name: invalid module name "b./x"`},
		{"bala.json without version", readBala, `{"built_by":"WSO2"}`, "bala.json: bala_version: required field missing"},
		{"bala.json version not a string", readBala, `{"bala_version":3}`, "bala.json: bala_version: expected a string, found a number"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.read([]byte(tt.data))
			if err == nil {
				t.Fatalf("no error, want %q", tt.wantErr)
			}
			if !strings.HasPrefix(err.Error(), tt.wantErr) {
				t.Errorf("error = %q, want prefix %q", err, tt.wantErr)
			}
			var me *MetadataError
			if !errors.As(err, &me) {
				t.Errorf("error %T is not a *MetadataError", err)
			}
		})
	}
}

func readPkg(data []byte) error {
	_, err := ReadPackageJSON(PackageJSONFile, data)
	return err
}

func readGraph(data []byte) error {
	_, err := ReadDependencyGraphJSON(DependencyGraphJSONFile, data)
	return err
}

func readBala(data []byte) error {
	_, err := ReadBalaJSON(BalaJSONFile, data)
	return err
}

func TestMarshalValidates(t *testing.T) {
	if _, err := MarshalPackageJSON(&PackageJSON{Organization: "a", Name: "b"}); !errors.Is(err, ErrMissingField) {
		t.Errorf("MarshalPackageJSON without a version: err = %v, want ErrMissingField", err)
	}
	g := &DependencyGraph{Packages: []GraphPackage{{Org: "a", Name: "b", Version: "x"}}}
	if _, err := MarshalDependencyGraphJSON(g); err == nil || !strings.HasPrefix(err.Error(), "dependency-graph.json: packages[0].version:") {
		t.Errorf("MarshalDependencyGraphJSON with a bad version: err = %v", err)
	}
	if _, err := MarshalBalaJSON(&BalaJSON{}); !errors.Is(err, ErrMissingField) {
		t.Errorf("MarshalBalaJSON(empty): err = %v, want ErrMissingField", err)
	}
}

func TestIsValidPlatform(t *testing.T) {
	for s, want := range map[string]bool{
		"any": true, "java21": true, "java25": true, "": false, "Java21": false, "21": false,
		"java-21": false, "../any": false, ".any": false, "any/": false,
	} {
		if got := IsValidPlatform(s); got != want {
			t.Errorf("IsValidPlatform(%q) = %v, want %v", s, got, want)
		}
	}
}

// FuzzReadPackageJSON checks that ReadPackageJSON never panics and that
// whatever it accepts is written and read back unchanged.
func FuzzReadPackageJSON(f *testing.F) {
	f.Add([]byte(`{"organization":"a","name":"b","version":"1.0.0"}`))
	f.Add(sampleEntries(f)[PackageJSONFile])
	if out, err := MarshalPackageJSON(fullPackageJSON()); err == nil {
		f.Add(out)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := ReadPackageJSON(PackageJSONFile, data)
		if err != nil {
			return
		}
		out, err := MarshalPackageJSON(p)
		if err != nil {
			t.Fatalf("MarshalPackageJSON of an accepted file: %v", err)
		}
		back, err := ReadPackageJSON(PackageJSONFile, out)
		if err != nil {
			t.Fatalf("re-reading the written file: %v\n%s", err, out)
		}
		if !reflect.DeepEqual(back, p) {
			t.Fatalf("round trip changed the model:\n%+v\n%+v", p, back)
		}
	})
}

// FuzzReadDependencyGraphJSON is FuzzReadPackageJSON for
// dependency-graph.json.
func FuzzReadDependencyGraphJSON(f *testing.F) {
	f.Add([]byte(`{"packages":[{"org":"a","name":"b","version":"1.0.0","dependencies":[{"org":"c","name":"d","version":"0.1.0"}]}],"modules":[]}`))
	f.Add(sampleEntries(f)[DependencyGraphJSONFile])
	f.Fuzz(func(t *testing.T, data []byte) {
		g, err := ReadDependencyGraphJSON(DependencyGraphJSONFile, data)
		if err != nil {
			return
		}
		out, err := MarshalDependencyGraphJSON(g)
		if err != nil {
			t.Fatalf("MarshalDependencyGraphJSON of an accepted file: %v", err)
		}
		back, err := ReadDependencyGraphJSON(DependencyGraphJSONFile, out)
		if err != nil {
			t.Fatalf("re-reading the written file: %v\n%s", err, out)
		}
		if !reflect.DeepEqual(back, g) {
			t.Fatalf("round trip changed the model:\n%+v\n%+v", g, back)
		}
	})
}
