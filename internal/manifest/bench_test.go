package manifest

import (
	"fmt"
	"testing"

	"github.com/balcentral/balcentral/internal/handout"
)

// syntheticLock returns a lock file of n packages, each depending on up to
// three others and importing one module, the shape of a large application's
// Dependencies.toml.
func syntheticLock(n int) *DependenciesToml {
	d := &DependenciesToml{TomlVersion: DependenciesTomlVersion, DistributionVersion: "2201.13.0"}
	for i := 0; i < n; i++ {
		p := LockedPackage{Org: fmt.Sprintf("org%d", i%17), Name: fmt.Sprintf("pkg%04d", i), Version: fmt.Sprintf("1.%d.%d", i%9, i%5)}
		for j := 1; j <= 3 && i+j < n; j++ {
			k := (i*7 + j*13) % n
			p.Dependencies = append(p.Dependencies, PackageRef{Org: fmt.Sprintf("org%d", k%17), Name: fmt.Sprintf("pkg%04d", k)})
		}
		p.Modules = []LockedModule{{Org: p.Org, PackageName: p.Name, ModuleName: p.Name}}
		d.Packages = append(d.Packages, p)
	}
	return d
}

func BenchmarkParseDependenciesTomlReal(b *testing.B) {
	data := handout.ReadFile(b, "conformance", "dependencies-toml", "real-module-ballerina-io.Dependencies.toml")
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		if _, diags := ParseDependenciesToml("Dependencies.toml", data); diags.HasErrors() {
			b.Fatal(diags.Err())
		}
	}
}

func BenchmarkParseDependenciesToml1000(b *testing.B) {
	data := FormatDependenciesToml(syntheticLock(1000))
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		if _, diags := ParseDependenciesToml("Dependencies.toml", data); diags.HasErrors() {
			b.Fatal(diags.Err())
		}
	}
}

func BenchmarkFormatDependenciesToml1000(b *testing.B) {
	d := syntheticLock(1000)
	for b.Loop() {
		FormatDependenciesToml(d)
	}
}

func BenchmarkParseBallerinaToml(b *testing.B) {
	data := []byte(`[package]
org = "myorg"
name = "winery"
version = "1.3.5"
license = ["Apache-2.0"]
authors = ["WSO2"]
keywords = ["wine", "store"]
repository = "https://example.com/winery"
readme = "README.md"

[[dependency]]
org = "myorg"
name = "cellar"
version = "2.1.0"
repository = "local"

[build-options]
observabilityIncluded = true
`)
	for b.Loop() {
		if _, diags := ParseBallerinaToml("Ballerina.toml", data, PackageDefaults{}); len(diags) != 0 {
			b.Fatal(diags.Err())
		}
	}
}
